// Data for the telecaller's console and the transfers screen: typed calls to
// the telecalling endpoints, and the hooks that keep them live.
import { useEffect, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../../../api';
import { fetchAll, usersApi } from '../../../api/endpoints';
import type { Page, User } from '../../../api/types';
import { useRealtime } from '../../../realtime/context';
import type { RealtimeEvent } from '../../../realtime/protocol';
import {
  TC_KEYS,
  telecallingInvalidations,
  type AgentStatus,
  type CallItem,
  type CallingSettings,
  type ConsoleView,
  type DispositionInput,
  type DispositionResult,
  type LeadDetail,
  type LeadItem,
  type NextLead,
  type StartedCall,
  type Transfer,
  type TransferStatus,
} from '../../../lib/telecalling';

const enc = encodeURIComponent;

export const telecallingApi = {
  console: () => api.get<ConsoleView>('/telecalling/console'),
  setStatus: (status: Extract<AgentStatus, 'available' | 'break'>) => api.put<ConsoleView>('/telecalling/status', { status }),
  next: () => api.post<NextLead>('/telecalling/next'),
  lead: (id: string) => api.get<LeadDetail>(`/leads/${enc(id)}`),
  /** My qualified leads (not in the call queue: they wait to be passed to sales). */
  qualified: () => api.get<Page<LeadItem>>('/leads', { state: 'qualified', limit: 50 }),
  startCall: (leadId: string) => api.post<StartedCall>(`/leads/${enc(leadId)}/calls`),
  endCall: (callId: string) => api.post<CallItem>(`/calls/${enc(callId)}/end`),
  dispose: (callId: string, body: DispositionInput) => api.post<DispositionResult>(`/calls/${enc(callId)}/disposition`, body),
  transfer: (leadId: string, toUser: string, note: string | null) =>
    api.post<Transfer>(`/leads/${enc(leadId)}/transfer`, { to_user: toUser, note }),
  transfers: (status?: TransferStatus) => api.get<Transfer[]>('/transfers', { status }),
  accept: (id: string, appointmentAt: string | null) =>
    api.post<Transfer>(`/transfers/${enc(id)}/accept`, { appointment_at: appointmentAt }),
  reject: (id: string, reason: string) => api.post<Transfer>(`/transfers/${enc(id)}/reject`, { reason }),
  settings: (storeId: string) => api.get<CallingSettings>(`/telecalling/settings/${enc(storeId)}`),
  /** Active sales reps of a store (who a qualified lead can be passed to). */
  salesReps: (storeId: string): Promise<User[]> =>
    fetchAll((p) => usersApi.list({ ...p, role: 'sales_rep', store_id: storeId, active: true })),
};

/**
 * Keeps the telecalling screens live: every `telecalling` event marks the
 * queries it touches stale (the console, that lead, transfers), and a
 * reconnect refreshes the console (being online decides who gets leads).
 * `onEvent` sees each event too (for a toast).
 */
export function useTelecallingLive(onEvent?: (ev: RealtimeEvent) => void) {
  const qc = useQueryClient();
  const { subscribe, onState } = useRealtime();
  const handler = useRef(onEvent);
  useEffect(() => {
    handler.current = onEvent;
  }, [onEvent]);
  useEffect(
    () =>
      subscribe((ev) => {
        if (ev.topic !== 'telecalling') return;
        for (const key of telecallingInvalidations(ev)) void qc.invalidateQueries({ queryKey: key });
        handler.current?.(ev);
      }),
    [subscribe, qc],
  );
  useEffect(
    () =>
      onState((s) => {
        if (s === 'live') void qc.invalidateQueries({ queryKey: TC_KEYS.console });
      }),
    [onState, qc],
  );
}

/** The current time, ticking every `ms` while `on` (a clock on screen; nothing is fetched). */
export function useNow(ms = 1000, on = true): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!on) return;
    const id = window.setInterval(() => setNow(Date.now()), ms);
    return () => window.clearInterval(id);
  }, [ms, on]);
  return now;
}
