// The phone inspection page's upload queue: sends what fsFieldStore holds, in order (an inspection, then
// its problems, then the photos, one at a time), each with its uid as client_uid so a retry after a lost
// answer finds what the first try saved. Retries on its own with a growing pause (2 s … 1 min), at once
// when the browser says it is back online or the page is shown again; a refusal (a clear Chinese message
// from the server) stops only that row and its dependants, never the rest.
(function () {
  'use strict';
  var JSON_TIMEOUT = 30000, PHOTO_TIMEOUT = 120000, MAX_PAUSE = 60000, POLL = 30000;

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    try { return JSON.parse(document.body.getAttribute('hx-headers') || '{}')['X-CSRFToken'] || ''; } catch (e) { return ''; }
  }

  function errorText(body, status) {
    if (body && body.errors && body.errors.length) return body.errors.map(function (e) { return e.message; }).join('；');
    if (body && body.detail) return body.detail;
    return '服务器未能保存（' + status + '）。';
  }

  // One request: {kind: 'ok', body} | {kind: 'retry', why} | {kind: 'login', why} | {kind: 'refused', why}
  function send(url, body, timeout) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, timeout) : null;
    var headers = { 'X-CSRFToken': csrfToken(), 'Accept': 'application/json' };
    if (!(body instanceof FormData)) { headers['Content-Type'] = 'application/json'; body = JSON.stringify(body); }
    return fetch(url, { method: 'POST', body: body, headers: headers, credentials: 'same-origin', signal: controller && controller.signal })
      .then(function (response) {
        var json = (response.headers.get('Content-Type') || '').indexOf('application/json') === 0;
        return (json ? response.json() : Promise.resolve(null)).catch(function () { return null; }).then(function (data) {
          var s = response.status;
          if (s >= 200 && s < 300) {
            // A captive portal or a proxy page answers 200 too: only our JSON counts as saved.
            return data && (data.id || data.evidence) ? { kind: 'ok', body: data } : { kind: 'retry', why: '网络返回了无法识别的内容' };
          }
          if (s === 401 || (s === 403 && data && /登录|安全校验|修改密码/.test(data.detail || ''))) return { kind: 'login', why: errorText(data, s) };
          if (s === 408 || s === 425 || s === 429 || s >= 500 || !data || (s === 409 && data.retry)) return { kind: 'retry', why: errorText(data, s) };
          return { kind: 'refused', why: errorText(data, s) };
        });
      }, function () { return { kind: 'retry', why: navigator.onLine === false ? '网络已断开' : '网络不稳定，未能连上服务器' }; })
      .then(function (result) { if (timer) clearTimeout(timer); return result; });
  }

  function payload(row) {
    if (row.type === 'inspection') {
      return { client_uid: row.uid, team: row.team, date: row.date, kind: row.kind, villages: row.villages, notes: row.notes || '', star_code: row.star_code || '' };
    }
    if (row.type === 'problem') {
      var p = { client_uid: row.uid, inspection_uid: row.parent, village: row.village, description: row.description,
        severity: row.severity, star_code: row.star_code || '', rule_code: row.rule_code || '' };
      if (row.deadline_touched && row.deadline) p.deadline = row.deadline;
      return p;
    }
    return null;
  }

  function photoForm(row, bytes) {
    var form = new FormData();
    form.append('client_uid', row.uid);
    form.append('target', row.owner);
    form.append('target_uid', row.parent);
    form.append('file', new Blob([bytes], { type: row.mime || 'image/jpeg' }), row.name || 'photo.jpg');
    return form;
  }

  // The next row that may go now: queued, and whatever it belongs to already confirmed.
  function nextRow(rows) {
    var byUid = {};
    rows.forEach(function (r) { byUid[r.uid] = r; });
    var waiting = rows.filter(function (r) { return r.state === 'queued'; }).sort(function (a, b) {
      var order = { inspection: 0, problem: 1, photo: 2 };
      return order[a.type] - order[b.type] || a.seq - b.seq;
    });
    for (var i = 0; i < waiting.length; i++) {
      var r = waiting[i];
      if (r.type === 'inspection') return r;
      var parent = byUid[r.parent];
      if (parent && parent.state === 'done') return r;
    }
    return null;
  }

  function Queue(store, urls, user, onChange) {
    this.store = store; this.urls = urls; this.user = user; this.onChange = onChange;
    this.busy = false; this.again = false; this.failures = 0; this.timer = null;
    this.status = { sending: null, nextTry: null, problem: '', login: '' };
    var self = this;
    window.addEventListener('online', function () { self.failures = 0; self.kick(); });
    window.addEventListener('offline', function () { self.changed(); });
    document.addEventListener('visibilitychange', function () { if (document.visibilityState === 'visible') self.kick(); });
    setInterval(function () { if (!self.busy && !self.timer) self.kick(); }, POLL);
  }

  Queue.prototype.changed = function () { this.onChange(this.status); };

  Queue.prototype.kick = function () {
    if (this.busy) { this.again = true; return; }
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    this.busy = true; this.again = false;
    var self = this;
    this.run().catch(function () { self.later(); }).then(function () {
      self.busy = false; self.status.sending = null; self.changed();
      if (self.again) self.kick();
    });
  };

  Queue.prototype.later = function () {
    this.failures += 1;
    var pause = Math.min(MAX_PAUSE, 2000 * Math.pow(2, this.failures - 1)) + Math.floor(Math.random() * 1000);
    var self = this;
    this.status.nextTry = Date.now() + pause;
    this.timer = setTimeout(function () { self.timer = null; self.kick(); }, pause);
  };

  Queue.prototype.run = async function () {
    for (;;) {
      var self = this, rows = (await this.store.all()).filter(function (r) { return r.user === self.user; });
      var row = nextRow(rows);
      if (!row) { this.failures = 0; this.status.nextTry = null; this.status.problem = ''; return; }
      if (navigator.onLine === false) { this.status.problem = '网络已断开，恢复后自动上传'; this.status.nextTry = null; return; }
      this.status.sending = row.uid; this.changed();
      var url = this.urls[row.type === 'inspection' ? 'inspections' : row.type === 'problem' ? 'problems' : 'photos'];
      var body = payload(row), result;
      if (row.type === 'photo') {
        var bytes = await this.store.bytes(row.uid);
        body = bytes ? photoForm(row, bytes) : null;
      }
      if (body) result = await send(url, body, row.type === 'photo' ? PHOTO_TIMEOUT : JSON_TIMEOUT);
      else result = { kind: 'refused', why: '本机找不到这张照片了，请重新拍摄。' };
      var drop = [];
      if (result.kind === 'ok') {
        row.state = 'done'; row.error = ''; row.confirmed_at = Date.now();
        row.server = result.body;
        if (row.type === 'photo') drop.push(row.uid); // the server has it: free the phone's space
        this.failures = 0; this.status.problem = ''; this.status.login = '';
      } else if (result.kind === 'refused') {
        row.state = 'refused'; row.error = result.why;
      } else {
        this.status.problem = result.why;
        if (result.kind === 'login') this.status.login = result.why;
        this.later();
        return;
      }
      await this.store.write([row], null, drop);
      this.status.sending = null; this.changed();
    }
  };

  window.fsFieldQueue = Queue;
})();
