// A customer's timeline: visits with interests (and their photos), appointments, leads, notes, changes.
import { useQueryClient } from '@tanstack/react-query';
import { customersApi } from '../../api/endpoints';
import type { Store, TimelineEntry } from '../../api/types';
import { Badge, EmptyState, ErrorState, Loading } from '../../components/ui';
import { Icon, type IconName } from '../../components/Icon';
import { LoadMore } from '../../components/LoadMore';
import { usePaged } from '../../lib/usePaged';
import { useFormat } from '../../lib/locale';
import { changeRows, showValue } from '../../lib/audit';
import {
  APPOINTMENT_STATUS_LABELS,
  CATEGORY_LABELS,
  METAL_LABELS,
  STONE_LABELS,
  LEAD_SOURCE_LABELS,
  LEAD_STATE_LABELS,
  OUTCOME_LABELS,
  REASON_LABELS,
  labelOf,
} from '../../lib/customers';
import { useWholeMoney } from './hooks';
import { useMe } from '../../auth/useAuth';
import { PERMISSIONS } from '../../lib/nav';
import { interestLabel } from '../../lib/visits';
import { InterestPhotos } from '../visits/InterestPhotos';

type Data = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

const ICONS: Record<string, IconName> = {
  visit: 'visit',
  appointment: 'calendar',
  lead: 'phone',
  note: 'note',
  change: 'edit',
};

const CHANGE_PHRASES: Record<string, string> = {
  create: 'Customer created',
  update: 'Profile updated',
  delete: 'Moved to the trash',
  restore: 'Restored from the trash',
  merge: 'A duplicate was merged in',
  merged_into: 'Merged into another customer',
};

function titleOf(e: TimelineEntry): string {
  const d = (e.data ?? {}) as Data;
  switch (e.kind) {
    case 'visit':
      return `Visit: ${labelOf(REASON_LABELS, str(d.reason) ?? e.summary)}`;
    case 'appointment':
      return `Appointment: ${e.summary}`;
    case 'lead':
      return `Lead for telecalling: ${labelOf(LEAD_STATE_LABELS, str(d.state) ?? e.summary).toLowerCase()}`;
    case 'note':
      return 'Note';
    case 'change':
      return CHANGE_PHRASES[e.summary] ?? labelOf({}, e.summary);
    default:
      return e.summary;
  }
}

export function Timeline({ customerId, storeById }: { customerId: string; storeById: Map<string, Store> }) {
  const list = usePaged(['customers', 'timeline', customerId], (cursor) => customersApi.timeline(customerId, { cursor }));
  if (list.isPending) return <Loading label="Loading the timeline…" />;
  if (list.isError) return <ErrorState error={list.error} onRetry={() => void list.refetch()} />;
  if (list.items.length === 0)
    return (
      <EmptyState title="Nothing yet">
        <p>Visits, appointments, leads and notes will show up here.</p>
      </EmptyState>
    );
  return (
    <>
      <ol className="timeline" aria-label="Timeline">
        {list.items.map((e) => (
          <TimelineItem key={`${e.kind}-${e.id}`} entry={e} storeById={storeById} customerId={customerId} />
        ))}
      </ol>
      <LoadMore
        hasMore={list.hasNextPage}
        loading={list.isFetchingNextPage}
        onLoad={() => void list.fetchNextPage()}
        count={list.items.length}
        noun="entries"
        one="entry"
      />
    </>
  );
}

