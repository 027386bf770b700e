// The phone inspection page's local store (现场督导): every inspection, problem and photo the inspector
// records is a row here (IndexedDB, which survives a reload, a closed tab and a dead battery) until the
// server has confirmed it. Object store "records" holds the rows, keyed by uid (the client_uid the server sees);
// "bytes" holds each photo's picture (ArrayBuffer: stored the same way by every browser) under the photo's uid
// until the server has it, apart so that reading the rows never drags megabytes of pictures along.
// Without IndexedDB (some private modes) rows live in memory and the page says so.
(function () {
  'use strict';
  var DB_NAME = 'fivestar-field', STORE = 'records', BYTES = 'bytes', VERSION = 1;

  function promisify(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function openDb() {
    return new Promise(function (resolve, reject) {
      if (!window.indexedDB) { reject(new Error('no indexedDB')); return; }
      var request;
      try { request = window.indexedDB.open(DB_NAME, VERSION); } catch (e) { reject(e); return; }
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: 'uid' });
        if (!db.objectStoreNames.contains(BYTES)) db.createObjectStore(BYTES);
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
      request.onblocked = function () { reject(new Error('blocked')); };
    });
  }

  function IdbStore(db) { this.db = db; this.durable = true; }
  IdbStore.prototype.all = function () {
    return promisify(this.db.transaction(STORE, 'readonly').objectStore(STORE).getAll());
  };
  IdbStore.prototype.bytes = function (uid) {
    return promisify(this.db.transaction(BYTES, 'readonly').objectStore(BYTES).get(uid)).then(function (b) { return b || null; });
  };
  // One transaction: rows written, pictures added ({uid: ArrayBuffer}) and dropped (uids) together or not at all.
  IdbStore.prototype.write = function (rows, pictures, drop) {
    var tx = this.db.transaction([STORE, BYTES], 'readwrite'), store = tx.objectStore(STORE), bytes = tx.objectStore(BYTES);
    rows.forEach(function (row) { store.put(row); });
    Object.keys(pictures || {}).forEach(function (uid) { bytes.put(pictures[uid], uid); });
    (drop || []).forEach(function (uid) { bytes.delete(uid); });
    return done(tx);
  };
  IdbStore.prototype.removeMany = function (uids) {
    var tx = this.db.transaction([STORE, BYTES], 'readwrite'), store = tx.objectStore(STORE), bytes = tx.objectStore(BYTES);
    uids.forEach(function (uid) { store.delete(uid); bytes.delete(uid); });
    return done(tx);
  };
  function done(tx) {
    return new Promise(function (resolve, reject) {
      tx.oncomplete = function () { resolve(); };
      tx.onerror = tx.onabort = function () { reject(tx.error || new Error('aborted')); };
    });
  }
  IdbStore.prototype.putMany = function (rows) { return this.write(rows); };

  function MemoryStore() { this.rows = {}; this.pictures = {}; this.durable = false; }
  MemoryStore.prototype.all = function () {
    var rows = this.rows;
    return Promise.resolve(Object.keys(rows).map(function (k) { return rows[k]; }));
  };
  MemoryStore.prototype.bytes = function (uid) { return Promise.resolve(this.pictures[uid] || null); };
  MemoryStore.prototype.write = function (list, pictures, drop) {
    var self = this;
    list.forEach(function (row) { self.rows[row.uid] = row; });
    Object.keys(pictures || {}).forEach(function (uid) { self.pictures[uid] = pictures[uid]; });
    (drop || []).forEach(function (uid) { delete self.pictures[uid]; });
    return Promise.resolve();
  };
  MemoryStore.prototype.putMany = function (rows) { return this.write(rows); };
  MemoryStore.prototype.removeMany = function (uids) {
    var self = this;
    uids.forEach(function (uid) { delete self.rows[uid]; delete self.pictures[uid]; });
    return Promise.resolve();
  };

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }

  window.fsFieldStore = {
    open: function () {
      // Ask the browser not to evict these rows when the phone runs short of space (best effort).
      if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(function () {});
      return openDb().then(function (db) { return new IdbStore(db); }, function () { return new MemoryStore(); });
    },
    uuid: uuid
  };
})();
