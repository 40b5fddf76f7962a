// What makes the site an app (loaded on every page): the service worker, the scan history kept
// on this phone, forms kept offline and sent later, and photos shrunk before they are sent.
(function () {
  "use strict";
  var me = document.currentScript;
  var csrfUrl = me.dataset.csrf;
  var HISTORY = "txng-history";

  if ("serviceWorker" in navigator && me.dataset.sw) {
    // Once the page has loaded: installing fetches the app's shell, which would otherwise take
    // a phone's bandwidth (and the server's time) from the page's own image and styles.
    var register = function () {
      navigator.serviceWorker.register(me.dataset.sw, { scope: "/" }).catch(function () {});
    };
    if (document.readyState === "complete") register();
    else window.addEventListener("load", register);
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "outbox") afterFlush();
    });
  }

  // --- Scan history (no account: only on this device) ---
  function history() {
    try { return JSON.parse(localStorage.getItem(HISTORY)) || []; } catch (e) { return []; }
  }
  function remember(item) {
    var list = history().filter(function (h) { return h.code !== item.code; });
    list.unshift(item);
    try { localStorage.setItem(HISTORY, JSON.stringify(list.slice(0, 50))); } catch (e) {}
  }
  window.txngHistory = { list: history, remember: remember,
    save: function (list) { localStorage.setItem(HISTORY, JSON.stringify(list)); } };

  var record = document.querySelector("[data-scan-record]");
  if (record) {
    // The page answers /q/CODE and a stamp's Digital Link (/01/…/21/…) alike: the code is its own.
    var code = (record.dataset.code || "").replace(/-/g, "") ||
      decodeURIComponent(location.pathname.replace(/^\/q\//, "").replace(/\/$/, ""));
    remember({ code: code, name: record.dataset.name || "", verdict: record.dataset.verdict,
      url: location.pathname, at: new Date().toISOString() });
  }

  // --- Forms kept offline ---
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function localNow() {
    var d = new Date();
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) +
      "T" + pad(d.getHours()) + ":" + pad(d.getMinutes());
  }

  function flush() {
    if (!window.txngOutbox || !navigator.onLine) return Promise.resolve();
    var viaWorker = navigator.serviceWorker && navigator.serviceWorker.controller;
    if (viaWorker) {
      viaWorker.postMessage({ type: "flush" });
      return Promise.resolve();
    }
    return window.txngOutbox.flush(csrfUrl).then(afterFlush);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-offline") || navigator.onLine || !window.txngOutbox) return;
    event.preventDefault();
    // The entry's own time is when it was made here, not when the page was cached.
    var time = form.querySelector("input[type=datetime-local]");
    if (time && time.value === time.defaultValue) time.value = localNow();
    window.txngOutbox.add(form, form.dataset.offline).then(function () {
      form.reset();
      // The button is at the form's foot: show where the entry now waits, at the page's top.
      showOutbox().then(function () {
        var box = document.querySelector("[data-outbox]");
        if (box && !box.hidden) box.scrollIntoView({ block: "start" });
      });
      navigator.serviceWorker && navigator.serviceWorker.ready.then(function (reg) {
        if (reg.sync) reg.sync.register("outbox").catch(function () {});
      });
    });
  });
  window.addEventListener("online", flush);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) flush(); });

  // The "online" event can come before the connection carries anything (a weak signal, a
  // captive portal): work that failed while the phone says it is online is tried again, each
  // time twice as late, at most once a minute. Offline, the "online" event starts it again.
  window.txngRetry = function (work) {
    var FIRST = 2000, MAX = 60000, delay = FIRST, timer = null;
    return {
      later: function () {
        clearTimeout(timer);
        timer = null;
        if (!navigator.onLine) return;
        timer = setTimeout(work, delay);
        delay = Math.min(delay * 2, MAX);
      },
      done: function () { clearTimeout(timer); timer = null; delay = FIRST; }
    };
  };
  var retry = window.txngRetry(flush);
  // After each try to send (the page's or the service worker's): forms still waiting (the send
  // failed, or needs a login) are tried again later, on pages with or without the list.
  function afterFlush() {
    return showOutbox().then(function (rows) {
      if (rows.some(function (r) { return r.state === "waiting"; })) retry.later(); else retry.done();
    });
  }

  var STATES = { waiting: "data-waiting", sent: "data-sent", refused: "data-refused" };
  // Show the forms kept on this phone where the page has the list; resolves with them.
  function showOutbox() {
    if (!window.txngOutbox) return Promise.resolve([]);
    return window.txngOutbox.all().then(function (rows) {
      var box = document.querySelector("[data-outbox]");
      if (!box) return rows;
      var list = box.querySelector("ul");
      list.textContent = "";
      rows.forEach(function (row) {
        var li = document.createElement("li");
        li.className = "outbox-" + row.state;
        li.dataset.state = row.state;
        var label = box.getAttribute(STATES[row.state]) || row.state;
        var when = new Date(row.made_at).toLocaleString("vi-VN");
        li.textContent = row.title + " · " + when + " · " + label + (row.message ? ": " + row.message : "");
        if (row.state !== "waiting") {
          var done = document.createElement("button");
          done.type = "button";
          done.className = "linklike";
          done.textContent = "✕";
          done.setAttribute("aria-label", box.dataset.dismiss || "OK");
          done.addEventListener("click", function () { window.txngOutbox.remove(row.key).then(showOutbox); });
          li.appendChild(document.createTextNode(" "));
          li.appendChild(done);
        }
        list.appendChild(li);
      });
      box.hidden = rows.length === 0;
      return rows;
    }).catch(function () { return []; });
  }
  showOutbox();
  flush();

  // Logging out leaves nobody's pages behind on a shared phone.
  document.addEventListener("submit", function (event) {
    if (/logout|dang-xuat/.test(event.target.action || "") && window.caches) caches.delete("txng-pages");
  }, true);

  // --- Photos: a 12 MP photo is a few MB; sent as at most 1600 px JPEG it is a few hundred KB ---
  var MAX_SIDE = 1600;
  function shrink(file) {
    if (!/^image\/(jpeg|png|webp)$/.test(file.type) || !window.createImageBitmap) return Promise.resolve(file);
    return createImageBitmap(file).then(function (bitmap) {
      var scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
      if (scale === 1 && file.size < 500 * 1024) return file;
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          var name = file.name.replace(/\.\w+$/, "") + ".jpg";
          resolve(blob ? new File([blob], name, { type: "image/jpeg" }) : file);
        }, "image/jpeg", 0.8);
      });
    }).catch(function () { return file; });
  }
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.type !== "file" || !input.files.length) return;
    input.dataset.shrunk = "";
    if (!window.DataTransfer) return;
    Promise.all(Array.prototype.map.call(input.files, shrink)).then(function (files) {
      var dt = new DataTransfer();
      files.forEach(function (f) { dt.items.add(f); });
      input.files = dt.files;
      input.dataset.shrunk = "1";
      input.dispatchEvent(new Event("txng:shrunk", { bubbles: true }));
    });
  });
})();
