// Leads for managers: filter by store, state, holder, open or closed and
// overdue follow-ups; choose several and assign them in one go; enter a new
// lead by hand. The list follows the floor live.
import { useMemo, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { useMe } from '../../auth/useAuth';
import { Button, EmptyState, ErrorState, Loading, PageHeader, SelectField } from '../../components/ui';
import { FilterPanel } from '../../components/FilterPanel';
import { LoadMore } from '../../components/LoadMore';
import { LEAD_STATE_LABELS } from '../../lib/customers';
import { formValues, useTitle } from '../../lib/forms';
import { usePaged } from '../../lib/usePaged';
import { LEAD_STATES, isClosed } from '../../lib/wallboard';
import { defaultStoreId, useStores } from '../customers/hooks';
import { TC_KEYS, telecallingApi, type LeadFilters, type LeadItem, type LeadState } from './board/api';
import { AssignDialog } from './board/AssignDialog';
import { NewLeadDialog } from './board/NewLeadDialog';
import { useLiveRefresh, useNow, useTelecallers } from './board/hooks';
import { LeadRow, TelecallingLinks } from './board/shared';

type Show = 'open' | 'closed' | 'all';

interface Filters {
  store_id: string;
  state: LeadState | '';
  /** '' anyone, 'none' nobody, or a telecaller's id. */
  holder: string;
  show: Show;
  overdue: boolean;
}

const isState = (v: string): v is LeadState => (LEAD_STATES as readonly string[]).includes(v);

function filtersFrom(p: URLSearchParams): Filters {
  const state = p.get('state') ?? '';
  const show = p.get('show');
  return {
    store_id: p.get('store_id') ?? '',
    state: isState(state) ? state : '',
    holder: p.get('unassigned') === 'true' ? 'none' : (p.get('assigned_to') ?? ''),
    show: show === 'closed' || show === 'all' ? show : 'open',
    overdue: p.get('overdue') === 'true',
  };
}

function toQuery(f: Filters): LeadFilters {
  return {
    store_id: f.store_id || undefined,
    state: f.state || undefined,
    assigned_to: f.holder && f.holder !== 'none' ? f.holder : undefined,
    unassigned: f.holder === 'none' || undefined,
    open: f.show === 'all' ? undefined : f.show === 'open',
    overdue: f.overdue || undefined,
  };
}

export default function LeadsPage() {
  useTitle('Leads');
  const me = useMe();
  const now = useNow();
  const [params, setParams] = useSearchParams();
  const filters = filtersFrom(params);
  const query = toQuery(filters);
  const { stores } = useStores();
  const activeStores = stores.filter((s) => s.active);
  const telecallers = useTelecallers();
  const list = usePaged([...TC_KEYS.leads, 'list', query], (cursor) => telecallingApi.leads({ ...query, cursor }), true, true);
  useLiveRefresh([TC_KEYS.leads, TC_KEYS.wallboard('')]);

  const [selected, setSelected] = useState<Map<string, LeadItem>>(new Map());
  const [seen, setSeen] = useState(params.toString());
  if (seen !== params.toString()) {
    // New filters, new list: a selection from the old one would be invisible.
    setSeen(params.toString());
    setSelected(new Map());
  }
  // The leads being assigned, fixed when the dialog opens.
  const [assigning, setAssigning] = useState<LeadItem[] | null>(null);
  const [creating, setCreating] = useState(false);

  const selectable = useMemo(() => list.items.filter((l) => !isClosed(l.state)), [list.items]);
  const allSelected = selectable.length > 0 && selectable.every((l) => selected.has(l.id));
  const toggle = (l: LeadItem, on: boolean) =>
    setSelected((m) => {
      const next = new Map(m);
      if (on) next.set(l.id, l);
      else next.delete(l.id);
      return next;
    });
  const toggleAll = (on: boolean) =>
    setSelected((m) => {
      const next = new Map(m);
      for (const l of selectable) {
        if (on) next.set(l.id, l);
        else next.delete(l.id);
      }
      return next;
    });

  const onFilter = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const v = formValues(e.currentTarget);
    const next = new URLSearchParams();
    if (v.store_id) next.set('store_id', v.store_id);
    if (v.state) next.set('state', v.state);
    if (v.holder === 'none') next.set('unassigned', 'true');
    else if (v.holder) next.set('assigned_to', v.holder);
    if (v.show && v.show !== 'open') next.set('show', v.show);
    if (v.follow_up === 'overdue') next.set('overdue', 'true');
    setParams(next, { replace: true });
  };
  const activeFilters = [filters.store_id, filters.state, filters.holder, filters.show !== 'open', filters.overdue].filter(Boolean).length;

  return (
    <>
      <PageHeader
        title="Leads"
        description="Every lead at your stores. Choose several to assign them at once."
        actions={
          <Button variant="primary" icon="plus" onClick={() => setCreating(true)}>
            New lead
          </Button>
        }
      />
      <TelecallingLinks />
      <FilterPanel activeCount={activeFilters}>
        <form className="filters" aria-label="Filter leads" onSubmit={onFilter} key={params.toString()}>
          {activeStores.length > 1 ? (
            <SelectField
              label="Store"
              name="store_id"
              defaultValue={filters.store_id}
              options={[{ value: '', label: 'All my stores' }, ...activeStores.map((s) => ({ value: s.id, label: s.name }))]}
            />
          ) : null}
          <SelectField
            label="Open or closed"
            name="show"
            defaultValue={filters.show}
            options={[
              { value: 'open', label: 'Open leads' },
              { value: 'closed', label: 'Closed leads' },
              { value: 'all', label: 'All leads' },
            ]}
          />
          <SelectField
            label="State"
            name="state"
            defaultValue={filters.state}
            options={[{ value: '', label: 'Any state' }, ...LEAD_STATES.map((s) => ({ value: s, label: LEAD_STATE_LABELS[s] ?? s }))]}
          />
          <SelectField
            label="Assigned to"
            name="holder"
            defaultValue={filters.holder}
            options={[
              { value: '', label: 'Anyone or nobody' },
              { value: 'none', label: 'Nobody (waiting)' },
              ...telecallers.agents.map((a) => ({ value: a.user_id, label: a.name })),
              // A filter from a link to someone no longer on the board still shows who.
              ...(filters.holder && filters.holder !== 'none' && !telecallers.byId.has(filters.holder)
                ? [{ value: filters.holder, label: 'The chosen telecaller' }]
                : []),
            ]}
          />
          <SelectField
            label="Follow-up"
            name="follow_up"
            defaultValue={filters.overdue ? 'overdue' : ''}
            options={[
              { value: '', label: 'Any' },
              { value: 'overdue', label: 'Overdue only' },
            ]}
          />
          <div className="filters-actions">
            <Button type="submit" icon="search">
              Apply
            </Button>
            {activeFilters > 0 ? (
              <Button variant="ghost" onClick={() => setParams(new URLSearchParams(), { replace: true })}>
                Clear
              </Button>
            ) : null}
          </div>
        </form>
      </FilterPanel>
      {selected.size > 0 ? (
        <div className="tc-bulkbar" role="region" aria-label="Selected leads">
          <p aria-live="polite">
            {selected.size} {selected.size === 1 ? 'lead' : 'leads'} selected
          </p>
          <div className="button-row">
            <Button variant="primary" icon="users" onClick={() => setAssigning([...selected.values()])}>
              Assign…
            </Button>
            <Button variant="ghost" onClick={() => setSelected(new Map())}>
              Clear selection
            </Button>
          </div>
        </div>
      ) : null}
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : list.items.length === 0 ? (
        <EmptyState title={activeFilters > 0 ? 'No leads match' : 'No open leads'}>
          <p>
            {activeFilters > 0
              ? 'Change or clear the filters.'
              : 'Leads arrive from showroom visits without a purchase, imports, web forms and “New lead”.'}
          </p>
        </EmptyState>
      ) : (
        <>
          {selectable.length > 0 ? (
            <div className="tc-select-all">
              <label className="check">
                <input type="checkbox" checked={allSelected} onChange={(e) => toggleAll(e.target.checked)} />
                <span>Select all open leads shown ({selectable.length})</span>
              </label>
            </div>
          ) : null}
          <ul
            className={`list tc-lead-list${list.isPlaceholderData ? ' customer-list is-stale' : ''}`}
            aria-label="Leads"
            aria-busy={list.isFetching || undefined}
          >
            {list.items.map((l) => (
              <LeadRow
                key={l.id}
                lead={l}
                now={now}
                showStore={activeStores.length > 1}
                selected={selected.has(l.id)}
                onToggle={isClosed(l.state) ? undefined : (on) => toggle(l, on)}
              />
            ))}
          </ul>
          <LoadMore
            hasMore={list.hasNextPage}
            loading={list.isFetchingNextPage}
            onLoad={() => void list.fetchNextPage()}
            count={list.items.length}
            noun="leads"
            one="lead"
          />
        </>
      )}
      {assigning ? (
        <AssignDialog
          open
          onOpenChange={(o) => (o ? undefined : setAssigning(null))}
          title={`Assign ${assigning.length} ${assigning.length === 1 ? 'lead' : 'leads'}`}
          description="To one telecaller, or each by its store’s rule."
          source={{ kind: 'chosen', leads: assigning }}
          agents={telecallers.agents}
          onAssigned={() => setSelected(new Map())}
        />
      ) : null}
      <NewLeadDialog
        open={creating}
        onOpenChange={setCreating}
        stores={activeStores}
        defaultStoreId={filters.store_id || defaultStoreId(activeStores, me.user.store_ids)}
      />
    </>
  );
}
