// One announcement: its text, who it is for and when; for those who manage
// it, who has acknowledged it and who has not yet (live), and "Withdraw".
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../../api/problem';
import { useMe } from '../../auth/useAuth';
import { Badge, Button, Card, EmptyState, ErrorState, FormError, Loading, PageHeader } from '../../components/ui';
import { Icon } from '../../components/Icon';
import { ConfirmDialog } from '../../components/Modal';
import { useToast } from '../../components/toast';
import {
  ANNOUNCEMENT_KEYS,
  ackSplit,
  announcementState,
  audienceText,
  authorLabel,
  type Acknowledgement,
  type AnnouncementDetail,
} from '../../lib/announcements';
import { useTitle } from '../../lib/forms';
import { useFormat } from '../../lib/locale';
import { PATHS } from '../../lib/nav';
import { ROLE_LABELS, isRole } from '../../lib/roles';
import { useClock } from '../../lib/useClock';
import { useLiveMessage } from '../../realtime/useLiveMessage';
import { useStores } from '../customers/hooks';
import { announcementsApi, useAcknowledge, useAnnouncement } from './api';
import { AnnouncementBadges, AnnouncementStateBadge } from './shared';
import './announcements.css';

export default function AnnouncementPage() {
  const { id = '' } = useParams();
  const detail = useAnnouncement(id);
  useTitle(detail.data ? detail.data.title : 'Announcement');
  const back = (
    <p className="breadcrumb">
      <Link to={detail.data?.manageable ? `${PATHS.announcements}?view=manage` : PATHS.announcements}>
        <Icon name="back" size={18} /> Announcements
      </Link>
    </p>
  );
  if (detail.isPending)
    return (
      <>
        {back}
        <Loading label="Loading the announcement…" />
      </>
    );
  if (detail.isError)
    return (
      <>
        {back}
        <PageHeader title="Announcement" />
        {detail.error instanceof ApiError && detail.error.status === 404 ? (
          <EmptyState title="This announcement is not available">
            <p>It may have been withdrawn or have ended, or it is not addressed to you.</p>
          </EmptyState>
        ) : (
          <ErrorState error={detail.error} onRetry={() => void detail.refetch()} />
        )}
      </>
    );
  return (
    <>
      {back}
      <AnnouncementView d={detail.data} />
    </>
  );
}

function AnnouncementView({ d }: { d: AnnouncementDetail }) {
  const me = useMe();
  const fmt = useFormat();
  const now = useClock(30_000);
  const { byId: storeById } = useStores();
  const ack = useAcknowledge();
  const state = announcementState(d, now);
  const canAck = me.tenant !== null && d.requires_ack && !d.acked_at && state === 'live';
  const people = d.acknowledgements ?? null;
  const live = useLiveMessage('announcements', (ev) => {
    const p = ev.payload as { announcement_id?: unknown; user_id?: unknown } | null;
    if (ev.kind !== 'announcement.acked' || p?.announcement_id !== d.id || p.user_id === me.user.id) return null;
    const who = people?.find((x) => x.user_id === p.user_id)?.name;
    return `${who ?? 'Someone'} acknowledged this announcement.`;
  });
  return (
    <>
      <PageHeader
        title={d.title}
        description={
          <span className="header-badges">
            {d.manageable ? <AnnouncementStateBadge a={d} now={now} /> : null}
            <AnnouncementBadges a={d} />
            <span>From {authorLabel(d)}</span>
          </span>
        }
        actions={
          <>
            {canAck ? (
              <Button variant="primary" icon="check" busy={ack.isPending} onClick={() => ack.mutate(d)}>
                Acknowledge
              </Button>
            ) : null}
            {d.manageable && !d.withdrawn_at ? <WithdrawButton d={d} /> : null}
          </>
        }
      />
      <p className="visually-hidden" role="status" aria-live="polite">
        {live}
      </p>
      <div className="grid-2">
        <Card title="Announcement">
          <p className="ann-detail-body">{d.body}</p>
          <dl className="details">
            <dt>{state === 'scheduled' || state === 'publishing' ? 'Publishes' : 'Published'}</dt>
            <dd>
              <time dateTime={d.published_at ?? d.publish_at}>{fmt.dateTime(d.published_at ?? d.publish_at)}</time>
            </dd>
            {d.expires_at ? (
              <>
                <dt>{state === 'expired' ? 'Ended' : 'Ends'}</dt>
                <dd>
                  <time dateTime={d.expires_at}>{fmt.dateTime(d.expires_at)}</time>
                </dd>
              </>
            ) : null}
            {d.withdrawn_at ? (
              <>
                <dt>Withdrawn</dt>
                <dd>
                  <time dateTime={d.withdrawn_at}>{fmt.dateTime(d.withdrawn_at)}</time>
                </dd>
              </>
            ) : null}
            {d.manageable ? (
              <>
                <dt>For</dt>
                <dd>{audienceText(d, (sid) => storeById.get(sid)?.name)}</dd>
              </>
            ) : null}
            <dt>Acknowledgement</dt>
            <dd>
              {!d.requires_ack ? (
                'Not asked for'
              ) : d.acked_at ? (
                <span className="ann-acked">
                  <Icon name="check" size={16} /> You acknowledged it on <time dateTime={d.acked_at}>{fmt.dateTime(d.acked_at)}</time>
                </span>
              ) : me.tenant !== null ? (
                'Asked for: please acknowledge that you have read it'
              ) : (
                'Asked for'
              )}
            </dd>
          </dl>
        </Card>
        {d.manageable && d.requires_ack && people ? <Acknowledgements d={d} people={people} /> : null}
        {d.manageable && !d.requires_ack ? (
          <Card title="Acknowledgements">
            <p className="muted">This announcement does not ask people to acknowledge it.</p>
          </Card>
        ) : null}
      </div>
    </>
  );
}

