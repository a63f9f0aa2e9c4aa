// Support tickets on the web: the shapes (from the generated schema), their
// words, and the small pure rules the screens follow — which status moves each
// side is offered, how the SLA reads and the list filters in the URL (which
// files can be attached: lib/attachments.ts, shared with chat). Unit-tested.
import type { components } from '../api/schema';

type Schemas = components['schemas'];

export type TicketItem = Schemas['TicketItem'];
export type TicketDetail = Schemas['TicketDetail'];
export type TicketMessage = Schemas['TicketMessage'];
export type TicketAttachment = Schemas['Attachment'];
export type TicketTemplate = Schemas['Template'];
export type SupportStaff = Schemas['StaffMember'];
export type TicketStatus = Schemas['TicketStatus'];
export type TicketCategory = Schemas['TicketCategory'];
export type TicketPriority = Schemas['Priority'];
export type NewTicket = Schemas['NewTicket'];

/** Who looks at a ticket: Karat support (platform staff) or the business that raised it. */
export type TicketSide = 'platform' | 'tenant';

/** Query keys of the ticket screens (the real-time effects refresh them). */
export const TICKET_KEYS = {
  root: ['tickets'] as const,
  list: ['tickets', 'list'] as const,
  one: (id: string) => ['tickets', 'one', id] as const,
  templates: ['tickets', 'templates'] as const,
  staff: ['tickets', 'staff'] as const,
  tenants: ['tickets', 'tenants'] as const,
};

// ---------------------------------------------------------------- words

export const TICKET_STATUSES: readonly TicketStatus[] = ['open', 'in_progress', 'resolved', 'closed'];
export const TICKET_CATEGORIES: readonly TicketCategory[] = ['technical', 'billing', 'account', 'data', 'feature', 'other'];
export const TICKET_PRIORITIES: readonly TicketPriority[] = ['low', 'normal', 'high', 'urgent'];

export const TICKET_STATUS_LABELS: Record<TicketStatus, string> = {
  open: 'Open',
  in_progress: 'In progress',
  resolved: 'Resolved',
  closed: 'Closed',
};

export const TICKET_STATUS_TONES: Record<TicketStatus, 'gold' | 'warn' | 'good' | 'neutral'> = {
  open: 'gold',
  in_progress: 'warn',
  resolved: 'good',
  closed: 'neutral',
};

export const TICKET_CATEGORY_LABELS: Record<TicketCategory, string> = {
  technical: 'Technical problem',
  billing: 'Billing',
  account: 'Account and sign-in',
  data: 'Data (customers, imports)',
  feature: 'Feature request',
  other: 'Something else',
};

export const TICKET_PRIORITY_LABELS: Record<TicketPriority, string> = {
  low: 'Low',
  normal: 'Normal',
  high: 'High',
  urgent: 'Urgent',
};

/** How long Karat support has to resolve a ticket of each priority (the server's SLA). */
export const TICKET_SLA_HOURS: Record<TicketPriority, number> = { urgent: 4, high: 8, normal: 24, low: 72 };

export const TICKET_PRIORITY_HINTS: Record<TicketPriority, string> = {
  low: 'A question or a small annoyance; within 3 days.',
  normal: 'Something does not work as it should; within a day.',
  high: 'Staff are held up; within 8 hours.',
  urgent: 'The business cannot work (nobody can sign in, data missing); within 4 hours.',
};

export const TICKET_PRIORITY_TONES: Record<TicketPriority, 'neutral' | 'gold' | 'warn' | 'bad'> = {
  low: 'neutral',
  normal: 'neutral',
  high: 'warn',
  urgent: 'bad',
};

const isStatus = (v: string): v is TicketStatus => (TICKET_STATUSES as readonly string[]).includes(v);
const isCategory = (v: string): v is TicketCategory => (TICKET_CATEGORIES as readonly string[]).includes(v);
const isPriority = (v: string): v is TicketPriority => (TICKET_PRIORITIES as readonly string[]).includes(v);

export function statusLabel(s: string): string {
  return isStatus(s) ? TICKET_STATUS_LABELS[s] : s.replace(/_/g, ' ');
}
export function statusTone(s: string): 'gold' | 'warn' | 'good' | 'neutral' {
  return isStatus(s) ? TICKET_STATUS_TONES[s] : 'neutral';
}
export function categoryLabel(c: string): string {
  return isCategory(c) ? TICKET_CATEGORY_LABELS[c] : c.replace(/_/g, ' ');
}
export function priorityLabel(p: string): string {
  return isPriority(p) ? TICKET_PRIORITY_LABELS[p] : p;
}
export function priorityTone(p: string): 'neutral' | 'gold' | 'warn' | 'bad' {
  return isPriority(p) ? TICKET_PRIORITY_TONES[p] : 'neutral';
}

