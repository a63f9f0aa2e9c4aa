// An open channel or direct conversation: its messages (oldest at the top,
// "Load older" above them), who is typing, and the composer. New messages
// arrive through the cache (realtime/effects.ts); this screen keeps the view
// at the bottom when it was there, says what arrived to screen readers, and
// marks the channel read once the newest message is on screen.
import { useCallback, useEffect, useId, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../../api/problem';
import { useMe } from '../../auth/useAuth';
import { Icon } from '../../components/Icon';
import { Button, ErrorState, Loading } from '../../components/ui';
import {
  CHAT_KEYS,
  arrivalText,
  channelTitle,
  displayName,
  isChatMessage,
  oldestFirst,
  typingText,
  withUnread,
  type Channel,
  type ChannelItem,
  type ChatMessage,
} from '../../lib/chat';
import { addDays, isoToZonedLocal, todayIn } from '../../lib/format';
import { useFormat } from '../../lib/locale';
import { useRealtime } from '../../realtime/context';
import { chatTopic } from '../../realtime/typing';
import { useTyping } from '../../realtime/useTyping';
import { Composer } from './Composer';
import { DeleteMessageDialog, MessageItem } from './MessageItem';
import { chatApi } from './data';
import { useChannelPeople } from './people';

/** Within this many pixels of the end counts as "at the bottom". */
const BOTTOM_SLACK = 48;

function isAtBottom(el: HTMLElement): boolean {
  return el.scrollHeight - el.scrollTop - el.clientHeight < BOTTOM_SLACK;
}

/** What a channel is, under its name. */
function subtitleOf(c: Channel, storeChannel: boolean): string {
  if (c.description) return c.description;
  if (storeChannel) return 'Everyone who works at this store.';
  if (c.kind === 'direct') return 'Direct messages';
  return `${c.private ? 'Private' : 'Public'} channel · ${c.members.length} ${c.members.length === 1 ? 'member' : 'members'}`;
}

export function Conversation({
  channelId,
  listed,
  onOpenThread,
  onOpenDetails,
  onJoin,
  joining,
}: {
  channelId: string;
  /** The channel as my list has it (name of a direct conversation, unread). */
  listed: ChannelItem | undefined;
  onOpenThread: (m: ChatMessage) => void;
  onOpenDetails: () => void;
  onJoin: () => void;
  joining: boolean;
}) {
  const me = useMe();
  const fmt = useFormat();
  const qc = useQueryClient();
  const { state, subscribe } = useRealtime();
  const titleId = useId();
  const myId = me.user.id;

  const channel = useQuery({ queryKey: CHAT_KEYS.channel(channelId), queryFn: () => chatApi.channel(channelId) });
  const msgs = useInfiniteQuery({
    queryKey: CHAT_KEYS.messages(channelId),
    queryFn: ({ pageParam }) => chatApi.messages(channelId, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    // Live events keep it current; without a socket (or, for a public channel I have not joined, without its events), look every half minute.
    refetchOnWindowFocus: false,
    refetchInterval: state === 'live' && (listed?.member ?? true) ? false : 30_000,
  });
  const typing = useTyping(chatTopic(channelId), myId);
  const typistSent = typing.sent;
  const { people, names } = useChannelPeople(channel.data, myId, me.user.name);

  const items = oldestFirst(msgs.data);
  const newest = items.at(-1);
  const oldest = items[0];

  const scroller = useRef<HTMLDivElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const atBottom = useRef(true);
  const shown = useRef<{ newest: string | null; oldest: string | null }>({ newest: null, oldest: null });
  const keepFromEnd = useRef<number | null>(null);
  const readUpTo = useRef<string | null>(null);
  const newestShown = useRef<ChatMessage | null>(null);
  const [unseen, setUnseen] = useState(0);
  const [announce, setAnnounce] = useState('');
  const [deleting, setDeleting] = useState<ChatMessage | null>(null);

  const member = channel.data?.member ?? listed?.member ?? false;

  /** Marks the channel read up to its newest message, when that is on screen. */
  const markRead = useCallback(() => {
    const m = newestShown.current;
    const el = scroller.current;
    if (!m || !el || !member || m.id === readUpTo.current) return;
    if (document.visibilityState !== 'visible' || !isAtBottom(el)) return;
    readUpTo.current = m.id;
    const unread = qc.getQueryData<ChannelItem[]>(CHAT_KEYS.channels)?.find((c) => c.id === channelId)?.unread;
    // My own message with nothing unread before it: there is nothing to mark (my messages never count).
    if (m.author_id === myId && unread === 0) return;
    qc.setQueryData<ChannelItem[]>(CHAT_KEYS.channels, (l) => (l ? withUnread(l, channelId, 0) : l));
    chatApi.read(channelId, m.id).catch(() => {
      readUpTo.current = null;
    });
  }, [member, qc, channelId, myId]);

  // Keep the view where the reader expects it: at the end on opening and when
  // something new arrives while there (or I sent it), and in place when older
  // messages are added above.
  useLayoutEffect(() => {
    const el = scroller.current;
    newestShown.current = newest ?? null;
    if (!el) return;
    const before = shown.current;
    if (before.newest === null && newest) {
      el.scrollTop = el.scrollHeight;
    } else if (newest && newest.id !== before.newest) {
      if (atBottom.current || newest.author_id === myId) el.scrollTop = el.scrollHeight;
    } else if (oldest && oldest.id !== before.oldest && keepFromEnd.current !== null) {
      el.scrollTop = el.scrollHeight - keepFromEnd.current;
    }
    keepFromEnd.current = null;
    shown.current = { newest: newest?.id ?? null, oldest: oldest?.id ?? null };
    atBottom.current = isAtBottom(el);
    markRead();
  }, [newest, oldest, myId, markRead]);

  // Someone else's new message: heard by screen readers, counted when out of view.
  useEffect(
    () =>
      subscribe((ev) => {
        if (ev.topic !== 'chat' || ev.kind !== 'message.created') return;
        const m = (ev.payload as { message?: unknown } | null)?.message;
        if (!isChatMessage(m) || m.channel_id !== channelId || m.author_id === myId) return;
        typistSent(m.author_id);
        if (m.parent_id) return;
        setAnnounce(arrivalText(m));
        if (!atBottom.current) setUnseen((n) => n + 1);
      }),
    [subscribe, channelId, myId, typistSent],
  );

  // Coming back to the tab reads what is on screen.
  useEffect(() => {
    const onVisible = () => markRead();
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [markRead]);

  // Opening a conversation puts the reader at its name (the list may be gone on a phone).
  const focused = useRef(false);
  const loaded = channel.isSuccess;
  useEffect(() => {
    if (!loaded || focused.current) return;
    focused.current = true;
    const raf = requestAnimationFrame(() => heading.current?.focus({ preventScroll: true }));
    return () => cancelAnimationFrame(raf);
  }, [loaded]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    atBottom.current = isAtBottom(el);
    if (atBottom.current) {
      setUnseen(0);
      markRead();
    }
  };

  const toBottom = () => {
    const el = scroller.current;
    if (!el) return;
    el.scrollTop = el.scrollHeight;
    atBottom.current = true;
    setUnseen(0);
    markRead();
  };

  const loadOlder = () => {
    const el = scroller.current;
    if (el) keepFromEnd.current = el.scrollHeight - el.scrollTop;
    void msgs.fetchNextPage();
  };

  if (channel.isPending) return <Loading label="Opening the conversation…" />;
  if (channel.isError) {
    const gone = channel.error instanceof ApiError && (channel.error.status === 404 || channel.error.status === 403);
    return (
      <div className="chat-pane-error">
        <ErrorState
          error={channel.error}
          title={gone ? 'This conversation is not available' : 'The conversation could not be loaded'}
          onRetry={gone ? undefined : () => void channel.refetch()}
        />
        <p className="center">
          <Link to="/chat">Back to your channels</Link>
        </p>
      </div>
    );
  }

  const c = channel.data;
  const name = displayName(c, myId, listed);
  const title = channelTitle({ kind: c.kind, name });
  const storeChannel = c.kind === 'store';
  const moderator = c.admin || (me.user.role === 'manager' && storeChannel);
  const canWrite = !c.archived;

  // Day headings between messages ("Today", "Yesterday", a date), in the business's time zone.
  const tz = fmt.settings.timeZone;
  const today = todayIn(tz);
  const yesterday = addDays(today, -1);
  const dayOf = (iso: string) => isoToZonedLocal(iso, tz).slice(0, 10);
  const dayLabel = (iso: string) => {
    const d = dayOf(iso);
    return d === today ? 'Today' : d === yesterday ? 'Yesterday' : fmt.dateTime(iso, 'date');
  };

  return (
    <section className="chat-conversation" aria-labelledby={titleId}>
      <div className="chat-pane-head">
        <Link to="/chat" className="icon-button chat-back" aria-label="Back to channels">
          <Icon name="back" size={22} />
        </Link>
        <div className="chat-pane-title">
          <h2 id={titleId} ref={heading} tabIndex={-1}>
            {c.kind === 'custom' && c.private ? <Icon name="shield" size={18} className="chat-title-icon" /> : null}
            {title}
          </h2>
          <p className="muted small">{subtitleOf(c, storeChannel)}</p>
        </div>
        <Button small variant="ghost" icon="users" onClick={onOpenDetails} aria-label={`Details and people of ${title}`}>
          <span className="chat-details-label">Details</span>
        </Button>
      </div>

      {c.archived ? (
        <div className="alert alert-info chat-banner" role="note">
          <Icon name="alert" size={20} />
          <p>This channel is archived: its messages stay readable, and nobody can write in it.</p>
        </div>
      ) : !c.member && c.kind === 'custom' ? (
        <div className="alert alert-info chat-banner" role="note">
          <Icon name="chat" size={20} />
          <p>You are looking at {title}. Join it to see it in your list, get its messages live and be told of mentions.</p>
          <Button small variant="primary" onClick={onJoin} busy={joining}>
            Join
          </Button>
        </div>
      ) : null}

      <div
        className="chat-scroll"
        ref={scroller}
        onScroll={onScroll}
        tabIndex={0}
        role="region"
        aria-label={`Messages in ${title}`}
        aria-busy={msgs.isFetching || undefined}
      >
        {msgs.isPending ? (
          <Loading label="Loading messages…" />
        ) : msgs.isError ? (
          <ErrorState error={msgs.error} onRetry={() => void msgs.refetch()} title="The messages could not be loaded" />
        ) : (
          <>
            <div className="chat-older">
              {msgs.hasNextPage ? (
                <Button small onClick={loadOlder} busy={msgs.isFetchingNextPage}>
                  Load older messages
                </Button>
              ) : items.length > 0 ? (
                <p className="muted small">This is the start of {title}.</p>
              ) : null}
            </div>
            {items.length === 0 ? (
              <div className="chat-empty-conversation">
                <Icon name="chat" size={28} />
                <p>No messages yet. Say hello{c.kind === 'direct' ? ` to ${name}` : ''}!</p>
              </div>
            ) : (
              <ol className="chat-messages">
                {items.map((m, i) => {
                  const prev = items[i - 1];
                  const newDay = !prev || dayOf(prev.created_at) !== dayOf(m.created_at);
                  return (
                    <MessageGroup key={m.id} day={newDay ? dayLabel(m.created_at) : null}>
                      <MessageItem
                        m={m}
                        myId={myId}
                        moderator={moderator}
                        names={names}
                        onOpenThread={canWrite || m.reply_count > 0 ? onOpenThread : undefined}
                        onDelete={setDeleting}
                      />
                    </MessageGroup>
                  );
                })}
              </ol>
            )}
          </>
        )}
      </div>

      {unseen > 0 ? (
        <button type="button" className="chat-jump" onClick={toBottom}>
          {unseen} new {unseen === 1 ? 'message' : 'messages'} <Icon name="download" size={16} />
        </button>
      ) : null}
      <p className="chat-typing" aria-live="polite">
        {typingText(typing.names)}
      </p>
      <p className="visually-hidden" aria-live="polite">
        {announce}
      </p>
      {canWrite ? (
        <Composer
          channelId={channelId}
          label={`Message ${title}`}
          placeholder={`Message ${title}`}
          people={people}
          myId={myId}
          onTyping={typing.notify}
          onSent={() => {
            typing.sentMine();
            toBottom();
          }}
        />
      ) : null}
      <DeleteMessageDialog
        message={deleting}
        myId={myId}
        onClose={() => setDeleting(null)}
        onDeleted={() => setAnnounce('Message deleted.')}
      />
    </section>
  );
}

/** A message, with the day's heading before it when the day changes. */
function MessageGroup({ day, children }: { day: string | null; children: ReactNode }) {
  return (
    <>
      {day ? (
        <li className="chat-day">
          <span>{day}</span>
        </li>
      ) : null}
      {children}
    </>
  );
}
