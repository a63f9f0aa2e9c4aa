import { describe, expect, it } from 'vitest';
import { effectsOf, withPresence } from './effects';
import type { RealtimeEvent } from './protocol';

const ev = (topic: string, kind: string, payload: unknown): RealtimeEvent => ({ seq: 1, topic, kind, payload, at: '2026-11-26T10:00:00Z' });
const note = {
  id: 'n1',
  type: 'user.role_changed',
  title: 'Your role changed',
  body: 'You are now a store manager.',
  link: '/account',
  urgent: false,
  read_at: null,
  created_at: '2026-11-26T10:00:00Z',
};

describe('effectsOf', () => {
  it('store events refresh store lists and the audit log', () => {
    for (const kind of ['store.created', 'store.updated']) {
      expect(effectsOf(ev('stores', kind, { id: 's1' }), 'me')).toEqual([
        { kind: 'invalidate', key: ['stores'] },
        { kind: 'invalidate', key: ['audit'] },
      ]);
    }
  });

  it('user events refresh user lists; a change to me also refreshes my session', () => {
    expect(effectsOf(ev('users', 'user.created', { id: 'u2' }), 'me')).toEqual([
      { kind: 'invalidate', key: ['users'] },
      { kind: 'invalidate', key: ['audit'] },
    ]);
    expect(effectsOf(ev('users', 'user.updated', { id: 'me' }), 'me')).toContainEqual({ kind: 'self-changed' });
    expect(effectsOf(ev('users', 'user.updated', { id: 'u2' }), 'me')).not.toContainEqual({ kind: 'self-changed' });
  });

  it('notification.created sets the unread count and carries the notification', () => {
    expect(effectsOf(ev('notifications', 'notification.created', { notification: note, unread_count: 3 }), 'me')).toEqual([
      { kind: 'invalidate', key: ['notifications', 'list'] },
      { kind: 'unread-count', count: 3 },
      { kind: 'notification', notification: note },
    ]);
  });

  it('notifications.read sets the count; a payload without a count refetches it', () => {
    expect(effectsOf(ev('notifications', 'notifications.read', { unread_count: 0 }), 'me')).toEqual([
      { kind: 'invalidate', key: ['notifications', 'list'] },
      { kind: 'unread-count', count: 0 },
    ]);
    expect(effectsOf(ev('notifications', 'notifications.read', {}), 'me')).toEqual([
      { kind: 'invalidate', key: ['notifications', 'list'] },
      { kind: 'invalidate', key: ['notifications', 'unread-count'] },
    ]);
  });

  it('presence.changed updates one entry; a malformed one refetches', () => {
    expect(effectsOf(ev('presence', 'presence.changed', { user_id: 'u2', status: 'busy', since: 'T' }), 'me')).toEqual([
      { kind: 'presence', entry: { user_id: 'u2', status: 'busy', since: 'T' } },
    ]);
    expect(effectsOf(ev('presence', 'presence.changed', { user_id: 'u2', status: 'dancing' }), 'me')).toEqual([
      { kind: 'invalidate', key: ['presence'] },
    ]);
  });

  it('customer, visit, lead and appointment events refresh the customer screens they touch', () => {
    const lists = ['list', 'trash', 'picker', 'by-phone', 'access-log'].map((k) => ({ kind: 'invalidate', key: ['customers', k] }));
    expect(effectsOf(ev('customers', 'customer.updated', { id: 'c1' }), 'me')).toEqual([
      ...lists,
      { kind: 'invalidate', key: ['customers', 'one', 'c1'] },
      { kind: 'invalidate', key: ['customers', 'timeline', 'c1'] },
    ]);
    expect(effectsOf(ev('customers', 'customer.merged', { id: 'c1', duplicate_id: 'c2' }), 'me')).toContainEqual({
      kind: 'invalidate',
      key: ['customers', 'one', 'c2'],
    });
    expect(effectsOf(ev('customers', 'customer.created', {}), 'me')).toEqual([{ kind: 'invalidate', key: ['customers'] }]);
    expect(effectsOf(ev('visits', 'visit.logged', { id: 'v1', customer_id: 'c1' }), 'me')).toEqual([
      { kind: 'invalidate', key: ['visits'] },
      ...lists,
      { kind: 'invalidate', key: ['customers', 'one', 'c1'] },
      { kind: 'invalidate', key: ['customers', 'timeline', 'c1'] },
    ]);
    expect(effectsOf(ev('telecalling', 'lead.assigned', { lead: { id: 'l1', customer_id: 'c1' } }), 'me')).toEqual([
      { kind: 'invalidate', key: ['customers', 'timeline', 'c1'] },
    ]);
    expect(effectsOf(ev('telecalling', 'agent.status', { user_id: 'u1', status: 'break' }), 'me')).toEqual([]);
    expect(effectsOf(ev('appointments', 'appointment.created', { id: 'a1', customer_id: 'c1' }), 'me')).toEqual([
      { kind: 'invalidate', key: ['appointments'] },
      { kind: 'invalidate', key: ['customers', 'timeline', 'c1'] },
    ]);
  });

  it('import events refresh the import records; a finished import refreshes customer lists and segment counts', () => {
    expect(effectsOf(ev('imports', 'import.progress', { id: 'i1', done: 1000, total: 2000 }), 'me')).toEqual([
      { kind: 'invalidate', key: ['imports', 'list'] },
      { kind: 'invalidate', key: ['imports', 'one', 'i1'] },
    ]);
    const finished = effectsOf(ev('imports', 'import.finished', { id: 'i1', imported: 2, skipped: 0 }), 'me');
    expect(finished).toContainEqual({ kind: 'invalidate', key: ['customers', 'list'] });
    expect(finished).toContainEqual({ kind: 'invalidate', key: ['segments'] });
  });

  it('photo events refresh the timelines on screen (they name an interest, not a customer)', () => {
    expect(effectsOf(ev('visits', 'photo.added', { id: 'p1', interest_id: 'x' }), 'me')).toEqual([
      { kind: 'invalidate', key: ['visits'] },
      { kind: 'invalidate', key: ['customers', 'timeline'] },
    ]);
  });

  it('unknown topics do nothing', () => {
    expect(effectsOf(ev('orders', 'order.created', {}), 'me')).toEqual([]);
  });

  it('withPresence replaces or adds', () => {
    const a = { user_id: 'a', status: 'online' as const, since: '1' };
    const b = { user_id: 'b', status: 'away' as const, since: '1' };
    expect(withPresence([a, b], { ...a, status: 'busy' })).toEqual([b, { ...a, status: 'busy' }]);
    expect(withPresence([a], b)).toEqual([a, b]);
  });
});
