// A <select data-autosubmit> sends its form when changed (instead of an inline onchange=,
// which the site's Content-Security-Policy refuses to run).
(function () {
  "use strict";
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
