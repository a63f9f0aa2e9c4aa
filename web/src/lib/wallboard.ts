// Telecalling board rules as plain functions (unit-tested without React):
// when a wallboard tile turns amber or red, time in state, rates and
// durations in words, the lead state machine's manual moves, the settings
// form's draft, the report's sentiment mix, and the web-form snippet.
import type { components } from '../api/schema';
import { ApiError, describeError } from '../api/problem';

type Schemas = components['schemas'];
type Thresholds = Schemas['Thresholds'];
type LeadState = Schemas['LeadState'];
type AssignRule = Schemas['AssignRule'];

// ---------------------------------------------------------------- levels

/** How a tile is doing against its store's thresholds. */
export type Level = 'ok' | 'amber' | 'red';

const RANK: Record<Level, number> = { ok: 0, amber: 1, red: 2 };

/** The worse of several levels. */
export function worst(...levels: Level[]): Level {
  return levels.reduce<Level>((a, b) => (RANK[b] > RANK[a] ? b : a), 'ok');
}

/**
 * Higher is worse (waiting minutes, queue depth, minutes on break): amber at
 * or past `amber`, red at or past `red`. A threshold of 0 is switched off.
 */
export function levelAbove(value: number, amber: number, red: number): Level {
  if (red > 0 && value >= red) return 'red';
  if (amber > 0 && value >= amber) return 'amber';
  return 'ok';
}

/** Lower is worse (connect rate): amber below `amber`, red below `red`. */
export function levelBelow(value: number, amber: number, red: number): Level {
  if (value < red) return 'red';
  if (value < amber) return 'amber';
  return 'ok';
}

/** Words that go with a level, so colour is never the only signal. */
export const LEVEL_TEXT: Record<Level, string> = { ok: 'On track', amber: 'Needs attention', red: 'Act now' };

/** Whole seconds from `sinceIso` to `now` (client clock) corrected by `skewMs` (server minus client); never negative. */
export function elapsedSeconds(sinceIso: string | null | undefined, now: number, skewMs = 0): number {
  if (!sinceIso) return 0;
  const t = Date.parse(sinceIso);
  if (Number.isNaN(t)) return 0;
  return Math.max(0, Math.floor((now + skewMs - t) / 1000));
}

/** The oldest lead's wait against the store's thresholds. */
export function waitLevel(waitedSeconds: number | null, t: Thresholds): Level {
  if (waitedSeconds === null) return 'ok';
  return levelAbove(Math.floor(waitedSeconds / 60), t.wait_amber_minutes, t.wait_red_minutes);
}

export function queueLevel(depth: number, t: Thresholds): Level {
  return levelAbove(depth, t.queue_amber, t.queue_red);
}

/** Connect rate against the thresholds; without calls there is no rate to judge. */
export function connectLevel(connects: number, calls: number, t: Thresholds): Level {
  if (calls <= 0) return 'ok';
  return levelBelow(percent(connects, calls), t.connect_amber_percent, t.connect_red_percent);
}

/** Statuses whose length is watched: a long break or a wrap-up that drags on. */
export const TIMED_STATUSES: readonly string[] = ['break', 'wrap_up'];

/** Time in a break or wrap-up against the thresholds; other statuses are not judged. */
export function stateLevel(status: string, secondsInState: number, t: Thresholds): Level {
  if (!TIMED_STATUSES.includes(status)) return 'ok';
  return levelAbove(Math.floor(secondsInState / 60), t.state_amber_minutes, t.state_red_minutes);
}

/** The strictest of several stores' thresholds (for totals across stores). */
export function strictest(list: readonly Thresholds[], fallback: Thresholds): Thresholds {
  if (list.length === 0) return fallback;
  const minOn = (xs: number[]) => {
    const on = xs.filter((x) => x > 0);
    return on.length ? Math.min(...on) : 0;
  };
  return {
    wait_amber_minutes: minOn(list.map((t) => t.wait_amber_minutes)),
    wait_red_minutes: minOn(list.map((t) => t.wait_red_minutes)),
    queue_amber: minOn(list.map((t) => t.queue_amber)),
    queue_red: minOn(list.map((t) => t.queue_red)),
    connect_amber_percent: Math.max(...list.map((t) => t.connect_amber_percent)),
    connect_red_percent: Math.max(...list.map((t) => t.connect_red_percent)),
    state_amber_minutes: minOn(list.map((t) => t.state_amber_minutes)),
    state_red_minutes: minOn(list.map((t) => t.state_red_minutes)),
  };
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  wait_amber_minutes: 10,
  wait_red_minutes: 30,
  queue_amber: 20,
  queue_red: 50,
  connect_amber_percent: 40,
  connect_red_percent: 25,
  state_amber_minutes: 10,
  state_red_minutes: 20,
};

