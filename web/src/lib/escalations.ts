// Escalations on the web (a customer's problem inside a business): the shapes
// (from the generated schema), their words, and the small pure rules the
// screens follow — which status moves are offered, how the SLA reads and the
// board's filters in the URL. Unit-tested.
import type { components } from '../api/schema';

type Schemas = components['schemas'];

export type EscalationItem = Schemas['EscalationItem'];
export type EscalationDetail = Schemas['EscalationDetail'];
export type EscalationNote = Schemas['EscalationNote'];
export type NewEscalation = Schemas['NewEscalation'];
export type EscalationStatus = Schemas['EscalationStatus'];
export type EscalationCategory = Schemas['EscalationCategory'];
export type EscalationPriority = Schemas['Priority'];

/** Query keys of the escalation screens (the real-time effects refresh them). */
export const ESCALATION_KEYS = {
  root: ['escalations'] as const,
  list: ['escalations', 'list'] as const,
  one: (id: string) => ['escalations', 'one', id] as const,
};

export const ESCALATION_PATHS = {
  board: '/escalations',
  create: '/escalations/new',
  one: (id: string) => `/escalations/${encodeURIComponent(id)}`,
  /** The create form for a customer (from their profile), with their home store. */
  forCustomer: (id: string, name: string, storeId?: string) =>
    `/escalations/new?${new URLSearchParams({ customer_id: id, customer: name, ...(storeId ? { store: storeId } : {}) }).toString()}`,
};

// ---------------------------------------------------------------- words

export const ESCALATION_STATUSES: readonly EscalationStatus[] = ['open', 'in_progress', 'resolved', 'closed'];
/** The board's columns; closed ones are behind a filter. */
export const BOARD_STATUSES: readonly EscalationStatus[] = ['open', 'in_progress', 'resolved'];
export const ESCALATION_CATEGORIES: readonly EscalationCategory[] = [
  'product_quality',
  'service',
  'billing',
  'delivery',
  'repair',
  'staff',
  'other',
];
export const ESCALATION_PRIORITIES: readonly EscalationPriority[] = ['urgent', 'high', 'normal', 'low'];

export const STATUS_LABELS: Record<EscalationStatus, string> = {
  open: 'Open',
  in_progress: 'In progress',
  resolved: 'Resolved',
  closed: 'Closed',
};

export const STATUS_TONES: Record<EscalationStatus, 'gold' | 'warn' | 'good' | 'neutral'> = {
  open: 'gold',
  in_progress: 'warn',
  resolved: 'good',
  closed: 'neutral',
};

export const CATEGORY_LABELS: Record<EscalationCategory, string> = {
  product_quality: 'Product quality',
  service: 'Service',
  billing: 'Billing',
  delivery: 'Delivery',
  repair: 'Repair',
  staff: 'Staff behaviour',
  other: 'Something else',
};

export const PRIORITY_LABELS: Record<EscalationPriority, string> = {
  low: 'Low',
  normal: 'Normal',
  high: 'High',
  urgent: 'Urgent',
};

export const PRIORITY_TONES: Record<EscalationPriority, 'neutral' | 'warn' | 'bad'> = {
  low: 'neutral',
  normal: 'neutral',
  high: 'warn',
  urgent: 'bad',
};

/** Time to resolve, by priority (the server's SLA). */
export const SLA_HOURS: Record<EscalationPriority, number> = { urgent: 4, high: 24, normal: 48, low: 72 };

export const PRIORITY_HINTS: Record<EscalationPriority, string> = {
  urgent: 'The customer is in the store or very upset: within 4 hours.',
  high: 'Within a day.',
  normal: 'Within 2 days.',
  low: 'Within 3 days.',
};

/** Where an escalation sits: with its assignee, or climbed past its SLA. */
export const LEVEL_LABELS: Record<number, string> = {
  0: 'With the assignee',
  1: 'Escalated to the store managers',
  2: 'Escalated to the business admins',
};

const isStatus = (v: string): v is EscalationStatus => (ESCALATION_STATUSES as readonly string[]).includes(v);
const isCategory = (v: string): v is EscalationCategory => (ESCALATION_CATEGORIES as readonly string[]).includes(v);
const isPriority = (v: string): v is EscalationPriority => (ESCALATION_PRIORITIES as readonly string[]).includes(v);

export const statusLabel = (s: string) => (isStatus(s) ? STATUS_LABELS[s] : s.replace(/_/g, ' '));
export const statusTone = (s: string) => (isStatus(s) ? STATUS_TONES[s] : 'neutral');
export const categoryLabel = (c: string) => (isCategory(c) ? CATEGORY_LABELS[c] : c.replace(/_/g, ' '));
export const priorityLabel = (p: string) => (isPriority(p) ? PRIORITY_LABELS[p] : p);
export const priorityTone = (p: string) => (isPriority(p) ? PRIORITY_TONES[p] : 'neutral');
export const levelLabel = (level: number) => LEVEL_LABELS[level] ?? LEVEL_LABELS[2] ?? '';

