import { describe, expect, it } from 'vitest';
import { QueryClient } from '@tanstack/react-query';
import {
  CHAT_KEYS,
  applyChatChange,
  arrivalText,
  asDeleted,
  bodySegments,
  channelKindLabel,
  channelTitle,
  countLabel,
  displayName,
  groupChannels,
  insertMention,
  isChatMessage,
  matchPeople,
  mentionAt,
  mentionIds,
  newMessageKey,
  oldestFirst,
  threadReplies,
  typingText,
  unreadLabel,
  unreadTotal,
  withChannelActivity,
  withMessage,
  withReplyCounted,
  withThreadReply,
  withUnread,
  type Channel,
  type ChannelItem,
  type ChatMessage,
  type MessagePages,
  type ThreadPages,
} from './chat';

const msg = (id: string, over: Partial<ChatMessage> = {}): ChatMessage => ({
  id,
  channel_id: 'c1',
  author_id: 'u2',
  author_name: 'Priya Raghavan',
  parent_id: null,
  body: `body ${id}`,
  mentions: [],
  reply_count: 0,
  last_reply_at: null,
  edited_at: null,
  deleted: false,
  created_at: '2026-11-27T10:00:00Z',
  attachments: [],
  ...over,
});

const item = (id: string, over: Partial<ChannelItem> = {}): ChannelItem => ({
  id,
  kind: 'custom',
  name: id,
  private: false,
  member: true,
  unread: 0,
  last_message_at: null,
  ...over,
});

/** Pages newest first, as the server sends them. */
const pages = (...p: ChatMessage[][]): MessagePages => ({
  pages: p.map((items, i) => ({ items, next_cursor: i < p.length - 1 ? `cur${i}` : null })),
  pageParams: p.map((_, i) => (i === 0 ? null : `cur${i - 1}`)),
});

const thread = (root: ChatMessage, replies: ChatMessage[], more = false): ThreadPages => ({
  pages: [{ root, replies: { items: replies, next_cursor: more ? 'next' : null } }],
  pageParams: [null],
});

describe('channel list', () => {
  it('groups store, custom and direct channels, busiest first; joined custom channels before ones to join', () => {
    const g = groupChannels([
      item('d1', { kind: 'direct', last_message_at: '2026-11-27T09:00:00Z' }),
      item('s1', { kind: 'store', name: 'T. Nagar' }),
      item('pub', { member: false, last_message_at: '2026-11-27T11:00:00Z' }),
      item('s2', { kind: 'store', name: 'MG Road', last_message_at: '2026-11-27T08:00:00Z' }),
      item('team', { last_message_at: '2026-11-27T10:00:00Z' }),
      item('d2', { kind: 'direct', last_message_at: '2026-11-27T12:00:00Z' }),
    ]);
    expect(g.store.map((c) => c.id)).toEqual(['s2', 's1']);
    expect(g.custom.map((c) => c.id)).toEqual(['team', 'pub']);
    expect(g.direct.map((c) => c.id)).toEqual(['d2', 'd1']);
  });

  it('totals unread of channels I am in, and words it', () => {
    expect(unreadTotal([item('a', { unread: 3 }), item('b', { unread: 2, member: false }), item('c', { unread: 100 })])).toBe(103);
    expect(unreadTotal(undefined)).toBe(0);
    expect(countLabel(7)).toBe('7');
    expect(countLabel(103)).toBe('99+');
    expect(unreadLabel(3)).toBe('3 unread');
    expect(unreadLabel(100)).toBe('more than 99 unread');
  });

  it('names channels: "#team", the store, the other person of a direct conversation', () => {
    expect(channelTitle({ kind: 'custom', name: 'team' })).toBe('#team');
    expect(channelTitle({ kind: 'store', name: 'MG Road' })).toBe('MG Road');
    expect(channelKindLabel({ kind: 'store', private: false })).toBe('store channel');
    expect(channelKindLabel({ kind: 'custom', private: true })).toBe('private channel');
    expect(channelKindLabel({ kind: 'custom', private: false })).toBe('');
    const direct: Pick<Channel, 'kind' | 'name' | 'members'> = {
      kind: 'direct',
      name: 'direct',
      members: [
        { user_id: 'me', name: 'Me', role: 'manager', is_admin: false },
        { user_id: 'u2', name: 'Priya Raghavan', role: 'business_admin', is_admin: false },
      ],
    };
    expect(displayName(direct, 'me')).toBe('Priya Raghavan');
    expect(displayName(direct, 'me', item('x', { kind: 'direct', name: 'Listed Name' }))).toBe('Listed Name');
  });

  it('a new message bumps its channel: newer time, one more unread unless I wrote it', () => {
    const list = [item('c1', { unread: 1, last_message_at: '2026-11-27T09:00:00Z' }), item('c2')];
    const after = withChannelActivity(list, msg('m1'), 'me');
    expect(after?.[0]).toMatchObject({ unread: 2, last_message_at: '2026-11-27T10:00:00Z' });
    expect(after?.[1]).toBe(list[1]);
    expect(withChannelActivity(list, msg('m1', { author_id: 'me' }), 'me')?.[0]?.unread).toBe(1);
    expect(withChannelActivity([item('c1', { member: false })], msg('m1'), 'me')?.[0]?.unread).toBe(0);
    // Not in my list yet (a new direct conversation): the caller refetches.
    expect(withChannelActivity([item('c9')], msg('m1'), 'me')).toBeNull();
    expect(withUnread(list, 'c1', 0)[0]?.unread).toBe(0);
  });
});

