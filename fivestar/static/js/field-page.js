// The phone inspection page (现场督导): starts the local store, the draft form (field-form.js) and the upload
// queue (field-queue.js), and draws what is still waiting and what the server has confirmed. Rows belong to
// the account that made them: another account's rows on a shared phone are counted, never sent or shown.
(function () {
  'use strict';
  var KEEP_CONFIRMED_MS = 3 * 24 * 3600 * 1000;
  var STATES = {
    queued: ['待上传', 'warning'], sending: ['上传中…', 'info'], done: ['已确认', 'success'],
    refused: ['未能保存', 'danger'], blocked: ['等待所属记录', 'secondary']
  };
  var F = { rows: [], byUid: {}, thumbs: {} };
  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text != null) e.textContent = text; return e; }
  function index() { F.byUid = {}; F.rows.forEach(function (r) { F.byUid[r.uid] = r; }); }
  function mine() { return F.rows.filter(function (r) { return r.user === F.me; }); }
  function label(pairs, value) { var hit = pairs.find(function (p) { return p[0] === value; }); return hit ? hit[1] : value; }
  function village(id) { var v = F.data.villages[id]; return v ? v.name : '村（社区）' + id; }
  function teamName(id) { var t = F.data.teams.find(function (x) { return x.id === id; }); return t ? t.name : ''; }

  // Reads and writes of the rows run one after another: a read started before a write never puts back the rows
  // as they were before it (a photo just taken would vanish from the page until the next reload).
  var chain = Promise.resolve();
  function serial(fn) { var next = chain.then(fn, fn); chain = next.catch(function () {}); return next; }
  F.load = function () {
    return serial(function () {
      return F.store.all().then(function (loaded) {
        // Draft rows being edited on this page keep their in-memory object (the form holds it).
        F.rows = loaded.map(function (r) { var cur = F.byUid[r.uid]; return r.state === 'draft' && cur && cur.state === 'draft' ? cur : r; });
        index();
      });
    });
  };
  F.save = function (rows, pictures) {
    return serial(function () {
      return F.store.write(rows, pictures).then(function () {
        rows.forEach(function (r) { if (!F.byUid[r.uid]) F.rows.push(r); else F.rows[F.rows.indexOf(F.byUid[r.uid])] = r; F.byUid[r.uid] = r; });
        render();
      });
    });
  };
  F.remove = function (uids) {
    return serial(function () {
      return F.store.removeMany(uids).then(function () {
        F.rows = F.rows.filter(function (r) { return uids.indexOf(r.uid) < 0; });
        uids.forEach(function (u) { if (F.thumbs[u]) { URL.revokeObjectURL(F.thumbs[u]); delete F.thumbs[u]; } });
        index(); render();
      });
    });
  };
  // A photo's picture is read from the store only to be shown (once per page) or sent.
  F.thumbInto = function (img, row) {
    if (F.thumbs[row.uid]) { img.src = F.thumbs[row.uid]; return; }
    F.store.bytes(row.uid).then(function (bytes) {
      if (!bytes) return;
      if (!F.thumbs[row.uid]) F.thumbs[row.uid] = URL.createObjectURL(new Blob([bytes], { type: row.mime }));
      img.src = F.thumbs[row.uid];
    });
  };
  F.newDraft = function (prev) {
    var team = prev && prev.team ? prev.team : (F.data.teams[0] || {}).id;
    F.draft = { uid: window.fsFieldStore.uuid(), type: 'inspection', user: F.me, state: 'draft', seq: Date.now(), team: team,
      date: prev ? prev.date : F.data.today, kind: prev ? prev.kind : 'routine', villages: [], notes: '', star_code: '' };
    return F.save([F.draft]);
  };
  F.formError = function (text) { var box = $('fs-form-error'); box.textContent = text; box.classList.toggle('d-none', !text); };

  function family(uid) {
    var out = [uid];
    F.rows.forEach(function (r) { if (r.parent === uid) out = out.concat(family(r.uid)); });
    return out;
  }
  function stateOf(row) {
    if (F.queue && F.queue.status.sending === row.uid) return 'sending';
    var parent = row.parent && F.byUid[row.parent];
    if (row.state === 'queued' && parent && (parent.state === 'refused' || stateOf(parent) === 'blocked')) return 'blocked';
    return row.state;
  }
  function badge(row) {
    var s = STATES[stateOf(row)] || ['', 'light'], b = el('span', 'badge text-bg-' + s[1] + ' fs-state', s[0]);
    b.dataset.state = stateOf(row);
    return b;
  }
  function photoChips(ownerUid) {
    var box = el('div', 'fs-field-chips');
    F.rows.filter(function (r) { return r.type === 'photo' && r.parent === ownerUid; }).forEach(function (p) {
      var chip = el('span', 'fs-field-chip');
      chip.dataset.testid = 'field-outbox-photo'; chip.dataset.state = stateOf(p);
      if (F.thumbs[p.uid] || p.state !== 'done') { var img = el('img'); img.alt = p.name || '照片'; F.thumbInto(img, p); chip.appendChild(img); }
      else chip.appendChild(el('i', 'bi bi-image'));
      chip.appendChild(badge(p));
      if (p.state === 'refused') { chip.title = p.error; chip.appendChild(removeButton(p.uid, '删除照片')); }
      box.appendChild(chip);
    });
    return box;
  }
  function removeButton(uid, text) {
    var b = el('button', 'btn btn-sm btn-link text-danger p-0 ms-2', text);
    b.type = 'button';
    b.addEventListener('click', function () { if (window.confirm(text + '？本机保存的内容将被删除。')) F.remove(family(uid)); });
    return b;
  }
  function errorLine(row) {
    var line = el('div', 'small text-danger', row.error || '');
    line.dataset.testid = 'field-refusal';
    line.appendChild(removeButton(row.uid, '删除此项'));
    return line;
  }

  function bundle(insp) {
    var card = el('div', 'card mb-2 fs-bundle'), body = el('div', 'card-body py-2');
    card.dataset.testid = 'field-bundle'; card.dataset.uid = insp.uid;
    var head = el('div', 'd-flex align-items-center gap-2');
    head.appendChild(el('strong', '', insp.date + ' ' + label(F.data.kinds, insp.kind)));
    head.appendChild(badge(insp));
    body.appendChild(head);
    body.appendChild(el('div', 'small text-muted', teamName(insp.team) + ' · ' + insp.villages.map(village).join('、')));
    if (insp.notes) body.appendChild(el('div', 'small fs-field-notes', insp.notes));
    if (insp.state === 'refused') body.appendChild(errorLine(insp));
    body.appendChild(photoChips(insp.uid));
    var list = el('ul', 'list-unstyled mb-0 mt-1');
    F.rows.filter(function (r) { return r.type === 'problem' && r.parent === insp.uid; }).sort(function (a, b) { return a.seq - b.seq; }).forEach(function (p) {
      var li = el('li', 'border-top pt-1 mt-1');
      li.dataset.testid = 'field-outbox-problem'; li.dataset.state = stateOf(p);
      var top = el('div', 'd-flex align-items-center gap-2 small');
      top.appendChild(badge(p));
      top.appendChild(el('span', 'text-muted', village(p.village) + ' · ' + label(F.data.severities, p.severity) + ' · 期限 ' + ((p.server && p.server.deadline) || p.deadline || '默认')));
      li.appendChild(top);
      li.appendChild(el('div', 'small', p.description));
      if (p.state === 'refused') li.appendChild(errorLine(p));
      li.appendChild(photoChips(p.uid));
      list.appendChild(li);
    });
    body.appendChild(list);
    var all = family(insp.uid).map(function (u) { return F.byUid[u]; });
    if (all.every(function (r) { return r && r.state === 'done'; })) {
      var foot = el('div', 'small text-success mt-1', '全部已由服务器确认。');
      var clear = el('button', 'btn btn-sm btn-link p-0 ms-2', '从本机清除');
      clear.type = 'button';
      clear.addEventListener('click', function () { F.remove(family(insp.uid)); });
      foot.appendChild(clear); body.appendChild(foot);
    }
    card.appendChild(body);
    return card;
  }

  function renderStatus() {
    var rows = mine().filter(function (r) { return r.state !== 'draft'; }), st = F.queue ? F.queue.status : {};
    var count = function (s) { return rows.filter(function (r) { return r.state === s; }).length; };
    var waiting = count('queued'), refused = count('refused'), online = navigator.onLine !== false;
    $('fs-net').textContent = online ? '在线' : '离线';
    $('fs-net').className = 'badge ' + (online ? 'text-bg-success' : 'text-bg-secondary');
    $('fs-waiting').textContent = '待上传 ' + waiting + ' 项';
    $('fs-waiting').className = 'fw-semibold ' + (waiting ? 'text-warning-emphasis' : 'text-body');
    $('fs-confirmed').textContent = '已确认 ' + count('done') + ' 项';
    $('fs-refused').textContent = refused ? '未能保存 ' + refused + ' 项（见下方原因）' : '';
    $('fs-refused').classList.toggle('d-none', !refused);
    var note = '';
    if (st.sending) note = '正在上传…';
    else if (waiting) {
      note = (st.problem || (online ? '等待上传' : '网络已断开，恢复后自动上传')) + '。';
      if (st.nextTry) note += Math.max(1, Math.round((st.nextTry - Date.now()) / 1000)) + ' 秒后自动重试。';
      note += '内容已保存在本机，不会丢失。';
    } else if (rows.length) note = '没有待上传的内容。';
    $('fs-queue-note').textContent = note;
    $('fs-login').classList.toggle('d-none', !st.login);
    var others = F.rows.filter(function (r) { return r.user !== F.me && r.state === 'queued'; }).length;
    $('fs-others').textContent = others ? '本机还有其他账号记录的 ' + others + ' 项待上传，请用该账号登录后上传。' : '';
    $('fs-others').classList.toggle('d-none', !others);
  }

  function render() {
    if (!F.draft) return;
    renderStatus();
    var box = $('fs-outbox'), list = mine().filter(function (r) { return r.type === 'inspection' && r.state !== 'draft'; }).sort(function (a, b) { return b.seq - a.seq; });
    box.textContent = '';
    if (!list.length) box.appendChild(el('p', 'text-muted small', '还没有提交的记录。'));
    list.forEach(function (insp) { box.appendChild(bundle(insp)); });
  }

  function cleanup() {
    var old = mine().filter(function (r) {
      if (r.type !== 'inspection' || r.state !== 'done' || Date.now() - (r.confirmed_at || 0) < KEEP_CONFIRMED_MS) return false;
      return family(r.uid).every(function (u) { return F.byUid[u] && F.byUid[u].state === 'done'; });
    });
    var uids = [];
    old.forEach(function (r) { uids = uids.concat(family(r.uid)); });
    return uids.length ? F.remove(uids) : Promise.resolve();
  }

  function start() {
    F.data = JSON.parse($('fs-field-data').textContent);
    F.me = F.data.user;
    // A copy of the page opened offline on a later day: today is the phone's day (Asia/Shanghai, UTC+8).
    var local = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
    if (local > F.data.today) F.data.today = local;
    if (navigator.serviceWorker && window.isSecureContext && F.data.sw) {
      navigator.serviceWorker.register(F.data.sw, { scope: F.data.sw.replace(/sw\.js$/, '') }).catch(function () {});
    }
    if (!F.data.teams.length) {
      $('fs-outbox').parentNode.insertBefore(el('div', 'alert alert-warning', '您还没有可督导的督导组（或督导组未分配村），请联系乡镇管理员。'), $('fs-outbox').parentNode.firstChild);
    }
    window.fsFieldStore.open().then(function (store) {
      F.store = store;
      $('fs-memory-only').classList.toggle('d-none', store.durable);
      return F.load();
    }).then(cleanup).then(function () {
      F.draft = mine().filter(function (r) { return r.type === 'inspection' && r.state === 'draft'; }).sort(function (a, b) { return b.seq - a.seq; })[0];
      return F.draft ? null : F.newDraft(null);
    }).then(function () {
      F.queue = new window.fsFieldQueue(F.store, F.data.api, F.me, function () { F.load().then(render); });
      if (F.data.teams.length) window.fsFieldForm.init(F);
      render();
      $('fs-send-now').addEventListener('click', function () { F.queue.failures = 0; F.queue.kick(); });
      window.addEventListener('online', renderStatus);
      window.addEventListener('offline', renderStatus);
      setInterval(renderStatus, 1000);
      F.queue.kick();
    });
  }

  window.fsField = F;
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
})();
