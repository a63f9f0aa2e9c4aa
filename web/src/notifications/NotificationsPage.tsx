import { Link, useSearchParams } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { notificationsApi } from '../api/endpoints';
import type { AppNotification } from '../api/types';
import { Badge, Button, EmptyState, ErrorState, FormError, Loading, PageHeader } from '../components/ui';
import { LoadMore } from '../components/LoadMore';
import { useTitle } from '../lib/forms';
import { useFormat } from '../lib/locale';
import { usePaged } from '../lib/usePaged';
import { QUERY_ROOTS } from '../realtime/effects';
import { isMissing, useUnreadCount } from './hooks';
import { internalLink } from './links';

export default function NotificationsPage() {
  useTitle('Notifications');
  const [params, setParams] = useSearchParams();
  const unreadOnly = params.get('unread') === '1';
  const qc = useQueryClient();
  const unread = useUnreadCount();
  const list = usePaged([...QUERY_ROOTS.notifications, { unread: unreadOnly }], (cursor) =>
    notificationsApi.list({ unread: unreadOnly, cursor }),
  );
  const refresh = async () => {
    await Promise.all([
      qc.invalidateQueries({ queryKey: QUERY_ROOTS.notifications }),
      qc.invalidateQueries({ queryKey: QUERY_ROOTS.unreadCount }),
    ]);
  };
  const markAll = useMutation({
    mutationFn: notificationsApi.markAllRead,
    onSuccess: async () => {
      qc.setQueryData(QUERY_ROOTS.unreadCount, { count: 0 });
      await refresh();
    },
  });
  const markOne = useMutation({ mutationFn: (id: string) => notificationsApi.markRead(id), onSuccess: refresh });

  const setUnreadOnly = (on: boolean) => {
    const next = new URLSearchParams(params);
    if (on) next.set('unread', '1');
    else next.delete('unread');
    setParams(next, { replace: true });
  };

  if (list.isError && isMissing(list.error)) {
    return (
      <>
        <PageHeader title="Notifications" />
        <EmptyState title="Notifications are not available yet">
          <p>This Karat server does not offer notifications yet.</p>
        </EmptyState>
      </>
    );
  }

  const count = unread.data ?? 0;
  return (
    <>
      <PageHeader
        title="Notifications"
        description={unread.isSuccess ? (count === 0 ? 'You are all caught up.' : `${count} unread.`) : undefined}
        actions={
          <Button onClick={() => markAll.mutate()} busy={markAll.isPending} disabled={unread.isSuccess && count === 0} icon="check">
            Mark all as read
          </Button>
        }
      />
      <div className="segmented" role="group" aria-label="Show">
        <button type="button" className="segment" aria-pressed={!unreadOnly} onClick={() => setUnreadOnly(false)}>
          All
        </button>
        <button type="button" className="segment" aria-pressed={unreadOnly} onClick={() => setUnreadOnly(true)}>
          Unread
        </button>
      </div>
      <FormError error={markAll.error ?? markOne.error} />
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : list.items.length === 0 ? (
        <EmptyState title={unreadOnly ? 'Nothing unread' : 'No notifications yet'}>
          <p>{unreadOnly ? 'Everything has been read.' : 'Things that need you will show up here.'}</p>
        </EmptyState>
      ) : (
        <>
          <ul className="list" aria-label="Notifications">
            {list.items.map((n) => (
              <NotificationItem
                key={n.id}
                n={n}
                onRead={() => markOne.mutate(n.id)}
                busy={markOne.isPending && markOne.variables === n.id}
              />
            ))}
          </ul>
          <LoadMore
            hasMore={list.hasNextPage}
            loading={list.isFetchingNextPage}
            onLoad={() => void list.fetchNextPage()}
            count={list.items.length}
            noun="notifications"
          />
        </>
      )}
    </>
  );
}

function NotificationItem({ n, onRead, busy }: { n: AppNotification; onRead: () => void; busy: boolean }) {
  const fmt = useFormat();
  const link = internalLink(n.link);
  const unread = !n.read_at;
  return (
    <li className={`list-item notification${unread ? ' is-unread' : ''}`}>
      <div className="list-main">
        <p className="list-title">
          {link ? (
            <Link
              to={link}
              onClick={() => {
                if (unread) onRead();
              }}
            >
              {n.title}
            </Link>
          ) : (
            n.title
          )}{' '}
          {unread ? <Badge tone="gold">Unread</Badge> : null} {n.urgent ? <Badge tone="bad">Urgent</Badge> : null}
        </p>
        {n.body ? <p className="notification-body">{n.body}</p> : null}
        <p className="muted small">
          <time dateTime={n.created_at} title={fmt.dateTime(n.created_at)}>
            {fmt.relative(n.created_at)}
          </time>
        </p>
      </div>
      {unread ? (
        <Button small onClick={onRead} busy={busy}>
          Mark as read<span className="visually-hidden">: {n.title}</span>
        </Button>
      ) : null}
    </li>
  );
}