describe('conversation cache', () => {
  it('shows loaded pages oldest first', () => {
    expect(oldestFirst(pages([msg('m4'), msg('m3')], [msg('m2'), msg('m1')])).map((m) => m.id)).toEqual(['m1', 'm2', 'm3', 'm4']);
    expect(oldestFirst(undefined)).toEqual([]);
  });

  it('adds a new message on top of the newest page, once', () => {
    const d = pages([msg('m2')], [msg('m1')]);
    const once = withMessage(d, msg('m3'));
    expect(oldestFirst(once).map((m) => m.id)).toEqual(['m1', 'm2', 'm3']);
    const twice = withMessage(once, msg('m3', { body: 'again' }));
    expect(oldestFirst(twice).map((m) => m.body)).toEqual(['body m1', 'body m2', 'again']);
    expect(once.pages[1]).toBe(d.pages[1]);
  });

  it('counts a reply on its thread’s first message once, whoever reports it first', () => {
    const d = pages([msg('root')]);
    const reply = msg('r1', { parent_id: 'root', created_at: '2026-11-27T10:05:00.123456789Z' });
    const once = withReplyCounted(d, reply);
    expect(once.pages[0]?.items[0]).toMatchObject({ reply_count: 1, last_reply_at: reply.created_at });
    // The live event after my own answer (or a refetch that already counted it).
    expect(withReplyCounted(once, reply)).toBe(once);
    expect(withReplyCounted(pages([msg('root', { reply_count: 1, last_reply_at: '2026-11-27T10:05:00.123456Z' })]), reply)).toEqual(
      pages([msg('root', { reply_count: 1, last_reply_at: '2026-11-27T10:05:00.123456Z' })]),
    );
    expect(
      withReplyCounted(once, msg('r2', { parent_id: 'root', created_at: '2026-11-27T10:06:00Z' })).pages[0]?.items[0]?.reply_count,
    ).toBe(2);
  });

  it('a thread takes a new reply at its end only when all replies are loaded', () => {
    const root = msg('root');
    const r1 = msg('r1', { parent_id: 'root', created_at: '2026-11-27T10:01:00Z' });
    const r2 = msg('r2', { parent_id: 'root', created_at: '2026-11-27T10:02:00Z' });
    const t = withThreadReply(thread(root, [r1]), r2);
    expect(threadReplies(t).map((m) => m.id)).toEqual(['r1', 'r2']);
    expect(t.pages[0]?.root.reply_count).toBe(1);
    expect(threadReplies(withThreadReply(t, r2))).toHaveLength(2);
    expect(threadReplies(withThreadReply(thread(root, [r1], true), r2)).map((m) => m.id)).toEqual(['r1']);
  });
});

