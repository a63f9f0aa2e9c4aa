// One segment: its rule in words, how many customers are in it, its members,
// and the campaign list for a channel (only customers who consented).
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { segmentsApi } from '../../api/endpoints';
import { describeError } from '../../api/problem';
import type { CampaignChannel, ExportFormat, Segment } from '../../api/types';
import { useMe } from '../../auth/useAuth';
import { Badge, Button, Card, ChipGroup, EmptyState, ErrorState, FormError, Loading, PageHeader, SelectField } from '../../components/ui';
import { Icon } from '../../components/Icon';
import { LoadMore } from '../../components/LoadMore';
import { ConfirmDialog } from '../../components/Modal';
import { useToast } from '../../components/toast';
import { CHANNEL_LABELS, formatPhone } from '../../lib/customers';
import { EXPORT_FORMATS, safeFilename, saveBlob } from '../../lib/files';
import { useTitle } from '../../lib/forms';
import { useFormat } from '../../lib/locale';
import { PATHS, PERMISSIONS } from '../../lib/nav';
import { takesDays } from '../../lib/segments';
import { usePaged } from '../../lib/usePaged';
import { initials } from '../../lib/names';
import { useStores } from '../customers/hooks';
import { DndBadge, TierBadge } from '../customers/shared';
import { useSegmentCount, useSegments } from './hooks';
import { RuleView } from './shared';

const DAY_OPTIONS = [
  { value: '0', label: 'Today' },
  { value: '7', label: 'Today and the next 7 days' },
  { value: '14', label: 'Today and the next 14 days' },
  { value: '30', label: 'Today and the next 30 days' },
  { value: '60', label: 'Today and the next 60 days' },
];

const CHANNEL_OPTIONS = (Object.keys(CHANNEL_LABELS) as CampaignChannel[]).map((value) => ({ value, label: CHANNEL_LABELS[value] }));

export default function SegmentPage() {
  const { id = '' } = useParams();
  const segments = useSegments();
  const segment = segments.data?.find((s) => s.id === id);
  useTitle(segment?.name ?? 'Segment');

  const back = (
    <p className="breadcrumb">
      <Link to={PATHS.segments}>
        <Icon name="back" size={18} /> Segments
      </Link>
    </p>
  );
  if (segments.isPending)
    return (
      <>
        {back}
        <Loading />
      </>
    );
  if (segments.isError || !segment)
    return (
      <>
        {back}
        <PageHeader title="Segment" />
        {segments.isError ? (
          <ErrorState error={segments.error} onRetry={() => void segments.refetch()} />
        ) : (
          <EmptyState title="This segment is not available">
            <p>It may have been deleted.</p>
          </EmptyState>
        )}
      </>
    );
  return (
    <>
      {back}
      <SegmentDetails key={segment.id} segment={segment} />
    </>
  );
}

function SegmentDetails({ segment: s }: { segment: Segment }) {
  const me = useMe();
  const fmt = useFormat();
  const toast = useToast();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const { stores } = useStores();
  const [days, setDays] = useState(7);
  const [deleting, setDeleting] = useState(false);
  const withDays = takesDays(s.id) ? days : undefined;
  const count = useSegmentCount(s.id, withDays);

  const remove = useMutation({
    mutationFn: () => segmentsApi.remove(s.id),
    onSuccess: async () => {
      setDeleting(false);
      toast({ title: 'Segment deleted', description: s.name, tone: 'success' });
      await qc.invalidateQueries({ queryKey: ['segments'] });
      void navigate(PATHS.segments);
    },
    onError: (err) => {
      setDeleting(false);
      toast({ title: 'The segment was not deleted', description: describeError(err), tone: 'error' });
    },
  });

  return (
    <>
      <PageHeader
        title={s.name}
        description={
          <span className="header-badges">
            {s.builtin ? <Badge>Built-in</Badge> : null}
            {s.auto_tag ? (
              <span className="tag tag-auto" title="Kept on every member">
                <span className="visually-hidden">Tags members: </span>
                {s.auto_tag}
              </span>
            ) : null}
            {s.description ? <span>{s.description}</span> : null}
          </span>
        }
        actions={
          s.builtin ? null : (
            <>
              <Link to={`${PATHS.segments}/${encodeURIComponent(s.id)}/edit`} className="btn btn-secondary">
                <Icon name="edit" size={20} /> Edit
              </Link>
              <Button variant="danger" icon="trash" onClick={() => setDeleting(true)}>
                Delete
              </Button>
            </>
          )
        }
      />
      <div className="grid-2">
        <Card title="Who is in it">
          <p className="segment-total" aria-live="polite">
            {count.isError ? (
              <span className="muted">The count could not be made.</span>
            ) : count.data ? (
              <>
                <strong>{fmt.number(count.data.count)}</strong> {count.data.count === 1 ? 'customer' : 'customers'} now
              </>
            ) : (
              <span className="muted">Counting…</span>
            )}
          </p>
          {takesDays(s.id) ? (
            <SelectField
              label="Look ahead"
              name="days"
              value={String(days)}
              options={DAY_OPTIONS}
              onChange={(e) => setDays(Number(e.target.value))}
            />
          ) : null}
          <RuleView rule={takesDays(s.id) ? withDaysRule(s, days) : s.rule} stores={stores} />
          {s.builtin ? <p className="muted small">Built-in segments cannot be changed. Build your own from “New segment”.</p> : null}
        </Card>
        <ExportCard segment={s} days={withDays} />
      </div>
      <Card title="Members" className="manage-card">
        <Members segment={s} days={withDays} canOpen={me.permissions.includes(PERMISSIONS.customersRead)} />
      </Card>
      <ConfirmDialog
        open={deleting}
        onOpenChange={setDeleting}
        title={`Delete “${s.name}”?`}
        description={
          s.auto_tag
            ? `The tag “${s.auto_tag}” is taken off its customers. The customers themselves are not changed.`
            : 'The customers themselves are not changed.'
        }
        confirmLabel="Delete segment"
        danger
        busy={remove.isPending}
        onConfirm={() => remove.mutate()}
      />
    </>
  );
}

