{% autoescape off %}// The phone inspection page's service worker (scope: the page's own path). It keeps a copy of the page and its
// static files so the page opens with no signal — after the camera app pushed the browser out of memory, say —
// and shows what the browser holds (IndexedDB). The page is fetched from the network first (fresh teams,
// villages and login); the copy is used only when that fails. API calls are never touched.
'use strict';
var CONFIG = {{ config }};
var CACHE = 'fs-field-' + CONFIG.version, PAGE = CONFIG.page, STATIC = CONFIG.static, ASSETS = CONFIG.assets;
var HASHED = /\.[0-9a-f]{12}\.[a-z0-9]+$/;  // a release's file names carry their content's hash: never stale
var NO_COPY = '<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
  '<p style="font:16px sans-serif;padding:1rem">没有网络，本机也还没有保存过现场督导页面。请在有信号时打开一次本页。</p>';

function keepPage(cache, response) {
  if (response.ok && !response.redirected && response.type === 'basic') return cache.put(PAGE, response);
  return Promise.resolve();
}

self.addEventListener('install', function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    var assets = ASSETS.map(function (url) { return cache.add(url).catch(function () {}); });
    var page = fetch(PAGE, { credentials: 'same-origin' }).then(function (r) { return keepPage(cache, r); }).catch(function () {});
    return Promise.all(assets.concat([page]));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf('fs-field-') === 0 && k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

function page(request) {
  return caches.open(CACHE).then(function (cache) {
    return fetch(request).then(function (response) {
      keepPage(cache, response.clone());
      return response;
    }, function () {
      return cache.match(PAGE).then(function (hit) {
        return hit || new Response(NO_COPY, { status: 503, headers: { 'Content-Type': 'text/html; charset=utf-8' } });
      });
    });
  });
}

function asset(request) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request).then(function (hit) {
      if (hit && HASHED.test(new URL(request.url).pathname)) return hit;
      var fresh = fetch(request).then(function (response) { if (response.ok) cache.put(request, response.clone()); return response; });
      if (hit) { fresh.catch(function () {}); return hit; }
      return fresh;
    });
  });
}

self.addEventListener('fetch', function (event) {
  var request = event.request, url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname === PAGE) event.respondWith(page(request));
  else if (url.pathname.indexOf(STATIC) === 0) event.respondWith(asset(request));
});
{% endautoescape %}
