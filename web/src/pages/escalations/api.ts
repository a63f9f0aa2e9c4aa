// Typed calls for the escalation screens, and the hooks that keep them
// current: live events refresh them (realtime/effects.ts); while the live
// connection is down they ask again every 15 s.
import { useMemo } from 'react';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api } from '../../api';
import type { Page, User } from '../../api/types';
import {
  ESCALATION_KEYS,
  listQuery,
  type EscalationDetail,
  type EscalationFilters,
  type EscalationItem,
  type EscalationStatus,
  type NewEscalation,
} from '../../lib/escalations';
import { useRealtime } from '../../realtime/context';
import { useStaff } from '../customers/hooks';

const enc = encodeURIComponent;

export const escalationsApi = {
  list: (q: ReturnType<typeof listQuery>, cursor: string | null, limit = 25) =>
    api.get<Page<EscalationItem>>('/escalations', { ...q, cursor, limit }),
  get: (id: string) => api.get<EscalationDetail>(`/escalations/${enc(id)}`),
  create: (body: NewEscalation) => api.post<EscalationDetail>('/escalations', body),
  note: (id: string, body: string, internal: boolean) => api.post<EscalationDetail>(`/escalations/${enc(id)}/notes`, { body, internal }),
  setStatus: (id: string, status: EscalationStatus, resolution: string | null) =>
    api.post<EscalationDetail>(`/escalations/${enc(id)}/status`, { status, resolution }),
  assign: (id: string, userId: string) => api.post<EscalationDetail>(`/escalations/${enc(id)}/assign`, { user_id: userId }),
};

function useRefresh() {
  const { state } = useRealtime();
  return { refetchInterval: state === 'live' ? (false as const) : 15_000 };
}

/** One column of the board (or the closed list), page by page. */
export function useEscalationList(filters: EscalationFilters, status: EscalationStatus) {
  const refresh = useRefresh();
  const q = listQuery(filters, status);
  const list = useInfiniteQuery({
    queryKey: [...ESCALATION_KEYS.list, q],
    queryFn: ({ pageParam }) => escalationsApi.list(q, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    ...refresh,
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return { ...list, items };
}

export function useEscalation(id: string) {
  const refresh = useRefresh();
  return useQuery({ queryKey: ESCALATION_KEYS.one(id), queryFn: () => escalationsApi.get(id), ...refresh });
}

/**
 * Who an escalation of `storeId` can be handed to: active colleagues of the
 * store (marketing staff do not take escalations) and the business admins.
 */
export function useAssignees(storeId: string, enabled = true) {
  const ofStore = useStaff(storeId || undefined, enabled && storeId !== '');
  const everyone = useStaff(undefined, enabled);
  const people = useMemo(() => {
    const byId = new Map<string, User>();
    for (const u of ofStore.staff) if (u.role !== 'marketing' && u.role !== 'platform_admin') byId.set(u.id, u);
    for (const u of everyone.staff) if (u.role === 'business_admin') byId.set(u.id, u);
    return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name));
  }, [ofStore.staff, everyone.staff]);
  return { people, isPending: ofStore.isPending && storeId !== '', isError: ofStore.isError };
}
