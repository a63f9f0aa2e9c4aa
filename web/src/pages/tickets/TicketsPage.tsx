// Support tickets: a business admin or manager sees the tickets they raised
// with Karat support (business admins: the whole business's), live; Karat
// support sees every business's, refreshed every few seconds.
import type { FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Button, EmptyState, ErrorState, Loading, PageHeader, SelectField, TextField } from '../../components/ui';
import { FilterPanel } from '../../components/FilterPanel';
import { LoadMore } from '../../components/LoadMore';
import { Icon } from '../../components/Icon';
import { formValues, useTitle } from '../../lib/forms';
import { useFormat } from '../../lib/locale';
import { PATHS } from '../../lib/nav';
import {
  TICKET_CATEGORIES,
  TICKET_PRIORITIES,
  TICKET_PRIORITY_LABELS,
  TICKET_STATUSES,
  TICKET_STATUS_LABELS,
  activeFilterCount,
  categoryLabel,
  slaState,
  ticketFilterParams,
  ticketFiltersFrom,
  type TicketFilters,
  type TicketItem,
  type TicketSide,
} from '../../lib/tickets';
import { useClock, useTenantChoices, useTicketList, useTicketSide } from './api';
import { SlaText, TicketPriorityBadge, TicketStatusBadge } from './shared';
import './tickets.css';

export default function TicketsPage() {
  const side = useTicketSide();
  const platform = side === 'platform';
  useTitle(platform ? 'Support tickets' : 'Support');
  const [params, setParams] = useSearchParams();
  const filters = ticketFiltersFrom(params, side);
  const list = useTicketList(filters, side);
  const now = useClock();
  const filtered = activeFilterCount(filters) > 0;

  return (
    <>
      <PageHeader
        title={platform ? 'Support tickets' : 'Support'}
        description={
          platform
            ? 'Questions and problems from every business on Karat. This list refreshes every few seconds.'
            : 'Ask Karat support for help and follow the answers here. Replies appear as soon as they are written.'
        }
        actions={
          platform ? (
            <Link to={PATHS.ticketTemplates} className="btn btn-secondary">
              <Icon name="note" size={20} /> Response templates
            </Link>
          ) : (
            <Link to={PATHS.newTicket} className="btn btn-primary">
              <Icon name="plus" size={20} /> New ticket
            </Link>
          )
        }
      />
      <Filters filters={filters} side={side} onApply={(f) => setParams(ticketFilterParams(f), { replace: true })} />
      {list.isPending ? (
        <Loading label="Loading tickets…" />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : list.items.length === 0 ? (
        <EmptyState title={filtered ? 'No tickets match' : 'No tickets yet'}>
          {filtered ? (
            <p>Try fewer filters.</p>
          ) : platform ? (
            <p>When a business asks for help, its ticket appears here.</p>
          ) : (
            <p>
              Something not working, a billing question or an idea? <Link to={PATHS.newTicket}>Raise a ticket</Link> and Karat support
              answers here.
            </p>
          )}
        </EmptyState>
      ) : (
        <>
          <ul className="list ticket-list" aria-label="Tickets">
            {list.items.map((t) => (
              <TicketRow key={t.id} t={t} side={side} now={now} />
            ))}
          </ul>
          <LoadMore
            hasMore={list.hasNextPage}
            loading={list.isFetchingNextPage}
            onLoad={() => void list.fetchNextPage()}
            count={list.items.length}
            noun="tickets"
            one="ticket"
          />
        </>
      )}
    </>
  );
}

function TicketRow({ t, side, now }: { t: TicketItem; side: TicketSide; now: number }) {
  const fmt = useFormat();
  const breached = slaState(t, now) === 'breached';
  const open = t.status === 'open' || t.status === 'in_progress';
  return (
    <li className={`list-item ticket-row${breached && open ? ' is-breached' : ''}`}>
      <div className="list-main">
        <p>
          <Link to={`${PATHS.tickets}/${encodeURIComponent(t.id)}`} className="list-title">
            <span className="code">{t.number}</span> {t.subject}
          </Link>
        </p>
        <p className="muted small">
          {side === 'platform' ? `${t.tenant_name} · ` : ''}
          {categoryLabel(t.category)} · raised by {t.created_by_name} · <time dateTime={t.created_at}>{fmt.relative(t.created_at)}</time>
          {side === 'platform' ? ` · ${t.assigned_name ? `with ${t.assigned_name}` : 'not assigned'}` : ''}
        </p>
        <p className="small">
          <SlaText ticket={t} now={now} />
        </p>
      </div>
      <span className="header-badges">
        <TicketStatusBadge status={t.status} />
        <TicketPriorityBadge priority={t.priority} />
      </span>
    </li>
  );
}

function Filters({ filters: f, side, onApply }: { filters: TicketFilters; side: TicketSide; onApply: (f: TicketFilters) => void }) {
  const platform = side === 'platform';
  const tenants = useTenantChoices(platform);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const v = formValues(form);
    const data = new FormData(form);
    onApply(
      ticketFiltersFrom(
        ticketFilterParams({
          q: v.q ?? '',
          status: (v.status ?? '') as TicketFilters['status'],
          category: (v.category ?? '') as TicketFilters['category'],
          priority: (v.priority ?? '') as TicketFilters['priority'],
          tenant_id: v.tenant ?? '',
          breached: data.get('breached') === '1',
          mine: data.get('mine') === '1',
        }),
        side,
      ),
    );
  };
  return (
    <FilterPanel activeCount={activeFilterCount(f)}>
      <form className="filters ticket-filters" role="search" aria-label="Filter tickets" onSubmit={submit} key={JSON.stringify(f)}>
        <TextField label="Search" name="q" type="search" defaultValue={f.q} placeholder="Number or subject" />
        <SelectField
          label="Status"
          name="status"
          defaultValue={f.status}
          options={[{ value: '', label: 'Any status' }, ...TICKET_STATUSES.map((s) => ({ value: s, label: TICKET_STATUS_LABELS[s] }))]}
        />
        <SelectField
          label="Priority"
          name="priority"
          defaultValue={f.priority}
          options={[
            { value: '', label: 'Any priority' },
            ...TICKET_PRIORITIES.map((p) => ({ value: p, label: TICKET_PRIORITY_LABELS[p] })),
          ]}
        />
        <SelectField
          label="Category"
          name="category"
          defaultValue={f.category}
          options={[{ value: '', label: 'Any category' }, ...TICKET_CATEGORIES.map((c) => ({ value: c, label: categoryLabel(c) }))]}
        />
        {platform ? (
          <SelectField
            label="Business"
            name="tenant"
            defaultValue={f.tenant_id}
            options={[{ value: '', label: 'Every business' }, ...(tenants.data ?? []).map((t) => ({ value: t.id, label: t.name }))]}
          />
        ) : null}
        <FilterCheck name="breached" label="Past SLA only" checked={f.breached} />
        {platform ? <FilterCheck name="mine" label="Assigned to me" checked={f.mine} /> : null}
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
    <div className="field ticket-filter-check">
      <label className="check">
        <input type="checkbox" name={name} value="1" defaultChecked={checked} />
        <span>{label}</span>
      </label>
    </div>
  );
}
