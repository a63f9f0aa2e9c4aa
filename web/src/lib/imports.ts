// The customer import wizard's logic: column mapping state, checks made
// before validating, the report grouped by row, progress, and the real-time
// import events.
import type { DateOrder, Import, ImportReport, ImportStatus, RowProblem, ValidateInput } from '../api/types';
import type { RealtimeEvent } from '../realtime/protocol';

/** Column (file header) → customer field; '' skips the column. */
export type Mapping = Record<string, string>;

export const FIELD_LABELS: Record<string, string> = {
  name: 'Full name',
  first_name: 'First name',
  last_name: 'Last name',
  phone: 'Mobile / phone',
  alt_phone: 'Second phone',
  email: 'Email',
  gender: 'Gender',
  birth_date: 'Date of birth',
  anniversary: 'Anniversary',
  address: 'Address',
  city: 'City',
  area: 'Area / locality',
  postal_code: 'PIN / postal code',
  language: 'Preferred language',
  community: 'Community',
  customer_type: 'Customer type',
  budget_band: 'Budget band',
  tags: 'Tags',
};

/** The label of a customer field (unknown ones humanised). */
export function fieldLabel(field: string): string {
  const known = FIELD_LABELS[field];
  if (known) return known;
  const words = field.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export const DATE_ORDER_OPTIONS: { value: DateOrder; label: string }[] = [
  { value: 'dmy', label: 'Day first: 31-12-1990' },
  { value: 'mdy', label: 'Month first: 12-31-1990' },
];

export const STATUS_LABELS: Record<ImportStatus, string> = {
  uploaded: 'Uploaded',
  validated: 'Checked',
  importing: 'Importing',
  done: 'Done',
  failed: 'Failed',
};

export function statusLabel(status: string): string {
  return STATUS_LABELS[status as ImportStatus] ?? status;
}

export function statusTone(status: string): 'neutral' | 'good' | 'warn' | 'bad' {
  if (status === 'done') return 'good';
  if (status === 'failed') return 'bad';
  if (status === 'importing') return 'warn';
  return 'neutral';
}

/** Whether the import is over (nothing more will change). */
export function isFinished(status: string): boolean {
  return status === 'done' || status === 'failed';
}

/**
 * The starting mapping: every column of the file, prefilled with the server's
 * suggestion when it names a known field, else skipped.
 */
export function initialMapping(headers: readonly string[], suggested: Record<string, string>, fields: readonly string[]): Mapping {
  const out: Mapping = {};
  for (const h of headers) {
    const s = suggested[h];
    out[h] = s && fields.includes(s) ? s : '';
  }
  return out;
}

/**
 * Maps `column` to `field`. A field belongs to one column only: the column
 * that had it before is set to skip, so the choice never silently fails.
 * Returns the new mapping and the column that lost the field, if any.
 */
export function assignColumn(mapping: Mapping, column: string, field: string): { mapping: Mapping; cleared: string | null } {
  const next: Mapping = { ...mapping, [column]: field };
  let cleared: string | null = null;
  if (field) {
    for (const [c, f] of Object.entries(mapping)) {
      if (c !== column && f === field) {
        next[c] = '';
        cleared = c;
      }
    }
  }
  return { mapping: next, cleared };
}

/** What must be fixed before the file can be checked, keyed like the server's errors (`mapping`, `mapping.<column>`). */
export function mappingProblems(mapping: Mapping): Record<string, string> {
  const out: Record<string, string> = {};
  const used = new Map<string, string>();
  for (const [column, field] of Object.entries(mapping)) {
    if (!field) continue;
    const first = used.get(field);
    if (first !== undefined) out[`mapping.${column}`] = `“${first}” is already ${fieldLabel(field)}.`;
    else used.set(field, column);
  }
  const fields = new Set(Object.values(mapping));
  const missing: string[] = [];
  if (!fields.has('name') && !fields.has('first_name')) missing.push('the name (or first name)');
  if (!fields.has('phone')) missing.push('the mobile / phone');
  if (missing.length > 0) out.mapping = `Choose the column with ${missing.join(' and ')}.`;
  return out;
}

/** The validate request: every column is sent (skipped ones as ''). */
export function toValidateInput(mapping: Mapping, homeStoreId: string, dateOrder: DateOrder): ValidateInput {
  return { mapping: { ...mapping }, home_store_id: homeStoreId, date_order: dateOrder };
}

/** A column's values in the preview rows (for "e.g. …" next to its picker), blanks left out. */
export function sampleValues(headers: readonly string[], preview: readonly (readonly string[])[], column: string, max = 3): string[] {
  const i = headers.indexOf(column);
  if (i < 0) return [];
  const out: string[] = [];
  for (const row of preview) {
    const v = (row[i] ?? '').trim();
    if (v && !out.includes(v)) out.push(v);
    if (out.length >= max) break;
  }
  return out;
}

export interface ReportRow {
  row: number;
  problems: { field: string; reason: string; existingId: string | null }[];
}

/** A report's problems grouped by row number, in row order. */
export function groupByRow(items: readonly RowProblem[]): ReportRow[] {
  const byRow = new Map<number, ReportRow>();
  for (const p of items) {
    let r = byRow.get(p.row);
    if (!r) {
      r = { row: p.row, problems: [] };
      byRow.set(p.row, r);
    }
    r.problems.push({ field: p.field, reason: p.reason, existingId: p.existing_id ?? null });
  }
  return [...byRow.values()].sort((a, b) => a.row - b.row);
}

export function reportOf(i: Pick<Import, 'report'>): ImportReport {
  return i.report ?? { invalid: [], duplicates: [] };
}

export interface Progress {
  done: number;
  total: number;
}

/** Whole percent, 0–100 (an empty import is complete). */
export function percent(p: Progress): number {
  if (p.total <= 0) return 100;
  return Math.max(0, Math.min(100, Math.round((p.done / p.total) * 100)));
}

/** Progress as the import record shows it (rows imported or skipped of the valid ones). */
export function progressOf(i: Pick<Import, 'status' | 'valid_rows' | 'imported_rows' | 'skipped_rows'>): Progress {
  const total = i.valid_rows;
  const done = i.status === 'done' ? total : Math.min(total, i.imported_rows + i.skipped_rows);
  return { done, total };
}

/** The furthest of two progress readings (events and polling arrive in any order). */
export function furthest(a: Progress | null, b: Progress | null): Progress | null {
  if (!a) return b;
  if (!b) return a;
  return b.done > a.done ? b : a;
}

export type ImportEvent =
  { kind: 'progress'; id: string; done: number; total: number } | { kind: 'finished'; id: string; imported: number; skipped: number };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const count = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : null);

/** An `imports` event (`import.progress` {id, done, total}, `import.finished` {id, imported, skipped}); anything else is null. */
export function parseImportEvent(ev: Pick<RealtimeEvent, 'topic' | 'kind' | 'payload'>): ImportEvent | null {
  if (ev.topic !== 'imports' || !isObject(ev.payload) || typeof ev.payload.id !== 'string') return null;
  const p = ev.payload;
  const id = ev.payload.id;
  if (ev.kind === 'import.progress') {
    const done = count(p.done);
    const total = count(p.total);
    return done !== null && total !== null ? { kind: 'progress', id, done, total } : null;
  }
  if (ev.kind === 'import.finished') {
    const imported = count(p.imported);
    const skipped = count(p.skipped);
    return imported !== null && skipped !== null ? { kind: 'finished', id, imported, skipped } : null;
  }
  return null;
}
