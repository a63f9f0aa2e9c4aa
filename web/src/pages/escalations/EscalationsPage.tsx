// The escalation board: customers' problems by status — Open, In progress,
// Resolved side by side on a wide screen, one after another on a phone —
// each card with the customer, store, priority, SLA (amber when close, red
// past due or escalated) and who holds it. Closed ones are behind a filter.
// Live: a new or changed escalation appears without a reload.
import type { FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Badge, Button, ErrorState, Loading, PageHeader, SelectField } from '../../components/ui';
import { FilterPanel } from '../../components/FilterPanel';
import { LoadMore } from '../../components/LoadMore';
import { Icon } from '../../components/Icon';
import {
  BOARD_STATUSES,
  ESCALATION_PATHS,
  ESCALATION_PRIORITIES,
  PRIORITY_LABELS,
  STATUS_LABELS,
  activeFilterCount,
  categoryLabel,
  escalationFilterParams,
  escalationFiltersFrom,
  slaTone,
  type EscalationFilters,
  type EscalationItem,
  type EscalationStatus,
} from '../../lib/escalations';
import { formValues, useTitle } from '../../lib/forms';
import { useClock } from '../../lib/useClock';
import { useLiveMessage } from '../../realtime/useLiveMessage';
import { useStores } from '../customers/hooks';
import { useEscalationList } from './api';
import { EscalationPriorityBadge, SlaLine } from './shared';
import './escalations.css';

export default function EscalationsPage() {
  useTitle('Escalations');
  const [params, setParams] = useSearchParams();
  const filters = escalationFiltersFrom(params);
  const now = useClock();
  const live = useLiveMessage('escalations', (ev) => {
    const e = (ev.payload as { escalation?: Partial<EscalationItem> } | null)?.escalation;
    if (!e?.subject) return null;
    if (ev.kind === 'escalation.created') return `New escalation: ${e.subject}${e.customer_name ? ` (${e.customer_name})` : ''}.`;
    return `Escalation updated: ${e.subject}${e.status ? `, ${STATUS_LABELS[e.status as EscalationStatus] ?? e.status}` : ''}.`;
  });

  return (
    <>
      <PageHeader
        title="Escalations"
        description="Customers’ problems until they are resolved. Each has a time to resolve by its priority; when that passes it goes to the store managers, then to the business admins."
        actions={
          <Link to={ESCALATION_PATHS.create} className="btn btn-primary">
            <Icon name="plus" size={20} /> Raise escalation
          </Link>
        }
      />
      <Filters filters={filters} onApply={(f) => setParams(escalationFilterParams(f), { replace: true })} />
      <p className="visually-hidden" role="status" aria-live="polite">
        {live}
      </p>
      {filters.closed ? (
        <div className="esc-closed">
          <Column status="closed" filters={filters} now={now} />
        </div>
      ) : (
        <div className="esc-board">
          {BOARD_STATUSES.map((s) => (
            <Column key={s} status={s} filters={filters} now={now} />
          ))}
        </div>
      )}
    </>
  );
}

const EMPTY: Record<EscalationStatus, string> = {
  open: 'Nothing open.',
  in_progress: 'Nothing in progress.',
  resolved: 'Nothing waiting to be closed.',
  closed: 'No closed escalations.',
};