// ---------------------------------------------------------------- numbers and durations

/** `part` of `whole` in whole percent (rounded down, as the server does); 0 without a whole. */
export function percent(part: number, whole: number): number {
  return whole > 0 ? Math.floor((part * 100) / whole) : 0;
}

/** A ticking clock: 5 → "0:05", 725 → "12:05", 3723 → "1:02:03". */
export function formatClock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** A duration in words: 40 → "40 s", 725 → "12 min", 3900 → "1 h 5 min", 86400 → "24 h". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const totalMinutes = Math.floor(s / 60);
  const h = Math.floor(totalMinutes / 60);
  const m = totalMinutes % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/** A duration read out in full (for screen readers and titles): 725 → "12 minutes 5 seconds". */
export function durationInWords(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const part = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  const parts = [h ? part(h, 'hour') : '', m ? part(m, 'minute') : '', sec || (!h && !m) ? part(sec, 'second') : ''].filter(Boolean);
  return parts.join(' ');
}

// ---------------------------------------------------------------- agents

export type AgentStatus = 'available' | 'on_call' | 'wrap_up' | 'break' | 'leave' | 'offline';

export const AGENT_STATUS_LABELS: Record<AgentStatus, string> = {
  available: 'Available',
  on_call: 'On a call',
  wrap_up: 'Wrap-up',
  break: 'On break',
  leave: 'On leave',
  offline: 'Offline',
};

export function agentStatusLabel(status: string): string {
  return AGENT_STATUS_LABELS[status as AgentStatus] ?? status.replace(/_/g, ' ');
}

/** Agents whose status changed between two snapshots, as sentences ("Rohit Sharma is now on break"). */
export function statusChanges(
  before: readonly { user_id: string; name: string; status: string }[],
  after: readonly { user_id: string; name: string; status: string }[],
): string[] {
  const was = new Map(before.map((a) => [a.user_id, a.status]));
  return after
    .filter((a) => was.has(a.user_id) && was.get(a.user_id) !== a.status)
    .map((a) => `${a.name} is now ${agentStatusLabel(a.status).toLowerCase()}`);
}

/**
 * Languages typed as "ta, en Hindi" → ["ta", "en", "hindi"] (lower case, no
 * repeats), or why not: each 2 to 20 characters, at most 10.
 */
export function parseLanguages(text: string): { languages: string[]; error: string | null } {
  const words = text
    .split(/[\s,;]+/)
    .map((w) => w.trim().toLowerCase())
    .filter(Boolean);
  const languages = [...new Set(words)];
  if (languages.length > 10) return { languages, error: 'At most 10 languages.' };
  const bad = languages.find((l) => l.length < 2 || l.length > 20);
  if (bad) return { languages, error: `“${bad}” is not a language: use a code such as ta or a name such as Tamil (2 to 20 letters).` };
  return { languages, error: null };
}

// ---------------------------------------------------------------- leads

export const LEAD_STATES: readonly LeadState[] = [
  'new',
  'assigned',
  'attempted',
  'contacted',
  'follow_up',
  'qualified',
  'appointment_set',
  'converted',
  'lost',
  'not_interested',
  'wrong_number',
  'dnd',
];

export const CLOSED_STATES: readonly LeadState[] = ['converted', 'lost', 'not_interested', 'wrong_number', 'dnd'];

export function isClosed(state: string): boolean {
  return (CLOSED_STATES as readonly string[]).includes(state);
}

const CLOSURES: readonly LeadState[] = ['lost', 'not_interested', 'wrong_number', 'dnd'];

const NEXT: Record<LeadState, readonly LeadState[]> = {
  new: ['assigned'],
  assigned: ['new', 'attempted', 'contacted', 'follow_up', 'qualified', 'appointment_set', 'converted'],
  attempted: ['attempted', 'contacted', 'follow_up', 'qualified', 'appointment_set', 'converted'],
  contacted: ['follow_up', 'qualified', 'appointment_set', 'converted'],
  follow_up: ['follow_up', 'contacted', 'qualified', 'appointment_set', 'converted'],
  qualified: ['follow_up', 'appointment_set', 'converted'],
  appointment_set: ['follow_up', 'qualified', 'converted'],
  converted: [],
  lost: [],
  not_interested: [],
  wrong_number: [],
  dnd: [],
};

