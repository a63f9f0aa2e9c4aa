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

  it('ticket events refresh the ticket list and that ticket’s conversation', () => {
    for (const kind of ['ticket.created', 'ticket.message', 'ticket.updated']) {
      expect(effectsOf(ev('tickets', kind, { ticket: { id: 't1', status: 'open' }, message: null }), 'me')).toEqual([
        { kind: 'invalidate', key: ['tickets', 'list'] },
        { kind: 'invalidate', key: ['tickets', 'one', 't1'] },
      ]);
    }
    // Without a ticket, everything about tickets.
    expect(effectsOf(ev('tickets', 'ticket.updated', {}), 'me')).toEqual([{ kind: 'invalidate', key: ['tickets'] }]);
  });

  it('chat messages go into the cache as they are; channel changes and reads refetch; anything odd refreshes chat', () => {
    const message = {
      id: 'm1',
      channel_id: 'c1',
      author_id: 'u2',
      author_name: 'Priya',
      parent_id: null,
      body: 'Hello',
      mentions: [],
      reply_count: 0,
      deleted: false,
      created_at: '2026-11-26T10:00:00Z',
      attachments: [],
    };
    expect(effectsOf(ev('chat', 'message.created', { message }), 'me')).toEqual([{ kind: 'chat', change: { type: 'created', message } }]);
    expect(effectsOf(ev('chat', 'message.updated', { message }), 'me')).toEqual([{ kind: 'chat', change: { type: 'updated', message } }]);
    expect(effectsOf(ev('chat', 'message.deleted', { message_id: 'm1', channel_id: 'c1', parent_id: null }), 'me')).toEqual([
      { kind: 'chat', change: { type: 'deleted', messageId: 'm1', channelId: 'c1', parentId: null } },
    ]);
    expect(effectsOf(ev('chat', 'message.deleted', { message_id: 'r1', channel_id: 'c1', parent_id: 'm1' }), 'me')).toEqual([
      { kind: 'chat', change: { type: 'deleted', messageId: 'r1', channelId: 'c1', parentId: 'm1' } },
    ]);
    for (const kind of ['channel.created', 'channel.updated']) {
      expect(effectsOf(ev('chat', kind, { channel_id: 'c1' }), 'me')).toEqual([
        { kind: 'invalidate', key: ['chat', 'channels'] },
        { kind: 'invalidate', key: ['chat', 'channel', 'c1'] },
      ]);
    }
    // Read here or on another of my devices: the unread counts follow.
    expect(effectsOf(ev('chat', 'channel.read', { channel_id: 'c1', message_id: 'm1' }), 'me')).toEqual([
      { kind: 'chat', change: { type: 'read', channelId: 'c1', messageId: 'm1' } },
    ]);
    expect(effectsOf(ev('chat', 'channel.read', {}), 'me')).toEqual([{ kind: 'invalidate', key: ['chat', 'channels'] }]);
    expect(effectsOf(ev('chat', 'message.created', { message: { id: 'm1' } }), 'me')).toEqual([{ kind: 'invalidate', key: ['chat'] }]);
    expect(effectsOf(ev('chat', 'message.deleted', {}), 'me')).toEqual([{ kind: 'invalidate', key: ['chat'] }]);
    expect(effectsOf(ev('chat', 'channel.renamed', {}), 'me')).toEqual([{ kind: 'invalidate', key: ['chat'] }]);
  });

  it('announcement events refresh the banner, the lists and that announcement', () => {
    const a = { id: 'a1', title: 'Rates', priority: 'urgent' };
    for (const kind of ['announcement.published', 'announcement.withdrawn', 'announcement.expired']) {
      expect(effectsOf(ev('announcements', kind, { announcement: a, platform: false }), 'me')).toEqual([
        { kind: 'invalidate', key: ['announcements', 'list'] },
        { kind: 'invalidate', key: ['announcements', 'manage'] },
        { kind: 'invalidate', key: ['announcements', 'one', 'a1'] },
      ]);
    }
    // Someone acknowledged: the author's page counts it; my own acknowledgement (another device) also clears my banner.
    expect(effectsOf(ev('announcements', 'announcement.acked', { announcement_id: 'a1', user_id: 'u2' }), 'me')).toEqual([
      { kind: 'invalidate', key: ['announcements', 'one', 'a1'] },
    ]);
    expect(effectsOf(ev('announcements', 'announcement.acked', { announcement_id: 'a1', user_id: 'me' }), 'me')).toEqual([
      { kind: 'invalidate', key: ['announcements', 'one', 'a1'] },
      { kind: 'invalidate', key: ['announcements', 'list'] },
    ]);
    // Anything unexpected refreshes everything about announcements.
    expect(effectsOf(ev('announcements', 'announcement.published', {}), 'me')).toEqual([{ kind: 'invalidate', key: ['announcements'] }]);
    expect(effectsOf(ev('announcements', 'announcement.edited', { id: 'a1' }), 'me')).toEqual([
      { kind: 'invalidate', key: ['announcements'] },
    ]);
  });

  it('escalation events refresh the board and that escalation', () => {
    for (const kind of ['escalation.created', 'escalation.updated']) {
      expect(effectsOf(ev('escalations', kind, { escalation: { id: 'e1', status: 'open' } }), 'me')).toEqual([
        { kind: 'invalidate', key: ['escalations', 'list'] },
        { kind: 'invalidate', key: ['escalations', 'one', 'e1'] },
      ]);
    }
    expect(effectsOf(ev('escalations', 'escalation.updated', {}), 'me')).toEqual([{ kind: 'invalidate', key: ['escalations'] }]);
  });

  it('feedback.received refreshes the feedback report and lists', () => {
    expect(effectsOf(ev('feedback', 'feedback.received', { feedback_id: 'f1' }), 'me')).toEqual([
      { kind: 'invalidate', key: ['feedback'] },
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
