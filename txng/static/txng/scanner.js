// The app's scan screen: read a stamp's QR or a product barcode (EAN-13, GS1 DataMatrix) and
// open its page; offline, keep the code and check it when the connection returns. Below it,
// the scans kept on this phone, with a warning for any product recalled since.
(function () {
  "use strict";
  var box = document.querySelector("[data-scanner]");
  if (!box) return;
  var video = box.querySelector("video");
  var status = box.querySelector("[data-status]");
  var FORMATS = ["qr_code", "ean_13", "data_matrix"];
  var history = window.txngHistory;

  // Where a code leads: a stamp (/q/CODE), a GS1 Digital Link, compressed or not (/01/GTIN…,
  // /00/SSCC), a GS1 element string (a DataMatrix: (01) GTIN with (10) lot and (21) serial leads
  // to the stamp's Digital Link, the GTIN alone to the product), a bare GTIN (EAN-13). Anything
  // else is not ours and is only shown.
  function target(raw) {
    var text = raw.trim();
    var url = null;
    try { url = new URL(text); } catch (e) {}
    if (url && /^https?:$/.test(url.protocol)) {
      if (/^\/(q|01|00|414|417)\//.test(url.pathname)) return url.pathname;
      // A compressed GS1 Digital Link, on whatever domain it was printed: this site's resolver
      // decompresses it.
      if (/^\/[A-Za-z0-9_-]{10,}\/?$/.test(url.pathname)) return url.pathname;
      return null;
    }
    var ai = window.txngBarcode.gs1(raw);
    if (ai && ai["01"]) {
      var path = "/01/" + ai["01"];
      if (ai["10"]) path += "/10/" + encodeURIComponent(ai["10"]);
      if (ai["21"]) path += "/21/" + encodeURIComponent(ai["21"]);
      return path;
    }
    if (ai && ai["00"]) return "/00/" + ai["00"];
    if (/^\d{8}$|^\d{12,14}$/.test(text)) return "/01/" + text;
    if (/^[0-9A-Za-z-]{10,40}$/.test(text)) return "/q/" + text;
    return null;
  }

  // The stamp code a path names, kept in the history when there is no connection to open it.
  function stampCode(path) {
    var m = /^\/q\/([^/?#]+)/.exec(path) || /^\/01\/\d+(?:\/10\/[^/]+)?\/21\/([^/?#]+)/.exec(path);
    return m ? decodeURIComponent(m[1]) : null;
  }

  function found(code) {
    var path = target(code.rawValue);
    if (!path) {
      status.textContent = box.dataset.foreign + " " + code.rawValue;
      return;
    }
    var stamp = stampCode(path);
    if (!navigator.onLine && stamp) {
      history.remember({ code: stamp, name: "", verdict: "pending", url: path,
        at: new Date().toISOString() });
      status.textContent = box.dataset.saved;
      showHistory();
      return;
    }
    status.textContent = "✓ " + code.rawValue;
    window.location.assign(path);
  }

  var stop = null;
  var start = box.querySelector("[data-start]");
  window.txngBarcode.available().then(function (yes) {
    if (yes) return;
    start.hidden = true;
    status.textContent = box.dataset.nocamera;
  });
  start.addEventListener("click", function () {
    if (stop) stop();
    status.textContent = box.dataset.looking;
    stop = window.txngBarcode.scan(video, FORMATS, found, function () {
      status.textContent = box.dataset.nocamera;
    });
  });

  // --- History and recalls ---
  var list = document.querySelector("[data-history]");
  var labels = JSON.parse(list.dataset.labels);
  function showHistory() {
    var items = history.list();
    var ul = list.querySelector("ul");
    ul.textContent = "";
    items.forEach(function (h) {
      var li = document.createElement("li");
      li.className = "history-" + h.verdict;
      var a = document.createElement("a");
      a.href = h.url;
      a.textContent = h.name || h.code;
      li.appendChild(a);
      var verdict = labels[h.verdict] || list.dataset.pending;
      li.appendChild(document.createTextNode(" · " + verdict + " · " +
        new Date(h.at).toLocaleDateString("vi-VN")));
      ul.appendChild(li);
    });
    list.hidden = items.length === 0;
  }

  var retry = window.txngRetry(check);  // app.js, loaded before this file

  function check() {
    var items = history.list();
    if (!items.length || !navigator.onLine) return;
    var query = items.map(function (h) { return "code=" + encodeURIComponent(h.code); }).join("&");
    fetch(box.dataset.check + "?" + query, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var warn = document.querySelector("[data-recalls]");
        var ul = warn.querySelector("ul");
        ul.textContent = "";
        items.forEach(function (h) {
          var now = data.stamps[h.code];
          if (!now) return;
          h.verdict = now.verdict;
          h.name = now.name || h.name;
          h.url = now.url;
          if (now.verdict === "recalled") {
            var li = document.createElement("li");
            var a = document.createElement("a");
            a.href = now.url;
            a.textContent = h.name || h.code;
            li.appendChild(a);
            if (now.recall_reason) li.appendChild(document.createTextNode(": " + now.recall_reason));
            ul.appendChild(li);
          }
        });
        warn.hidden = ul.children.length === 0;
        history.save(items);
        showHistory();
        retry.done();
      }).catch(retry.later);
  }

  showHistory();
  check();
  window.addEventListener("online", check);
})();
