import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { customersApi, fetchAll, usersApi } from '../../api/endpoints';
import type { AccessLogFilters } from '../../api/types';
import { Button, EmptyState, ErrorState, Loading, PageHeader, SelectField, TextField } from '../../components/ui';
import { Icon } from '../../components/Icon';
import { LoadMore } from '../../components/LoadMore';
import { FilterPanel } from '../../components/FilterPanel';
import { Modal } from '../../components/Modal';
import { formValues, useTitle } from '../../lib/forms';
import { PATHS } from '../../lib/nav';
import { usePaged } from '../../lib/usePaged';
import { useFormat, useLocaleSettings } from '../../lib/locale';
import { addDays, zonedDayStart } from '../../lib/format';
import { CustomerPicker } from '../customers/shared';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export default function AccessLogPage() {
  useTitle('Customer access log');
  const fmt = useFormat();
  const { timeZone } = useLocaleSettings();
  const [params, setParams] = useSearchParams();
  const [picking, setPicking] = useState(false);
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  const customerId = params.get('customer_id') ?? '';
  const customerName = params.get('customer') ?? '';
  const filters: AccessLogFilters = {
    customer_id: customerId,
    user_id: params.get('user_id') ?? '',
    from: DAY.test(from) ? zonedDayStart(from, timeZone) : '',
    to: DAY.test(to) ? zonedDayStart(addDays(to, 1), timeZone) : '',
  };
  const users = useQuery({ queryKey: ['users', 'all-for-audit'], queryFn: () => fetchAll(usersApi.list) });
  const list = usePaged(['customers', 'access-log', filters], (cursor) => customersApi.accessLog({ ...filters, cursor }));

  const update = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next, { replace: true });
  };
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const v = formValues(e.currentTarget);
    update({ user_id: v.user_id ?? null, from: v.from ?? null, to: v.to ?? null });
  };

  return (
    <>
      <PageHeader
        title="Customer access log"
        description={`Who opened which customer’s profile. Times in ${timeZone}.`}
        actions={
          <Link to={PATHS.audit} className="btn btn-ghost">
            <Icon name="audit" size={20} /> Audit log
          </Link>
        }
      />
      <FilterPanel activeCount={['customer_id', 'user_id', 'from', 'to'].filter((k) => params.get(k)).length}>
        <div className="filters access-filters">
          <div className="field">
            <span className="label" id="access-customer-label">
              Customer
            </span>
            <div className="picked" role="group" aria-labelledby="access-customer-label">
              {customerId ? (
                <>
                  <Link to={`/customers/${customerId}`}>{customerName || 'Chosen customer'}</Link>
                  <Button small variant="ghost" icon="x" onClick={() => update({ customer_id: null, customer: null })}>
                    Any customer
                  </Button>
                </>
              ) : (
                <Button small icon="search" onClick={() => setPicking(true)}>
                  Choose a customer
                </Button>
              )}
            </div>
          </div>
          <form className="access-filter-form" role="search" aria-label="Filter the access log" onSubmit={onSubmit} key={params.toString()}>
            <SelectField
              label="Viewed by"
              name="user_id"
              defaultValue={filters.user_id}
              options={[{ value: '', label: 'Anyone' }, ...(users.data ?? []).map((u) => ({ value: u.id, label: u.name }))]}
            />
            <TextField label="From" name="from" type="date" defaultValue={from} max={to || undefined} />
            <TextField label="To" name="to" type="date" defaultValue={to} min={from || undefined} />
            <div className="filters-actions">
              <Button type="submit" icon="search">
                Apply
              </Button>
              {params.toString() ? (
                <Button variant="ghost" onClick={() => setParams(new URLSearchParams(), { replace: true })}>
                  Clear
                </Button>
              ) : null}
            </div>
          </form>
        </div>
      </FilterPanel>
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : list.items.length === 0 ? (
        <EmptyState title="No views match">
          <p>Try a wider date range or fewer filters.</p>
        </EmptyState>
      ) : (
        <>
          <ul className="list" aria-label="Profile views">
            {list.items.map((e) => (
              <li key={e.id} className="list-item">
                <Icon name="access" size={22} className="list-icon" />
                <div className="list-main">
                  <p className="list-title">
                    {e.user_name} <span className="audit-action">viewed</span>{' '}
                    <Link to={`/customers/${e.customer_id}`}>{e.customer_name}</Link>
                  </p>
                  <p className="muted small">
                    <time dateTime={e.at}>{fmt.dateTime(e.at)}</time>
                    {e.ip ? ` · ${e.ip}` : ''}
                  </p>
                </div>
              </li>
            ))}
          </ul>
          <LoadMore
            hasMore={list.hasNextPage}
            loading={list.isFetchingNextPage}
            onLoad={() => void list.fetchNextPage()}
            count={list.items.length}
            noun="views"
            one="view"
          />
        </>
      )}
      <Modal open={picking} onOpenChange={setPicking} title="Choose a customer" description="Show only views of this customer’s profile.">
        <CustomerPicker
          label="Find a customer"
          onPick={(c) => {
            update({ customer_id: c.id, customer: c.name });
            setPicking(false);
          }}
        />
      </Modal>
    </>
  );
}
