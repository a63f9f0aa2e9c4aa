// Typed calls for the manager's telecalling screens (wallboard, leads,
// settings, web forms, reports), named after the server's schemas.
import { api } from '../../../api';
import type { Download } from '../../../api/client';
import type { components } from '../../../api/schema';
import type { Page, PageParams } from '../../../api/types';

type Schemas = components['schemas'];

export type Wallboard = Schemas['Wallboard'];
/**
 * A telecaller on the board. `languages` is read when the server sends it
 * (the snapshot does not carry it yet); the languages editor then starts
 * from what is on record.
 */
export type AgentTile = Schemas['AgentTile'] & { languages?: string[] };
export type StoreTile = Schemas['StoreTile'];
export type Totals = Schemas['Totals'];
export type Thresholds = Schemas['Thresholds'];
export type LeadItem = Schemas['LeadItem'];
export type LeadState = Schemas['LeadState'];
export type LeadDetail = Schemas['LeadDetail'];
export type HistoryLine = Schemas['HistoryLine'];
export type CallItem = Schemas['CallItem'];
export type OtherCall = Schemas['OtherCall'];
export type Transfer = Schemas['Transfer'];
export type AssignResult = Schemas['AssignResult'];
export type LeadInput = Schemas['LeadInput'];
export type AssignRule = Schemas['AssignRule'];
export type TelecallingSettings = Schemas['Settings'];
export type SettingsInput = Schemas['SettingsInput'];
export type LeadForm = Schemas['LeadForm'];
export type ReportRow = Schemas['CallReportRow'];

/** GET /telecalling/reports (declared here: the schema's name "Report" is shared with imports). */
export interface CallReport {
  from: string;
  to: string;
  group_by: string;
  rows: ReportRow[];
}

export type ReportGroup = 'telecaller' | 'store';

export interface ReportParams {
  from: string;
  to: string;
  group_by: ReportGroup;
  store_id?: string;
}

export interface LeadFilters extends PageParams {
  store_id?: string;
  state?: LeadState | '';
  assigned_to?: string;
  unassigned?: boolean;
  open?: boolean;
  overdue?: boolean;
}

const enc = encodeURIComponent;

export const telecallingApi = {
  wallboard: (storeId?: string) => api.get<Wallboard>('/telecalling/wallboard', { store_id: storeId }),
  leads: (f: LeadFilters = {}) =>
    api.get<Page<LeadItem>>('/leads', {
      ...f,
      // Only "true" narrows; leave the others off the query.
      unassigned: f.unassigned ? true : undefined,
      overdue: f.overdue ? true : undefined,
      limit: f.limit ?? 25,
    }),
  lead: (id: string) => api.get<LeadDetail>(`/leads/${enc(id)}`),
  createLead: (body: LeadInput) => api.post<LeadItem>('/leads', body),
  setState: (id: string, state: LeadState, reason: string | null) => api.post<LeadItem>(`/leads/${enc(id)}/state`, { state, reason }),
  /** Without a user: each lead by its store's rule. */
  assign: (leadIds: string[], userId: string | null) =>
    api.post<AssignResult>('/leads/assign', userId ? { lead_ids: leadIds, user_id: userId } : { lead_ids: leadIds }),
  updateAgent: (userId: string, body: { status?: 'leave' | 'available'; languages?: string[] }) =>
    api.put<void>(`/telecalling/agents/${enc(userId)}`, body),
  settings: (storeId: string) => api.get<TelecallingSettings>(`/telecalling/settings/${enc(storeId)}`),
  saveSettings: (storeId: string, body: SettingsInput) => api.put<TelecallingSettings>(`/telecalling/settings/${enc(storeId)}`, body),
  forms: () => api.get<LeadForm[]>('/lead-forms'),
  createForm: (storeId: string, name: string) => api.post<LeadForm>('/lead-forms', { store_id: storeId, name }),
  removeForm: (id: string) => api.delete(`/lead-forms/${enc(id)}`),
  report: (p: ReportParams) => api.get<CallReport>('/telecalling/reports', { ...p }),
  downloadReport: (p: ReportParams, format: 'csv' | 'jsonl'): Promise<Download> => api.download('/telecalling/reports', { ...p, format }),
};

/** Query keys: everything under ["telecalling"] follows the floor live. */
export const TC_KEYS = {
  root: ['telecalling'] as const,
  wallboard: (storeId: string) => ['telecalling', 'wallboard', storeId] as const,
  leads: ['telecalling', 'leads'] as const,
  lead: (id: string) => ['telecalling', 'lead', id] as const,
  settings: (storeId: string) => ['telecalling', 'settings', storeId] as const,
  forms: ['telecalling', 'forms'] as const,
  report: ['telecalling', 'report'] as const,
};

/** Where the manager's telecalling screens live. */
export const TC_PATHS = {
  wallboard: '/wallboard',
  leads: '/leads',
  settings: '/telecalling/settings',
  reports: '/telecalling/reports',
  lead: (id: string) => `/leads/${encodeURIComponent(id)}`,
} as const;
