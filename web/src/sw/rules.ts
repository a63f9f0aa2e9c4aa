// What the service worker does with each request. Pure, so it is unit-tested.

export type Strategy =
  /** Not handled by the service worker at all: straight to the network, never cached. */
  | 'network'
  /** Page navigation: network first, the cached app shell when offline. */
  | 'shell'
  /** Hashed or static asset: cache first, filled from the network. */
  | 'cache-first';

export interface RequestInfo {
  method: string;
  url: string;
  mode: string;
  /** The service worker's own origin. */
  origin: string;
}

const STATIC_PREFIXES = ['/assets/', '/icons/'];
const STATIC_FILES = new Set(['/manifest.webmanifest', '/favicon.svg', '/favicon.ico', '/robots.txt']);

export function classify(req: RequestInfo): Strategy {
  if (req.method !== 'GET') return 'network';
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    return 'network';
  }
  if (url.origin !== req.origin) return 'network';
  // The API is never cached, whatever it returns (also /api/docs and /api/openapi.json).
  if (url.pathname === '/api' || url.pathname.startsWith('/api/')) return 'network';
  if (url.pathname === '/sw.js') return 'network';
  if (req.mode === 'navigate') return 'shell';
  if (STATIC_FILES.has(url.pathname)) return 'cache-first';
  if (STATIC_PREFIXES.some((p) => url.pathname.startsWith(p))) return 'cache-first';
  return 'network';
}

/** Only complete, same-origin successes go into the cache. */
export function cacheable(res: { ok: boolean; status: number; type: string }): boolean {
  return res.ok && res.status === 200 && res.type === 'basic';
}
