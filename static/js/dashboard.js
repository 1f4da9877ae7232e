/* The leaders' dashboard: draws the charts from the figures the page carries in
   <script id="dashboard-data" type="application/json"> with the vendored Apache ECharts.
   No build step; charts stack on a phone and redraw when the window changes size. */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fn);
    else fn();
  }

  var PALETTE = ["#b71c1c", "#1a4fa0", "#1b7f3b", "#b26a00", "#6a1b9a", "#00838f", "#5d4037", "#455a64", "#ad1457", "#827717"];
  var BASE = { color: PALETTE, animation: false, textStyle: { fontFamily: "system-ui, 'PingFang SC', 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif" } };

  function merge(options) {
    var out = {};
    Object.keys(BASE).forEach(function (k) { out[k] = BASE[k]; });
    Object.keys(options).forEach(function (k) { out[k] = options[k]; });
    return out;
  }

  function narrow() { return window.innerWidth < 760; }

  function barsOf(rows, horizontal) {
    var names = rows.map(function (r) { return r.name; });
    var values = rows.map(function (r) { return r.value; });
    if (horizontal) { names.reverse(); values.reverse(); }  // the largest at the top
    var category = { type: "category", data: names, axisLabel: { interval: 0, width: narrow() ? 84 : 140, overflow: "truncate" } };
    var value = { type: "value", minInterval: 1 };
    return merge({
      grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : value,
      series: [{ type: "bar", data: values, label: { show: true, position: horizontal ? "right" : "top" } }]
    });
  }

  var builders = {
    volume: function (d) {
      return merge({
        grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
        tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: d.months },
        yAxis: { type: "value", minInterval: 1 },
        series: [{ name: d.labels.registered, type: "line", smooth: true, areaStyle: { opacity: 0.15 }, data: d.registered,
                   label: { show: !narrow(), position: "top" } }]
      });
    },
    rates: function (d) {
      var keys = ["response", "resolution", "satisfaction", "on_time"];
      return merge({
        grid: { left: 8, right: 16, top: 48, bottom: 8, containLabel: true },
        legend: { top: 0, data: keys.map(function (k) { return d.labels[k]; }) },
        tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v + "%"; } },
        xAxis: { type: "category", data: d.months },
        yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
        series: keys.map(function (k) {
          return { name: d.labels[k], type: "line", connectNulls: true, data: d.rates[k] };
        })
      });
    },
    villages: function (d) { return barsOf(d.villages, true); },
    channels: function (d) { return barsOf(d.channels.filter(function (r) { return r.value > 0; }), true); },
    categories: function (d) { return barsOf(d.categories, true); },
    origins: function (d) {
      return merge({
        tooltip: { trigger: "item" },
        legend: { bottom: 0 },
        series: [{ type: "pie", radius: narrow() ? ["30%", "60%"] : ["35%", "65%"], center: ["50%", "45%"],
                   label: { formatter: "{c}\n{d}%" }, data: d.origins }]
      });
    }
  };

  ready(function () {
    var source = document.getElementById("dashboard-data");
    if (!source || !window.echarts) return;
    var data = JSON.parse(source.textContent);
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var build = builders[el.getAttribute("data-chart")];
      if (!build) return;
      // Bar charts grow with their rows (set here: the CSP allows no style attribute).
      var bars = el.getAttribute("data-bars");
      if (bars) el.style.setProperty("--bars", bars);
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(build(data));
      el.setAttribute("data-drawn", "true");
      charts.push({ chart: chart, el: el, build: build });
    });
    var wasNarrow = narrow();
    var pending = null;
    window.addEventListener("resize", function () {
      clearTimeout(pending);
      pending = setTimeout(function () {
        var nowNarrow = narrow();
        charts.forEach(function (c) {
          if (nowNarrow !== wasNarrow) c.chart.setOption(c.build(data), true);
          c.chart.resize();
        });
        wasNarrow = nowNarrow;
      }, 150);
    });
  });
})();
