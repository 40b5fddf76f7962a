{% load static %}// txng's service worker (served at /sw.js so that it controls the whole site).
// The shell is cached on install; pages are fetched from the network first and the last ones
// viewed are kept for offline; static files (hashed names) come from the cache first.
// Forms kept offline (outbox.js) are sent on Background Sync or when a page asks.
"use strict";
importScripts("{% static 'txng/outbox.js' %}");
var VERSION = "{{ version }}";
var SHELL = "txng-shell-" + VERSION;
var STATIC = "txng-static";
var PAGES = "txng-pages";
var SHELL_URLS = {{ shell_json|safe }};
var OFFLINE_URL = "{{ offline_url }}";
var CSRF_URL = "{{ csrf_url }}";
var MAX_PAGES = 20;
var MAX_STATIC = 40;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (c) { return c.addAll(SHELL_URLS); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) {
      return n.indexOf("txng-shell-") === 0 && n !== SHELL;
    }).map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

function trim(name, max) {
  return caches.open(name).then(function (cache) {
    return cache.keys().then(function (keys) {
      if (keys.length <= max) return;
      return Promise.all(keys.slice(0, keys.length - max).map(function (k) { return cache.delete(k); }));
    });
  });
}

function page(request) {
  return fetch(request).then(function (response) {
    if (response.ok && response.type === "basic") {
      var copy = response.clone();
      caches.open(PAGES).then(function (c) { return c.put(request, copy); })
        .then(function () { return trim(PAGES, MAX_PAGES); });
    }
    return response;
  }, function () {
    return caches.match(request, { ignoreVary: true }).then(function (hit) {
      return hit || caches.match(OFFLINE_URL, { ignoreSearch: true });
    });
  });
}

function staticFile(request) {
  return caches.match(request).then(function (hit) {
    return hit || fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(STATIC).then(function (c) { return c.put(request, copy); })
          .then(function () { return trim(STATIC, MAX_STATIC); });
      }
      return response;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(page(request));
  } else if (url.pathname.indexOf("{% get_static_prefix %}") === 0) {
    event.respondWith(staticFile(request));
  }
});

function tell() {
  return self.clients.matchAll().then(function (clients) {
    clients.forEach(function (c) { c.postMessage({ type: "outbox" }); });
  });
}

self.addEventListener("sync", function (event) {
  if (event.tag === "outbox") event.waitUntil(self.txngOutbox.flush(CSRF_URL).then(tell));
});

self.addEventListener("message", function (event) {
  if (event.data && event.data.type === "flush") {
    event.waitUntil(self.txngOutbox.flush(CSRF_URL).then(tell));
  }
});