/** Whether the server's state machine allows `from → to` (mirrors engine.rs). */
export function canBecome(from: LeadState, to: LeadState): boolean {
  if (isClosed(from)) return false;
  if (CLOSURES.includes(to)) return true;
  return NEXT[from].includes(to);
}

/**
 * The states a person may move a lead to by hand: legal moves, not to the
 * same state, and never to new or assigned (that is what assigning does).
 */
export function manualTargets(from: LeadState): LeadState[] {
  return LEAD_STATES.filter((to) => to !== from && to !== 'new' && to !== 'assigned' && canBecome(from, to));
}

export const PRIORITY_LABELS: Record<number, string> = { 1: 'High', 2: 'Normal', 3: 'Low' };

export const SOURCE_LABELS: Record<string, string> = {
  visit: 'Showroom visit',
  import: 'Import',
  web_form: 'Web form',
  manual: 'Entered by hand',
};

/** What an assignment did, in words, given who is who. */
export function assignSummary(
  result: { assigned: readonly { lead_id: string; user_id: string }[]; unassigned: readonly string[] },
  nameOf: (userId: string) => string | undefined,
  alreadyTheirs = 0,
): string {
  const parts: string[] = [];
  const n = result.assigned.length;
  if (n > 0) {
    const counts = new Map<string, number>();
    for (const a of result.assigned) counts.set(a.user_id, (counts.get(a.user_id) ?? 0) + 1);
    const who = [...counts.entries()].map(([id, c]) => `${nameOf(id) ?? 'a telecaller'}${counts.size > 1 ? ` (${c})` : ''}`);
    parts.push(`${n} ${n === 1 ? 'lead' : 'leads'} assigned to ${joinWords(who)}.`);
  }
  const u = result.unassigned.length;
  if (u > 0) {
    parts.push(
      `${u} ${u === 1 ? 'lead was' : 'leads were'} not assigned: nobody else is online and under the cap, or the store assigns by hand. ${
        u === 1 ? 'It stays' : 'They stay'
      } where ${u === 1 ? 'it was' : 'they were'}.`,
    );
  }
  if (alreadyTheirs > 0) parts.push(`${alreadyTheirs} ${alreadyTheirs === 1 ? 'lead was' : 'leads were'} already theirs.`);
  if (parts.length === 0) return 'Nothing changed.';
  return parts.join(' ');
}

/** What went wrong with an assignment, in words (cap 409, wrong telecaller 422, leads gone 404). */
export function assignError(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 404)
      return 'Some of these leads are no longer yours to assign (moved to another store or removed). Refresh and try again.';
    if (err.status === 422) {
      const f = err.fieldErrors();
      if (f.user_id) return `Choose someone else: ${f.user_id}.`;
      if (f.lead_ids) return `Leads: ${f.lead_ids}.`;
    }
  }
  return describeError(err);
}

/** "a", "a and b", "a, b and c". */
export function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words[0] ?? '';
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

// ---------------------------------------------------------------- settings

export const ASSIGN_RULES: { value: AssignRule; label: string; hint: string }[] = [
  { value: 'round_robin', label: 'Round robin', hint: 'Each available telecaller in turn.' },
  { value: 'least_loaded', label: 'Least loaded', hint: 'Whoever holds the fewest open leads.' },
  { value: 'language', label: 'By language', hint: 'Someone who speaks the customer’s language first, then round robin.' },
  { value: 'manual', label: 'By hand', hint: 'Leads wait in the store’s backlog until a manager assigns them.' },
];

/** The settings form: every number as typed, times as "HH:MM". */
export interface SettingsDraft {
  rule: AssignRule;
  max_open_leads: string;
  sla_minutes: string;
  sticky_days: string;
  retry_minutes: string;
  max_attempts_per_day: string;
  calling_start: string;
  calling_end: string;
  wrap_up_seconds: string;
  thresholds: Record<keyof Thresholds, string>;
}

