// Suggestions for every .fs-unit-input: typing fetches matching units (scoped on the server) into the
// <datalist id="unit-options" data-url="..."> of people/_unit_datalist.html.
document.addEventListener("DOMContentLoaded", function () {
  var list = document.getElementById("unit-options");
  if (!list) return;
  document.querySelectorAll(".fs-unit-input").forEach(function (input) {
    var timer;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var text = input.value.trim();
      if (!text || /^\d{9,15}$/.test(text)) return;
      timer = setTimeout(function () {
        htmx.ajax("GET", list.dataset.url + "&q=" + encodeURIComponent(text), {target: "#unit-options", swap: "innerHTML"});
      }, 250);
    });
  });
});