/** The occasion built-ins' rule with the chosen look-ahead (the listed rule is for 7 days). */
function withDaysRule(s: Segment, days: number): Segment['rule'] {
  const r = s.rule;
  if ('field' in r && r.op === 'within_next_days') return { ...r, value: days };
  return r;
}

function ExportCard({ segment: s, days }: { segment: Segment; days: number | undefined }) {
  const toast = useToast();
  const [channel, setChannel] = useState<CampaignChannel>('whatsapp');
  const [format, setFormat] = useState<ExportFormat>('csv');
  const download = useMutation({
    mutationFn: () => segmentsApi.exportList(s.id, channel, format, days),
    onSuccess: ({ blob, filename }) => {
      const name = filename ?? `${safeFilename(s.name)}-${channel}.${format === 'json' ? 'jsonl' : 'csv'}`;
      saveBlob(blob, name);
      toast({ title: 'Campaign list downloaded', description: name, tone: 'success' });
    },
  });
  return (
    <Card title="Export campaign list">
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          download.mutate();
        }}
      >
        <ChipGroup<CampaignChannel> legend="Channel" name="channel" options={CHANNEL_OPTIONS} value={channel} onChange={setChannel} />
        <ChipGroup<ExportFormat> legend="Format" name="format" options={EXPORT_FORMATS} value={format} onChange={setFormat} />
        <p className="muted small">
          Only members who agreed to hear from you by {CHANNEL_LABELS[channel]} and are not on DND
          {channel === 'email' ? ', and have an email address' : ''}. Name, phone, email, city, language and tier. The export is recorded in
          the audit log.
        </p>
        <FormError error={download.error} />
        <div>
          <Button type="submit" variant="primary" icon="download" busy={download.isPending}>
            Download campaign list
          </Button>
        </div>
      </form>
    </Card>
  );
}

function Members({ segment: s, days, canOpen }: { segment: Segment; days: number | undefined; canOpen: boolean }) {
  const list = usePaged(['segments', 'members', s.id, days ?? null], (cursor) => segmentsApi.members(s.id, { cursor, days }), true, true);
  if (list.isPending) return <Loading label="Loading members…" />;
  if (list.isError) return <ErrorState error={list.error} onRetry={() => void list.refetch()} />;
  if (list.items.length === 0)
    return (
      <EmptyState title="Nobody is in this segment now">
        <p>Members appear as customers come to match the rule.</p>
      </EmptyState>
    );
  return (
    <>
      <ul
        className={`list customer-list${list.isPlaceholderData ? ' is-stale' : ''}`}
        aria-label="Members"
        aria-busy={list.isFetching || undefined}
      >
        {list.items.map((c) => (
          <li key={c.id} className="list-item">
            <span className="avatar" aria-hidden="true">
              {initials(c.name)}
            </span>
            <div className="list-main">
              {canOpen ? (
                <Link to={`/customers/${c.id}`} className="list-title">
                  {c.name}
                </Link>
              ) : (
                <p className="list-title">{c.name}</p>
              )}
              <p className="muted small">
                <span className="nowrap">{formatPhone(c.phone)}</span>
                {c.city ? ` · ${c.city}` : ''}
              </p>
              {c.tags.length > 0 ? (
                <ul className="tag-list" aria-label="Tags">
                  {c.tags.map((t) => (
                    <li key={t} className="tag">
                      {t}
                    </li>
                  ))}
                </ul>
              ) : null}
            </div>
            <span className="badges">
              <TierBadge tier={c.tier} />
              {c.dnd ? <DndBadge /> : null}
            </span>
          </li>
        ))}
      </ul>
      <LoadMore
        hasMore={list.hasNextPage}
        loading={list.isFetchingNextPage}
        onLoad={() => void list.fetchNextPage()}
        count={list.items.length}
        noun="members"
        one="member"
      />
    </>
  );
}
