// The phone inspection page's local store (现场督导): every inspection, problem and photo the inspector
// records is a row here (IndexedDB, which survives a reload, a closed tab and a dead battery) until the
// server has confirmed it. One object store, "records", keyed by the row's uid (the client_uid the server
// sees). A photo keeps its bytes (ArrayBuffer: stored the same way by every browser) until it is confirmed.
// Without IndexedDB (some private modes) rows live in memory and the page says so.
(function () {
  'use strict';
  var DB_NAME = 'fivestar-field', STORE = 'records', VERSION = 1;

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
  // Several rows in one transaction: all are written or none (an inspection queued with its problems).
  IdbStore.prototype.putMany = function (rows) {
    var tx = this.db.transaction(STORE, 'readwrite'), store = tx.objectStore(STORE);
    rows.forEach(function (row) { store.put(row); });
    return new Promise(function (resolve, reject) {
      tx.oncomplete = function () { resolve(); };
      tx.onerror = tx.onabort = function () { reject(tx.error || new Error('aborted')); };
    });
  };
  IdbStore.prototype.removeMany = function (uids) {
    var tx = this.db.transaction(STORE, 'readwrite'), store = tx.objectStore(STORE);
    uids.forEach(function (uid) { store.delete(uid); });
    return new Promise(function (resolve, reject) {
      tx.oncomplete = function () { resolve(); };
      tx.onerror = tx.onabort = function () { reject(tx.error || new Error('aborted')); };
    });
  };

  function MemoryStore() { this.rows = {}; this.durable = false; }
  MemoryStore.prototype.all = function () {
    var rows = this.rows;
    return Promise.resolve(Object.keys(rows).map(function (k) { return rows[k]; }));
  };
  MemoryStore.prototype.putMany = function (list) {
    var rows = this.rows;
    list.forEach(function (row) { rows[row.uid] = row; });
    return Promise.resolve();
  };
  MemoryStore.prototype.removeMany = function (uids) {
    var rows = this.rows;
    uids.forEach(function (uid) { delete rows[uid]; });
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
