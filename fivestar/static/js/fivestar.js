// Small behaviours shared by every page, as data attributes instead of inline handlers (the
// Content-Security-Policy refuses inline script):
//   <form data-confirm="确定…？">          asks before submitting
//   <button data-print>                    prints the page
//   <input data-select-on-click>           selects its text when clicked
//   <button data-reveal=".selector">       shows the hidden (.d-none) elements, then removes itself
(function () {
  document.addEventListener("submit", function (e) {
    var form = e.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) e.preventDefault();
  }, true);
  document.addEventListener("click", function (e) {
    var el = e.target.closest("[data-print], [data-select-on-click], [data-reveal]");
    if (!el) return;
    if (el.hasAttribute("data-print")) window.print();
    if (el.hasAttribute("data-select-on-click") && el.select) el.select();
    if (el.hasAttribute("data-reveal")) {
      document.querySelectorAll(el.dataset.reveal).forEach(function (n) { n.classList.remove("d-none"); });
      el.remove();
    }
  });
})();
