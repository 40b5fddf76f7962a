// The scan page's "share my location" button: sends a rounded position (2 decimals, ~1 km) so
// far-apart scans of one stamp can warn of a counterfeit. Loaded as a file: the site's
// Content-Security-Policy runs no inline script.
(function () {
  "use strict";
  var b = document.getElementById("share-location");
  if (!b || !navigator.geolocation || !window.fetch) return;
  b.hidden = false;
  b.addEventListener("click", function () {
    navigator.geolocation.getCurrentPosition(
      function (p) {
        var f = new FormData();
        f.append("token", b.dataset.token);
        f.append("lat", p.coords.latitude.toFixed(2));
        f.append("lon", p.coords.longitude.toFixed(2));
        fetch(b.dataset.url, { method: "POST", body: f }).then(function () {
          b.replaceWith(b.dataset.thanks);
        });
      },
      function () { b.hidden = true; },
      { maximumAge: 600000, timeout: 15000 }
    );
  });
})();
