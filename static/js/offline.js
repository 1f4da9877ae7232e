// Weak signal: forms marked data-offline-form are sent with fetch; when the connection is
// down the form is kept on the phone (IndexedDB, photos included) and sent again when the
// signal returns. Each form carries a client token, so a copy that did reach the server
// is not applied twice. The outbox bar shows what is still waiting.
(function () {
  "use strict";
  if (!window.indexedDB || !window.fetch) return;
  // A page shown after a sent form replaces the document but keeps this window and its
  // listeners (all on window): set them up once.
  if (window.deskOffline) { window.deskOffline.render(); window.deskOffline.flush(); return; }
  var DB = "desk-outbox", STORE = "forms";
  var sending = false;
  function outboxBar() { return document.getElementById("outbox"); }

  function db() {
    return new Promise(function (resolve, reject) {
      var open = indexedDB.open(DB, 1);
      open.onupgradeneeded = function () { open.result.createObjectStore(STORE, { keyPath: "id", autoIncrement: true }); };
      open.onsuccess = function () { resolve(open.result); };
      open.onerror = function () { reject(open.error); };
    });
  }
  function tx(mode, work) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var t = d.transaction(STORE, mode), result;
        t.oncomplete = function () { resolve(result); };
        t.onerror = function () { reject(t.error); };
        result = work(t.objectStore(STORE));
      });
    });
  }
  function all() {
    return tx("readonly", function (store) { var r = store.getAll(); return r; }).then(function (r) { return r.result; });
  }
  function put(item) { return tx("readwrite", function (store) { store.put(item); }); }
  function remove(id) { return tx("readwrite", function (store) { store.delete(id); }); }

  function render() {
    var bar = outboxBar();
    if (!bar) return;
    all().then(function (items) {
      bar.hidden = items.length === 0;
      bar.querySelector("[data-count]").textContent = items.length;
      var list = bar.querySelector("ul");
      list.innerHTML = "";
      items.forEach(function (item) {
        var li = document.createElement("li");
        li.textContent = item.title + (item.error ? " — " + item.error : "");
        list.appendChild(li);
      });
    });
  }

  function send(item) {
    var body = new FormData();
    item.entries.forEach(function (pair) {
      if (pair.length === 3) body.append(pair[0], pair[1], pair[2]); else body.append(pair[0], pair[1]);
    });
    return fetch(item.url, { method: "POST", body: body, credentials: "same-origin" });
  }

  function flush() {
    if (sending || !navigator.onLine) return Promise.resolve();
    sending = true;
    return all().then(function (items) {
      return items.reduce(function (chain, item) {
        return chain.then(function () {
          return send(item).then(function (response) {
            if (response.ok || response.redirected) return remove(item.id);
            var bar = outboxBar();
            item.error = (bar ? bar.dataset.refused + " " : "") + "(" + response.status + ")";
            return put(item);
          }).catch(function () { /* still offline: keep it */ });
        });
      }, Promise.resolve());
    }).then(function () { sending = false; render(); }, function () { sending = false; });
  }

  function newToken(form) {
    var token = form.querySelector("input[name$='client_token']");
    if (token && window.crypto && crypto.randomUUID) token.value = crypto.randomUUID();
  }

  function show(response) {
    // Show the page the server answered with, without fetching it a second time.
    return response.text().then(function (html) {
      if (response.redirected) history.pushState(null, "", response.url);
      document.open();
      document.write(html);
      document.close();
      window.scrollTo(0, 0);
    });
  }

  window.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-offline-form]")) return;
    event.preventDefault();
    var data = new FormData(form);
    var entries = [];
    data.forEach(function (value, name) {
      entries.push(value instanceof File ? [name, value, value.name] : [name, value]);
    });
    var item = { url: form.action || location.href, entries: entries, title: form.dataset.offlineForm || document.title, at: Date.now() };
    var button = form.querySelector("[type=submit]");
    if (button) button.disabled = true;
    send(item).then(show).catch(function () {
      put(item).then(function () {
        form.reset();
        newToken(form);
        if (button) button.disabled = false;
        render();
        if (outboxBar()) outboxBar().scrollIntoView({ block: "nearest" });
      });
    });
  });

  window.addEventListener("submit", function (event) {
    // Logging out: forget the pages kept for offline reading.
    if (event.target.matches && event.target.matches("[data-logout]") && window.caches) {
      caches.keys().then(function (keys) { keys.forEach(function (k) { caches.delete(k); }); });
    }
  }, true);

  window.addEventListener("online", flush);
  window.addEventListener("popstate", function () { location.reload(); });
  window.deskOffline = { render: render, flush: flush };
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js").catch(function () {});
  render();
  flush();
})();
