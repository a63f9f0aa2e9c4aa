import { describe, expect, it } from 'vitest';
import {
  INITIAL,
  asPermission,
  bannerVisible,
  canRequest,
  classifySubscribeError,
  fromPermissionState,
  pushReducer,
  pushStatusLabel,
  type PushEvent,
  type PushState,
} from './pushState';

const run = (events: PushEvent[], from: PushState = INITIAL) => events.reduce(pushReducer, from);
const probed = (over: Partial<Extract<PushEvent, { type: 'probed' }>> = {}): PushEvent => ({
  type: 'probed',
  supported: true,
  server: true,
  permission: 'default',
  subscribed: false,
  ...over,
});
const dom = (name: string) => Object.assign(new Error(name), { name });

describe('probing', () => {
  it('starts by checking and asks nothing', () => {
    expect(INITIAL.status).toBe('checking');
    expect(canRequest(INITIAL)).toBe(false);
  });
  it('settles on what the browser and server say', () => {
    expect(run([probed({ supported: false })]).status).toBe('unsupported');
    expect(run([probed({ server: false })]).status).toBe('unavailable');
    expect(run([probed({ permission: 'denied' })]).status).toBe('blocked');
    expect(run([probed({ permission: 'granted', subscribed: true })]).status).toBe('enabled');
    expect(run([probed({ permission: 'granted' })]).status).toBe('off');
    expect(run([probed()]).status).toBe('off');
    // A subscription without permission (revoked in settings) is not "enabled".
    expect(run([probed({ permission: 'default', subscribed: true })]).status).toBe('off');
  });
});

describe('turning push on', () => {
  it('asks, then subscribes', () => {
    const asking = run([probed(), { type: 'request' }]);
    expect(asking.busy).toBe(true);
    expect(canRequest(asking)).toBe(false);
    const granted = pushReducer(asking, { type: 'permission', permission: 'granted' });
    expect(granted).toMatchObject({ status: 'off', busy: true, permission: 'granted' });
    expect(pushReducer(granted, { type: 'subscribed' })).toMatchObject({ status: 'enabled', busy: false, error: null });
  });

  it('a denial blocks for good: no request is accepted afterwards', () => {
    const blocked = run([probed(), { type: 'request' }, { type: 'permission', permission: 'denied' }]);
    expect(blocked).toMatchObject({ status: 'blocked', permission: 'denied', busy: false });
    expect(canRequest(blocked)).toBe(false);
    expect(pushReducer(blocked, { type: 'request' })).toBe(blocked);
    // Also when the page loads already denied.
    const loaded = run([probed({ permission: 'denied' })]);
    expect(pushReducer(loaded, { type: 'request' })).toBe(loaded);
  });

  it('a dismissed prompt changes nothing and may be offered again', () => {
    const s = run([probed(), { type: 'request' }, { type: 'permission', permission: 'default' }]);
    expect(s).toMatchObject({ status: 'off', permission: 'default', busy: false });
    expect(canRequest(s)).toBe(true);
  });

  it('ignores requests while busy, checking, unsupported or enabled', () => {
    const busy = run([probed(), { type: 'request' }]);
    expect(pushReducer(busy, { type: 'request' })).toBe(busy);
    expect(pushReducer(INITIAL, { type: 'request' })).toBe(INITIAL);
    const unsupported = run([probed({ supported: false })]);
    expect(pushReducer(unsupported, { type: 'request' })).toBe(unsupported);
    const enabled = run([probed({ permission: 'granted', subscribed: true })]);
    expect(pushReducer(enabled, { type: 'request' })).toBe(enabled);
  });

  it('a push service that refuses means "not supported on this browser"', () => {
    const f = classifySubscribeError(dom('AbortError'));
    expect(f.kind).toBe('unsupported');
    const s = run([probed(), { type: 'request' }, { type: 'permission', permission: 'granted' }, { type: 'failed', ...f }]);
    expect(s).toMatchObject({ status: 'unsupported', busy: false });
    expect(s.error).toMatch(/did not let Karat register/);
    expect(canRequest(s)).toBe(false);
  });

  it('other failures leave it off with a message, to try again', () => {
    const f = classifySubscribeError(new TypeError('Failed to fetch'));
    expect(f.kind).toBe('error');
    const s = run([probed(), { type: 'request' }, { type: 'permission', permission: 'granted' }, { type: 'failed', ...f }]);
    expect(s).toMatchObject({ status: 'off', busy: false });
    expect(canRequest(s)).toBe(true);
    expect(pushReducer(s, { type: 'request' }).error).toBeNull();
  });

  it('classifies browser errors', () => {
    for (const n of ['AbortError', 'NotSupportedError', 'InvalidStateError', 'NotAllowedError']) {
      expect(classifySubscribeError(dom(n)).kind).toBe('unsupported');
    }
    expect(classifySubscribeError(dom('TimeoutError'))).toEqual({ kind: 'error', message: expect.stringMatching(/did not answer/) });
    expect(classifySubscribeError('weird').kind).toBe('error');
    expect(classifySubscribeError(null).kind).toBe('error');
  });
});

