// What each real-time event means for the app, as data: which cached queries
// go stale, which cached values can be set directly, and when the signed-in
// user's own account changed. Pure, so it is unit-tested without React.
import type { AppNotification, PresenceEntry, PresenceStatus } from '../api/types';
import { CHAT_KEYS, isChatMessage, type ChatChange } from '../lib/chat';
import type { RealtimeEvent } from './protocol';

export type Effect =
  | { kind: 'invalidate'; key: readonly string[] }
  | { kind: 'unread-count'; count: number }
  | { kind: 'notification'; notification: AppNotification }
  | { kind: 'presence'; entry: PresenceEntry }
  /** The signed-in user was changed (role, stores, name…): refresh the session's view of them. */
  | { kind: 'self-changed' }
  /** A chat message arrived, changed or went: the cached conversation, thread and channel list take it. */
  | { kind: 'chat'; change: ChatChange };

/** Query-key roots, shared with the pages that own these queries. */
export const QUERY_ROOTS = {
  stores: ['stores'],
  users: ['users'],
  audit: ['audit'],
  notifications: ['notifications', 'list'],
  unreadCount: ['notifications', 'unread-count'],
  presence: ['presence'],
  customers: ['customers'],
  visits: ['visits'],
  appointments: ['appointments'],
  imports: ['imports'],
  segments: ['segments'],
  tickets: ['tickets'],
  announcements: ['announcements'],
  escalations: ['escalations'],
  feedback: ['feedback'],
} as const;

const PRESENCE: readonly PresenceStatus[] = ['online', 'away', 'busy', 'on_call', 'offline'];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const count = (p: unknown): number | null =>
  isObject(p) && typeof p.unread_count === 'number' && p.unread_count >= 0 ? Math.floor(p.unread_count) : null;

function isNotification(v: unknown): v is AppNotification {
  return isObject(v) && typeof v.id === 'string' && typeof v.title === 'string';
}

const field = (p: unknown, k: string): string | null => (isObject(p) && typeof p[k] === 'string' ? p[k] : null);

/** Customer lists and look-ups, and these customers' profiles and timelines. */
const CUSTOMER_LISTS = ['list', 'trash', 'picker', 'by-phone', 'access-log'] as const;
function customerEffects(ids: string[], profiles: boolean): Effect[] {
  return [
    ...CUSTOMER_LISTS.map((k): Effect => ({ kind: 'invalidate', key: ['customers', k] })),
    ...ids.flatMap((id): Effect[] => [
      ...(profiles ? [{ kind: 'invalidate', key: ['customers', 'one', id] } as const] : []),
      { kind: 'invalidate', key: ['customers', 'timeline', id] },
    ]),
  ];
}

export function effectsOf(ev: RealtimeEvent, myUserId: string): Effect[] {
  const p = ev.payload;
  switch (ev.topic) {
    case 'stores':
      // Store names show up in user lists and the audit log too.
      return [
        { kind: 'invalidate', key: QUERY_ROOTS.stores },
        { kind: 'invalidate', key: QUERY_ROOTS.audit },
      ];
    case 'users': {
      const out: Effect[] = [
        { kind: 'invalidate', key: QUERY_ROOTS.users },
        { kind: 'invalidate', key: QUERY_ROOTS.audit },
      ];
      if (ev.kind === 'user.updated' && isObject(p) && p.id === myUserId) out.push({ kind: 'self-changed' });
      return out;
    }
    case 'notifications': {
      const out: Effect[] = [{ kind: 'invalidate', key: QUERY_ROOTS.notifications }];
      const c = count(p);
      out.push(c === null ? { kind: 'invalidate', key: QUERY_ROOTS.unreadCount } : { kind: 'unread-count', count: c });
      if (ev.kind === 'notification.created' && isObject(p) && isNotification(p.notification)) {
        out.push({ kind: 'notification', notification: p.notification });
      }
      return out;
    }
    case 'customers': {
      const ids = [field(p, 'id'), field(p, 'duplicate_id')].filter((x): x is string => x !== null);
      // Without an id, refresh everything about customers.
      return ids.length > 0 ? customerEffects(ids, true) : [{ kind: 'invalidate', key: QUERY_ROOTS.customers }];
    }
    case 'visits': {
      if (ev.kind.startsWith('photo.')) {
        // A photo names its interest, not the customer: refresh the timelines on screen.
        return [
          { kind: 'invalidate', key: QUERY_ROOTS.visits },
          { kind: 'invalidate', key: ['customers', 'timeline'] },
        ];
      }
      const id = field(p, 'customer_id');
      return [{ kind: 'invalidate', key: QUERY_ROOTS.visits }, ...(id ? customerEffects([id], true) : [])];
    }
    case 'imports': {
      // Progress is shown live by the import screen itself; here the records and,
      // once finished, everything the new customers appear in.
      const id = field(p, 'id');
      const out: Effect[] = [
        { kind: 'invalidate', key: ['imports', 'list'] },
        ...(id ? [{ kind: 'invalidate', key: ['imports', 'one', id] } as const] : []),
      ];
      if (ev.kind === 'import.finished') {
        out.push(...CUSTOMER_LISTS.map((k): Effect => ({ kind: 'invalidate', key: ['customers', k] })));
        out.push({ kind: 'invalidate', key: QUERY_ROOTS.segments });
      }
      return out;
    }
    case 'telecalling': {
      // A lead's changes show on its customer's timeline; the telecalling
      // screens refresh themselves from the same events.
      const id = isObject(p) ? field(p.lead, 'customer_id') : null;
      return id ? [{ kind: 'invalidate', key: ['customers', 'timeline', id] }] : [];
    }
    case 'appointments': {
      const id = field(p, 'customer_id');
      return [
        { kind: 'invalidate', key: QUERY_ROOTS.appointments },
        ...(id ? [{ kind: 'invalidate', key: ['customers', 'timeline', id] } as const] : []),
      ];
    }
    case 'tickets': {
      // ticket.created, ticket.message, ticket.updated: { ticket, message }.
      // The list and that ticket's conversation refetch (internal notes never come here).
      const id = isObject(p) ? field(p.ticket, 'id') : null;
      return id
        ? [
            { kind: 'invalidate', key: ['tickets', 'list'] },
            { kind: 'invalidate', key: ['tickets', 'one', id] },
          ]
        : [{ kind: 'invalidate', key: QUERY_ROOTS.tickets }];
    }
    case 'announcements':
      return announcementEffects(ev, myUserId);
    case 'escalations': {
      // escalation.created / escalation.updated: { escalation }. The board and that escalation refetch.
      const id = isObject(p) ? field(p.escalation, 'id') : null;
      return id
        ? [
            { kind: 'invalidate', key: ['escalations', 'list'] },
            { kind: 'invalidate', key: ['escalations', 'one', id] },
          ]
        : [{ kind: 'invalidate', key: QUERY_ROOTS.escalations }];
    }
    case 'feedback':
      // feedback.received: the report and the survey list.
      return [{ kind: 'invalidate', key: QUERY_ROOTS.feedback }];
    case 'chat':
      return chatEffects(ev);
    case 'presence':
      if (
        ev.kind === 'presence.changed' &&
        isObject(p) &&
        typeof p.user_id === 'string' &&
        typeof p.status === 'string' &&
        (PRESENCE as readonly string[]).includes(p.status)
      ) {
        return [
          {
            kind: 'presence',
            entry: { user_id: p.user_id, status: p.status as PresenceStatus, since: typeof p.since === 'string' ? p.since : ev.at },
          },
        ];
      }
      return [{ kind: 'invalidate', key: QUERY_ROOTS.presence }];
    default:
      return [];
  }
}

