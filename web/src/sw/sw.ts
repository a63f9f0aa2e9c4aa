/// <reference lib="webworker" />
// Karat service worker: precaches the app shell and built assets, serves them
// cache-first, and leaves everything under /api/ to the network, uncached.
// It also shows Web Push notifications and opens the app when one is clicked.
import { cacheable, classify } from './rules';
import {
  MSG_NAVIGATE,
  MSG_RESYNC,
  PUSH_KEY_ENTRY,
  PUSH_RESYNC_ENTRY,
  PUSH_STATE_CACHE,
  clickTarget,
  parsePushData,
  pickWindow,
  toNotification,
  type ResyncFlag,
} from './push';

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
      await Promise.all(names.filter((n) => n.startsWith('karat-') && n !== CACHE && n !== PUSH_STATE_CACHE).map((n) => caches.delete(n)));
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

// ---------------------------------------------------------------- push

self.addEventListener('push', (event) => {
  let raw: string | null = null;
  try {
    raw = event.data?.text() ?? null;
  } catch {
    raw = null;
  }
  const { title, options } = toNotification(parsePushData(raw));
  // Always show something: a push without a notification costs the site its permission.
  event.waitUntil(self.registration.showNotification(title, options));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = clickTarget(event.notification.data, self.location.origin);
  event.waitUntil(
    (async () => {
      const all = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const win = pickWindow(all, self.location.origin);
      if (!win) {
        await self.clients.openWindow(url);
        return;
      }
      const focused = await win.focus().catch(() => win);
      if (focused.url === url) return;
      // navigate() works on windows this worker controls; otherwise the page routes itself.
      const moved = await focused.navigate(url).catch(() => null);
      if (!moved) {
        const path = new URL(url);
        focused.postMessage({ type: MSG_NAVIGATE, url: `${path.pathname}${path.search}${path.hash}` });
      }
    })(),
  );
});

async function storedKey(): Promise<BufferSource | null> {
  try {
    const res = await caches.match(PUSH_KEY_ENTRY, { cacheName: PUSH_STATE_CACHE });
    const key = res ? ((await res.json()) as unknown) : null;
    if (typeof key !== 'string' || !key) return null;
    const b64 = key.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (key.length % 4)) % 4);
    return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

// The browser replaced (or dropped) the subscription. Resubscribe with the same
// key; registering the new one with the server needs the user's access token,
// which only pages have. So: leave a flag (the app re-registers on its next
// load and clears it) and ask any open window to do it right away.
self.addEventListener('pushsubscriptionchange', (event) => {
  event.waitUntil(
    (async () => {
      const flag: ResyncFlag = { old_endpoint: event.oldSubscription?.endpoint ?? null, at: new Date().toISOString() };
      const cache = await caches.open(PUSH_STATE_CACHE);
      await cache.put(PUSH_RESYNC_ENTRY, new Response(JSON.stringify(flag), { headers: { 'Content-Type': 'application/json' } }));
      if (!event.newSubscription) {
        const key = event.oldSubscription?.options.applicationServerKey ?? (await storedKey());
        if (key) {
          await self.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key }).catch(() => null);
        }
      }
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      for (const w of windows) w.postMessage({ type: MSG_RESYNC });
    })(),
  );
});
