// The targets grid: ticking target stars sets the row's target rating to the number of stars ticked (the
// server refuses a rating that disagrees with the stars; a rating alone, without stars, stays as chosen).
document.addEventListener("DOMContentLoaded", function () {
  var grid = document.getElementById("targets-grid");
  if (!grid) return;
  grid.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.classList || !box.classList.contains("fs-pl-star")) return;
    var row = box.closest("tr");
    var rating = row && row.querySelector(".fs-pl-rating");
    if (!rating) return;
    var ticked = row.querySelectorAll(".fs-pl-star:checked").length;
    if (ticked > 0) rating.value = String(ticked);
  });
});
