/// <reference lib="webworker" />
// Karat service worker: precaches the app shell and built assets, serves them
// cache-first, and leaves everything under /api/ to the network, uncached.
import { cacheable, classify } from './rules';

declare const self: ServiceWorkerGlobalScope;
// Replaced at build time by the list of built files and a content hash.
declare const __KARAT_PRECACHE__: string[];
declare const __KARAT_VERSION__: string;

const CACHE = `karat-shell-${__KARAT_VERSION__}`;
const SHELL = '/index.html';

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(__KARAT_PRECACHE__)));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(names.filter((n) => n.startsWith('karat-') && n !== CACHE).map((n) => caches.delete(n)));
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('message', (event) => {
  const data = event.data as { type?: string } | null;
  if (data?.type === 'SKIP_WAITING') void self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const strategy = classify({ method: req.method, url: req.url, mode: req.mode, origin: self.location.origin });
  if (strategy === 'network') return;
  if (strategy === 'shell') {
    event.respondWith(fetch(req).catch(async () => (await caches.match(SHELL, { cacheName: CACHE })) ?? Response.error()));
    return;
  }
  event.respondWith(
    (async () => {
      const hit = await caches.match(req, { cacheName: CACHE });
      if (hit) return hit;
      const res = await fetch(req);
      if (cacheable(res)) {
        const copy = res.clone();
        event.waitUntil(caches.open(CACHE).then((c) => c.put(req, copy)));
      }
      return res;
    })(),
  );
});

self.addEventListener('push', (event) => {
  let payload: { title?: string; body?: string; url?: string } = {};
  try {
    payload = (event.data?.json() as typeof payload | undefined) ?? {};
  } catch {
    payload = { body: event.data?.text() };
  }
  event.waitUntil(
    self.registration.showNotification(payload.title ?? 'Karat', {
      body: payload.body ?? '',
      icon: '/icons/icon-192.png',
      badge: '/icons/icon-192.png',
      data: { url: payload.url ?? '/' },
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const raw = (event.notification.data as { url?: string } | null)?.url ?? '/';
  // Only in-app paths: a push payload must not open another site.
  const url = raw.startsWith('/') && !raw.startsWith('//') ? raw : '/';
  event.waitUntil(
    (async () => {
      const all = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const existing = all.find((c) => new URL(c.url).origin === self.location.origin);
      if (existing) {
        await existing.focus();
        await existing.navigate(url).catch(() => undefined);
      } else {
        await self.clients.openWindow(url);
      }
    })(),
  );
});