// ---------------------------------------------------------------- status machine

export interface StatusMove {
  to: EscalationStatus;
  label: string;
  hint: string;
  variant: 'primary' | 'secondary';
  /** Resolving asks what was done for the customer. */
  needsResolution: boolean;
}

const RESOLVE: StatusMove = {
  to: 'resolved',
  label: 'Resolve',
  hint: 'Say what was done for the customer. They are then asked how well it was handled.',
  variant: 'primary',
  needsResolution: true,
};

/**
 * The moves the server's machine allows from `status`: open → in progress or
 * resolved; in progress → resolved; resolved → closed or back to in progress.
 */
export function statusMoves(status: string): StatusMove[] {
  switch (status) {
    case 'open':
      return [
        { to: 'in_progress', label: 'Start work', hint: 'Show the team someone is on it.', variant: 'primary', needsResolution: false },
        { ...RESOLVE, variant: 'secondary' },
      ];
    case 'in_progress':
      return [RESOLVE];
    case 'resolved':
      return [
        {
          to: 'closed',
          label: 'Close',
          hint: 'Nothing more to do: the escalation is closed for good.',
          variant: 'primary',
          needsResolution: false,
        },
        {
          to: 'in_progress',
          label: 'Reopen',
          hint: 'The problem is back or was not solved: work on it again.',
          variant: 'secondary',
          needsResolution: false,
        },
      ];
    default:
      return [];
  }
}

/** Notes can be added until the escalation is closed. */
export const canAddNotes = (status: string) => status !== 'closed';

/** Whether an escalation still waits for a resolution. */
export const isActive = (status: string) => status === 'open' || status === 'in_progress';

// ---------------------------------------------------------------- SLA

export type SlaState =
  /** Resolved or closed. */
  | 'done'
  /** Due later. */
  | 'ok'
  /** Due within the last quarter of its time (at least the last hour). */
  | 'soon'
  /** Past due. */
  | 'overdue';

export function slaState(e: Pick<EscalationItem, 'status' | 'sla_due_at' | 'created_at'>, now: number): SlaState {
  if (!isActive(e.status)) return 'done';
  const due = Date.parse(e.sla_due_at);
  if (due <= now) return 'overdue';
  const window = Math.max(0, due - Date.parse(e.created_at));
  const soon = Math.max(60 * 60 * 1000, window / 4);
  return due - now <= soon ? 'soon' : 'ok';
}

/** How loud the SLA line is: red past due or once escalated, amber when close. */
export function slaTone(
  e: Pick<EscalationItem, 'status' | 'sla_due_at' | 'created_at' | 'level'>,
  now: number,
): 'bad' | 'warn' | 'neutral' {
  const s = slaState(e, now);
  if (s === 'done') return 'neutral';
  if (s === 'overdue' || e.level > 0) return 'bad';
  return s === 'soon' ? 'warn' : 'neutral';
}

// ---------------------------------------------------------------- board filters

export interface EscalationFilters {
  store_id: string;
  priority: EscalationPriority | '';
  /** Only the ones I hold. */
  mine: boolean;
  /** Only the ones past their SLA. */
  escalated: boolean;
  /** Show the closed ones (a list) instead of the board. */
  closed: boolean;
}

export function escalationFiltersFrom(params: URLSearchParams): EscalationFilters {
  const p = params.get('priority') ?? '';
  return {
    store_id: params.get('store') ?? '',
    priority: isPriority(p) ? p : '',
    mine: params.get('mine') === '1',
    escalated: params.get('escalated') === '1',
    closed: params.get('closed') === '1',
  };
}

export function escalationFilterParams(f: Partial<EscalationFilters>): URLSearchParams {
  const out = new URLSearchParams();
  if (f.store_id) out.set('store', f.store_id);
  if (f.priority) out.set('priority', f.priority);
  if (f.mine) out.set('mine', '1');
  if (f.escalated) out.set('escalated', '1');
  if (f.closed) out.set('closed', '1');
  return out;
}

export function activeFilterCount(f: EscalationFilters): number {
  return [f.store_id, f.priority, f.mine, f.escalated, f.closed].filter(Boolean).length;
}

/** The list query for one column (or the closed list) with these filters. */
export function listQuery(f: EscalationFilters, status: EscalationStatus) {
  return {
    status,
    store_id: f.store_id || undefined,
    priority: f.priority || undefined,
    // Only "true" narrows; leave the others off the query.
    mine: f.mine ? true : undefined,
    escalated: f.escalated ? true : undefined,
  };
}
