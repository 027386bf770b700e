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
// The rules of the assessment, by star, for the evidence upload's rule picker (a JSON block in the page:
// a star's rules are fetched only when the star is opened).
window.fsRuleIndex = function () {
  var data = document.getElementById('fs-rule-index');
  return data ? JSON.parse(data.textContent).map(function (g) {
    return { code: g.code, name: g.name, rules: g.rules.map(function (r) { return { code: r[0], text: r[1] }; }) };
  }) : [];
};
window.fsRuleText = function (code) {
  var el = document.querySelector('#rule-' + code + ' .fs-rule-text span');
  return el ? el.textContent : '';
};
(function () {
  // Stars load as they are opened: the page holds star headers; a closed star's rules come from the server
  // the first time it opens (hx-trigger "fs-load" on its loader).
  function starItem(code) {
    var items = document.querySelectorAll('#fs-stars > .accordion-item');
    for (var i = 0; i < items.length; i++) {
      if (items[i].dataset.star === code || code.indexOf(items[i].dataset.star + '-') === 0) return items[i];
    }
    return null;
  }
  function loadStar(item, then) {
    var loader = item.querySelector('.fs-loader');
    if (!loader) { if (then) then(); return; }
    if (then) item.addEventListener('fs-star-loaded', then, { once: true });
    if (!loader.dataset.requested) { loader.dataset.requested = '1'; htmx.trigger(loader, 'fs-load'); }
  }
  document.addEventListener('show.bs.collapse', function (e) {
    if (!e.target.classList.contains('accordion-collapse')) return;
    var item = e.target.closest('#fs-stars > .accordion-item');
    if (item) loadStar(item);
  });
  document.addEventListener('htmx:load', function (e) {
    var el = e.detail.elt;
    if (el.classList && el.classList.contains('fs-rules') && el.dataset.loaded) {
      var item = el.closest('.accordion-item');
      if (item) item.dispatchEvent(new CustomEvent('fs-star-loaded'));
    }
  });
  document.addEventListener('htmx:afterRequest', function (e) {
    var el = e.detail.elt;
    if (el.classList && el.classList.contains('fs-loader') && !e.detail.successful) {
      delete el.dataset.requested;
      el.textContent = '加载失败，点此重试';
    }
  });
  // The gap list is computed when opened; while it stays open, it is fetched again once the saves have
  // settled (a save's answer never carries it: only the fragments the save changed).
  var gapTimer = null;
  document.addEventListener('htmx:afterRequest', function (e) {
    var config = e.detail.requestConfig;
    if (!e.detail.successful || !config || config.verb !== 'post') return;
    clearTimeout(gapTimer);
    gapTimer = setTimeout(function () {
      var gaps = document.querySelector('#fs-gaps[open]');
      if (gaps) htmx.trigger(gaps, 'fs-refresh');
    }, 600);
  });
  document.addEventListener('click', function (e) {
    var clear = e.target.closest('[data-clear]');
    if (clear) { var box = document.querySelector(clear.dataset.clear); if (box) box.innerHTML = ''; }
  });

  // A link to a rule (#rule-CODE) opens its star, loads it if needed, scrolls to the rule and flashes it.
  function reveal(id, starCode) {
    var el = document.getElementById(id);
    var item = el ? el.closest('.accordion-item') : starItem(starCode || id.slice(5));
    var go = function () {
      var target = document.getElementById(id);
      if (!target) return;
      target.scrollIntoView({ block: 'start' });
      target.classList.add('fs-flash');
      setTimeout(function () { target.classList.remove('fs-flash'); }, 1700);
    };
    if (!item) { go(); return; }
    var pane = item.querySelector('.accordion-collapse');
    var opened = function () { loadStar(item, go); };
    if (pane && !pane.classList.contains('show') && window.bootstrap) {
      pane.addEventListener('shown.bs.collapse', opened, { once: true });
      bootstrap.Collapse.getOrCreateInstance(pane, { toggle: false }).show();
    } else { opened(); }
  }
  document.addEventListener('click', function (e) {
    var a = e.target.closest('a[href^="#rule-"]');
    if (!a) return;
    e.preventDefault();
    history.replaceState(null, '', a.getAttribute('href'));
    reveal(a.getAttribute('href').slice(1), a.dataset.star);
  });
  window.addEventListener('load', function () {
    if (window.matchMedia('(min-width: 992px)').matches) {
      document.querySelectorAll('#fs-stars > .accordion-item > .collapse').forEach(function (p) {
        p.classList.add('show');
        var b = document.querySelector('[data-bs-target="#' + p.id + '"]');
        if (b) { b.classList.remove('collapsed'); b.setAttribute('aria-expanded', 'true'); }
        loadStar(p.closest('.accordion-item'));
      });
    }
    if (location.hash.indexOf('#rule-') === 0) reveal(location.hash.slice(1));
  });
  // A <details> replaced out of band (the reusable-evidence list after an upload) stays open if it was open.
  document.addEventListener('htmx:oobBeforeSwap', function (e) {
    var old = e.detail.target;
    if (old.tagName !== 'DETAILS' || !old.open || !old.id || !e.detail.fragment.querySelector) return;
    var fresh = e.detail.fragment.querySelector('#' + old.id);
    if (fresh) fresh.open = true;
  });
  window.addEventListener('beforeunload', function (e) {
    if (document.querySelector('[data-fs-unsaved="1"]')) { e.preventDefault(); e.returnValue = ''; }
  });
})();
