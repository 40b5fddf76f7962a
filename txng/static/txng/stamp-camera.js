// Scan a stamp's QR (activation: first and last of a range) or a carton's SSCC (receipts) with
// the phone camera into a form field, through barcode.js (BarcodeDetector or the ZXing decoder).
// Where neither can read, the block stays hidden and people type the values.
(function () {
  "use strict";
  var box = document.querySelector("[data-camera]");
  if (!box || !window.txngBarcode) return;
  var video = box.querySelector("video");
  var status = box.querySelector("[data-camera-status]");
  var formats = (box.dataset.formats || "qr_code").split(",");
  var stop = null;
  window.txngBarcode.available().then(function (yes) { box.hidden = !yes; });

  // A stamp QR holds its scan URL (…/q/CODE) or a GS1 Digital Link with the serial (/21/…);
  // an SSCC label holds (00) and 18 digits. The field wants the bare value.
  function value(raw) {
    var m = /\/q\/([^/?#]+)/.exec(raw) || /\/21\/([^/?#]+)/.exec(raw);
    if (m) return decodeURIComponent(m[1]);
    m = /^(?:\]C1|\]d2|\]Q3)?\(?00\)?(\d{18})/.exec(raw) || /\/00\/(\d{18})/.exec(raw);
    return m ? m[1] : raw;
  }

  box.addEventListener("click", function (event) {
    var target = event.target.closest("[data-scan]");
    if (!target) return;
    if (stop) stop();
    var field = document.getElementById(target.dataset.scan);
    status.textContent = box.dataset.looking || "…";
    stop = window.txngBarcode.scan(video, formats, function (code) {
      field.value = value(code.rawValue);
      status.textContent = "✓ " + field.value;
      if ("submit" in box.dataset && field.form) field.form.requestSubmit();
    }, function (err) { status.textContent = String(err && err.message || err); });
  });
})();