// ---------------------------------------------------------------- status machine

export interface StatusAction {
  to: TicketStatus;
  label: string;
  /** What happens, for the button's description. */
  hint: string;
  variant: 'primary' | 'secondary';
}

/**
 * The status moves `side` may make from `status` (the server's machine):
 * platform staff start work and resolve; either side closes a resolved
 * ticket; the business reopens a resolved or closed one until `reopenUntil`.
 */
export function statusActions(status: string, side: TicketSide, reopenUntil: string | null | undefined, now: number): StatusAction[] {
  const canReopen = reopenUntil ? Date.parse(reopenUntil) >= now : false;
  const reopen: StatusAction = {
    to: 'open',
    label: 'Reopen',
    hint: 'The problem is back or was not solved: Karat support looks at it again.',
    variant: 'secondary',
  };
  const close = (variant: 'primary' | 'secondary'): StatusAction => ({
    to: 'closed',
    label: 'Close ticket',
    hint: side === 'tenant' ? 'The problem is solved: close the ticket.' : 'Close it now instead of a week after resolution.',
    variant,
  });
  const resolve: StatusAction = {
    to: 'resolved',
    label: 'Resolve',
    hint: 'The answer is given: the business may close or reopen it.',
    variant: 'primary',
  };
  if (side === 'platform') {
    switch (status) {
      case 'open':
        return [
          { to: 'in_progress', label: 'Start work', hint: 'Tell the business Karat support is on it.', variant: 'primary' },
          { ...resolve, variant: 'secondary' },
        ];
      case 'in_progress':
        return [resolve];
      case 'resolved':
        return [close('secondary')];
      default:
        return [];
    }
  }
  switch (status) {
    case 'resolved':
      return canReopen ? [close('primary'), reopen] : [close('primary')];
    case 'closed':
      return canReopen ? [reopen] : [];
    default:
      return [];
  }
}

/** Whether a reply can still be written (a closed ticket must be reopened first). */
export function canReply(status: string): boolean {
  return status !== 'closed';
}

// ---------------------------------------------------------------- SLA

export type SlaState =
  /** Resolved or closed in time. */
  | 'met'
  /** Marked as past its SLA by the server, or due and still not resolved. */
  | 'breached'
  /** Still open, due in the future. */
  | 'due';

export function slaState(t: Pick<TicketItem, 'status' | 'sla_due_at' | 'sla_breached_at'>, now: number): SlaState {
  if (t.sla_breached_at) return 'breached';
  if (t.status === 'resolved' || t.status === 'closed') return 'met';
  return Date.parse(t.sla_due_at) < now ? 'breached' : 'due';
}

// ---------------------------------------------------------------- list filters

export interface TicketFilters {
  q: string;
  status: TicketStatus | '';
  category: TicketCategory | '';
  priority: TicketPriority | '';
  breached: boolean;
  /** Platform staff only. */
  tenant_id: string;
  /** Platform staff only: assigned to me. */
  mine: boolean;
}

/** The filters in the list's URL (unknown values are ignored; tenant filters only for platform staff). */
export function ticketFiltersFrom(params: URLSearchParams, side: TicketSide): TicketFilters {
  const s = params.get('status') ?? '';
  const c = params.get('category') ?? '';
  const p = params.get('priority') ?? '';
  return {
    q: (params.get('q') ?? '').trim(),
    status: isStatus(s) ? s : '',
    category: isCategory(c) ? c : '',
    priority: isPriority(p) ? p : '',
    breached: params.get('breached') === '1',
    tenant_id: side === 'platform' ? (params.get('tenant') ?? '') : '',
    mine: side === 'platform' && params.get('mine') === '1',
  };
}

/** The URL for these filters (the inverse of ticketFiltersFrom; empty ones are left out). */
export function ticketFilterParams(f: Partial<TicketFilters>): URLSearchParams {
  const out = new URLSearchParams();
  if (f.q) out.set('q', f.q);
  if (f.status) out.set('status', f.status);
  if (f.category) out.set('category', f.category);
  if (f.priority) out.set('priority', f.priority);
  if (f.breached) out.set('breached', '1');
  if (f.tenant_id) out.set('tenant', f.tenant_id);
  if (f.mine) out.set('mine', '1');
  return out;
}

/** How many filters narrow the list (for the phone's "Filters (n)" button). */
export function activeFilterCount(f: TicketFilters): number {
  return [f.q, f.status, f.category, f.priority, f.breached, f.tenant_id, f.mine].filter(Boolean).length;
}

// ---------------------------------------------------------------- templates

/** The reply text after inserting a template: it fills an empty reply, or follows what is written after a blank line. */
export function withTemplate(current: string, template: string): string {
  const body = template.trim();
  if (current.trim() === '') return body;
  return `${current.replace(/\s+$/, '')}\n\n${body}`;
}