describe('applyChatChange', () => {
  const seeded = () => {
    const qc = new QueryClient();
    qc.setQueryData(CHAT_KEYS.channels, [item('c1', { unread: 0 })]);
    qc.setQueryData(CHAT_KEYS.messages('c1'), pages([msg('m1')]));
    qc.setQueryData(CHAT_KEYS.thread('m1'), thread(msg('m1'), []));
    return qc;
  };

  it('puts a new message in its conversation and bumps the channel’s unread', () => {
    const qc = seeded();
    applyChatChange(qc, { type: 'created', message: msg('m2') }, 'me');
    expect(oldestFirst(qc.getQueryData(CHAT_KEYS.messages('c1'))).map((m) => m.id)).toEqual(['m1', 'm2']);
    expect(qc.getQueryData<ChannelItem[]>(CHAT_KEYS.channels)?.[0]?.unread).toBe(1);
  });

  it('puts a reply in its thread and counts it on the conversation', () => {
    const qc = seeded();
    const reply = msg('r1', { parent_id: 'm1', created_at: '2026-11-27T10:03:00Z' });
    applyChatChange(qc, { type: 'created', message: reply }, 'me');
    applyChatChange(qc, { type: 'created', message: reply }, 'me');
    expect(oldestFirst(qc.getQueryData(CHAT_KEYS.messages('c1')))[0]?.reply_count).toBe(1);
    expect(threadReplies(qc.getQueryData(CHAT_KEYS.thread('m1'))).map((m) => m.id)).toEqual(['r1']);
    // Replies are not counted as unread in the channel.
    expect(qc.getQueryData<ChannelItem[]>(CHAT_KEYS.channels)?.[0]?.unread).toBe(0);
  });

  it('a message in a channel not in my list refetches the list', () => {
    const qc = seeded();
    applyChatChange(qc, { type: 'created', message: msg('x', { channel_id: 'new' }) }, 'me');
    expect(qc.getQueryState(CHAT_KEYS.channels)?.isInvalidated).toBe(true);
  });

  it('edits and deletes show everywhere the message is', () => {
    const qc = seeded();
    applyChatChange(qc, { type: 'updated', message: msg('m1', { body: 'fixed', edited_at: '2026-11-27T10:09:00Z' }) }, 'me');
    expect(oldestFirst(qc.getQueryData(CHAT_KEYS.messages('c1')))[0]?.body).toBe('fixed');
    expect(qc.getQueryData<ThreadPages>(CHAT_KEYS.thread('m1'))?.pages[0]?.root.body).toBe('fixed');
    applyChatChange(qc, { type: 'deleted', messageId: 'm1', channelId: 'c1', parentId: null }, 'me');
    expect(oldestFirst(qc.getQueryData(CHAT_KEYS.messages('c1')))[0]).toMatchObject({ deleted: true, body: '', attachments: [] });
    expect(qc.getQueryData<ThreadPages>(CHAT_KEYS.thread('m1'))?.pages[0]?.root.deleted).toBe(true);
    expect(qc.getQueryState(CHAT_KEYS.channels)?.isInvalidated).toBe(true);
  });

  it('a read up to the newest message I have clears the channel’s unread; an older or unknown one refetches', () => {
    const qc = seeded();
    qc.setQueryData(CHAT_KEYS.channels, [item('c1', { unread: 4 })]);
    applyChatChange(qc, { type: 'read', channelId: 'c1', messageId: 'm1' }, 'me');
    expect(qc.getQueryData<ChannelItem[]>(CHAT_KEYS.channels)?.[0]?.unread).toBe(0);
    expect(qc.getQueryState(CHAT_KEYS.channels)?.isInvalidated).toBe(false);
    applyChatChange(qc, { type: 'read', channelId: 'c1', messageId: 'm0' }, 'me');
    expect(qc.getQueryState(CHAT_KEYS.channels)?.isInvalidated).toBe(true);
  });

  it('leaves conversations that were never loaded alone', () => {
    const qc = new QueryClient();
    applyChatChange(qc, { type: 'created', message: msg('m1') }, 'me');
    expect(qc.getQueryData(CHAT_KEYS.messages('c1'))).toBeUndefined();
  });

  it('recognises a message payload', () => {
    expect(isChatMessage(msg('m1'))).toBe(true);
    expect(isChatMessage({ ...msg('m1'), id: 7 })).toBe(false);
    expect(isChatMessage(null)).toBe(false);
    expect(asDeleted(msg('m1', { mentions: ['u1'] }))).toMatchObject({ deleted: true, body: '', mentions: [] });
  });
});

