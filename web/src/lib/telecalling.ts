// Telecalling on the web: the shapes of the console and transfers (from the
// generated schema), their vocabularies, and the small pure rules the screens
// follow — which cached queries an event makes stale, the wrap-up clock, quick
// picks for a call-back time and the disposition form. Unit-tested.
import type { components } from '../api/schema';
import type { RealtimeEvent } from '../realtime/protocol';
import { addDays, isoToZonedLocal, zonedLocalToIso } from './format';

type Schemas = components['schemas'];

export type LeadItem = Schemas['LeadItem'];
export type LeadState = Schemas['LeadState'];
export type LeadDetail = Schemas['LeadDetail'];
export type CallItem = Schemas['CallItem'];
export type OtherCall = Schemas['OtherCall'];
export type Transfer = Schemas['Transfer'];
export type ConsoleView = Schemas['Console'];
export type DayCounts = Schemas['DayCounts'];
export type AgentStatus = Schemas['AgentStatus'];
export type Disposition = Schemas['Disposition'];
export type NextStep = Schemas['NextStep'];
export type Sentiment = Schemas['Sentiment'];
export type StartedCall = Schemas['StartedCall'];
export type NextLead = Schemas['NextLead'];
export type DispositionInput = Schemas['DispositionInput'];
export type DispositionResult = Schemas['DispositionResult'];
export type CallingSettings = Schemas['Settings'];
export type TransferStatus = 'pending' | 'accepted' | 'rejected';

// ---------------------------------------------------------------- words

export const AGENT_STATUS_LABELS: Record<AgentStatus, string> = {
  available: 'Available',
  on_call: 'On a call',
  wrap_up: 'Wrap-up',
  break: 'On a break',
  leave: 'On leave',
};

export const DISPOSITION_LABELS: Record<Disposition, string> = {
  connected: 'Connected',
  no_answer: 'No answer',
  busy: 'Busy',
  switched_off: 'Switched off',
  wrong_number: 'Wrong number',
  call_back: 'Call back',
  not_interested: 'Not interested',
};

export const NEXT_STEP_LABELS: Record<NextStep, string> = {
  none: 'No next step',
  follow_up: 'Follow up',
  revisit: 'Store visit',
  qualified: 'Qualified',
  converted: 'Converted',
  lost: 'Lost',
};

export const SENTIMENT_LABELS: Record<Sentiment, string> = {
  positive: 'Positive',
  neutral: 'Neutral',
  negative: 'Negative',
};

export const TRANSFER_STATUS_LABELS: Record<TransferStatus, string> = {
  pending: 'Waiting for an answer',
  accepted: 'Accepted',
  rejected: 'Returned',
};

const opts = <T extends string>(labels: Record<T, string>) =>
  (Object.keys(labels) as T[]).map((value) => ({ value, label: labels[value] }));
export const DISPOSITION_OPTIONS = opts(DISPOSITION_LABELS);
export const NEXT_STEP_OPTIONS = opts(NEXT_STEP_LABELS);
export const SENTIMENT_OPTIONS = opts(SENTIMENT_LABELS);

/** "High", "Normal" or "Low" for a lead's priority (1, 2, 3). */
export function priorityLabel(priority: number): string {
  return priority <= 1 ? 'High' : priority >= 3 ? 'Low' : 'Normal';
}

// ---------------------------------------------------------------- live updates

