// Web Push, the pure part: what a push payload becomes on screen, where a click
// on it goes, and the names the service worker and the page share. No DOM or
// worker globals here, so the app, the service worker and Vitest all import it.
import { internalLink } from '../notifications/links';

/** Cache (Cache Storage, shared by the page and the service worker) for push bookkeeping. */
export const PUSH_STATE_CACHE = 'karat-push-state';
/** The VAPID key this device subscribed with (JSON string), for resubscribing in the worker. */
export const PUSH_KEY_ENTRY = '/__karat/push/key';
/** Set by the worker when the browser replaced the subscription; the app then re-registers it. */
export const PUSH_RESYNC_ENTRY = '/__karat/push/resync';

/** Messages between the service worker and its pages. */
export const MSG_RESYNC = 'KARAT_PUSH_RESYNC';
export const MSG_NAVIGATE = 'KARAT_NAVIGATE';

/** Where notifications go when they carry no (acceptable) link. */
export const DEFAULT_TARGET = '/notifications';

export const ICON = '/icons/icon-192.png';
/** Monochrome (alpha only) glyph for the status bar. */
export const BADGE = '/icons/badge-96.png';

const FALLBACK_TITLE = 'Karat';
const FALLBACK_BODY = 'You have a new notification.';
const MAX_TITLE = 120;
const MAX_BODY = 500;

/** The payload the server pushes: one notification, as the API returns it. */
export interface PushPayload {
  id: string;
  type: string;
  title: string;
  body: string;
  link: string | null;
  urgent: boolean;
  read_at: string | null;
  created_at: string;
}

/** What the worker keeps on a shown notification (`notification.data`). */
export interface PushNotificationData {
  id: string | null;
  /** Always an in-app path. */
  link: string;
}

/** NotificationOptions plus `timestamp`, which browsers honour but TypeScript's lib omits. */
export type PushNotificationOptions = NotificationOptions & { timestamp?: number };

/** The in-app path a notification opens: its link if it is one of ours, else the notification centre. */
export function pushTarget(link: unknown): string {
  return (typeof link === 'string' ? internalLink(link) : null) ?? DEFAULT_TARGET;
}

/**
 * Reads a push message body. JSON objects are returned as they are; anything
 * else (plain text, broken JSON) becomes `{body: text}` so it is still shown.
 */
export function parsePushData(text: string | null | undefined): Record<string, unknown> {
  if (!text) return {};
  try {
    const v: unknown = JSON.parse(text);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    return typeof v === 'string' ? { body: v } : {};
  } catch {
    return { body: text };
  }
}

function text(v: unknown, max: number): string {
  if (typeof v !== 'string') return '';
  const s = v.trim();
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** A push payload (see PushPayload; anything malformed is tolerated) → what to show. */
export function toNotification(payload: unknown): { title: string; options: PushNotificationOptions } {
  const p = payload && typeof payload === 'object' ? (payload as Record<string, unknown>) : {};
  const id = typeof p.id === 'string' && p.id ? p.id : null;
  const title = text(p.title, MAX_TITLE) || FALLBACK_TITLE;
  const body = text(p.body, MAX_BODY) || (title === FALLBACK_TITLE ? FALLBACK_BODY : '');
  const data: PushNotificationData = { id, link: pushTarget(p.link) };
  const options: PushNotificationOptions = {
    body,
    icon: ICON,
    badge: BADGE,
    data,
    // Urgent ones stay on screen until the user acts on them.
    requireInteraction: p.urgent === true,
  };
  // The same notification pushed twice (a retry) replaces itself instead of stacking.
  if (id) options.tag = id;
  const at = typeof p.created_at === 'string' ? Date.parse(p.created_at) : NaN;
  if (Number.isFinite(at)) options.timestamp = at;
  return { title, options };
}

/** The absolute URL a click on a notification opens (always on `origin`). */
export function clickTarget(data: unknown, origin: string): string {
  const link = data && typeof data === 'object' ? (data as { link?: unknown }).link : undefined;
  const url = new URL(pushTarget(link), origin);
  // pushTarget only returns same-site paths; this is belt and braces.
  return url.origin === origin ? url.href : new URL(DEFAULT_TARGET, origin).href;
}

export interface WindowLike {
  url: string;
  focused: boolean;
  visibilityState: string;
}

/** Which open window to reuse for a click: ours only, the focused one, else a visible one, else any. */
export function pickWindow<T extends WindowLike>(windows: readonly T[], origin: string): T | null {
  const ours = windows.filter((w) => {
    try {
      return new URL(w.url).origin === origin;
    } catch {
      return false;
    }
  });
  return ours.find((w) => w.focused) ?? ours.find((w) => w.visibilityState === 'visible') ?? ours[0] ?? null;
}

/** What the worker records when the browser changes the subscription by itself. */
export interface ResyncFlag {
  /** The endpoint that stopped working (to forget on the server), if known. */
  old_endpoint: string | null;
  at: string;
}