describe('composing', () => {
  it('finds the "@query" before the caret', () => {
    expect(mentionAt('Hi @Pri', 7)).toEqual({ start: 3, query: 'Pri' });
    expect(mentionAt('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionAt('(@Arj', 5)).toEqual({ start: 1, query: 'Arj' });
    expect(mentionAt('Hi @Priya R', 11)).toEqual({ start: 3, query: 'Priya R' });
    // An e-mail address, a finished mention, a new line or nothing typed after "@ ".
    expect(mentionAt('mail a@b.com', 12)).toBeNull();
    expect(mentionAt('@Priya Raghavan ', 16)).toBeNull();
    expect(mentionAt('@Pri\nya', 7)).toBeNull();
    expect(mentionAt('@ x', 3)).toBeNull();
    expect(mentionAt('no at sign', 5)).toBeNull();
  });

  it('matches people by the start of their name, then of any word', () => {
    const people = [{ name: 'Arjun Mehta' }, { name: 'Priya Raghavan' }, { name: 'Meena Pillai' }];
    expect(matchPeople(people, 'me').map((p) => p.name)).toEqual(['Meena Pillai', 'Arjun Mehta']);
    expect(matchPeople(people, '').length).toBe(3);
    expect(matchPeople(people, 'zz')).toEqual([]);
  });

  it('inserts "@Name " and puts the caret after it; keeps the ids whose mention is still in the text', () => {
    expect(insertMention('Hi @Pri and', 3, 7, 'Priya Raghavan')).toEqual({ text: 'Hi @Priya Raghavan and', caret: 19 });
    expect(insertMention('@Ar', 0, 3, 'Arjun Mehta')).toEqual({ text: '@Arjun Mehta ', caret: 13 });
    const picked = [
      { id: 'u1', name: 'Priya Raghavan' },
      { id: 'u2', name: 'Arjun Mehta' },
      { id: 'u1', name: 'Priya Raghavan' },
    ];
    expect(mentionIds('@Priya Raghavan please check', picked)).toEqual(['u1']);
    expect(mentionIds('@Priya Raghavan and @Arjun Mehta', picked)).toEqual(['u1', 'u2']);
  });

  it('splits a body into text and mentions (longest name first)', () => {
    expect(bodySegments('Hi @Priya Raghavan, see @Priya', ['Priya', 'Priya Raghavan'])).toEqual([
      { text: 'Hi ', mention: false },
      { text: '@Priya Raghavan', mention: true },
      { text: ', see ', mention: false },
      { text: '@Priya', mention: true },
    ]);
    expect(bodySegments('a+b (c)', ['x.y'])).toEqual([{ text: 'a+b (c)', mention: false }]);
    expect(bodySegments('', [])).toEqual([]);
  });

  it('words typing, arrivals and idempotency keys', () => {
    expect(typingText([])).toBe('');
    expect(typingText(['Priya Raghavan'])).toBe('Priya is typing…');
    expect(typingText(['Priya Raghavan', 'Arjun Mehta'])).toBe('Priya and Arjun are typing…');
    expect(typingText(['a', 'b', 'c'])).toBe('Several people are typing…');
    expect(
      arrivalText(
        msg('m1', { body: 'Hello', attachments: [{ id: 'f', file_name: 'a.png', content_type: 'image/png', size: 1, created_at: '' }] }),
      ),
    ).toBe('Priya Raghavan: Hello (1 file)');
    expect(newMessageKey(() => 'abc')).toBe('web-abc');
    expect(newMessageKey()).not.toBe(newMessageKey());
  });
});
