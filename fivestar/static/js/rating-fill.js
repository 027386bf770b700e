// The village self-assessment page (rating/village/fill.html): Alpine components of a rule's form,
// the rule index for the evidence upload, deep links to a rule, and the unsaved-changes guard.
// Loaded without defer at the end of the page, so 'alpine:init' is listened for before Alpine starts.
document.addEventListener('alpine:init', function () {
  // One rule's form: saves on change (htmx); a dropped or failed request leaves a visible "未保存，请重试".
  Alpine.data('fsRule', function (na, note) {
    return {
      na: na, showNote: note, saving: false, failed: false,
      naChanged: function () { var self = this; if (this.na) this.$nextTick(function () { self.$refs.reason.focus(); }); },
      openNote: function () { var self = this; this.showNote = true; this.$nextTick(function () { self.$refs.note.focus(); }); }
    };
  });
  Alpine.bind('fsRuleForm', function () {
    return {
      ':data-fs-unsaved': function () { return (this.saving || this.failed) ? '1' : '0'; },
      '@htmx:before-request': function () { this.saving = true; },
      '@htmx:after-request': function (e) { this.saving = false; this.failed = !e.detail.successful; }
    };
  });
});
// The rules of the page, by star, for the evidence upload's rule picker (built from the page, not sent twice).
window.fsRuleIndex = function () {
  return Array.prototype.map.call(document.querySelectorAll('#fs-stars > .accordion-item'), function (item) {
    var rules = Array.prototype.map.call(item.querySelectorAll('.fs-rule'), function (el) {
      var text = el.querySelector('.fs-rule-text span').textContent;
      return { code: el.id.slice(5), text: text.length > 30 ? text.slice(0, 29) + '…' : text };
    });
    return { code: item.dataset.star, name: item.dataset.starName, rules: rules };
  });
};
(function () {
  function reveal(id) {
    var el = document.getElementById(id);
    if (!el) return;
    var pane = el.closest('.collapse');
    var go = function () { el.scrollIntoView({ block: 'start' }); el.classList.add('fs-flash'); setTimeout(function () { el.classList.remove('fs-flash'); }, 1700); };
    if (pane && !pane.classList.contains('show') && window.bootstrap) {
      pane.addEventListener('shown.bs.collapse', go, { once: true });
      bootstrap.Collapse.getOrCreateInstance(pane, { toggle: false }).show();
    } else { go(); }
  }
  document.addEventListener('click', function (e) {
    var a = e.target.closest('a[href^="#rule-"]');
    if (!a) return;
    e.preventDefault();
    history.replaceState(null, '', a.getAttribute('href'));
    reveal(a.getAttribute('href').slice(1));
  });
  window.addEventListener('load', function () {
    if (window.matchMedia('(min-width: 992px)').matches) {
      document.querySelectorAll('#fs-stars > .accordion-item > .collapse').forEach(function (p) {
        p.classList.add('show');
        var b = document.querySelector('[data-bs-target="#' + p.id + '"]');
        if (b) { b.classList.remove('collapsed'); b.setAttribute('aria-expanded', 'true'); }
      });
    }
    if (location.hash.indexOf('#rule-') === 0) reveal(location.hash.slice(1));
  });
  document.addEventListener('htmx:oobBeforeSwap', function (e) {
    e.detail.target.querySelectorAll('details[id]').forEach(function (d) {
      var n = e.detail.fragment.querySelector('#' + d.id);
      if (n && d.open) n.open = true;
    });
  });
  window.addEventListener('beforeunload', function (e) {
    if (document.querySelector('[data-fs-unsaved="1"]')) { e.preventDefault(); e.returnValue = ''; }
  });
})();
