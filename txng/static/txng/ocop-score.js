// Adds up an OCOP score sheet as the official ticks it (parts capped at their maxima, stars by
// the half-open bands of Decision 148). The server computes the saved total itself; this only
// shows the running figure.
(function () {
  "use strict";
  var form = document.getElementById("score-form");
  if (!form) return;
  var bands = [[90, 5], [70, 4], [50, 3], [30, 2], [0, 1]];
  function fmt(n) { return (Math.round(n * 100) / 100).toString().replace(".", ","); }
  function update() {
    var sums = {};
    form.querySelectorAll("input[type=radio]:checked").forEach(function (input) {
      var part = input.dataset.part;
      sums[part] = (sums[part] || 0) + parseFloat(input.dataset.points);
    });
    var total = 0;
    form.querySelectorAll(".score-part").forEach(function (fieldset) {
      var part = fieldset.dataset.part;
      var value = Math.min(sums[part] || 0, parseFloat(fieldset.dataset.max));
      total += value;
      fieldset.querySelector(".part-total").textContent = fmt(value);
    });
    document.getElementById("score-total").textContent = fmt(total);
    var stars = bands.find(function (b) { return total >= b[0]; })[1];
    var open = form.querySelectorAll("input[type=radio]:checked").length;
    var all = new Set(Array.prototype.map.call(form.querySelectorAll("input[type=radio]"), function (i) { return i.name; })).size;
    document.getElementById("score-stars").textContent =
      "★".repeat(stars) + (open < all ? " (" + open + "/" + all + ")" : "");
  }
  form.addEventListener("change", update);
  update();
})();
