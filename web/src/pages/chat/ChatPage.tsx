// Team chat: my channels (store channels, custom channels — with public ones
// to join — and direct messages, each with its unread count), the open
// conversation, and a thread beside it. On a phone the list, the
// conversation and the thread are separate views with a way back. Search
// finds messages across my channels (or in the open one). Everything stays
// live through `chat` events; nothing polls while the socket is up.
import { useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { describeError } from '../../api/problem';
import { useMe } from '../../auth/useAuth';
import { Icon } from '../../components/Icon';
import { LoadMore } from '../../components/LoadMore';
import { Button, EmptyState, ErrorState, Loading, PageHeader } from '../../components/ui';
import { useToast } from '../../components/toast';
import {
  CHAT_KEYS,
  channelKindLabel,
  channelTitle,
  countLabel,
  groupChannels,
  unreadLabel,
  type ChannelItem,
  type ChatMessage,
} from '../../lib/chat';
import { useTitle } from '../../lib/forms';
import { useFormat } from '../../lib/locale';
import { usePaged } from '../../lib/usePaged';
import { PresenceDot } from '../../presence/PresenceDot';
import { usePresence } from '../../presence/context';
import { Conversation } from './Conversation';
import { ThreadPane } from './ThreadPane';
import { ChannelDetailsDialog, NewChannelDialog, NewDirectDialog } from './dialogs';
import { chatApi, useChannels } from './data';
import './chat.css';

export default function ChatPage() {
  useTitle('Chat');
  const { channelId } = useParams();
  const [params, setParams] = useSearchParams();
  const threadId = channelId ? params.get('thread') : null;
  const navigate = useNavigate();
  const me = useMe();
  const qc = useQueryClient();
  const toast = useToast();
  const channels = useChannels();
  const [dialog, setDialog] = useState<'channel' | 'direct' | 'details' | null>(null);
  const [search, setSearch] = useState<{ q: string; here: boolean } | null>(null);
  // Where the focus goes back to when a thread closes.
  const threadOpener = useRef<HTMLElement | null>(null);

  const active = channelId ? channels.data?.find((c) => c.id === channelId) : undefined;

  // My own id alone joins a public channel.
  const join = useMutation({
    mutationFn: (id: string) => chatApi.addMembers(id, [me.user.id]),
    onSuccess: async (c) => {
      qc.setQueryData(CHAT_KEYS.channel(c.id), c);
      await qc.invalidateQueries({ queryKey: CHAT_KEYS.channels });
      toast({ title: `You joined #${c.name}`, tone: 'success' });
      void navigate(`/chat/${c.id}`);
    },
    onError: (err) => toast({ title: 'You could not join', description: describeError(err), tone: 'error' }),
  });

  const openThread = (m: ChatMessage) => {
    threadOpener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setParams({ thread: m.parent_id ?? m.id });
  };
  const closeThread = () => {
    setParams({});
    const back = threadOpener.current;
    threadOpener.current = null;
    requestAnimationFrame(() => {
      if (back && back.isConnected) back.focus();
    });
  };

  return (
    <>
      <div className={`chat-header${channelId ? ' has-channel' : ''}`}>
        <PageHeader
          title="Chat"
          description="Your stores, your teams and direct messages, live."
          actions={
            <>
              <Button icon="plus" onClick={() => setDialog('channel')}>
                New channel
              </Button>
              <Button icon="edit" variant="primary" onClick={() => setDialog('direct')}>
                New message
              </Button>
            </>
          }
        />
      </div>
      <div className={`chat${channelId ? ' has-channel' : ''}${threadId ? ' has-thread' : ''}`}>
        <section className="chat-sidebar" aria-label="Conversations">
          <SearchBox channelOpen={channelId ? (active ?? null) : null} onSearch={setSearch} active={search} />
          {search ? (
            <SearchResults
              q={search.q}
              channelId={search.here && channelId ? channelId : null}
              channels={channels.data ?? []}
              onOpen={(m) => {
                threadOpener.current = null;
                void navigate(`/chat/${m.channel_id}?thread=${m.parent_id ?? m.id}`);
              }}
            />
          ) : channels.isPending ? (
            <Loading label="Loading your channels…" />
          ) : channels.isError ? (
            <ErrorState error={channels.error} onRetry={() => void channels.refetch()} title="Your channels could not be loaded" />
          ) : (
            <ChannelList
              items={channels.data}
              currentId={channelId ?? null}
              onJoin={(c) => join.mutate(c.id)}
              joining={join.isPending ? (join.variables ?? null) : null}
              onNewChannel={() => setDialog('channel')}
              onNewDirect={() => setDialog('direct')}
            />
          )}
        </section>

        {channelId ? (
          <Conversation
            key={channelId}
            channelId={channelId}
            listed={active}
            onOpenThread={openThread}
            onOpenDetails={() => setDialog('details')}
            onJoin={() => join.mutate(channelId)}
            joining={join.isPending}
          />
        ) : (
          <div className="chat-placeholder">
            <EmptyState title="Pick a conversation">
              <p>Choose a channel or a direct message on the left, or start a new one.</p>
            </EmptyState>
          </div>
        )}

        {channelId && threadId ? (
          <ThreadPane key={threadId} rootId={threadId} channelId={channelId} listed={active} onClose={closeThread} />
        ) : null}
      </div>

      <NewChannelDialog open={dialog === 'channel'} onOpenChange={(o) => setDialog(o ? 'channel' : null)} />
      <NewDirectDialog open={dialog === 'direct'} onOpenChange={(o) => setDialog(o ? 'direct' : null)} />
      {channelId ? (
        <ChannelDetailsDialog
          open={dialog === 'details'}
          onOpenChange={(o) => setDialog(o ? 'details' : null)}
          channelId={channelId}
          listed={active}
        />
      ) : null}
    </>
  );
}

function ChannelList({
  items,
  currentId,
  onJoin,
  joining,
  onNewChannel,
  onNewDirect,
}: {
  items: readonly ChannelItem[];
  currentId: string | null;
  onJoin: (c: ChannelItem) => void;
  joining: string | null;
  onNewChannel: () => void;
  onNewDirect: () => void;
}) {
  const groups = useMemo(() => groupChannels(items), [items]);
  const presence = usePresence();
  const ids = { store: useId(), custom: useId(), direct: useId() };

  const row = (c: ChannelItem) => {
    const current = c.id === currentId;
    const status = c.kind === 'direct' && c.other_user_id ? presence.statusOf(c.other_user_id) : null;
    const kind = channelKindLabel(c);
    const unread = c.member && c.unread > 0;
    // The link's name is its text: the name, what it is and the unread count (the badge is for the eye).
    return (
      <li key={c.id} className={`chat-channel${current ? ' is-current' : ''}${c.member && c.unread > 0 ? ' is-unread' : ''}`}>
        <Link to={`/chat/${c.id}`} className="chat-channel-link" aria-current={current ? 'page' : undefined}>
          <span className="chat-channel-icon" aria-hidden="true">
            {c.kind === 'store' ? (
              <Icon name="store" size={18} />
            ) : c.kind === 'direct' ? (
              <Icon name="account" size={18} />
            ) : c.private ? (
              <Icon name="shield" size={18} />
            ) : (
              '#'
            )}
          </span>
          <span className="chat-channel-name">{c.name}</span>
          {kind ? <span className="visually-hidden">({kind})</span> : null}
          {status ? <PresenceDot status={status} className="chat-channel-presence" /> : null}
          {unread ? (
            <>
              <span className="chat-unread" aria-hidden="true">
                {countLabel(c.unread)}
              </span>
              <span className="visually-hidden">({unreadLabel(c.unread)})</span>
            </>
          ) : null}
        </Link>
        {!c.member && c.kind === 'custom' ? (
          <Button small onClick={() => onJoin(c)} busy={joining === c.id} aria-label={`Join #${c.name}`}>
            Join
          </Button>
        ) : null}
      </li>
    );
  };

  return (
    <nav className="chat-channels" aria-label="Channels">
      <h2 className="chat-group-title" id={ids.store}>
        Stores
      </h2>
      {groups.store.length === 0 ? (
        <p className="muted small chat-group-empty">You are not in a store yet.</p>
      ) : (
        <ul aria-labelledby={ids.store}>{groups.store.map(row)}</ul>
      )}
      <div className="chat-group-head">
        <h2 className="chat-group-title" id={ids.custom}>
          Channels
        </h2>
        <button type="button" className="icon-button" onClick={onNewChannel} aria-label="New channel">
          <Icon name="plus" size={18} />
        </button>
      </div>
      {groups.custom.length === 0 ? (
        <p className="muted small chat-group-empty">No channels yet.</p>
      ) : (
        <ul aria-labelledby={ids.custom}>{groups.custom.map(row)}</ul>
      )}
      <div className="chat-group-head">
        <h2 className="chat-group-title" id={ids.direct}>
          Direct messages
        </h2>
        <button type="button" className="icon-button" onClick={onNewDirect} aria-label="New direct message">
          <Icon name="plus" size={18} />
        </button>
      </div>
      {groups.direct.length === 0 ? (
        <p className="muted small chat-group-empty">No direct messages yet.</p>
      ) : (
        <ul aria-labelledby={ids.direct}>{groups.direct.map(row)}</ul>
      )}
    </nav>
  );
}

function SearchBox({
  channelOpen,
  onSearch,
  active,
}: {
  channelOpen: ChannelItem | null;
  onSearch: (s: { q: string; here: boolean } | null) => void;
  active: { q: string; here: boolean } | null;
}) {
  const id = useId();
  const [q, setQ] = useState(active?.q ?? '');
  const [here, setHere] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const t = q.trim();
    if (!t) {
      onSearch(null);
      setError(null);
      return;
    }
    if (t.length < 2) {
      setError('Type at least 2 characters.');
      return;
    }
    setError(null);
    onSearch({ q: t.slice(0, 100), here: here && channelOpen !== null });
  };
  return (
    <form role="search" className="chat-search" onSubmit={submit} aria-label="Search messages">
      <div className="search-bar">
        <span className="search-icon" aria-hidden="true">
          <Icon name="search" size={18} />
        </span>
        <label className="visually-hidden" htmlFor={`${id}-q`}>
          Search messages
        </label>
        <input
          id={`${id}-q`}
          type="search"
          value={q}
          maxLength={100}
          placeholder="Search messages"
          aria-describedby={error ? `${id}-error` : undefined}
          aria-invalid={error ? true : undefined}
          onChange={(e) => {
            setQ(e.target.value);
            if (!e.target.value) onSearch(null);
          }}
        />
      </div>
      {channelOpen ? (
        <label className="check chat-search-here">
          <input type="checkbox" checked={here} onChange={(e) => setHere(e.target.checked)} />
          <span>Only in {channelTitle(channelOpen)}</span>
        </label>
      ) : null}
      {error ? (
        <p className="field-error" id={`${id}-error`} role="alert">
          <Icon name="alert" size={16} /> {error}
        </p>
      ) : null}
      {active ? (
        <Button
          small
          variant="ghost"
          icon="x"
          onClick={() => {
            setQ('');
            onSearch(null);
          }}
        >
          Clear search
        </Button>
      ) : null}
    </form>
  );
}

