// One barcode reader for every camera screen: the browser's own BarcodeDetector where it reads
// the formats we need, otherwise the ZXing decoder built from npm (frontend/, served from our
// static files) when it was built. txngBarcode.reader() resolves to null when neither exists,
// and the page then keeps its typed-in fields only.
(function () {
  "use strict";
  var script = document.currentScript;
  var zxingUrl = script && script.dataset.zxing;
  var wasmUrl = script && script.dataset.wasm;
  var NATIVE = { qr_code: "QRCode", ean_13: "EAN13", data_matrix: "DataMatrix", code_128: "Code128" };
  var FROM_ZXING = { QRCode: "qr_code", EAN13: "ean_13", DataMatrix: "data_matrix", Code128: "code_128" };
  var loading = null;

  function loadZxing() {
    if (!zxingUrl) return Promise.resolve(null);
    if (loading) return loading;
    loading = new Promise(function (resolve) {
      var tag = document.createElement("script");
      tag.src = zxingUrl;
      tag.onload = function () {
        var z = window.ZXingWASM;
        if (!z) return resolve(null);
        z.prepareZXingModule({
          overrides: {
            locateFile: function (path, prefix) {
              return /\.wasm$/.test(path) ? wasmUrl : prefix + path;
            }
          },
          fireImmediately: true
        }).then(function () { resolve(z); }, function () { resolve(null); });
      };
      tag.onerror = function () { resolve(null); };
      document.head.appendChild(tag);
    });
    return loading;
  }

  function zxingReader(z, formats) {
    var canvas = document.createElement("canvas");
    var context = canvas.getContext("2d", { willReadFrequently: true });
    var wanted = formats.map(function (f) { return NATIVE[f]; }).filter(Boolean);
    return {
      engine: "zxing",
      detect: function (video) {
        var w = video.videoWidth, h = video.videoHeight;
        if (!w || !h) return Promise.resolve([]);
        // Phones film in 1080p and more; 800 px across still reads a stamp, four times faster.
        var scale = Math.min(1, 800 / Math.max(w, h));
        canvas.width = Math.round(w * scale);
        canvas.height = Math.round(h * scale);
        context.drawImage(video, 0, 0, canvas.width, canvas.height);
        var image = context.getImageData(0, 0, canvas.width, canvas.height);
        return z.readBarcodes(image, { formats: wanted, tryHarder: true, maxNumberOfSymbols: 1 })
          .then(function (found) {
            return found.filter(function (r) { return r.isValid; }).map(function (r) {
              return { rawValue: r.text, format: FROM_ZXING[r.format] || r.format };
            });
          });
      }
    };
  }

  function nativeFormats() {
    if (!("BarcodeDetector" in window)) return Promise.resolve([]);
    return (window.BarcodeDetector.getSupportedFormats
      ? window.BarcodeDetector.getSupportedFormats()
      : Promise.resolve(["qr_code"])).catch(function () { return []; });
  }

  // Whether this phone can read codes with its camera, without loading the decoder (about
  // 1 MB): it is fetched only when someone taps a scan button.
  function available() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return Promise.resolve(false);
    return nativeFormats().then(function (supported) {
      return supported.indexOf("qr_code") >= 0 || (!!zxingUrl && typeof WebAssembly === "object");
    });
  }

  function reader(formats) {
    formats = formats || ["qr_code"];
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return Promise.resolve(null);
    return nativeFormats().then(function (supported) {
      var usable = formats.filter(function (f) { return supported.indexOf(f) >= 0; });
      if (usable.indexOf("qr_code") >= 0) {
        var detector = new window.BarcodeDetector({ formats: usable });
        return { engine: "native", detect: function (video) { return detector.detect(video); } };
      }
      return loadZxing().then(function (z) { return z ? zxingReader(z, formats) : null; });
    });
  }

  // Open the back camera in `video` and call found(result) with the first code read.
  function scan(video, formats, found, failed) {
    var stream = null;
    var stopped = false;
    function stop() {
      stopped = true;
      if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
      stream = null;
      video.hidden = true;
    }
    reader(formats).then(function (r) {
      if (!r) throw new Error("no reader");
      return navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } })
        .then(function (s) {
          if (stopped) { s.getTracks().forEach(function (t) { t.stop(); }); return; }
          stream = s;
          video.srcObject = s;
          video.hidden = false;
          return video.play().then(function () {
            (function loop() {
              if (stopped) return;
              r.detect(video).then(function (codes) {
                if (codes.length) { stop(); found(codes[0]); }
                else window.setTimeout(loop, 120);
              }, function () { window.setTimeout(loop, 300); });
            })();
          });
        });
    }).catch(function (err) { stop(); if (failed) failed(err); });
    return stop;
  }

  // A GS1 element string, as a GS1 DataMatrix or GS1-128 reads: "(01)…(10)…(21)…" (ZXing's
  // human-readable form) or the raw data, AIs run together with a GS (FNC1) after each
  // variable-length value, maybe led by a symbology identifier (]d2) or an FNC1 (BarcodeDetector).
  // Answers {ai: value} or null when the text is not one. Fixed lengths: GS1 General
  // Specifications, "AIs with predefined length" (by the AI's first two digits).
  var FIXED = { "00": 18, "01": 14, "02": 14, "03": 14, "04": 16, "11": 6, "12": 6, "13": 6,
    "14": 6, "15": 6, "16": 6, "17": 6, "18": 6, "19": 6, "20": 2, "31": 6, "32": 6, "33": 6,
    "34": 6, "35": 6, "36": 6, "41": 13 };
  var GS = "\x1d";
  function aiDigits(text) {
    var two = +text.slice(0, 2);
    if (two <= 22 || two === 30 || two === 37 || two >= 90) return 2;
    if (two <= 29 || (two >= 40 && two <= 42)) return 3;
    return 4;
  }
  function gs1(raw) {
    var whole = String(raw);
    var text = whole.replace(/^\](?:d2|C1|Q3|e0|J1)/, "");
    var found = {};
    if (/^\(\d{2,4}\)/.test(text)) {
      var re = /\((\d{2,4})\)([^(]+)/g, m, read = 0;
      while ((m = re.exec(text))) {
        var length = FIXED[m[1].slice(0, 2)];
        if (length && (m[2].length !== length || !/^\d+$/.test(m[2]))) return null;
        found[m[1]] = m[2];
        read += m[0].length;
      }
      return read === text.length ? found : null;
    }
    var marked = text !== whole || text.charAt(0) === GS;
    if (text.charAt(0) === GS) text = text.slice(1);
    // Unmarked, only what starts with a GTIN or an SSCC is taken for an element string.
    if (!marked && !/^(01\d{14}|00\d{18})/.test(text)) return null;
    while (text.length) {
      if (!/^\d{2}/.test(text)) return null;
      var n = aiDigits(text), ai = text.slice(0, n), rest = text.slice(n);
      var fixed = FIXED[text.slice(0, 2)];
      var value;
      if (fixed) {
        value = rest.slice(0, fixed);
        if (value.length !== fixed || !/^\d+$/.test(value)) return null;
        rest = rest.slice(fixed);
        if (rest.charAt(0) === GS) rest = rest.slice(1);
      } else {
        var end = rest.indexOf(GS);
        value = end < 0 ? rest : rest.slice(0, end);
        rest = end < 0 ? "" : rest.slice(end + 1);
        if (!value) return null;
      }
      found[ai] = value;
      text = rest;
    }
    return found;
  }

  window.txngBarcode = { available: available, reader: reader, scan: scan, gs1: gs1 };
})();