function TimelineItem({ entry: e, storeById, customerId }: { entry: TimelineEntry; storeById: Map<string, Store>; customerId: string }) {
  const fmt = useFormat();
  const money = useWholeMoney();
  const me = useMe();
  const qc = useQueryClient();
  const canPhoto = me.permissions.includes(PERMISSIONS.visitsLog);
  const d = (e.data ?? {}) as Data;
  const store = str(d.store_id) ? storeById.get(str(d.store_id) ?? '') : undefined;
  return (
    <li className={`timeline-item timeline-${e.kind}`}>
      <span className="timeline-icon" aria-hidden="true">
        <Icon name={ICONS[e.kind] ?? 'gem'} size={20} />
      </span>
      <div className="timeline-body">
        <p className="list-title">
          {titleOf(e)}{' '}
          {e.kind === 'appointment' && str(d.status) ? (
            <Badge tone={d.status === 'completed' ? 'good' : d.status === 'cancelled' || d.status === 'no_show' ? 'bad' : 'neutral'}>
              {labelOf(APPOINTMENT_STATUS_LABELS, str(d.status))}
            </Badge>
          ) : null}
        </p>
        <p className="muted small">
          <time dateTime={e.at}>{fmt.dateTime(e.at)}</time>
          {e.actor ? ` · ${e.actor}` : ''}
          {store ? ` · ${store.name}` : ''}
          {e.kind === 'visit' && str(d.lead_source) ? ` · ${labelOf(LEAD_SOURCE_LABELS, str(d.lead_source))}` : ''}
        </p>
        {e.kind === 'visit' && Array.isArray(d.interests) && d.interests.length > 0 ? (
          <ul className="interest-list" aria-label="Interests">
            {(d.interests as Data[]).map((it, i) => {
              const outcome = str(it.outcome);
              const value = num(it.expected_value);
              const interestId = str(it.id);
              const photos = Array.isArray(it.photos) ? it.photos.filter((p): p is string => typeof p === 'string') : [];
              const label = interestLabel({ category: str(it.category), metal: str(it.metal), design_number: str(it.design_number) });
              return (
                <li key={i} className="interest">
                  <span className="interest-what">
                    {labelOf(CATEGORY_LABELS, str(it.category))}
                    {str(it.metal) || str(it.stone) ? (
                      <span className="muted">
                        {[labelOf(METAL_LABELS, str(it.metal)), labelOf(STONE_LABELS, str(it.stone))].filter(Boolean).join(', ')}
                      </span>
                    ) : null}
                    {str(it.design_number) ? <span className="code">{str(it.design_number)}</span> : null}
                    {value !== null ? <span className="muted"> · {money(value)}</span> : null}
                  </span>
                  {outcome ? <Badge tone={outcome === 'purchased' ? 'good' : 'warn'}>{labelOf(OUTCOME_LABELS, outcome)}</Badge> : null}
                  {str(it.note) ? <span className="muted small interest-note">{str(it.note)}</span> : null}
                  {interestId ? (
                    <InterestPhotos
                      interestId={interestId}
                      photos={photos}
                      label={label}
                      canEdit={canPhoto}
                      onChanged={() => void qc.invalidateQueries({ queryKey: ['customers', 'timeline', customerId] })}
                    />
                  ) : null}
                </li>
              );
            })}
          </ul>
        ) : null}
        {(e.kind === 'visit' || e.kind === 'appointment') && str(d.notes) ? <p className="timeline-text">{str(d.notes)}</p> : null}
        {e.kind === 'note' ? <p className="timeline-text">{str(d.body) ?? e.summary}</p> : null}
        {e.kind === 'change' ? <ChangeDetails data={d} action={e.summary} /> : null}
      </div>
    </li>
  );
}

function ChangeDetails({ data, action }: { data: Data; action: string }) {
  if (action !== 'update') return null;
  const rows = changeRows(data)?.filter((r) => r.field !== 'updated_at');
  if (!rows || rows.length === 0) return null;
  return (
    <details className="audit-changes">
      <summary>
        {rows.length} {rows.length === 1 ? 'change' : 'changes'}: {rows.map((r) => r.field.replace(/_/g, ' ')).join(', ')}
      </summary>
      <table className="changes-table">
        <caption className="visually-hidden">Changed fields</caption>
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Before</th>
            <th scope="col">After</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.field}>
              <th scope="row">{r.field.replace(/_/g, ' ')}</th>
              <td>{showValue(r.from)}</td>
              <td>{showValue(r.to)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
