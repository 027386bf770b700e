// The draft on the phone inspection page: the inspection being written and its problems and photos. Every
// keystroke is written to the local store (debounced; at once when the page is hidden), every photo as soon
// as it is taken, so a reload, a killed tab or a flat battery loses nothing. "保存并上传" checks the draft,
// hands it to the queue in one write, and starts a new draft.
(function () {
  'use strict';
  var F, form, pending = {}, saveTimer = null;
  function $(id) { return document.getElementById(id); }
  function option(select, value, label) { var o = document.createElement('option'); o.value = value; o.textContent = label; select.appendChild(o); }
  function addDays(iso, days) { var d = new Date(iso + 'T00:00:00Z'); d.setUTCDate(d.getUTCDate() + days); return d.toISOString().slice(0, 10); }

  function touch(row) { pending[row.uid] = row; clearTimeout(saveTimer); saveTimer = setTimeout(flush, 400); }
  function flush() {
    clearTimeout(saveTimer);
    var rows = Object.keys(pending).map(function (k) { return pending[k]; });
    pending = {};
    return rows.length ? F.store.putMany(rows) : Promise.resolve();
  }

  function team() { return F.data.teams.find(function (t) { return t.id === F.draft.team; }) || F.data.teams[0]; }
  function problems() { return F.rows.filter(function (r) { return r.type === 'problem' && r.parent === F.draft.uid && r.state === 'draft'; }).sort(function (a, b) { return a.seq - b.seq; }); }
  function photosOf(uid) { return F.rows.filter(function (r) { return r.type === 'photo' && r.parent === uid; }).sort(function (a, b) { return a.seq - b.seq; }); }
  function starsFor(villageId) { var v = F.data.villages[villageId]; return (v && F.data.frameworks[v.fw]) || []; }

  function defaultDeadline(p) {
    var v = F.data.villages[p.village], days = v && v.days ? v.days[p.severity] : null;
    return days ? addDays(F.draft.date, days) : '';
  }

  function drawVillages() {
    var box = $('fs-villages'); box.textContent = '';
    team().villages.forEach(function (id) {
      var v = F.data.villages[id], wrap = document.createElement('div'), input = document.createElement('input'), label = document.createElement('label');
      wrap.className = 'form-check';
      input.type = 'checkbox'; input.className = 'form-check-input'; input.id = 'fs-v-' + id; input.value = id;
      input.checked = F.draft.villages.indexOf(id) >= 0;
      label.className = 'form-check-label'; label.htmlFor = input.id; label.textContent = v.name + (v.town ? '（' + v.town + '）' : '');
      wrap.appendChild(input); wrap.appendChild(label); box.appendChild(wrap);
    });
  }

  function fillStars(select, stars, value, blank) {
    select.textContent = ''; option(select, '', blank);
    stars.forEach(function (s) { option(select, s.code, s.name); });
    select.value = value || '';
  }
  function fillRules(select, stars, star, value) {
    select.textContent = ''; option(select, '', '（不指定细则）');
    stars.forEach(function (s) {
      if (star && s.code !== star) return;
      s.rules.forEach(function (r) { option(select, r[0], r[0] + ' ' + r[1]); });
    });
    select.value = value || '';
  }

  function drawPhotos(box, ownerUid) {
    box.textContent = '';
    photosOf(ownerUid).forEach(function (p) {
      var fig = document.createElement('figure'), img = document.createElement('img'), btn = document.createElement('button');
      fig.className = 'fs-field-photo'; fig.dataset.uid = p.uid; fig.dataset.testid = 'field-photo';
      F.thumbInto(img, p); img.alt = p.name || '照片';
      btn.type = 'button'; btn.className = 'btn btn-sm btn-light fs-photo-remove'; btn.textContent = '×'; btn.setAttribute('aria-label', '删除照片');
      btn.addEventListener('click', function () { F.remove([p.uid]).then(function () { refreshPhotos(ownerUid); }); });
      fig.appendChild(img); fig.appendChild(btn); box.appendChild(fig);
    });
  }

  // Only the thumbnails of one record are drawn again after a photo: the cards (and their file inputs) stay, so
  // a photo still being taken in the camera app lands where it was asked for.
  function refreshPhotos(ownerUid) {
    var box = ownerUid === F.draft.uid ? $('fs-insp-photos') : document.querySelector('.fs-problem[data-uid="' + ownerUid + '"] .fs-p-photos');
    if (box) drawPhotos(box, ownerUid);
  }
  function watchFiles(root) {
    Array.prototype.forEach.call(root.querySelectorAll('.fs-file'), function (input) {
      input.addEventListener('change', function () { addPhotos(input); });
    });
  }

  function problemCard(p, n) {
    var card = $('fs-problem-tpl').content.firstElementChild.cloneNode(true), q = function (c) { return card.querySelector(c); };
    card.dataset.uid = p.uid;
    q('.fs-p-title').textContent = '问题 ' + n;
    var village = q('.fs-p-village'), chosen = F.draft.villages.length ? F.draft.villages : team().villages;
    option(village, '', '请选择');
    chosen.forEach(function (id) { option(village, id, F.data.villages[id].name); });
    village.value = p.village || '';
    var severity = q('.fs-p-severity');
    F.data.severities.forEach(function (s) { option(severity, s[0], s[1]); });
    severity.value = p.severity;
    var star = q('.fs-p-star'), rule = q('.fs-p-rule'), deadline = q('.fs-p-deadline'), hint = q('.fs-p-deadline-hint');
    function stars() { fillStars(star, starsFor(p.village), p.star_code, '（不指定）'); fillRules(rule, starsFor(p.village), p.star_code, p.rule_code); }
    function dates() {
      var d = defaultDeadline(p);
      if (!p.deadline_touched) p.deadline = d;
      deadline.value = p.deadline || ''; deadline.min = F.draft.date;
      var label = (F.data.severities.find(function (s) { return s[0] === p.severity; }) || [0, ''])[1];
      hint.textContent = d ? (p.deadline_touched && p.deadline !== d ? '已修改（按“' + label + '”默认为 ' + d + '）' : '按“' + label + '”默认期限，可修改') : '先选择村（社区），按严重程度给出默认期限';
    }
    stars(); dates();
    q('.fs-p-desc').value = p.description || '';
    card.addEventListener('input', function (e) {
      var t = e.target;
      if (t === village) { p.village = t.value ? Number(t.value) : null; p.star_code = ''; p.rule_code = ''; stars(); dates(); }
      else if (t === severity) { p.severity = t.value; dates(); }
      else if (t === deadline) { p.deadline = t.value; p.deadline_touched = true; dates(); }
      else if (t === star) { p.star_code = t.value; p.rule_code = ''; fillRules(rule, starsFor(p.village), p.star_code, ''); }
      else if (t === rule) {
        p.rule_code = t.value;
        var owner = starsFor(p.village).find(function (s) { return s.rules.some(function (r) { return r[0] === t.value; }); });
        if (owner) { p.star_code = owner.code; star.value = owner.code; }
      } else if (t.classList.contains('fs-p-desc')) p.description = t.value;
      touch(p);
    });
    q('.fs-p-remove').addEventListener('click', function () {
      if (!window.confirm('删除这个问题及其照片？')) return;
      F.remove([p.uid].concat(photosOf(p.uid).map(function (x) { return x.uid; }))).then(redraw);
    });
    drawPhotos(q('.fs-p-photos'), p.uid);
    watchFiles(card);
    return card;
  }

  function drawProblems() {
    var box = $('fs-problems'), list = problems(); box.textContent = '';
    list.forEach(function (p, i) { box.appendChild(problemCard(p, i + 1)); });
    $('fs-problem-count').textContent = list.length;
  }

  function redraw() {
    var d = F.draft;
    $('fs-team').value = d.team; $('fs-date').value = d.date; $('fs-kind').value = d.kind; $('fs-notes').value = d.notes || '';
    $('fs-star-wrap').classList.toggle('d-none', d.kind !== 'star');
    var first = d.villages[0] || team().villages[0];
    fillStars($('fs-star'), starsFor(first), d.star_code, '请选择');
    drawVillages(); drawPhotos($('fs-insp-photos'), d.uid); drawProblems();
  }

  function addPhotos(input) {
    var files = Array.prototype.slice.call(input.files || []), card = input.closest('.fs-problem');
    var owner = card ? 'problem' : 'inspection', parent = card ? card.dataset.uid : F.draft.uid;
    input.value = '';
    return files.reduce(function (chain, file) {
      return chain.then(function () { return window.fsFieldPhoto.prepare(file); }).then(function (photo) {
        var row = { uid: window.fsFieldStore.uuid(), type: 'photo', user: F.me, state: 'draft', seq: Date.now(), parent: parent, owner: owner,
          name: photo.name, mime: photo.mime, size: photo.size }, pictures = {};
        pictures[row.uid] = photo.bytes;
        return F.save([row], pictures);
      });
    }, flush()).then(function () { refreshPhotos(parent); }, function () { F.formError('照片未能保存在本机（存储空间不足？），请重试。'); });
  }

  function check() {
    var d = F.draft, list = problems(), today = F.data.today;
    if (!d.team) return ['fs-team', '请选择督导组'];
    if (!d.date || d.date > today) return ['fs-date', '请填写督导日期（不能晚于今天）'];
    if (!d.villages.length) return ['fs-villages', '请至少选择一个督导村（社区）'];
    if (d.kind === 'star' && !d.star_code) return ['fs-star', '单星攻坚督导请选择所涉的星'];
    for (var i = 0; i < list.length; i++) {
      var p = list[i], n = '问题 ' + (i + 1) + '：';
      if (!p.village || d.villages.indexOf(p.village) < 0) return [p.uid, n + '请选择村（社区）（须是本次督导的村）'];
      if (!(p.description || '').trim()) return [p.uid, n + '请填写问题描述'];
      if (p.deadline_touched && p.deadline && p.deadline < d.date) return [p.uid, n + '整改期限不能早于督导日期'];
    }
    return null;
  }

  function submit(e) {
    e.preventDefault();
    var wrong = check();
    if (wrong) {
      F.formError(wrong[1]);
      var el = $(wrong[0]) || document.querySelector('.fs-problem[data-uid="' + wrong[0] + '"]');
      if (el) el.scrollIntoView({ block: 'center' });
      return;
    }
    F.formError('');
    var d = F.draft, owners = [d].concat(problems()), now = Date.now(), rows = owners.slice();
    owners.forEach(function (r) { rows = rows.concat(photosOf(r.uid)); });
    rows.forEach(function (r, i) { r.state = 'queued'; r.seq = now + i; r.queued_at = now; });
    pending = {};
    F.save(rows).then(function () { return F.newDraft(d); }).then(function () { redraw(); window.scrollTo(0, document.getElementById('fs-outbox').offsetTop - 80); F.queue.kick(); });
  }

  function init(shared) {
    F = shared; form = $('fs-form');
    F.data.teams.forEach(function (t) { option($('fs-team'), t.id, t.name + '（' + t.unit + '）'); });
    F.data.kinds.forEach(function (k) { option($('fs-kind'), k[0], k[1]); });
    $('fs-date').max = F.data.today;
    form.addEventListener('input', function (e) {
      var d = F.draft, t = e.target;
      if (t.closest('.fs-problem') || t.classList.contains('fs-file')) return;
      if (t.id === 'fs-team') { d.team = Number(t.value); d.villages = []; d.star_code = ''; redraw(); }
      else if (t.id === 'fs-date') { d.date = t.value; drawProblems(); }
      else if (t.id === 'fs-kind') { d.kind = t.value; $('fs-star-wrap').classList.toggle('d-none', d.kind !== 'star'); }
      else if (t.id === 'fs-star') d.star_code = t.value;
      else if (t.id === 'fs-notes') d.notes = t.value;
      else if (t.closest('#fs-villages')) {
        d.villages = Array.prototype.filter.call($('fs-villages').querySelectorAll('input:checked'), function () { return true; }).map(function (x) { return Number(x.value); });
        drawProblems();
      }
      touch(d);
    });
    watchFiles($('fs-insp-photos').parentNode);
    form.addEventListener('submit', submit);
    $('fs-add-problem').addEventListener('click', function () {
      var only = F.draft.villages.length === 1 ? F.draft.villages[0] : null;
      var p = { uid: window.fsFieldStore.uuid(), type: 'problem', user: F.me, state: 'draft', seq: Date.now(), parent: F.draft.uid,
        village: only, severity: F.data.severities[0][0], star_code: '', rule_code: '', deadline: '', deadline_touched: false, description: '' };
      p.deadline = defaultDeadline(p);
      F.save([p]).then(function () { drawProblems(); var cards = document.querySelectorAll('.fs-problem'); cards[cards.length - 1].scrollIntoView({ block: 'start' }); });
    });
    document.addEventListener('visibilitychange', function () { if (document.visibilityState === 'hidden') flush(); });
    window.addEventListener('pagehide', flush);
    form.classList.remove('d-none');
    redraw();
  }

  window.fsFieldForm = { init: init, flush: flush, redraw: redraw };
})();
