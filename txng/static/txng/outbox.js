// The forms kept on this phone while offline (IndexedDB "txng", store "outbox"), and sending
// them. Loaded by the pages (app.js) and by the service worker (importScripts), which sends
// them when the connection returns. Each carries an idempotency key: the server records a key
// once, so a send repeated after a lost answer changes nothing.
(function (scope) {
  "use strict";
  var DB = "txng", STORE = "outbox";

  function open() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "key" }); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function run(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(result && result.result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function all() {
    return run("readonly", function (s) { return s.getAll(); }).then(function (rows) {
      return (rows || []).sort(function (a, b) { return a.made_at < b.made_at ? -1 : 1; });
    });
  }
  function put(entry) { return run("readwrite", function (s) { return s.put(entry); }); }
  function remove(key) { return run("readwrite", function (s) { return s.delete(key); }); }

  function newKey() {
    if (scope.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
  }

  // Keep a submitted form: its fields (files as Blobs), where it goes and when it was made.
  function add(form, title) {
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken") return;
      if (value instanceof Blob) {
        if (value.size) fields.push([name, value, value.name || "photo.jpg"]);
      } else {
        fields.push([name, value]);
      }
    });
    var entry = {
      key: newKey(), url: form.action, title: title || document.title,
      made_at: new Date().toISOString(), fields: fields, state: "waiting", message: ""
    };
    return put(entry).then(function () { return entry; });
  }

  function message(answer) {
    var errors = (answer && answer.errors) || {};
    var labels = (answer && answer.labels) || {};
    return Object.keys(errors).map(function (name) {
      var text = errors[name].join(" ");
      return labels[name] ? labels[name] + ": " + text : text;
    }).join(" ");
  }

  function sendOne(entry, token) {
    var body = new FormData();
    entry.fields.forEach(function (f) {
      if (f.length === 3) body.append(f[0], f[1], f[2]); else body.append(f[0], f[1]);
    });
    body.append("csrfmiddlewaretoken", token);
    return fetch(entry.url, {
      method: "POST", body: body, credentials: "same-origin", redirect: "manual",
      headers: { "Idempotency-Key": entry.key, "X-Made-At": entry.made_at, "Accept": "application/json" }
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("json") < 0) return null;  // a login page, a proxy's error: try later
      return response.json().then(function (answer) {
        if (answer.ok) {
          entry.state = "sent"; entry.message = ""; entry.location = answer.location || "";
        } else if (response.status === 422 || response.status === 400) {
          entry.state = "refused"; entry.message = message(answer);
        } else {
          entry.message = message(answer);  // 401: log in again; kept waiting
        }
        entry.fields = entry.state === "waiting" ? entry.fields : [];
        return put(entry);
      });
    }, function () { return null; });
  }

  var flushing = null;
  // Send every waiting form, one after the other; resolves once all were tried.
  function flush(csrfUrl) {
    if (flushing) return flushing;
    flushing = all().then(function (rows) {
      var waiting = rows.filter(function (r) { return r.state === "waiting"; });
      if (!waiting.length) return;
      return fetch(csrfUrl, { credentials: "same-origin", cache: "no-store" })
        .then(function (r) { return r.ok ? r.json() : { token: null }; })
        .then(function (data) {
          if (!data.token) return;
          return waiting.reduce(function (chain, entry) {
            return chain.then(function () { return sendOne(entry, data.token); });
          }, Promise.resolve());
        });
    }).catch(function () {}).then(function () { flushing = null; });
    return flushing;
  }

  scope.txngOutbox = { add: add, all: all, put: put, remove: remove, flush: flush };
})(self);
