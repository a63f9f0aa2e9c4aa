import { type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { auditApi, fetchAll, usersApi } from '../../api/endpoints';
import type { AuditFilters } from '../../api/types';
import { useMe } from '../../auth/useAuth';
import { Button, EmptyState, ErrorState, Loading, PageHeader, SelectField, TextField } from '../../components/ui';
import { formValues, useTitle } from '../../lib/forms';
import { LoadMore } from '../../components/LoadMore';
import { FilterPanel } from '../../components/FilterPanel';
import { PATHS, PERMISSIONS, canReadAccessLog } from '../../lib/nav';
import { Icon } from '../../components/Icon';
import { usePaged } from '../../lib/usePaged';
import { useLocaleSettings } from '../../lib/locale';
import { addDays, zonedDayStart } from '../../lib/format';
import { AuditList } from './AuditList';

const ENTITY_SUGGESTIONS = ['user', 'store', 'tenant', 'session', 'auth'];
const ACTION_SUGGESTIONS = ['create', 'update', 'deactivate', 'reactivate', 'login', 'logout', 'password_change', 'password_reset'];
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export default function AuditPage() {
  useTitle('Audit log');
  const me = useMe();
  const { timeZone } = useLocaleSettings();
  const [params, setParams] = useSearchParams();
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  const filters: AuditFilters = {
    entity: params.get('entity') ?? '',
    action: params.get('action') ?? '',
    actor_id: params.get('actor_id') ?? '',
    entity_id: params.get('entity_id') ?? '',
    // Whole days in the business's time zone; "to" includes that day.
    from: DAY.test(from) ? zonedDayStart(from, timeZone) : '',
    to: DAY.test(to) ? zonedDayStart(addDays(to, 1), timeZone) : '',
  };
  const canListUsers = me.permissions.includes(PERMISSIONS.usersManage) && me.tenant !== null;
  const actors = useQuery({
    queryKey: ['users', 'all-for-audit'],
    queryFn: () => fetchAll(usersApi.list),
    enabled: canListUsers,
  });
  const list = usePaged(['audit', 'list', filters], (cursor) => auditApi.list({ ...filters, cursor }));

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const v = formValues(e.currentTarget);
    const next = new URLSearchParams();
    for (const k of ['entity', 'action', 'actor_id', 'entity_id', 'from', 'to'] as const) {
      const val = v[k];
      if (val) next.set(k, val);
    }
    setParams(next, { replace: true });
  };

  return (
    <>
      <PageHeader
        title="Audit log"
        description={
          me.tenant
            ? `Who changed what in ${me.tenant.name}. Times in ${timeZone}.`
            : 'Platform-level changes: tenants, plans and their administrators.'
        }
        actions={
          canReadAccessLog(me.permissions, me.user.role) ? (
            <Link to={PATHS.accessLog} className="btn btn-ghost">
              <Icon name="access" size={20} /> Customer access log
            </Link>
          ) : null
        }
      />
      <FilterPanel activeCount={['entity', 'action', 'actor_id', 'entity_id', 'from', 'to'].filter((k) => params.get(k)).length}>
        <form className="filters" role="search" aria-label="Filter audit log" onSubmit={onSubmit} key={params.toString()}>
          <TextField label="Entity" name="entity" list="audit-entities" defaultValue={filters.entity} placeholder="e.g. user" />
          <datalist id="audit-entities">
            {ENTITY_SUGGESTIONS.map((s) => (
              <option key={s} value={s} />
            ))}
          </datalist>
          <TextField label="Action" name="action" list="audit-actions" defaultValue={filters.action} placeholder="e.g. update" />
          <datalist id="audit-actions">
            {ACTION_SUGGESTIONS.map((s) => (
              <option key={s} value={s} />
            ))}
          </datalist>
          {canListUsers ? (
            <SelectField
              label="Actor"
              name="actor_id"
              defaultValue={filters.actor_id}
              options={[{ value: '', label: 'Anyone' }, ...(actors.data ?? []).map((u) => ({ value: u.id, label: u.name }))]}
            />
          ) : (
            <TextField label="Actor ID" name="actor_id" defaultValue={filters.actor_id} autoComplete="off" />
          )}
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
      </FilterPanel>
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : list.items.length === 0 ? (
        <EmptyState title="No entries match">
          <p>Try a wider date range or fewer filters.</p>
        </EmptyState>
      ) : (
        <>
          <AuditList entries={list.items} />
          <LoadMore
            hasMore={list.hasNextPage}
            loading={list.isFetchingNextPage}
            onLoad={() => void list.fetchNextPage()}
            count={list.items.length}
            noun="entries"
          />
        </>
      )}
    </>
  );
}