/** Query keys of the telecalling screens. */
export const TC_KEYS = {
  console: ['telecalling', 'console'] as const,
  /** Under the console's key, so everything that refreshes the console refreshes it. */
  qualified: ['telecalling', 'console', 'qualified'] as const,
  lead: (id: string) => ['telecalling', 'lead', id] as const,
  transfers: ['telecalling', 'transfers'] as const,
  settings: (storeId: string) => ['telecalling', 'settings', storeId] as const,
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const idIn = (p: unknown, outer: string, inner: string): string | null => {
  if (!isObject(p)) return null;
  const o = p[outer];
  return isObject(o) && typeof o[inner] === 'string' ? o[inner] : null;
};

/**
 * The cached queries a `telecalling` event makes stale. The console (status,
 * queue, open call, counts) follows every event its user receives; a lead's,
 * call's or transfer's event also refreshes that lead's card.
 */
export function telecallingInvalidations(ev: Pick<RealtimeEvent, 'topic' | 'kind' | 'payload'>): (readonly string[])[] {
  if (ev.topic !== 'telecalling') return [];
  const p = ev.payload;
  const out: (readonly string[])[] = [TC_KEYS.console];
  const [family] = ev.kind.split('.');
  const leadId =
    family === 'lead'
      ? idIn(p, 'lead', 'id')
      : family === 'call'
        ? idIn(p, 'call', 'lead_id')
        : family === 'transfer'
          ? idIn(p, 'transfer', 'lead_id')
          : null;
  if (leadId) out.push(TC_KEYS.lead(leadId));
  if (family === 'lead') {
    const customerId = idIn(p, 'lead', 'customer_id');
    if (customerId) out.push(['customers', 'timeline', customerId]);
  }
  if (family === 'transfer') out.push(TC_KEYS.transfers);
  if (ev.kind === 'settings.updated') {
    const store = isObject(p) && typeof p.store_id === 'string' ? p.store_id : null;
    out.push(store ? TC_KEYS.settings(store) : ['telecalling', 'settings']);
  }
  return out;
}

/** What a `lead.assigned` event means for this user: a lead came, went, or neither. */
export function assignmentFor(
  ev: Pick<RealtimeEvent, 'topic' | 'kind' | 'payload'>,
  myUserId: string,
): { change: 'gained' | 'lost'; name: string; leadId: string } | null {
  if (ev.topic !== 'telecalling' || ev.kind !== 'lead.assigned' || !isObject(ev.payload)) return null;
  const lead = ev.payload.lead;
  if (!isObject(lead) || typeof lead.id !== 'string') return null;
  const name = typeof lead.customer_name === 'string' ? lead.customer_name : 'A customer';
  const to = lead.assigned_to;
  const previous = ev.payload.previous;
  if (to === myUserId && previous !== myUserId) return { change: 'gained', name, leadId: lead.id };
  if (previous === myUserId && to !== myUserId) return { change: 'lost', name, leadId: lead.id };
  return null;
}

// ---------------------------------------------------------------- clocks

/** Seconds as a clock: 65 → "1:05", 3725 → "1:02:05". */
export function clock(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** Talk time in words: 0 → "0 min", 75 → "1 min", 3900 → "1 h 5 min". */
export function talkTime(totalSeconds: number): string {
  const minutes = Math.floor(Math.max(0, totalSeconds) / 60);
  const h = Math.floor(minutes / 60);
  return h > 0 ? `${h} h ${minutes % 60} min` : `${minutes} min`;
}

/** Whole seconds from `iso` to `now` (never negative). */
export function secondsSince(iso: string, now: number): number {
  const t = new Date(iso).getTime();
  return Number.isNaN(t) ? 0 : Math.max(0, Math.floor((now - t) / 1000));
}

/** The wrap-up clock after a hang-up: seconds left, or how far over it is. */
export function wrapUpClock(endedAt: string, wrapUpSeconds: number, now: number): { overdue: boolean; seconds: number } {
  const left = wrapUpSeconds - secondsSince(endedAt, now);
  return left >= 0 ? { overdue: false, seconds: left } : { overdue: true, seconds: -left };
}

/** A follow-up that has fallen due (it is served before new leads). */
export function followUpDue(lead: Pick<LeadItem, 'follow_up_at'>, now: number): boolean {
  if (!lead.follow_up_at) return false;
  const t = new Date(lead.follow_up_at).getTime();
  return !Number.isNaN(t) && t <= now;
}

/** Where a lead stands against its "call within" deadline. */
export function slaState(lead: Pick<LeadItem, 'sla_due_at' | 'sla_breached_at'>, now: number): 'breached' | 'due' | null {
  if (lead.sla_breached_at) return 'breached';
  if (!lead.sla_due_at) return null;
  return new Date(lead.sla_due_at).getTime() < now ? 'breached' : 'due';
}

// ---------------------------------------------------------------- quick picks

export interface QuickPick {
  label: string;
  /** A datetime-local value ("YYYY-MM-DDTHH:MM") in the store's time zone. */
  local: string;
}

/**
 * Times to call back (or visit) in a tap, as wall-clock values of the store's
 * time zone: in two hours (rounded up to the quarter hour), tomorrow 11:00 and
 * 17:00, and the day after tomorrow 11:00.
 */
export function quickPicks(now: number, timeZone: string): QuickPick[] {
  const today = isoToZonedLocal(new Date(now).toISOString(), timeZone).slice(0, 10);
  const quarter = 15 * 60 * 1000;
  const soon = new Date(Math.ceil((now + 2 * 3600 * 1000) / quarter) * quarter).toISOString();
  return [
    { label: 'In 2 hours', local: isoToZonedLocal(soon, timeZone) },
    { label: 'Tomorrow 11:00', local: `${addDays(today, 1)}T11:00` },
    { label: 'Tomorrow 17:00', local: `${addDays(today, 1)}T17:00` },
    { label: 'In 2 days 11:00', local: `${addDays(today, 2)}T11:00` },
  ];
}

// ---------------------------------------------------------------- the disposition form

export interface DispositionDraft {
  disposition: Disposition | '';
  nextStep: NextStep;
  sentiment: Sentiment | '';
  /** Talk time as typed: minutes ("4") or minutes and seconds ("4:30"); empty: from the call. */
  duration: string;
  notes: string;
  /** datetime-local values in the store's time zone. */
  followUpAt: string;
  appointmentAt: string;
}

export function emptyDisposition(): DispositionDraft {
  return { disposition: '', nextStep: 'none', sentiment: '', duration: '', notes: '', followUpAt: '', appointmentAt: '' };
}

export const MAX_NOTES = 2000;
/** The server's limit on talk time: four hours. */
export const MAX_DURATION_SECONDS = 14_400;

/** Talk time as typed, in seconds: "" → null, "4" → 240, "4:30" → 270; anything else NaN. */
export function parseDuration(text: string): number | null {
  const t = text.trim();
  if (t === '') return null;
  const m = /^(\d{1,3})(?::([0-5]\d))?$/.exec(t);
  if (!m) return Number.NaN;
  return Number(m[1]) * 60 + Number(m[2] ?? 0);
}

/** Whether the draft asks for a call-back time (call back, or a connected call to follow up). */
export function needsFollowUp(d: Pick<DispositionDraft, 'disposition' | 'nextStep'>): boolean {
  return d.disposition === 'call_back' || (d.disposition === 'connected' && d.nextStep === 'follow_up');
}

/** Whether the draft books a store visit. */
export function needsAppointment(d: Pick<DispositionDraft, 'disposition' | 'nextStep'>): boolean {
  return d.disposition === 'connected' && d.nextStep === 'revisit';
}

/**
 * What is missing or wrong before the disposition can be saved, by the
 * server's field names. `nowLocal` is the current datetime-local value in the
 * store's time zone (times must be after it).
 */
export function checkDisposition(d: DispositionDraft, nowLocal: string): Record<string, string> {
  const errs: Record<string, string> = {};
  if (!d.disposition) errs.disposition = 'Choose how the call went.';
  const seconds = parseDuration(d.duration);
  if (seconds !== null && (Number.isNaN(seconds) || seconds > MAX_DURATION_SECONDS)) {
    errs.duration_seconds = 'Enter minutes (like 4) or minutes and seconds (like 4:30), up to 240 minutes.';
  }
  if (d.notes.length > MAX_NOTES) errs.notes = `Keep notes under ${MAX_NOTES} characters.`;
  if (needsFollowUp(d)) {
    if (!d.followUpAt) errs.follow_up_at = 'Say when to call back.';
    else if (d.followUpAt <= nowLocal) errs.follow_up_at = 'Choose a time in the future.';
  }
  if (needsAppointment(d)) {
    if (!d.appointmentAt) errs.appointment_at = 'Say when the customer will visit.';
    else if (d.appointmentAt <= nowLocal) errs.appointment_at = 'Choose a time in the future.';
  }
  return errs;
}

/** The request body for a checked draft; times are read in the store's time zone. */
export function toDispositionInput(d: DispositionDraft, timeZone: string): DispositionInput {
  if (!d.disposition) throw new Error('a disposition is required');
  const connected = d.disposition === 'connected';
  const seconds = parseDuration(d.duration);
  return {
    disposition: d.disposition,
    next_step: connected ? d.nextStep : null,
    sentiment: d.sentiment || null,
    duration_seconds: seconds === null || Number.isNaN(seconds) ? null : seconds,
    notes: d.notes.trim() || null,
    follow_up_at: needsFollowUp(d) && d.followUpAt ? zonedLocalToIso(d.followUpAt, timeZone) : null,
    appointment_at: needsAppointment(d) && d.appointmentAt ? zonedLocalToIso(d.appointmentAt, timeZone) : null,
  };
}

/**
 * The lead the console shows: the one on the open call; else the one chosen
 * (`null`: none, after it was closed or taken away); else, with no choice made
 * (`undefined`), the one the server last served.
 */
export function currentLeadId(view: Pick<ConsoleView, 'open_call' | 'me'>, chosen: string | null | undefined): string | null {
  if (view.open_call) return view.open_call.lead_id;
  return chosen === undefined ? (view.me.lead_id ?? null) : chosen;
}

/** One line about a decided transfer, for the telecaller who passed the lead on. */
export function transferOutcome(t: Pick<Transfer, 'status' | 'to_name' | 'reason' | 'appointment_id'>): string {
  switch (t.status) {
    case 'accepted':
      return t.appointment_id ? `${t.to_name} accepted and booked a visit.` : `${t.to_name} accepted: it is now their open deal.`;
    case 'rejected':
      return `${t.to_name} returned it${t.reason ? `: “${t.reason}”` : '.'}`;
    default:
      return `Waiting for ${t.to_name} to answer.`;
  }
}
