// Web Push on this device: the browser and server calls behind PushProvider and
// logout. Every function here is best effort and never throws at its callers
// unless it says so.
import { api } from '../api';
import { ApiError } from '../api/problem';
import { PUSH_KEY_ENTRY, PUSH_RESYNC_ENTRY, PUSH_STATE_CACHE, type ResyncFlag } from '../sw/push';
import { asPermission, type Permission } from './pushState';
import { urlBase64ToUint8Array } from './vapid';

/** Which user this browser's subscription was registered for (shared devices). */
export const OWNER_KEY = 'karat.push.owner';
/** Per-user "the banner was dismissed (or acted on)" marks. */
const BANNER_KEY = 'karat.push.banner-dismissed';

const SERVER_TIMEOUT_MS = 4_000;
const SUBSCRIBE_TIMEOUT_MS = 30_000;
const READY_TIMEOUT_MS = 10_000;

export function pushSupported(): boolean {
  return (
    typeof window !== 'undefined' &&
    window.isSecureContext &&
    'serviceWorker' in navigator &&
    'PushManager' in window &&
    'Notification' in window
  );
}

export function currentPermission(): Permission {
  return typeof Notification === 'undefined' ? 'default' : asPermission(Notification.permission);
}

class TimeoutError extends Error {
  override name = 'TimeoutError';
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new TimeoutError('timed out')), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/** The active service worker registration (waits for one briefly), or null. */
export async function readyRegistration(timeout = READY_TIMEOUT_MS): Promise<ServiceWorkerRegistration | null> {
  if (!('serviceWorker' in navigator)) return null;
  try {
    return await withTimeout(navigator.serviceWorker.ready, timeout);
  } catch {
    return null;
  }
}

/** This browser's push subscription, without waiting for a service worker that is not there. */
export async function existingSubscription(): Promise<PushSubscription | null> {
  if (!pushSupported()) return null;
  try {
    const reg = await navigator.serviceWorker.getRegistration();
    return (await reg?.pushManager.getSubscription()) ?? null;
  } catch {
    return null;
  }
}

// An interactive sign-in happened in this tab (not a session resumed on load):
// the one moment the push banner may be offered.
let signedIn = false;

export function noteInteractiveSignIn(): void {
  signedIn = true;
}

export function signedInThisTab(): boolean {
  return signedIn;
}

// ---------------------------------------------------------------- storage

function local(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export function subscriptionOwner(): string | null {
  return local()?.getItem(OWNER_KEY) ?? null;
}

function setOwner(userId: string | null): void {
  const s = local();
  if (!s) return;
  if (userId) s.setItem(OWNER_KEY, userId);
  else s.removeItem(OWNER_KEY);
}

export function bannerDismissed(userId: string): boolean {
  return (local()?.getItem(BANNER_KEY) ?? '').split(',').includes(userId);
}

export function dismissBanner(userId: string): void {
  const s = local();
  if (!s || bannerDismissed(userId)) return;
  const ids = (s.getItem(BANNER_KEY) ?? '').split(',').filter(Boolean);
  // A shared device sees few users; keep the list short.
  s.setItem(BANNER_KEY, [...ids.slice(-19), userId].join(','));
}

async function stateCache(): Promise<Cache | null> {
  try {
    return typeof caches === 'undefined' ? null : await caches.open(PUSH_STATE_CACHE);
  } catch {
    return null;
  }
}

async function storeKey(key: string): Promise<void> {
  await (await stateCache())?.put(PUSH_KEY_ENTRY, new Response(JSON.stringify(key))).catch(() => undefined);
}

export async function readResyncFlag(): Promise<ResyncFlag | null> {
  try {
    const res = await (await stateCache())?.match(PUSH_RESYNC_ENTRY);
    return res ? ((await res.json()) as ResyncFlag) : null;
  } catch {
    return null;
  }
}

async function clearResyncFlag(): Promise<void> {
  await (await stateCache())?.delete(PUSH_RESYNC_ENTRY).catch(() => undefined);
}

// ---------------------------------------------------------------- server

/** The server's VAPID key; null when the server does not offer push (404). Throws otherwise. */
export async function fetchVapidKey(): Promise<string | null> {
  try {
    const { public_key } = await api.get<{ public_key: string }>('/push/vapid-key');
    return public_key || null;
  } catch (e) {
    // Not offered by this server (older builds: 404, or 405/501).
    if (e instanceof ApiError && [404, 405, 501].includes(e.status)) return null;
    throw e;
  }
}

async function register(sub: PushSubscription): Promise<void> {
  await api.post('/push/subscriptions', sub.toJSON());
}

/** Forgets an endpoint on the server; a 404 (not ours, or already gone) is fine. */
async function forget(endpoint: string): Promise<void> {
  await api.request('/push/subscriptions', { method: 'DELETE', body: { endpoint } }).catch(() => undefined);
}

function sameKey(sub: PushSubscription, key: Uint8Array): boolean {
  const current = sub.options.applicationServerKey;
  if (!current) return false;
  const a = new Uint8Array(current);
  return a.length === key.length && a.every((b, i) => b === key[i]);
}

// ---------------------------------------------------------------- flows

/**
 * Subscribes this browser with the server's key and registers it for `userId`.
 * Permission must already be granted. Throws the browser's error (see
 * classifySubscribeError) or the server's ApiError; on a server failure the
 * browser subscription is dropped again so the two never disagree.
 */
export async function subscribeDevice(key: string, userId: string): Promise<void> {
  const reg = await readyRegistration();
  if (!reg) throw Object.assign(new Error('no service worker'), { name: 'InvalidStateError' });
  const serverKey = urlBase64ToUint8Array(key);
  let sub = await reg.pushManager.getSubscription();
  // A subscription made with another key (the server's key changed) cannot be reused.
  if (sub && !sameKey(sub, serverKey)) {
    await sub.unsubscribe().catch(() => undefined);
    sub = null;
  }
  sub ??= await withTimeout(reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: serverKey }), SUBSCRIBE_TIMEOUT_MS);
  try {
    await register(sub);
  } catch (e) {
    await sub.unsubscribe().catch(() => undefined);
    throw e;
  }
  setOwner(userId);
  await storeKey(key);
  await clearResyncFlag();
}

