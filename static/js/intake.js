// The desk's intake page: look up the person as the clerk types, keep a draft of
// everything typed in this browser until it is saved, Ctrl+Enter to save, one submit only.
(function () {
  "use strict";
  var form = document.getElementById("intake");
  if (!form) return;
  var box = document.getElementById("lookup");
  var draftKey = "desk-draft-" + form.dataset.draft;
  var timer = null;

  function value(name) {
    var el = form.elements[name];
    return el ? el.value : "";
  }

  function lookup() {
    var params = new URLSearchParams({
      phone: value("p-0-phone"),
      id_number: value("p-0-id_number"),
      village: value("village"),
      category: value("category"),
      title: value("title")
    });
    fetch(form.dataset.lookup + "?" + params.toString(), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) { box.innerHTML = html; })
      .catch(function () { /* offline: the clerk can still register */ });
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(lookup, 300);
  }

  ["p-0-phone", "p-0-id_number", "village", "category", "title"].forEach(function (name) {
    var el = form.elements[name];
    if (el) el.addEventListener(el.tagName === "SELECT" ? "change" : "input", schedule);
  });

  box.addEventListener("click", function (event) {
    var button = event.target.closest(".use-repeat");
    if (!button) return;
    form.elements["repeat_of"].value = button.dataset.number;
    form.elements["repeat_of"].focus();
  });

  // Who answers for it by default: the most specific rule for the category (or its parent)
  // and the village, as petitions/responsibility.py picks it on the server.
  var table = document.getElementById("responsibility-rules");
  var shown = document.getElementById("responsibility-default");
  function showDefault() {
    if (!table || !shown) return;
    var data = JSON.parse(table.textContent);
    var category = parseInt(value("category"), 10);
    var village = parseInt(value("village"), 10) || null;
    if (!category) return;
    var parent = data.parents[category] || null;
    var best = null, bestScore = -1;
    data.rules.forEach(function (rule) {
      if (rule.category !== null && rule.category !== category && rule.category !== parent) return;
      if (rule.village !== null && rule.village !== village) return;
      var score = (rule.category === category ? 20 : rule.category !== null ? 10 : 0) + (rule.village !== null ? 1 : 0);
      if (score > bestScore) { best = rule; bestScore = score; }
    });
    shown.dataset.leader = best ? best.leader : "";
    shown.textContent = best
      ? shown.dataset.template.replace("{leader}", best.leader_name).replace("{unit}", best.unit)
      : shown.dataset.none;
  }
  ["category", "village"].forEach(function (name) {
    var el = form.elements[name];
    if (el) el.addEventListener("change", showDefault);
  });

  // Draft: everything typed survives a reload or a crash until the petition is saved.
  var skip = { csrfmiddlewaretoken: 1, client_token: 1 };
  function saveDraft() {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || skip[el.name]) return;
      data[el.name] = el.type === "checkbox" ? el.checked : el.value;
    });
    try { localStorage.setItem(draftKey, JSON.stringify(data)); } catch (e) { /* storage full or off */ }
  }
  function restoreDraft() {
    if (form.querySelector(".errors")) return; // the server sent the typed values back already
    var raw = null;
    try { raw = localStorage.getItem(draftKey); } catch (e) { return; }
    if (!raw) return;
    var data = JSON.parse(raw);
    Object.keys(data).forEach(function (name) {
      var el = form.elements[name];
      if (!el || el.type === "hidden") return;
      if (el.type === "checkbox") el.checked = !!data[name]; else el.value = data[name];
    });
  }
  restoreDraft();
  showDefault();
  form.addEventListener("input", saveDraft);
  form.addEventListener("change", saveDraft);

  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  form.addEventListener("submit", function () {
    var button = document.getElementById("save");
    setTimeout(function () { button.disabled = true; }, 0);
  });
})();
