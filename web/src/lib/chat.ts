// Team chat on the web: the shapes (from the generated schema), the query keys,
// and the small pure rules the screens follow — how a live message, edit or
// delete changes the cached channel list, conversations and threads, how an
// "@" in the composer becomes a mention, and how typing is put in words.
// Unit-tested.
import type { InfiniteData, QueryClient } from '@tanstack/react-query';
import type { components } from '../api/schema';
import type { Page } from '../api/types';

type Schemas = components['schemas'];

export type ChannelItem = Schemas['ChannelItem'];
export type Channel = Schemas['Channel'];
export type ChannelMember = Schemas['Member'];
export type ChatMessage = Schemas['Message'];
export type ChatAttachment = Schemas['Attachment'];
export type Thread = Schemas['Thread'];
export type NewChannel = Schemas['NewChannel'];
export type ChannelPatch = Schemas['ChannelPatch'];
export type ChannelKind = 'store' | 'custom' | 'direct';

export type MessagePages = InfiniteData<Page<ChatMessage>, unknown>;
export type ThreadPages = InfiniteData<Thread, unknown>;

export const CHAT_KEYS = {
  root: ['chat'] as const,
  channels: ['chat', 'channels'] as const,
  channel: (id: string) => ['chat', 'channel', id] as const,
  messages: (id: string) => ['chat', 'messages', id] as const,
  thread: (rootId: string) => ['chat', 'thread', rootId] as const,
  search: (q: string, channelId: string | null) => ['chat', 'search', q, channelId ?? ''] as const,
  /** Under `users`, so a change to anyone's account refreshes it. */
  colleagues: ['users', 'chat-colleagues'] as const,
};

// ---------------------------------------------------------------- channels

export interface ChannelGroups {
  store: ChannelItem[];
  custom: ChannelItem[];
  direct: ChannelItem[];
}

const time = (iso: string | null | undefined): number => (iso ? new Date(iso).getTime() || 0 : 0);

/** Latest activity first, then by name (as the server lists them). */
function byActivity(a: ChannelItem, b: ChannelItem): number {
  return time(b.last_message_at) - time(a.last_message_at) || a.name.localeCompare(b.name);
}

/** My channels in the list's three groups, busiest first. */
export function groupChannels(items: readonly ChannelItem[]): ChannelGroups {
  const out: ChannelGroups = { store: [], custom: [], direct: [] };
  for (const c of items) {
    if (c.kind === 'store') out.store.push(c);
    else if (c.kind === 'direct') out.direct.push(c);
    else out.custom.push(c);
  }
  out.store.sort(byActivity);
  out.custom.sort((a, b) => Number(b.member) - Number(a.member) || byActivity(a, b));
  out.direct.sort(byActivity);
  return out;
}

/** Unread messages across my channels (each counted up to 100 by the server). */
export function unreadTotal(items: readonly ChannelItem[] | undefined): number {
  return (items ?? []).reduce((n, c) => n + (c.member ? c.unread : 0), 0);
}

/** "3", "99+". */
export function countLabel(n: number): string {
  return n > 99 ? '99+' : String(n);
}

/** What a channel in the list is, for screen readers after its name ("store channel"); "" for a public channel. */
export function channelKindLabel(c: Pick<ChannelItem, 'kind' | 'private'>): string {
  if (c.kind === 'store') return 'store channel';
  if (c.kind === 'direct') return 'direct message';
  return c.private ? 'private channel' : '';
}

/** "3 unread", "more than 99 unread". */
export function unreadLabel(n: number): string {
  return `${n > 99 ? 'more than 99' : n} unread`;
}

/** A channel's name as a title: "#sales-team", "MG Road Showroom", "Priya Raghavan". */
export function channelTitle(c: { kind: string; name: string }): string {
  return c.kind === 'custom' ? `#${c.name}` : c.name;
}

/**
 * A direct conversation's name is the other person (the channel record says
 * "direct"): the list's name, else the member who is not me.
 */
export function displayName(channel: Pick<Channel, 'kind' | 'name' | 'members'>, myId: string, listed?: ChannelItem): string {
  if (channel.kind !== 'direct') return channel.name;
  return listed?.name ?? channel.members.find((m) => m.user_id !== myId)?.name ?? 'Direct message';
}