/** Turns push off on this device: forgets it on the server, then unsubscribes the browser. */
export async function unsubscribeDevice(): Promise<void> {
  const sub = await existingSubscription();
  if (sub) {
    await forget(sub.endpoint);
    await sub.unsubscribe();
  }
  setOwner(null);
  await clearResyncFlag();
}

/**
 * On logout: stop this device receiving the user's pushes, so the next person
 * to sign in on it does not. Best effort and quick: it must not hold up logging
 * out (the server call gets a few seconds; the browser unsubscribe alone also
 * makes the push service refuse the endpoint, and the server then drops it).
 */
export async function forgetDeviceOnLogout(): Promise<void> {
  signedIn = false;
  if (!pushSupported()) return;
  try {
    const sub = await withTimeout(existingSubscription(), SERVER_TIMEOUT_MS);
    if (sub) {
      await withTimeout(forget(sub.endpoint), SERVER_TIMEOUT_MS).catch(() => undefined);
      await sub.unsubscribe().catch(() => undefined);
    }
  } catch {
    // Nothing else to do.
  }
  setOwner(null);
  await clearResyncFlag();
}

/**
 * Brings this browser's subscription in line with the signed-in user, on load:
 *  - a subscription registered for someone else (their session ran out without
 *    a logout) is dropped: this user never opted in here;
 *  - after the service worker saw the browser replace the subscription
 *    (pushsubscriptionchange), the new one is registered with the server, or,
 *    if the worker could not resubscribe, a new one is made with the same key.
 * Returns whether this device is subscribed for the user afterwards.
 */
export async function syncDevice(userId: string, key: string): Promise<boolean> {
  const reg = await readyRegistration();
  if (!reg) return false;
  let sub = await reg.pushManager.getSubscription().catch(() => null);
  const owner = subscriptionOwner();
  if (sub && owner !== userId) {
    await sub.unsubscribe().catch(() => undefined);
    setOwner(null);
    await clearResyncFlag();
    return false;
  }
  const flag = await readResyncFlag();
  if (!flag) return sub !== null;
  if (owner !== userId || currentPermission() !== 'granted') {
    await clearResyncFlag();
    return sub !== null;
  }
  try {
    if (sub) await register(sub);
    else {
      await subscribeDevice(key, userId);
      sub = await reg.pushManager.getSubscription();
    }
    if (flag.old_endpoint && flag.old_endpoint !== sub?.endpoint) await forget(flag.old_endpoint);
    await clearResyncFlag();
  } catch {
    // Keep the flag: the next load tries again.
  }
  return sub !== null;
}