describe('turning push off', () => {
  const enabled = run([probed({ permission: 'granted', subscribed: true })]);
  it('goes off', () => {
    const s = run([{ type: 'disable' }, { type: 'disabled' }], enabled);
    expect(s).toMatchObject({ status: 'off', busy: false, permission: 'granted' });
  });
  it('keeps it on with a message when that fails', () => {
    const s = run([{ type: 'disable' }, { type: 'disable-failed', message: 'nope' }], enabled);
    expect(s).toMatchObject({ status: 'enabled', busy: false, error: 'nope' });
  });
  it('only from enabled', () => {
    const off = run([probed()]);
    expect(pushReducer(off, { type: 'disable' })).toBe(off);
  });
});

describe('changes from outside the app', () => {
  it('blocking in site settings blocks; allowing again offers it again', () => {
    const enabled = run([probed({ permission: 'granted', subscribed: true })]);
    const blocked = pushReducer(enabled, { type: 'permission-changed', permission: 'denied' });
    expect(blocked.status).toBe('blocked');
    const reset = pushReducer(blocked, { type: 'permission-changed', permission: 'default' });
    expect(reset).toMatchObject({ status: 'off', permission: 'default' });
  });
  it('does not invent a status while checking or unsupported', () => {
    expect(pushReducer(INITIAL, { type: 'permission-changed', permission: 'denied' }).status).toBe('checking');
    const unsupported = run([probed({ supported: false })]);
    expect(pushReducer(unsupported, { type: 'permission-changed', permission: 'denied' }).status).toBe('unsupported');
  });
  it('a lost subscription turns it off', () => {
    const enabled = run([probed({ permission: 'granted', subscribed: true })]);
    expect(pushReducer(enabled, { type: 'subscription-lost' }).status).toBe('off');
  });
});

describe('the one-time banner', () => {
  const off = run([probed()]);
  const opts = { signedInThisTab: true, dismissed: false, onSettingsPage: false };
  it('shows after an interactive sign-in while the browser would still ask', () => {
    expect(bannerVisible(off, opts)).toBe(true);
  });
  it('does not show on a plain load, once dismissed, or on the settings screen', () => {
    expect(bannerVisible(off, { ...opts, signedInThisTab: false })).toBe(false);
    expect(bannerVisible(off, { ...opts, dismissed: true })).toBe(false);
    expect(bannerVisible(off, { ...opts, onSettingsPage: true })).toBe(false);
  });
  it('does not show unless there is something to ask', () => {
    expect(bannerVisible(INITIAL, opts)).toBe(false);
    expect(bannerVisible(run([probed({ permission: 'denied' })]), opts)).toBe(false);
    expect(bannerVisible(run([probed({ permission: 'granted' })]), opts)).toBe(false);
    expect(bannerVisible(run([probed({ permission: 'granted', subscribed: true })]), opts)).toBe(false);
    expect(bannerVisible(run([probed({ supported: false })]), opts)).toBe(false);
    expect(bannerVisible(run([probed({ server: false })]), opts)).toBe(false);
  });
  it('stays up while its own request runs', () => {
    const asking = pushReducer(off, { type: 'request' });
    expect(bannerVisible(asking, opts)).toBe(true);
    expect(bannerVisible(pushReducer(asking, { type: 'permission', permission: 'granted' }), opts)).toBe(true);
  });
});

describe('wording and permission values', () => {
  it('names each status', () => {
    expect(pushStatusLabel('enabled')).toBe('Enabled on this device');
    expect(pushStatusLabel('unsupported')).toBe('Not supported on this browser');
    expect(pushStatusLabel('blocked')).toBe('Blocked in this browser');
    expect(pushStatusLabel('off')).toBe('Off on this device');
  });
  it('normalises permission values', () => {
    expect(asPermission('granted')).toBe('granted');
    expect(asPermission('denied')).toBe('denied');
    expect(asPermission('prompt')).toBe('default');
    expect(asPermission(undefined)).toBe('default');
    expect(fromPermissionState('prompt')).toBe('default');
    expect(fromPermissionState('denied')).toBe('denied');
    expect(fromPermissionState('granted')).toBe('granted');
  });
});
