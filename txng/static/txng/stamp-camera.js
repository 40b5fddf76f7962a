// Scan a stamp's QR with the phone camera into a form field, where the browser has the
// BarcodeDetector API. Elsewhere the block stays hidden and people type the serial numbers.
(function () {
  "use strict";
  var box = document.querySelector("[data-camera]");
  if (!box || !("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  var video = box.querySelector("video");
  var status = box.querySelector("[data-camera-status]");
  var detector = null;
  var stream = null;
  // Some browsers define BarcodeDetector without a QR reader: offer the camera only when
  // it can actually read a stamp.
  var formats = window.BarcodeDetector.getSupportedFormats
    ? window.BarcodeDetector.getSupportedFormats()
    : Promise.resolve(["qr_code"]);
  formats.then(function (list) {
    if (list.indexOf("qr_code") < 0) return;
    detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    box.hidden = false;
  }, function () {});

  function stop() {
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
    video.hidden = true;
  }

  function scanInto(field) {
    stop();
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (s) {
      stream = s;
      video.srcObject = s;
      video.hidden = false;
      status.textContent = box.dataset.looking || "…";
      return video.play();
    }).then(function loop() {
      if (!stream) return;
      detector.detect(video).then(function (found) {
        if (found.length) {
          field.value = found[0].rawValue;
          status.textContent = "✓ " + found[0].rawValue;
          stop();
        } else {
          window.requestAnimationFrame(loop);
        }
      }, function () { window.setTimeout(loop, 300); });
    }).catch(function (err) {
      status.textContent = String(err && err.message || err);
      stop();
    });
  }

  box.addEventListener("click", function (event) {
    var target = event.target.closest("[data-scan]");
    if (target) scanInto(document.getElementById(target.dataset.scan));
  });
})();