function Column({ status, filters, now }: { status: EscalationStatus; filters: EscalationFilters; now: number }) {
  const list = useEscalationList(filters, status);
  const headingId = `esc-col-${status}`;
  const count = list.items.length;
  return (
    <section className={`esc-column esc-column-${status}`} aria-labelledby={headingId}>
      <h2 id={headingId} className="esc-column-title">
        {STATUS_LABELS[status]}
        {list.isSuccess ? (
          <span className="esc-column-count">
            {' '}
            {list.hasNextPage ? `${count}+` : count}
            <span className="visually-hidden"> {count === 1 ? 'escalation' : 'escalations'}</span>
          </span>
        ) : null}
      </h2>
      {list.isPending ? (
        <Loading label={`Loading ${STATUS_LABELS[status].toLowerCase()} escalations…`} />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : count === 0 ? (
        <p className="muted small esc-empty">{activeFilterCount(filters) > 0 ? 'None match the filters.' : EMPTY[status]}</p>
      ) : (
        <>
          <ul className="esc-cards" aria-labelledby={headingId}>
            {list.items.map((e) => (
              <EscalationCard key={e.id} e={e} now={now} />
            ))}
          </ul>
          {list.hasNextPage ? (
            <LoadMore
              hasMore
              loading={list.isFetchingNextPage}
              onLoad={() => void list.fetchNextPage()}
              count={count}
              noun="escalations"
              one="escalation"
            />
          ) : null}
        </>
      )}
    </section>
  );
}

function EscalationCard({ e, now }: { e: EscalationItem; now: number }) {
  const tone = slaTone(e, now);
  return (
    <li className={`esc-card${tone === 'bad' ? ' is-late' : tone === 'warn' ? ' is-soon' : ''}`}>
      <p className="esc-card-title">
        <Link to={ESCALATION_PATHS.one(e.id)} className="list-title">
          {e.subject}
        </Link>
      </p>
      <p className="small">
        <strong>{e.customer_name}</strong> · {e.store_name}
      </p>
      <p className="esc-card-badges">
        <EscalationPriorityBadge priority={e.priority} />
        <Badge>{categoryLabel(e.category)}</Badge>
        {e.level > 0 ? <Badge tone="bad">Escalated</Badge> : null}
      </p>
      <p className="small">
        <SlaLine e={e} now={now} />
      </p>
      <p className="muted small">{e.assigned_name ? `With ${e.assigned_name}` : 'Not assigned'}</p>
    </li>
  );
}

function Filters({ filters: f, onApply }: { filters: EscalationFilters; onApply: (f: EscalationFilters) => void }) {
  const { stores } = useStores();
  const active = stores.filter((s) => s.active);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const v = formValues(form);
    const data = new FormData(form);
    onApply(
      escalationFiltersFrom(
        escalationFilterParams({
          store_id: v.store ?? '',
          priority: (v.priority ?? '') as EscalationFilters['priority'],
          mine: data.get('mine') === '1',
          escalated: data.get('escalated') === '1',
          closed: data.get('closed') === '1',
        }),
      ),
    );
  };
  return (
    <FilterPanel activeCount={activeFilterCount(f)}>
      <form className="filters esc-filters" role="search" aria-label="Filter escalations" onSubmit={submit} key={JSON.stringify(f)}>
        {active.length > 1 ? (
          <SelectField
            label="Store"
            name="store"
            defaultValue={f.store_id}
            options={[{ value: '', label: 'All my stores' }, ...active.map((s) => ({ value: s.id, label: s.name }))]}
          />
        ) : null}
        <SelectField
          label="Priority"
          name="priority"
          defaultValue={f.priority}
          options={[{ value: '', label: 'Any priority' }, ...ESCALATION_PRIORITIES.map((p) => ({ value: p, label: PRIORITY_LABELS[p] }))]}
        />
        <FilterCheck name="mine" label="Assigned to me" checked={f.mine} />
        <FilterCheck name="escalated" label="Escalated only" checked={f.escalated} />
        <FilterCheck name="closed" label="Show closed ones" checked={f.closed} />
        <div className="filters-actions">
          <Button type="submit" icon="search">
            Apply
          </Button>
        </div>
      </form>
    </FilterPanel>
  );
}

/** An uncontrolled checkbox for a filter form (read on submit). */
function FilterCheck({ name, label, checked }: { name: string; label: string; checked: boolean }) {
  return (
    <div className="field esc-filter-check">
      <label className="check">
        <input type="checkbox" name={name} value="1" defaultChecked={checked} />
        <span>{label}</span>
      </label>
    </div>
  );
}