export const SETTINGS_NUMBER_FIELDS = [
  'max_open_leads',
  'sla_minutes',
  'sticky_days',
  'retry_minutes',
  'max_attempts_per_day',
  'wrap_up_seconds',
] as const;

export const THRESHOLD_FIELDS: readonly (keyof Thresholds)[] = [
  'wait_amber_minutes',
  'wait_red_minutes',
  'queue_amber',
  'queue_red',
  'connect_amber_percent',
  'connect_red_percent',
  'state_amber_minutes',
  'state_red_minutes',
];

/** "09:30:00" → "09:30". */
export function hhmm(time: string): string {
  const m = /^(\d{2}):(\d{2})/.exec(time);
  return m ? `${m[1]}:${m[2]}` : time;
}

export function settingsDraft(s: {
  rule: AssignRule;
  max_open_leads: number;
  sla_minutes: number;
  sticky_days: number;
  retry_minutes: number;
  max_attempts_per_day: number;
  calling_start: string;
  calling_end: string;
  wrap_up_seconds: number;
  thresholds: Thresholds;
}): SettingsDraft {
  const t = { ...DEFAULT_THRESHOLDS, ...s.thresholds };
  return {
    rule: s.rule,
    max_open_leads: String(s.max_open_leads),
    sla_minutes: String(s.sla_minutes),
    sticky_days: String(s.sticky_days),
    retry_minutes: String(s.retry_minutes),
    max_attempts_per_day: String(s.max_attempts_per_day),
    calling_start: hhmm(s.calling_start),
    calling_end: hhmm(s.calling_end),
    wrap_up_seconds: String(s.wrap_up_seconds),
    thresholds: Object.fromEntries(THRESHOLD_FIELDS.map((k) => [k, String(t[k])])) as Record<keyof Thresholds, string>,
  };
}

export type SettingsInput = Schemas['SettingsInput'];

const WHOLE = /^-?\d{1,6}$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/**
 * The request body, or the fields that are not whole numbers or times
 * (keyed as the server names them, e.g. `thresholds.queue_red`). Ranges and
 * "amber before red" are left to the server, which explains them per field.
 */
export function settingsInput(d: SettingsDraft): { input: SettingsInput | null; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const num = (key: string, v: string): number => {
    const t = v.trim();
    if (!WHOLE.test(t)) {
      errors[key] = 'Enter a whole number.';
      return 0;
    }
    return Number(t);
  };
  const time = (key: string, v: string): string => {
    if (!TIME.test(v.trim())) errors[key] = 'Enter a time such as 09:30.';
    return v.trim();
  };
  const thresholds = Object.fromEntries(THRESHOLD_FIELDS.map((k) => [k, num(`thresholds.${k}`, d.thresholds[k])])) as Thresholds;
  const input: SettingsInput = {
    rule: d.rule,
    max_open_leads: num('max_open_leads', d.max_open_leads),
    sla_minutes: num('sla_minutes', d.sla_minutes),
    sticky_days: num('sticky_days', d.sticky_days),
    retry_minutes: num('retry_minutes', d.retry_minutes),
    max_attempts_per_day: num('max_attempts_per_day', d.max_attempts_per_day),
    calling_start: time('calling_start', d.calling_start),
    calling_end: time('calling_end', d.calling_end),
    wrap_up_seconds: num('wrap_up_seconds', d.wrap_up_seconds),
    thresholds,
  };
  return Object.keys(errors).length ? { input: null, errors } : { input, errors };
}

// ---------------------------------------------------------------- reports

export interface SentimentMix {
  positive: number;
  neutral: number;
  negative: number;
  /** Calls with a sentiment. */
  total: number;
  /** Whole percentages of `total` that add up to 100 (0 each without any). */
  percents: { positive: number; neutral: number; negative: number };
}

/** The sentiment of a report row as counts and percentages that add up to 100 (largest remainder). */
export function sentimentMix(r: { positive: number; neutral: number; negative: number }): SentimentMix {
  const total = r.positive + r.neutral + r.negative;
  const keys = ['positive', 'neutral', 'negative'] as const;
  const percents = { positive: 0, neutral: 0, negative: 0 };
  if (total > 0) {
    const exact = keys.map((k) => (r[k] * 100) / total);
    const floors = exact.map(Math.floor);
    let left = 100 - floors.reduce((a, b) => a + b, 0);
    const order = keys.map((_, i) => i).sort((a, b) => (exact[b] ?? 0) - (floors[b] ?? 0) - ((exact[a] ?? 0) - (floors[a] ?? 0)));
    for (const i of order) {
      if (left <= 0) break;
      floors[i] = (floors[i] ?? 0) + 1;
      left--;
    }
    keys.forEach((k, i) => (percents[k] = floors[i] ?? 0));
  }
  return { positive: r.positive, neutral: r.neutral, negative: r.negative, total, percents };
}

