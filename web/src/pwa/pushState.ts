// The push-permission state machine for this device. Pure: the provider feeds it
// what the browser and server say and renders what it decides. The rules that
// make the prompt polite live here, where they are unit-tested:
//   - nothing is ever asked on load; only `request` (a click) asks the browser;
//   - once the browser says "denied" nothing asks again (the UI explains how to
//     allow notifications in the browser's settings instead);
//   - the one-time banner shows only after an interactive sign-in, only while
//     asking would actually show the browser's prompt, and never once dismissed.

export type Permission = 'default' | 'granted' | 'denied';

export type PushStatus =
  /** Finding out (service worker, server key, existing subscription). */
  | 'checking'
  /** This browser cannot receive push (no API, private window, push service off). */
  | 'unsupported'
  /** The server does not offer push (404), or there is no service worker: show nothing. */
  | 'unavailable'
  /** The user (or policy) blocked notifications for this site. */
  | 'blocked'
  /** Can be turned on. */
  | 'off'
  /** This device is subscribed and registered with the server. */
  | 'enabled';

export interface PushState {
  status: PushStatus;
  permission: Permission;
  /** A request (turning on or off) is in flight. */
  busy: boolean;
  /** Why the last attempt failed (shown next to the control), or null. */
  error: string | null;
}

export type PushEvent =
  | { type: 'probed'; supported: boolean; server: boolean; permission: Permission; subscribed: boolean }
  /** The user asked to turn push on (a click). */
  | { type: 'request' }
  /** The browser answered the permission prompt (or it was already decided). */
  | { type: 'permission'; permission: Permission }
  | { type: 'subscribed' }
  | { type: 'failed'; kind: 'unsupported' | 'error'; message: string }
  /** The user asked to turn push off on this device. */
  | { type: 'disable' }
  | { type: 'disabled' }
  | { type: 'disable-failed'; message: string }
  /** The permission changed outside the app (site settings). */
  | { type: 'permission-changed'; permission: Permission }
  /** The subscription disappeared (another tab turned it off, the browser dropped it). */
  | { type: 'subscription-lost' };

export const INITIAL: PushState = { status: 'checking', permission: 'default', busy: false, error: null };

/** Every state in which the status is settled and meaningful to show. */
const SETTLED: readonly PushStatus[] = ['blocked', 'off', 'enabled'];

export function pushReducer(state: PushState, event: PushEvent): PushState {
  switch (event.type) {
    case 'probed': {
      const base = { permission: event.permission, busy: false, error: null };
      if (!event.supported) return { ...base, status: 'unsupported' };
      if (!event.server) return { ...base, status: 'unavailable' };
      if (event.permission === 'denied') return { ...base, status: 'blocked' };
      if (event.subscribed && event.permission === 'granted') return { ...base, status: 'enabled' };
      return { ...base, status: 'off' };
    }
    case 'request':
      // Only from "off": never from "blocked" (no re-asking after a denial), never twice at once.
      if (state.status !== 'off' || state.busy || state.permission === 'denied') return state;
      return { ...state, busy: true, error: null };
    case 'permission':
      if (!state.busy) return state;
      if (event.permission === 'denied') return { ...state, status: 'blocked', permission: 'denied', busy: false };
      // The prompt was dismissed without an answer: nothing changes, it may be asked again later.
      if (event.permission === 'default') return { ...state, permission: 'default', busy: false };
      return { ...state, permission: 'granted' };
    case 'subscribed':
      return { ...state, status: 'enabled', permission: 'granted', busy: false, error: null };
    case 'failed':
      return { ...state, status: event.kind === 'unsupported' ? 'unsupported' : 'off', busy: false, error: event.message };
    case 'disable':
      if (state.status !== 'enabled' || state.busy) return state;
      return { ...state, busy: true, error: null };
    case 'disabled':
      return { ...state, status: state.permission === 'denied' ? 'blocked' : 'off', busy: false, error: null };
    case 'disable-failed':
      return { ...state, busy: false, error: event.message };
    case 'permission-changed': {
      if (!SETTLED.includes(state.status)) return { ...state, permission: event.permission };
      // Blocking notifications also ends the subscription (browsers drop it).
      if (event.permission === 'denied') return { ...state, status: 'blocked', permission: 'denied', busy: false, error: null };
      if (state.status === 'blocked') return { ...state, status: 'off', permission: event.permission, error: null };
      return { ...state, permission: event.permission };
    }
    case 'subscription-lost':
      return state.status === 'enabled' && !state.busy ? { ...state, status: 'off' } : state;
  }
}

/** Whether a click may ask the browser (or subscribe when permission is already granted). */
export function canRequest(state: PushState): boolean {
  return state.status === 'off' && !state.busy && state.permission !== 'denied';
}

/**
 * The one-time banner after sign-in: only while the browser would still ask
 * (permission "default"), never once dismissed, and never on the settings
 * screen (which offers the same thing). It stays up while its own request runs.
 */
export function bannerVisible(state: PushState, opts: { signedInThisTab: boolean; dismissed: boolean; onSettingsPage: boolean }): boolean {
  return (
    opts.signedInThisTab &&
    !opts.dismissed &&
    !opts.onSettingsPage &&
    state.status === 'off' &&
    (state.permission === 'default' || state.busy)
  );
}

/** A push-service failure from `pushManager.subscribe` → what to do about it. */
export function classifySubscribeError(err: unknown): { kind: 'unsupported' | 'error'; message: string } {
  const name = err && typeof err === 'object' && 'name' in err ? String((err as { name: unknown }).name) : '';
  // AbortError: the browser's push service refused (private window, push turned
  // off, no push service in this build). NotSupportedError / InvalidStateError:
  // no push here at all. Retrying will not help in any of these.
  if (name === 'AbortError' || name === 'NotSupportedError' || name === 'InvalidStateError' || name === 'NotAllowedError') {
    return {
      kind: 'unsupported',
      message:
        'This browser did not let Karat register for push notifications. Private windows and some browsers (or browser settings) do not support them.',
    };
  }
  if (name === 'TimeoutError') {
    return { kind: 'error', message: "Your browser's push service did not answer. Try again later." };
  }
  return { kind: 'error', message: 'Notifications could not be turned on. Try again.' };
}

/** Browsers report "default", "granted" or "denied"; anything else counts as "default". */
export function asPermission(p: unknown): Permission {
  return p === 'granted' || p === 'denied' ? p : 'default';
}

/** The Permissions API says "prompt" where Notification.permission says "default". */
export function fromPermissionState(s: string): Permission {
  return s === 'granted' ? 'granted' : s === 'denied' ? 'denied' : 'default';
}

/** How a status is named to the user (badges on the settings and account pages). */
export function pushStatusLabel(status: PushStatus): string {
  switch (status) {
    case 'checking':
      return 'Checking…';
    case 'enabled':
      return 'Enabled on this device';
    case 'off':
      return 'Off on this device';
    case 'blocked':
      return 'Blocked in this browser';
    case 'unsupported':
      return 'Not supported on this browser';
    case 'unavailable':
      return 'Not available';
  }
}
