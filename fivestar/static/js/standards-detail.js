// The framework detail page (standards/detail.html): the Alpine rule filter. Loaded without defer, before Alpine starts.
function ruleFilter() {
  return {
    q: "",
    count: 0,
    apply() {
      const q = this.q.trim().toLowerCase();
      let n = 0;
      this.$root.querySelectorAll("[data-rule]").forEach((tr) => {
        const hit = !q || tr.dataset.search.includes(q);
        tr.hidden = !hit;
        if (hit) n++;
      });
      this.$root.querySelectorAll("[data-standard]").forEach((s) => { s.hidden = !!q && !s.querySelector("[data-rule]:not([hidden])"); });
      this.$root.querySelectorAll("[data-star]").forEach((s) => {
        const any = !!s.querySelector("[data-rule]:not([hidden])");
        s.hidden = !!q && !any;
        if (q && any && window.bootstrap) bootstrap.Collapse.getOrCreateInstance(s.querySelector(".accordion-collapse"), { toggle: false }).show();
      });
      this.count = n;
    },
  };
}