/** The list after a new top-level message: its time, and one more unread when someone else wrote it. Null: not in the list. */
export function withChannelActivity(items: readonly ChannelItem[], m: ChatMessage, myId: string): ChannelItem[] | null {
  if (!items.some((c) => c.id === m.channel_id)) return null;
  return items.map((c) =>
    c.id === m.channel_id
      ? {
          ...c,
          last_message_at: time(m.created_at) > time(c.last_message_at) ? m.created_at : c.last_message_at,
          unread: c.member && m.author_id !== myId ? Math.min(100, c.unread + 1) : c.unread,
        }
      : c,
  );
}

/** The list with one channel's unread count set. */
export function withUnread(items: readonly ChannelItem[], channelId: string, unread: number): ChannelItem[] {
  return items.map((c) => (c.id === channelId && c.unread !== unread ? { ...c, unread } : c));
}

// ---------------------------------------------------------------- messages

/** A message as shown once deleted. */
export function asDeleted(m: ChatMessage): ChatMessage {
  return { ...m, body: '', deleted: true, mentions: [], attachments: [] };
}

/** Messages of loaded pages (newest first), oldest first for display. */
export function oldestFirst(data: MessagePages | undefined): ChatMessage[] {
  if (!data) return [];
  const out: ChatMessage[] = [];
  for (let p = data.pages.length - 1; p >= 0; p--) {
    const items = data.pages[p]?.items ?? [];
    for (let i = items.length - 1; i >= 0; i--) {
      const m = items[i];
      if (m) out.push(m);
    }
  }
  return out;
}

function mapPages(data: MessagePages, fn: (m: ChatMessage) => ChatMessage): MessagePages {
  let changed = false;
  const pages = data.pages.map((p) => {
    let pageChanged = false;
    const items = p.items.map((m) => {
      const n = fn(m);
      if (n !== m) pageChanged = true;
      return n;
    });
    if (!pageChanged) return p;
    changed = true;
    return { ...p, items };
  });
  return changed ? { ...data, pages } : data;
}

/** A conversation with a top-level message added (newest first) or replaced. */
export function withMessage(data: MessagePages, m: ChatMessage): MessagePages {
  if (data.pages.some((p) => p.items.some((x) => x.id === m.id))) return mapPages(data, (x) => (x.id === m.id ? m : x));
  const [first, ...rest] = data.pages;
  if (!first) return { ...data, pages: [{ items: [m], next_cursor: null }], pageParams: [null] };
  return { ...data, pages: [{ ...first, items: [m, ...first.items] }, ...rest] };
}

/** A conversation with one message changed (unknown ids leave it as it is). */
export function patchMessage(data: MessagePages, id: string, fn: (m: ChatMessage) => ChatMessage): MessagePages {
  return mapPages(data, (m) => (m.id === id ? fn(m) : m));
}

/**
 * A conversation after a reply: its thread's first message counts one more.
 * Idempotent: a reply at or before the thread's last reply is already counted
 * (the sender's own answer and the live event both arrive).
 */
export function withReplyCounted(data: MessagePages, reply: ChatMessage): MessagePages {
  const parent = reply.parent_id;
  if (!parent) return data;
  return patchMessage(data, parent, (root) => countReply(root, reply));
}

/** A thread's first message counting one more reply (unless this reply is already counted). */
export function countReply(root: ChatMessage, reply: ChatMessage): ChatMessage {
  return root.last_reply_at && time(root.last_reply_at) >= time(reply.created_at)
    ? root
    : { ...root, reply_count: root.reply_count + 1, last_reply_at: reply.created_at };
}

// ---------------------------------------------------------------- threads

/** Replies of loaded thread pages, oldest first. */
export function threadReplies(data: ThreadPages | undefined): ChatMessage[] {
  return data ? data.pages.flatMap((p) => p.replies.items) : [];
}

/** A thread with a new reply at its end (when its last page is loaded) or a reply replaced; its first message counts it. */
export function withThreadReply(data: ThreadPages, reply: ChatMessage): ThreadPages {
  if (data.pages.some((p) => p.replies.items.some((x) => x.id === reply.id))) return patchThread(data, reply.id, () => reply);
  const counted = reply.parent_id ? patchThread(data, reply.parent_id, (root) => countReply(root, reply)) : data;
  const last = counted.pages.at(-1);
  // More replies wait on the server: this one comes with them.
  if (!last || last.replies.next_cursor) return counted;
  const pages = [...counted.pages.slice(0, -1), { ...last, replies: { ...last.replies, items: [...last.replies.items, reply] } }];
  return { ...counted, pages };
}