function SearchResults({
  q,
  channelId,
  channels,
  onOpen,
}: {
  q: string;
  channelId: string | null;
  channels: readonly ChannelItem[];
  onOpen: (m: ChatMessage) => void;
}) {
  const fmt = useFormat();
  const results = usePaged(CHAT_KEYS.search(q, channelId), (cursor) => chatApi.search(q, channelId, cursor));
  const nameOf = (id: string) => {
    const c = channels.find((x) => x.id === id);
    return c ? channelTitle(c) : 'a channel';
  };
  if (results.isPending) return <Loading label="Searching…" />;
  if (results.isError) return <ErrorState error={results.error} onRetry={() => void results.refetch()} title="The search did not work" />;
  return (
    <div className="chat-results">
      <h2 className="chat-group-title">Messages with “{q}”</h2>
      {results.items.length === 0 ? (
        <p className="muted small chat-group-empty">Nothing found.</p>
      ) : (
        <ul aria-label="Search results">
          {results.items.map((m) => (
            <li key={m.id}>
              <button type="button" className="chat-result" onClick={() => onOpen(m)}>
                <span className="chat-result-head">
                  <strong>{m.author_name}</strong>
                  <span className="muted small">
                    {' '}
                    in {nameOf(m.channel_id)} · {fmt.dateTime(m.created_at, 'datetime')}
                  </span>
                </span>
                <span className="chat-result-body">{m.body.length > 160 ? `${m.body.slice(0, 160)}…` : m.body}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <LoadMore
        hasMore={!!results.hasNextPage}
        loading={results.isFetchingNextPage}
        onLoad={() => void results.fetchNextPage()}
        count={results.items.length}
        noun="messages"
        one="message"
      />
    </div>
  );
}
