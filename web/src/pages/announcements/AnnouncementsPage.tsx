// Announcements: what is addressed to me (pinned and urgent first), with
// "Acknowledge" where asked; for publishers a "Manage" view of the ones they
// may manage — scheduled, live, expired and withdrawn. Platform admins only
// manage (their announcements go to every business).
import { Link, useSearchParams } from 'react-router';
import { useMe } from '../../auth/useAuth';
import { Badge, Button, EmptyState, ErrorState, Loading, PageHeader } from '../../components/ui';
import { Icon } from '../../components/Icon';
import { announcementState, authorLabel, isUrgent, type Announcement } from '../../lib/announcements';
import { useTitle } from '../../lib/forms';
import { useFormat } from '../../lib/locale';
import { PATHS, canPublishAnnouncements } from '../../lib/nav';
import { useClock } from '../../lib/useClock';
import { useLiveMessage } from '../../realtime/useLiveMessage';
import { useAcknowledge, useManagedAnnouncements, useMyAnnouncements } from './api';
import { AnnouncementBadges, AnnouncementStateBadge } from './shared';
import './announcements.css';

type View = 'mine' | 'manage';

export default function AnnouncementsPage() {
  useTitle('Announcements');
  const me = useMe();
  const publisher = canPublishAnnouncements(me.permissions);
  // Platform staff are not addressed by announcements: they only publish.
  const reader = me.tenant !== null;
  const [params, setParams] = useSearchParams();
  const view: View = !reader ? 'manage' : publisher && params.get('view') === 'manage' ? 'manage' : 'mine';
  const live = useLiveMessage('announcements', (ev) => {
    if (ev.kind !== 'announcement.published') return null;
    const p = ev.payload as { announcement?: { title?: unknown } } | null;
    return typeof p?.announcement?.title === 'string' ? `New announcement: ${p.announcement.title}` : 'New announcement';
  });

  return (
    <>
      <PageHeader
        title="Announcements"
        description={
          !reader
            ? 'Announcements from Karat to every business: schedule them, follow who acknowledged, withdraw them.'
            : publisher
              ? 'News for you and your colleagues. Urgent and pinned ones also show at the top of every page until you acknowledge or dismiss them.'
              : 'News from your business and from Karat. Urgent and pinned ones also show at the top of every page until you acknowledge or dismiss them.'
        }
        actions={
          publisher ? (
            <Link to={PATHS.newAnnouncement} className="btn btn-primary">
              <Icon name="plus" size={20} /> New announcement
            </Link>
          ) : null
        }
      />
      {reader && publisher ? (
        <div className="segmented ann-tabs" role="group" aria-label="Show announcements">
          <button type="button" className="segment" aria-pressed={view === 'mine'} onClick={() => setParams({}, { replace: true })}>
            For you
          </button>
          <button
            type="button"
            className="segment"
            aria-pressed={view === 'manage'}
            onClick={() => setParams({ view: 'manage' }, { replace: true })}
          >
            Manage
          </button>
        </div>
      ) : null}
      <p className="visually-hidden" role="status" aria-live="polite">
        {live}
      </p>
      {view === 'mine' ? <ForYou /> : <Manage platform={!reader} />}
    </>
  );
}

function ForYou() {
  const list = useMyAnnouncements();
  const now = useClock(60_000);
  const ack = useAcknowledge();
  if (list.isPending) return <Loading label="Loading announcements…" />;
  if (list.isError) return <ErrorState error={list.error} onRetry={() => void list.refetch()} />;
  const items = list.data.filter((a) => announcementState(a, now) === 'live');
  if (items.length === 0)
    return (
      <EmptyState title="No announcements">
        <p>When your business or Karat announces something, it appears here at once.</p>
      </EmptyState>
    );
  return (
    <ul className="list ann-list" aria-label="Announcements for you">
      {items.map((a) => (
        <ReaderItem key={a.id} a={a} acking={ack.isPending && ack.variables?.id === a.id} onAck={() => ack.mutate(a)} />
      ))}
    </ul>
  );
}

