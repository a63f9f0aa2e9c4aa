// Typed calls for the support ticket screens, and the hooks that keep them
// current: the business's screens through real-time events (realtime/effects.ts),
// Karat support's (who have no socket) by asking again every few seconds.
import { useEffect, useState } from 'react';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api } from '../../api';
import { fetchAll, tenantsApi } from '../../api/endpoints';
import type { Page } from '../../api/types';
import { useMe } from '../../auth/useAuth';
import { PERMISSIONS } from '../../lib/nav';
import { useRealtime } from '../../realtime/context';
import {
  TICKET_KEYS,
  type NewTicket,
  type SupportStaff,
  type TicketAttachment,
  type TicketDetail,
  type TicketFilters,
  type TicketItem,
  type TicketMessage,
  type TicketSide,
  type TicketStatus,
  type TicketTemplate,
} from '../../lib/tickets';

const enc = encodeURIComponent;

export const ticketsApi = {
  list: (f: Partial<TicketFilters>, cursor: string | null, limit = 25) =>
    api.get<Page<TicketItem>>('/tickets', {
      q: f.q,
      status: f.status,
      category: f.category,
      priority: f.priority,
      tenant_id: f.tenant_id,
      // Only "true" narrows; leave the others off the query.
      breached: f.breached ? true : undefined,
      mine: f.mine ? true : undefined,
      cursor,
      limit,
    }),
  get: (id: string) => api.get<TicketDetail>(`/tickets/${enc(id)}`),
  create: (body: NewTicket) => api.post<TicketDetail>('/tickets', body),
  reply: (id: string, body: string, internal: boolean, attachmentIds: string[]) =>
    api.post<TicketMessage>(`/tickets/${enc(id)}/messages`, { body, internal, attachment_ids: attachmentIds }),
  setStatus: (id: string, status: TicketStatus, note: string | null) =>
    api.post<TicketDetail>(`/tickets/${enc(id)}/status`, { status, note }),
  assign: (id: string, userId: string | null) => api.post<TicketDetail>(`/tickets/${enc(id)}/assign`, { user_id: userId }),
  staff: () => api.get<SupportStaff[]>('/tickets/staff'),
  templates: () => api.get<TicketTemplate[]>('/ticket-templates'),
  createTemplate: (title: string, body: string) => api.post<TicketTemplate>('/ticket-templates', { title, body }),
  deleteTemplate: (id: string) => api.delete(`/ticket-templates/${enc(id)}`),
};

export const attachmentsApi = {
  /** The file itself is the body; platform staff name the ticket it is for. */
  upload: (file: Blob, name: string, contentType: string, ticketId?: string) =>
    api.upload<TicketAttachment>('/attachments', file, contentType, { name, ticket_id: ticketId }),
  get: (id: string, signal?: AbortSignal) => api.download(`/attachments/${enc(id)}`, undefined, signal),
};

/** Platform staff answer tickets of every business; the business raises and follows its own. */
export function useTicketSide(): TicketSide {
  const me = useMe();
  return me.permissions.includes(PERMISSIONS.ticketsManageAll) ? 'platform' : 'tenant';
}

/** How often Karat support's screens ask again (they have no live connection). */
export const PLATFORM_REFRESH_MS = 10_000;

/**
 * Refresh settings: support asks every 10 s and whenever the window comes
 * back; a business relies on live events, and asks every 10 s only while the
 * live connection is down.
 */
export function useTicketRefresh(side: TicketSide) {
  const { state } = useRealtime();
  // Both sides hear of changes live (platform staff through notices); poll only while offline.
  const poll = state !== 'live';
  return {
    refetchInterval: poll ? PLATFORM_REFRESH_MS : (false as const),
    refetchOnWindowFocus: side === 'platform' ? ('always' as const) : true,
    staleTime: side === 'platform' ? 5_000 : 30_000,
  };
}

/** The ticket list for these filters, page by page. */
export function useTicketList(filters: TicketFilters, side: TicketSide) {
  const refresh = useTicketRefresh(side);
  const q = useInfiniteQuery({
    queryKey: [...TICKET_KEYS.list, filters],
    queryFn: ({ pageParam }) => ticketsApi.list(filters, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    ...refresh,
  });
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  return { ...q, items };
}

export function useTicket(id: string, side: TicketSide) {
  const refresh = useTicketRefresh(side);
  return useQuery({ queryKey: TICKET_KEYS.one(id), queryFn: () => ticketsApi.get(id), ...refresh });
}

/** Response templates (platform staff). */
export function useTemplates(enabled = true) {
  return useQuery({ queryKey: TICKET_KEYS.templates, queryFn: () => ticketsApi.templates(), enabled });
}

/** Karat support staff tickets can be assigned to. */
export function useSupportStaff(enabled = true) {
  return useQuery({ queryKey: TICKET_KEYS.staff, queryFn: () => ticketsApi.staff(), enabled, staleTime: 5 * 60_000 });
}

/** Every business, for support's tenant filter. */
export function useTenantChoices(enabled = true) {
  return useQuery({
    queryKey: TICKET_KEYS.tenants,
    queryFn: () => fetchAll((p) => tenantsApi.list(p)),
    enabled,
    staleTime: 5 * 60_000,
  });
}

/** The current time, every `ms` (an SLA that runs out while the page is open turns red). */
export function useClock(ms = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = window.setInterval(() => setNow(Date.now()), ms);
    return () => window.clearInterval(id);
  }, [ms]);
  return now;
}
