// Data hooks shared by the customer, visit and access-log screens.
import { useMemo } from 'react';
import { useQuery, type QueryClient } from '@tanstack/react-query';
import { fetchAll, storesApi, usersApi } from '../../api/endpoints';
import type { Store, User } from '../../api/types';
import { useMe } from '../../auth/useAuth';
import { PERMISSIONS } from '../../lib/nav';
import { currencyDigits } from '../../lib/format';
import { useFormat } from '../../lib/locale';

/** The stores the signed-in user can see (all of the tenant's for business admins), cached. */
export function useStores() {
  const me = useMe();
  const enabled = me.permissions.includes(PERMISSIONS.storesRead) || me.permissions.includes(PERMISSIONS.storesManage);
  const q = useQuery({ queryKey: ['stores', 'all'], queryFn: () => fetchAll(storesApi.list), enabled });
  const byId = useMemo(() => new Map((q.data ?? []).map((s) => [s.id, s])), [q.data]);
  return { ...q, stores: q.data ?? [], byId };
}

/** Where a new record is made by default: the user's first store, else the first active one. */
export function defaultStoreId(stores: Store[], myStoreIds: readonly string[]): string {
  const mine = myStoreIds.find((id) => stores.some((s) => s.id === id && s.active));
  return mine ?? myStoreIds[0] ?? stores.find((s) => s.active)?.id ?? '';
}

/** Active users (for staff pickers and names), optionally of one store. */
export function useStaff(storeId?: string, enabled = true) {
  const me = useMe();
  const can = me.permissions.includes('users.read') || me.permissions.includes(PERMISSIONS.usersManage);
  const q = useQuery({
    queryKey: ['users', 'staff', storeId ?? 'all'],
    queryFn: () => fetchAll((p) => usersApi.list({ ...p, active: true, store_id: storeId ?? '' })),
    enabled: enabled && can,
  });
  const byId = useMemo(() => new Map((q.data ?? []).map((u: User) => [u.id, u])), [q.data]);
  return { ...q, staff: q.data ?? [], byId };
}

/** Whole currency units (as the customer API counts money) in the tenant's currency. */
export function useWholeMoney(): (units: number) => string {
  const fmt = useFormat();
  return useMemo(() => {
    const digits = currencyDigits(fmt.settings.currency);
    return (units: number) => fmt.money(units * 10 ** digits);
  }, [fmt]);
}

/**
 * Refreshes customer lists and look-ups and these customers' timelines after a
 * change. Profiles are not refetched here: each read of a profile is written to
 * the access log, so callers put the saved customer into the cache instead.
 */
export async function refreshCustomers(qc: QueryClient, ids: string[] = []): Promise<void> {
  await Promise.all([
    ...['list', 'trash', 'picker', 'by-phone', 'access-log'].map((k) => qc.invalidateQueries({ queryKey: ['customers', k] })),
    ...ids.map((id) => qc.invalidateQueries({ queryKey: ['customers', 'timeline', id] })),
  ]);
}
