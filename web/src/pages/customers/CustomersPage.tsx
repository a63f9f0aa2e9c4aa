import { useEffect, useId, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { customersApi } from '../../api/endpoints';
import type { CustomerFilters, Tier } from '../../api/types';
import { useMe } from '../../auth/useAuth';
import { Button, EmptyState, ErrorState, Loading, PageHeader, SelectField, TextField } from '../../components/ui';
import { Icon } from '../../components/Icon';
import { LoadMore } from '../../components/LoadMore';
import { FilterPanel } from '../../components/FilterPanel';
import { formValues, useTitle } from '../../lib/forms';
import { PATHS, PERMISSIONS, canImportExport } from '../../lib/nav';
import { usePaged } from '../../lib/usePaged';
import { useDebounced } from '../../lib/useDebounced';
import { initials } from '../../lib/names';
import { TIER_OPTIONS, formatPhone } from '../../lib/customers';
import { DndBadge, TierBadge } from './shared';
import { useStores } from './hooks';
import { ExportDialog } from './ExportDialog';

const TIERS = TIER_OPTIONS.map((o) => o.value);
const isTier = (v: string): v is Tier => (TIERS as string[]).includes(v);

function filtersFrom(params: URLSearchParams): Required<Pick<CustomerFilters, 'q' | 'tag' | 'city' | 'tier' | 'store_id'>> {
  const tier = params.get('tier') ?? '';
  return {
    q: params.get('q') ?? '',
    tag: params.get('tag') ?? '',
    city: params.get('city') ?? '',
    tier: isTier(tier) ? tier : '',
    store_id: params.get('store_id') ?? '',
  };
}

export default function CustomersPage() {
  useTitle('Customers');
  const me = useMe();
  const can = (p: string) => me.permissions.includes(p);
  const isTelecaller = me.user.role === 'telecaller';
  const [params, setParams] = useSearchParams();
  const filters = filtersFrom(params);
  const { stores, byId: storeById } = useStores();
  const searchId = useId();
  const [exporting, setExporting] = useState(false);
  const importExport = canImportExport(me.permissions);

  // The search box updates the list as you type (debounced) and keeps the URL
  // in step; a URL changed from outside (back, the nav link) resets the box.
  const urlQ = filters.q;
  const [text, setText] = useState(urlQ);
  const [seenQ, setSeenQ] = useState(urlQ);
  if (urlQ !== seenQ) {
    setSeenQ(urlQ);
    if (urlQ !== text.trim()) setText(urlQ);
  }
  const settled = useDebounced(text.trim(), 350);
  useEffect(() => {
    if (settled !== text.trim() || settled === urlQ) return;
    const next = new URLSearchParams(params);
    if (settled) next.set('q', settled);
    else next.delete('q');
    setParams(next, { replace: true });
  }, [settled, text, urlQ, params, setParams]);

  const list = usePaged(['customers', 'list', filters], (cursor) => customersApi.list({ ...filters, cursor }), true, true);

  const onFilter = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const v = formValues(e.currentTarget);
    const next = new URLSearchParams(params);
    for (const k of ['tier', 'city', 'tag', 'store_id'] as const) {
      const val = v[k];
      if (val) next.set(k, val);
      else next.delete(k);
    }
    setParams(next, { replace: true });
  };
  const clearFilters = () => {
    const next = new URLSearchParams();
    if (filters.q) next.set('q', filters.q);
    setParams(next, { replace: true });
  };
  const activeFilters = [filters.tier, filters.city, filters.tag, filters.store_id].filter(Boolean).length;
  const anyFilter = activeFilters > 0 || filters.q !== '';

  return (
    <>
      <PageHeader
        title="Customers"
        description={
          isTelecaller
            ? 'Customers of the leads assigned to you.'
            : 'Find a customer by name, phone or email, or narrow the list with filters.'
        }
        actions={
          <>
            {can(PERMISSIONS.visitsLog) ? (
              <Link to={PATHS.logVisit} className="btn btn-primary">
                <Icon name="visit" size={20} /> Log a visit
              </Link>
            ) : null}
            {can(PERMISSIONS.customersWrite) ? (
              <Link to={PATHS.newCustomer} className="btn btn-secondary">
                <Icon name="plus" size={20} /> New customer
              </Link>
            ) : null}
            {importExport ? (
              <Link to={PATHS.importCustomers} className="btn btn-secondary">
                <Icon name="upload" size={20} /> Import
              </Link>
            ) : null}
            {importExport ? (
              <Button icon="download" onClick={() => setExporting(true)}>
                Export
              </Button>
            ) : null}
            {can(PERMISSIONS.campaignsManage) ? (
              <Link to={PATHS.segments} className="btn btn-ghost">
                <Icon name="segments" size={20} /> Segments
              </Link>
            ) : null}
            {can(PERMISSIONS.customersDelete) ? (
              <Link to={PATHS.trash} className="btn btn-ghost">
                <Icon name="trash" size={20} /> Trash
              </Link>
            ) : null}
          </>
        }
      />
      <div className="search-bar" role="search" aria-label="Search customers">
        <label htmlFor={searchId} className="visually-hidden">
          Search customers
        </label>
        <Icon name="search" size={20} className="search-icon" />
        <input
          id={searchId}
          type="search"
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder="Search name, phone or email"
          autoComplete="off"
          enterKeyHint="search"
          maxLength={100}
        />
      </div>
      <FilterPanel activeCount={activeFilters}>
        <form className="filters" aria-label="Filter customers" onSubmit={onFilter} key={params.toString()}>
          <SelectField label="Tier" name="tier" defaultValue={filters.tier} options={[{ value: '', label: 'Any tier' }, ...TIER_OPTIONS]} />
          <TextField label="City" name="city" defaultValue={filters.city} maxLength={100} autoComplete="off" hint="The whole city name." />
          <TextField label="Tag" name="tag" defaultValue={filters.tag} maxLength={40} autoComplete="off" placeholder="e.g. bridal" />
          {stores.length > 1 ? (
            <SelectField
              label="Home store"
              name="store_id"
              defaultValue={filters.store_id}
              options={[{ value: '', label: 'Any store' }, ...stores.map((s) => ({ value: s.id, label: s.name }))]}
            />
          ) : null}
          <div className="filters-actions">
            <Button type="submit" icon="search">
              Apply
            </Button>
            {activeFilters > 0 ? (
              <Button variant="ghost" onClick={clearFilters}>
                Clear
              </Button>
            ) : null}
          </div>
        </form>
      </FilterPanel>
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : list.items.length === 0 ? (
        <EmptyState title={anyFilter ? 'No customers match' : 'No customers yet'}>
          <p>
            {anyFilter
              ? 'Check the spelling, search by phone number, or clear the filters.'
              : isTelecaller
                ? 'Customers appear here when leads are assigned to you.'
                : 'Customers are added when you log a showroom visit or create them here.'}
          </p>
        </EmptyState>
      ) : (
        <>
          <ul
            className={`list customer-list${list.isPlaceholderData ? ' is-stale' : ''}`}
            aria-label="Customers"
            aria-busy={list.isFetching || undefined}
          >
            {list.items.map((c) => (
              <li key={c.id} className="list-item">
                <span className="avatar" aria-hidden="true">
                  {initials(c.name)}
                </span>
                <div className="list-main">
                  <Link to={`/customers/${c.id}`} className="list-title">
                    {c.name}
                  </Link>
                  <p className="muted small">
                    <span className="nowrap">{formatPhone(c.phone)}</span>
                    {c.city ? ` · ${c.city}` : ''}
                    {storeById.get(c.home_store_id) ? ` · ${storeById.get(c.home_store_id)?.name}` : ''}
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
            noun="customers"
            one="customer"
          />
        </>
      )}
      {importExport ? (
        <ExportDialog open={exporting} onOpenChange={setExporting} filters={filters} storeName={(id) => storeById.get(id)?.name} />
      ) : null}
    </>
  );
}