/** "4 positive, 1 neutral, 0 negative" or "No sentiment recorded". */
export function sentimentText(m: SentimentMix): string {
  if (m.total === 0) return 'No sentiment recorded';
  return `${m.positive} positive, ${m.neutral} neutral, ${m.negative} negative`;
}

type ReportCounts = {
  calls: number;
  connects: number;
  talk_seconds: number;
  conversions: number;
  follow_ups: number;
  positive: number;
  neutral: number;
  negative: number;
};

/** The sums of report rows (the table's total line). */
export function reportTotals(rows: readonly ReportCounts[]): ReportCounts {
  const out: ReportCounts = { calls: 0, connects: 0, talk_seconds: 0, conversions: 0, follow_ups: 0, positive: 0, neutral: 0, negative: 0 };
  for (const r of rows) for (const k of Object.keys(out) as (keyof ReportCounts)[]) out[k] += r[k];
  return out;
}

// ---------------------------------------------------------------- web forms

/** Where a website posts enquiries for a form. */
export function publicFormUrl(origin: string, key: string): string {
  return `${origin.replace(/\/+$/, '')}/api/v1/public/lead-forms/${encodeURIComponent(key)}`;
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * A plain HTML form for a retailer's website that posts JSON to `url` with
 * fetch: name, phone, email, message and the hidden honeypot `website`
 * (people never see or fill it; bots do, and their enquiries are dropped).
 */
export function formSnippet(url: string, title = 'Enquire with us'): string {
  const id = 'karat-enquiry';
  return `<form id="${id}">
  <h2>${escapeHtml(title)}</h2>
  <p><label>Name <input name="name" required maxlength="120" autocomplete="name"></label></p>
  <p><label>Phone <input name="phone" type="tel" required autocomplete="tel"></label></p>
  <p><label>Email <input name="email" type="email" maxlength="254" autocomplete="email"></label></p>
  <p><label>Message <textarea name="message" maxlength="1000"></textarea></label></p>
  <p style="position:absolute;left:-10000px" aria-hidden="true"><label>Website <input name="website" tabindex="-1" autocomplete="off"></label></p>
  <p><button type="submit">Send</button></p>
  <p role="status"></p>
</form>
<script>
document.getElementById('${id}').addEventListener('submit', async function (e) {
  e.preventDefault();
  var f = e.target, v = f.elements, status = f.querySelector('[role=status]');
  var body = {
    name: v['name'].value, phone: v['phone'].value,
    email: v['email'].value || null, message: v['message'].value || null,
    website: v['website'].value
  };
  status.textContent = 'Sending…';
  try {
    var res = await fetch('${url}', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body)
    });
    if (res.ok) { f.reset(); status.textContent = 'Thank you! We will call you soon.'; }
    else if (res.status === 422) { status.textContent = 'Please check your name and phone number.'; }
    else { status.textContent = 'Sorry, that did not go through. Please try again later.'; }
  } catch (err) {
    status.textContent = 'Sorry, that did not go through. Please try again later.';
  }
});
</script>`;
}

// ---------------------------------------------------------------- live updates

/**
 * Coalesces bursts of events into one refresh: `fire` runs `waitMs` after
 * the last event of a burst, and at the latest `maxWaitMs` after its first
 * (a busy floor still refreshes).
 */
export class Coalescer {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private firstAt: number | null = null;

  constructor(
    private readonly fire: () => void,
    private readonly waitMs = 300,
    private readonly maxWaitMs = 1500,
    private readonly clock: () => number = Date.now,
  ) {}

  poke(): void {
    const now = this.clock();
    this.firstAt ??= now;
    if (this.timer !== null) clearTimeout(this.timer);
    const due = Math.min(this.waitMs, Math.max(0, this.firstAt + this.maxWaitMs - now));
    this.timer = setTimeout(() => this.flush(), due);
  }

  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.firstAt = null;
    this.fire();
  }

  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.firstAt = null;
  }
}
