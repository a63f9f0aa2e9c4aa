// A thread: its first message, the replies (oldest first, more loaded at the
// end) and a composer that replies in it. Beside the conversation on a wide
// screen; the whole chat area on a phone. Escape or the close button leaves it.
import { useEffect, useId, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
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
  threadReplies,
  type ChannelItem,
  type ChatMessage,
} from '../../lib/chat';
import { useRealtime } from '../../realtime/context';
import { Composer } from './Composer';
import { DeleteMessageDialog, MessageItem } from './MessageItem';
import { chatApi } from './data';
import { useChannelPeople } from './people';

export function ThreadPane({
  rootId,
  channelId,
  listed,
  onClose,
}: {
  rootId: string;
  channelId: string;
  listed: ChannelItem | undefined;
  onClose: () => void;
}) {
  const me = useMe();
  const myId = me.user.id;
  const { state, subscribe } = useRealtime();
  const titleId = useId();
  const channel = useQuery({ queryKey: CHAT_KEYS.channel(channelId), queryFn: () => chatApi.channel(channelId) });
  const thread = useInfiniteQuery({
    queryKey: CHAT_KEYS.thread(rootId),
    queryFn: ({ pageParam }) => chatApi.thread(rootId, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.replies.next_cursor ?? undefined,
    refetchOnWindowFocus: false,
    refetchInterval: state === 'live' ? false : 30_000,
  });
  const { people, names } = useChannelPeople(channel.data, myId, me.user.name);
  const [deleting, setDeleting] = useState<ChatMessage | null>(null);
  const [announce, setAnnounce] = useState('');

  const root = thread.data?.pages[0]?.root;
  const replies = threadReplies(thread.data);
  const last = replies.at(-1);

  const scroller = useRef<HTMLDivElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const atBottom = useRef(true);
  const lastShown = useRef<string | null | undefined>(undefined);

  // Stay with the newest reply when it arrives and the reader was at the end.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || !thread.data) return;
    const id = last?.id ?? null;
    if (lastShown.current !== undefined && id !== lastShown.current && (atBottom.current || last?.author_id === myId)) {
      el.scrollTop = el.scrollHeight;
    }
    lastShown.current = id;
  }, [last, myId, thread.data]);

  // Someone else's reply is heard by screen readers.
  useEffect(
    () =>
      subscribe((ev) => {
        if (ev.topic !== 'chat' || ev.kind !== 'message.created') return;
        const m = (ev.payload as { message?: unknown } | null)?.message;
        if (isChatMessage(m) && m.parent_id === rootId && m.author_id !== myId) setAnnounce(`Reply from ${arrivalText(m)}`);
      }),
    [subscribe, rootId, myId],
  );

  // Opening a thread puts the reader at its heading.
  useEffect(() => {
    const raf = requestAnimationFrame(() => heading.current?.focus({ preventScroll: true }));
    return () => cancelAnimationFrame(raf);
  }, []);

  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    // Escape inside the pane (not in a dialog opened from it) leaves the thread.
    if (e.key === 'Escape' && e.currentTarget.contains(e.target as Node) && !e.defaultPrevented) {
      e.preventDefault();
      onClose();
    }
  };

  const c = channel.data;
  const where = c ? channelTitle({ kind: c.kind, name: displayName(c, myId, listed) }) : '';
  const moderator = !!c && (c.admin || (me.user.role === 'manager' && c.kind === 'store'));
  const count = Math.max(root?.reply_count ?? 0, replies.length);
  const gone = thread.error instanceof ApiError && thread.error.status === 404;

  return (
    // The pane listens for Escape from anything inside it; it is not itself interactive.
    // eslint-disable-next-line jsx-a11y/no-noninteractive-element-interactions
    <section className="chat-thread" aria-labelledby={titleId} onKeyDown={onKeyDown}>
      <div className="chat-pane-head">
        <button type="button" className="icon-button chat-back chat-thread-back" onClick={onClose} aria-label="Back to the conversation">
          <Icon name="back" size={22} />
        </button>
        <div className="chat-pane-title">
          <h2 id={titleId} ref={heading} tabIndex={-1}>
            Thread
          </h2>
          {where ? <p className="muted small">in {where}</p> : null}
        </div>
        <button type="button" className="icon-button chat-thread-close" onClick={onClose} aria-label="Close the thread">
          <Icon name="x" size={22} />
        </button>
      </div>
      <div
        className="chat-scroll"
        ref={scroller}
        tabIndex={0}
        role="region"
        aria-label="Thread messages"
        onScroll={(e) => {
          const el = e.currentTarget;
          atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
        }}
      >
        {thread.isPending ? (
          <Loading label="Loading the thread…" />
        ) : thread.isError ? (
          <ErrorState
            error={thread.error}
            title={gone ? 'This thread is not available' : 'The thread could not be loaded'}
            onRetry={gone ? undefined : () => void thread.refetch()}
          />
        ) : root ? (
          <>
            <ol className="chat-messages">
              <MessageItem m={root} myId={myId} moderator={moderator} names={names} onDelete={setDeleting} root />
            </ol>
            <p className="chat-thread-count">
              <span>{count === 0 ? 'No replies yet' : `${count} ${count === 1 ? 'reply' : 'replies'}`}</span>
            </p>
            {replies.length > 0 ? (
              <ol className="chat-messages" aria-label="Replies">
                {replies.map((m) => (
                  <MessageItem key={m.id} m={m} myId={myId} moderator={moderator} names={names} onDelete={setDeleting} />
                ))}
              </ol>
            ) : null}
            {thread.hasNextPage ? (
              <div className="chat-older">
                <Button small onClick={() => void thread.fetchNextPage()} busy={thread.isFetchingNextPage}>
                  Load more replies
                </Button>
              </div>
            ) : null}
          </>
        ) : null}
      </div>
      <p className="visually-hidden" aria-live="polite">
        {announce}
      </p>
      {root && !root.deleted && c && !c.archived ? (
        <Composer
          channelId={channelId}
          parentId={root.id}
          label={`Reply to ${root.author_name}’s thread`}
          placeholder="Reply…"
          people={people}
          myId={myId}
        />
      ) : root?.deleted ? (
        <p className="muted small chat-thread-closed">The first message was deleted: the thread takes no more replies.</p>
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
