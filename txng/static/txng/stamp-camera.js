// Scan a stamp's QR with the phone camera into a form field, where the browser has the
// BarcodeDetector API. Elsewhere the block stays hidden and people type the serial numbers.
(function () {
  "use strict";
  var box = document.querySelector("[data-camera]");
  if (!box || !("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  box.hidden = false;
  var video = box.querySelector("video");
  var status = box.querySelector("[data-camera-status]");
  var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
  var stream = null;

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