function ReaderItem({ a, acking, onAck }: { a: Announcement; acking: boolean; onAck: () => void }) {
  const fmt = useFormat();
  const to = `${PATHS.announcements}/${encodeURIComponent(a.id)}`;
  return (
    <li className={`list-item ann-item${isUrgent(a) ? ' is-urgent' : ''}`}>
      <div className="list-main">
        <p className="ann-item-head">
          <Link to={to} className="list-title">
            {a.title}
          </Link>
          <AnnouncementBadges a={a} />
        </p>
        <p className="muted small">
          From {authorLabel(a)}
          {a.published_at ? (
            <>
              {' '}
              · <time dateTime={a.published_at}>{fmt.dateTime(a.published_at)}</time>
            </>
          ) : null}
          {a.expires_at ? (
            <>
              {' '}
              · until <time dateTime={a.expires_at}>{fmt.dateTime(a.expires_at)}</time>
            </>
          ) : null}
        </p>
        <p className="ann-body">{a.body}</p>
        {a.requires_ack && a.acked_at ? (
          <p className="small ann-acked">
            <Icon name="check" size={16} /> You acknowledged it <time dateTime={a.acked_at}>{fmt.relative(a.acked_at)}</time>
          </p>
        ) : null}
      </div>
      {a.requires_ack && !a.acked_at ? (
        <Button small variant="primary" icon="check" busy={acking} onClick={onAck}>
          Acknowledge<span className="visually-hidden"> “{a.title}”</span>
        </Button>
      ) : null}
    </li>
  );
}

function Manage({ platform }: { platform: boolean }) {
  const list = useManagedAnnouncements();
  const now = useClock(30_000);
  const fmt = useFormat();
  if (list.isPending) return <Loading label="Loading announcements…" />;
  if (list.isError) return <ErrorState error={list.error} onRetry={() => void list.refetch()} />;
  if (list.data.length === 0)
    return (
      <EmptyState title="Nothing published yet">
        <p>
          <Link to={PATHS.newAnnouncement}>Write an announcement</Link>{' '}
          {platform ? 'for every business on Karat.' : 'for your team: everyone addressed sees it at once.'}
        </p>
      </EmptyState>
    );
  return (
    <ul className="list ann-list" aria-label="Announcements you manage">
      {list.data.map((a) => {
        const state = announcementState(a, now);
        return (
          <li key={a.id} className={`list-item ann-item${isUrgent(a) && state === 'live' ? ' is-urgent' : ''}`}>
            <div className="list-main">
              <p className="ann-item-head">
                <Link to={`${PATHS.announcements}/${encodeURIComponent(a.id)}`} className="list-title">
                  {a.title}
                </Link>
                <AnnouncementStateBadge a={a} now={now} />
                <AnnouncementBadges a={a} />
                {a.requires_ack ? <Badge>Asks for acknowledgement</Badge> : null}
              </p>
              <p className="muted small">
                {state === 'scheduled' ? 'Publishes' : 'Published'}{' '}
                <time dateTime={a.published_at ?? a.publish_at}>{fmt.dateTime(a.published_at ?? a.publish_at)}</time>
                {a.expires_at ? (
                  <>
                    {' '}
                    · {state === 'expired' ? 'ended' : 'ends'} <time dateTime={a.expires_at}>{fmt.dateTime(a.expires_at)}</time>
                  </>
                ) : null}
                {a.withdrawn_at ? (
                  <>
                    {' '}
                    · withdrawn <time dateTime={a.withdrawn_at}>{fmt.dateTime(a.withdrawn_at)}</time>
                  </>
                ) : null}
                {a.author_name && !platform ? ` · by ${a.author_name}` : ''}
              </p>
            </div>
          </li>
        );
      })}
    </ul>
  );
}