function Acknowledgements({ d, people }: { d: AnnouncementDetail; people: Acknowledgement[] }) {
  const fmt = useFormat();
  const { done, waiting } = ackSplit(people);
  const addressed = d.addressed ?? null;
  const acked = d.acked ?? done.length;
  const role = (r: string) => (isRole(r) ? ROLE_LABELS[r] : r);
  return (
    <Card title="Acknowledgements">
      {addressed !== null ? (
        <div className="ann-progress">
          <p className="small">
            <strong>
              {fmt.number(acked)} of {fmt.number(addressed)}
            </strong>{' '}
            acknowledged
          </p>
          <progress max={Math.max(addressed, 1)} value={acked} aria-label={`${acked} of ${addressed} acknowledged`} />
        </div>
      ) : (
        <p className="small">
          <strong>{fmt.number(acked)}</strong> {acked === 1 ? 'person has' : 'people have'} acknowledged it, across businesses.
        </p>
      )}
      <div className="ann-people">
        <section aria-labelledby="ann-acked-heading">
          <h3 id="ann-acked-heading">Acknowledged ({done.length})</h3>
          {done.length === 0 ? (
            <p className="muted small">Nobody yet.</p>
          ) : (
            <ul className="list compact" aria-labelledby="ann-acked-heading">
              {done.map((p) => (
                <li key={p.user_id} className="list-item">
                  <div className="list-main">
                    <p className="list-title">{p.name}</p>
                    <p className="muted small">
                      {role(p.role)}
                      {p.tenant_name ? ` · ${p.tenant_name}` : ''} ·{' '}
                      {p.acked_at ? <time dateTime={p.acked_at}>{fmt.dateTime(p.acked_at)}</time> : null}
                    </p>
                  </div>
                  <Badge tone="good">Acknowledged</Badge>
                </li>
              ))}
            </ul>
          )}
        </section>
        {addressed !== null ? (
          <section aria-labelledby="ann-waiting-heading">
            <h3 id="ann-waiting-heading">Not yet ({waiting.length})</h3>
            {waiting.length === 0 ? (
              <p className="muted small">Everyone addressed has acknowledged it.</p>
            ) : (
              <ul className="list compact" aria-labelledby="ann-waiting-heading">
                {waiting.map((p) => (
                  <li key={p.user_id} className="list-item">
                    <div className="list-main">
                      <p className="list-title">{p.name}</p>
                      <p className="muted small">{role(p.role)}</p>
                    </div>
                    <Badge tone="warn">Not yet</Badge>
                  </li>
                ))}
              </ul>
            )}
          </section>
        ) : null}
      </div>
    </Card>
  );
}

function WithdrawButton({ d }: { d: AnnouncementDetail }) {
  const qc = useQueryClient();
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const withdraw = useMutation({
    mutationFn: () => announcementsApi.withdraw(d.id),
    onSuccess: async () => {
      setOpen(false);
      toast({ title: 'Announcement withdrawn', description: d.title, tone: 'success' });
      await qc.invalidateQueries({ queryKey: ANNOUNCEMENT_KEYS.root });
    },
    // Said next to the button (e.g. someone else withdrew it meanwhile); the announcement is fetched again.
    onError: () => {
      setOpen(false);
      void qc.invalidateQueries({ queryKey: ANNOUNCEMENT_KEYS.one(d.id) });
    },
  });
  return (
    <>
      <Button variant="danger" icon="x" onClick={() => setOpen(true)}>
        Withdraw
      </Button>
      <ConfirmDialog
        open={open}
        onOpenChange={(o) => {
          setOpen(o);
          if (o) withdraw.reset();
        }}
        title="Withdraw this announcement?"
        description="It disappears for everyone at once, banners included. This cannot be undone."
        confirmLabel="Withdraw"
        danger
        busy={withdraw.isPending}
        onConfirm={() => withdraw.mutate()}
      />
      {withdraw.isError && !open ? <FormError error={withdraw.error} /> : null}
    </>
  );
}