/** A thread with its first message or one reply changed. */
export function patchThread(data: ThreadPages, id: string, fn: (m: ChatMessage) => ChatMessage): ThreadPages {
  let changed = false;
  const pages = data.pages.map((p) => {
    const root = p.root.id === id ? fn(p.root) : p.root;
    let repliesChanged = false;
    const items = p.replies.items.map((m) => {
      if (m.id !== id) return m;
      repliesChanged = true;
      return fn(m);
    });
    if (root === p.root && !repliesChanged) return p;
    changed = true;
    return { ...p, root, replies: repliesChanged ? { ...p.replies, items } : p.replies };
  });
  return changed ? { ...data, pages } : data;
}

// ---------------------------------------------------------------- live changes

/** A chat event, as data (realtime/effects.ts makes these). */
export type ChatChange =
  | { type: 'created'; message: ChatMessage }
  | { type: 'updated'; message: ChatMessage }
  | { type: 'deleted'; messageId: string; channelId: string; parentId: string | null }
  /** I read a channel up to a message (here or on another of my devices). */
  | { type: 'read'; channelId: string; messageId: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether an event's payload is a message the cache can take. */
export function isChatMessage(v: unknown): v is ChatMessage {
  return (
    isObject(v) &&
    typeof v.id === 'string' &&
    typeof v.channel_id === 'string' &&
    typeof v.author_id === 'string' &&
    typeof v.author_name === 'string' &&
    typeof v.body === 'string' &&
    typeof v.created_at === 'string' &&
    typeof v.reply_count === 'number' &&
    typeof v.deleted === 'boolean' &&
    Array.isArray(v.mentions) &&
    Array.isArray(v.attachments) &&
    (v.parent_id === undefined || v.parent_id === null || typeof v.parent_id === 'string')
  );
}

type Cache = Pick<QueryClient, 'getQueryData' | 'setQueryData' | 'invalidateQueries'>;

/**
 * Applies a chat change to the cached queries: the conversation, the thread
 * and the channel list take it directly (no refetch per message); what the
 * cache cannot work out (a channel not in my list yet) is refetched.
 */
export function applyChatChange(qc: Cache, change: ChatChange, myId: string): void {
  switch (change.type) {
    case 'created': {
      const m = change.message;
      if (m.parent_id) {
        qc.setQueryData<MessagePages>(CHAT_KEYS.messages(m.channel_id), (d) => (d ? withReplyCounted(d, m) : d));
        qc.setQueryData<ThreadPages>(CHAT_KEYS.thread(m.parent_id), (d) => (d ? withThreadReply(d, m) : d));
        return;
      }
      qc.setQueryData<MessagePages>(CHAT_KEYS.messages(m.channel_id), (d) => (d ? withMessage(d, m) : d));
      const list = qc.getQueryData<ChannelItem[]>(CHAT_KEYS.channels);
      const next = list ? withChannelActivity(list, m, myId) : null;
      if (next) qc.setQueryData(CHAT_KEYS.channels, next);
      else void qc.invalidateQueries({ queryKey: CHAT_KEYS.channels });
      return;
    }
    case 'updated': {
      const m = change.message;
      qc.setQueryData<MessagePages>(CHAT_KEYS.messages(m.channel_id), (d) => (d ? patchMessage(d, m.id, () => m) : d));
      qc.setQueryData<ThreadPages>(CHAT_KEYS.thread(m.parent_id ?? m.id), (d) => (d ? patchThread(d, m.id, () => m) : d));
      return;
    }
    case 'deleted': {
      const { messageId, channelId, parentId } = change;
      qc.setQueryData<MessagePages>(CHAT_KEYS.messages(channelId), (d) => (d ? patchMessage(d, messageId, asDeleted) : d));
      qc.setQueryData<ThreadPages>(CHAT_KEYS.thread(parentId ?? messageId), (d) => (d ? patchThread(d, messageId, asDeleted) : d));
      // A deleted message no longer counts as unread.
      if (!parentId) void qc.invalidateQueries({ queryKey: CHAT_KEYS.channels });
      return;
    }
    case 'read': {
      // Read up to the newest message this tab knows of: nothing unread (no refetch); else ask.
      const newest = qc.getQueryData<MessagePages>(CHAT_KEYS.messages(change.channelId))?.pages[0]?.items[0]?.id;
      const list = qc.getQueryData<ChannelItem[]>(CHAT_KEYS.channels);
      if (newest && list && newest <= change.messageId) qc.setQueryData(CHAT_KEYS.channels, withUnread(list, change.channelId, 0));
      else void qc.invalidateQueries({ queryKey: CHAT_KEYS.channels });
      return;
    }
  }
}

// ---------------------------------------------------------------- composing

/** The "@query" being typed just before the caret, or null. */
export function mentionAt(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const at = before.lastIndexOf('@');
  if (at < 0) return null;
  // "@" starts a word (not an e-mail address) and the query is at most a name long, on one line.
  if (at > 0 && !/\s|[(["']/.test(before[at - 1] ?? '')) return null;
  const query = before.slice(at + 1);
  // A trailing space ends it ("@Priya " after picking Priya).
  if (query.length > 40 || /[\n@]/.test(query) || /\s{2}/.test(query) || /^\s|\s$/.test(query)) return null;
  return { start: at, query };
}

/** People whose name matches what follows the "@" (first name or any word). */
export function matchPeople<T extends { name: string }>(people: readonly T[], query: string, max = 8): T[] {
  const q = query.trim().toLowerCase();
  if (!q) return people.slice(0, max);
  const starts = people.filter((p) => p.name.toLowerCase().startsWith(q));
  const words = people.filter(
    (p) =>
      !starts.includes(p) &&
      p.name
        .toLowerCase()
        .split(/\s+/)
        .some((w) => w.startsWith(q)),
  );
  return [...starts, ...words].slice(0, max);
}

/** The text with the "@query" at `start`…`caret` replaced by "@Name ", and where the caret goes. */
export function insertMention(text: string, start: number, caret: number, name: string): { text: string; caret: number } {
  const inserted = `@${name} `;
  const after = text.slice(caret).replace(/^ /, '');
  return { text: `${text.slice(0, start)}${inserted}${after}`, caret: start + inserted.length };
}

/** The people picked as mentions whose "@Name" is still in the text (no repeats). */
export function mentionIds(text: string, picked: readonly { id: string; name: string }[]): string[] {
  const out: string[] = [];
  for (const p of picked) if (!out.includes(p.id) && text.includes(`@${p.name}`)) out.push(p.id);
  return out;
}

/** A message body in pieces: plain text and "@Name" mentions of the given names. */
export function bodySegments(body: string, names: readonly string[]): { text: string; mention: boolean }[] {
  const wanted = [...new Set(names.filter(Boolean))].sort((a, b) => b.length - a.length);
  if (wanted.length === 0) return body ? [{ text: body, mention: false }] : [];
  const escaped = wanted.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const re = new RegExp(`@(?:${escaped.join('|')})`, 'g');
  const out: { text: string; mention: boolean }[] = [];
  let last = 0;
  for (const m of body.matchAll(re)) {
    const i = m.index;
    if (i > last) out.push({ text: body.slice(last, i), mention: false });
    out.push({ text: m[0], mention: true });
    last = i + m[0].length;
  }
  if (last < body.length) out.push({ text: body.slice(last), mention: false });
  return out;
}

/** "Priya is typing…", "Priya and Arjun are typing…", "Several people are typing…"; "" for nobody. */
export function typingText(names: readonly string[]): string {
  const first = (n: string) => n.split(/\s+/)[0] ?? n;
  if (names.length === 0) return '';
  if (names.length === 1) return `${first(names[0] ?? '')} is typing…`;
  if (names.length === 2) return `${first(names[0] ?? '')} and ${first(names[1] ?? '')} are typing…`;
  return 'Several people are typing…';
}

/** What a screen reader hears for a message that just arrived. */
export function arrivalText(m: Pick<ChatMessage, 'author_name' | 'body' | 'attachments'>): string {
  const body = m.body.length > 140 ? `${m.body.slice(0, 140)}…` : m.body;
  const files = m.attachments.length > 0 ? ` (${m.attachments.length} ${m.attachments.length === 1 ? 'file' : 'files'})` : '';
  return `${m.author_name}: ${body}${files}`;
}

/** A fresh Idempotency-Key for one message (retries of it reuse the key). */
export function newMessageKey(random: () => string = () => globalThis.crypto.randomUUID()): string {
  return `web-${random()}`;
}