/**
 * Chat: messages and reads go straight into the cache (no refetch per
 * message); a channel that changed is refetched; anything unexpected
 * refreshes all of chat.
 */
function chatEffects(ev: RealtimeEvent): Effect[] {
  const p = ev.payload;
  switch (ev.kind) {
    case 'message.created':
    case 'message.updated': {
      const message = isObject(p) ? p.message : null;
      if (!isChatMessage(message)) break;
      return [{ kind: 'chat', change: { type: ev.kind === 'message.created' ? 'created' : 'updated', message } }];
    }
    case 'message.deleted': {
      const messageId = field(p, 'message_id');
      const channelId = field(p, 'channel_id');
      if (!messageId || !channelId) break;
      return [{ kind: 'chat', change: { type: 'deleted', messageId, channelId, parentId: field(p, 'parent_id') } }];
    }
    case 'channel.created':
    case 'channel.updated': {
      const id = field(p, 'channel_id');
      return [
        { kind: 'invalidate', key: CHAT_KEYS.channels },
        ...(id ? [{ kind: 'invalidate', key: CHAT_KEYS.channel(id) } as const] : []),
      ];
    }
    case 'channel.read': {
      const channelId = field(p, 'channel_id');
      const messageId = field(p, 'message_id');
      if (!channelId || !messageId) return [{ kind: 'invalidate', key: CHAT_KEYS.channels }];
      return [{ kind: 'chat', change: { type: 'read', channelId, messageId } }];
    }
  }
  return [{ kind: 'invalidate', key: CHAT_KEYS.root }];
}

/**
 * Announcements: one published, withdrawn or expired changes the banner and
 * the lists (and that announcement's page); an acknowledgement changes the
 * author's count, and my own (from another device) my list.
 */
function announcementEffects(ev: RealtimeEvent, myUserId: string): Effect[] {
  const p = ev.payload;
  switch (ev.kind) {
    case 'announcement.published':
    case 'announcement.withdrawn':
    case 'announcement.expired': {
      const id = isObject(p) ? field(p.announcement, 'id') : null;
      if (!id) break;
      return [
        { kind: 'invalidate', key: ['announcements', 'list'] },
        { kind: 'invalidate', key: ['announcements', 'manage'] },
        { kind: 'invalidate', key: ['announcements', 'one', id] },
      ];
    }
    case 'announcement.acked': {
      const id = field(p, 'announcement_id');
      if (!id) break;
      return [
        { kind: 'invalidate', key: ['announcements', 'one', id] },
        ...(field(p, 'user_id') === myUserId ? [{ kind: 'invalidate', key: ['announcements', 'list'] } as const] : []),
      ];
    }
  }
  return [{ kind: 'invalidate', key: QUERY_ROOTS.announcements }];
}

/** The presence list with one person's entry replaced (or added). */
export function withPresence(items: readonly PresenceEntry[], entry: PresenceEntry): PresenceEntry[] {
  const rest = items.filter((i) => i.user_id !== entry.user_id);
  return [...rest, entry];
}
