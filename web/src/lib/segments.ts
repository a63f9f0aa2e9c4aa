// The segment rule builder: the fields and operators rules can use (the
// server's rule language, openapi.json `Condition`), an editable draft tree
// ⇄ rule JSON, checks made before asking the server, server error paths
// (`rule.all[1].value`) back to the condition they are about, and rules in
// words for read-only display.
import type { ConditionValue, Rule, RuleCondition } from '../api/types';
import type { FieldError } from '../api/problem';
import {
  BUDGET_OPTIONS,
  CATEGORY_OPTIONS,
  CUSTOMER_TYPE_OPTIONS,
  GENDER_OPTIONS,
  METAL_OPTIONS,
  STONE_OPTIONS,
  STYLE_OPTIONS,
  TIER_OPTIONS,
  newKey,
  type Option,
} from './customers';

// ---------------------------------------------------------------- fields and operators

/** How a condition's value is entered and sent. */
export type ValueKind =
  | 'none'
  /** One piece of text. */
  | 'text'
  /** Several pieces of text, typed comma-separated; sent as a list. */
  | 'texts'
  /** One of the field's options. */
  | 'choice'
  /** Some of the field's options; sent as a list. */
  | 'choices'
  /** A whole non-negative amount. */
  | 'number'
  /** A whole number of days, 0 to the field's maximum. */
  | 'days'
  /** Yes or no. */
  | 'bool'
  /** One of the tenant's stores. */
  | 'store'
  /** Some of the tenant's stores. */
  | 'stores'
  /** A percentage typed 0–100, sent as a share 0–1. */
  | 'share';

export interface OpDef {
  op: string;
  label: string;
  value: ValueKind;
}

export interface FieldDef {
  field: string;
  label: string;
  group: string;
  ops: OpDef[];
  options?: Option<string>[];
  /** For 'bool': the words for true and false. */
  yesNo?: [string, string];
  /** For 'days': the largest number the server accepts. */
  maxDays?: number;
  /** The value a new condition on this field starts with. */
  start?: string;
}

const EMPTY: OpDef[] = [
  { op: 'is_null', label: 'is not filled in', value: 'none' },
  { op: 'is_not_null', label: 'is filled in', value: 'none' },
];

function freeText(field: string, label: string, contains: boolean): FieldDef {
  return {
    field,
    label,
    group: 'Profile',
    ops: [
      { op: 'eq', label: 'is', value: 'text' },
      { op: 'ne', label: 'is not', value: 'text' },
      { op: 'in', label: 'is one of', value: 'texts' },
      { op: 'not_in', label: 'is none of', value: 'texts' },
      ...(contains ? [{ op: 'contains', label: 'contains', value: 'text' as const }] : []),
      ...EMPTY,
    ],
  };
}

function enumerated(field: string, label: string, options: Option<string>[]): FieldDef {
  return {
    field,
    label,
    group: 'Profile',
    options,
    ops: [
      { op: 'eq', label: 'is', value: 'choice' },
      { op: 'ne', label: 'is not', value: 'choice' },
      { op: 'in', label: 'is one of', value: 'choices' },
      { op: 'not_in', label: 'is none of', value: 'choices' },
      ...EMPTY,
    ],
  };
}

function preference(field: string, label: string, options: Option<string>[]): FieldDef {
  return {
    field,
    label,
    group: 'Jewellery preferences',
    options,
    ops: [
      { op: 'has', label: 'include', value: 'choice' },
      { op: 'has_any', label: 'include any of', value: 'choices' },
    ],
  };
}

function when(field: string, label: string): FieldDef {
  return {
    field,
    label,
    group: 'Dates',
    maxDays: 36_500,
    start: '90',
    ops: [
      { op: 'within_last_days', label: 'in the last (days)', value: 'days' },
      { op: 'before_days_ago', label: 'more than this many days ago', value: 'days' },
      { op: 'is_null', label: 'is not set', value: 'none' },
      { op: 'is_not_null', label: 'is set', value: 'none' },
    ],
  };
}

function occasion(field: string, label: string, maxDays: number): FieldDef {
  return {
    field,
    label,
    group: 'Occasions',
    maxDays,
    start: '7',
    ops: [{ op: 'within_next_days', label: 'within the next (days)', value: 'days' }],
  };
}

function consent(field: string, label: string): FieldDef {
  return {
    field,
    label,
    group: 'Consent',
    yesNo: ['Granted', 'Not granted'],
    start: 'true',
    ops: [{ op: 'eq', label: 'is', value: 'bool' }],
  };
}

function share(field: string, label: string): FieldDef {
  return {
    field,
    label,
    group: 'Purchases',
    start: '50',
    ops: [{ op: 'gte', label: 'is at least (%)', value: 'share' }],
  };
}

export const FIELD_DEFS: FieldDef[] = [
  freeText('name', 'Name', true),
  freeText('city', 'City', true),
  freeText('area', 'Area', true),
  freeText('language', 'Language', false),
  freeText('community', 'Community', false),
  enumerated('gender', 'Gender', GENDER_OPTIONS),
  enumerated('customer_type', 'Customer type', CUSTOMER_TYPE_OPTIONS),
  enumerated('budget_band', 'Budget band', BUDGET_OPTIONS),
  enumerated('tier', 'Tier', TIER_OPTIONS),
  {
    field: 'tags',
    label: 'Tags',
    group: 'Profile',
    ops: [
      { op: 'has', label: 'include', value: 'text' },
      { op: 'has_any', label: 'include any of', value: 'texts' },
      { op: 'has_none', label: 'include none of', value: 'texts' },
    ],
  },
  {
    field: 'home_store_id',
    label: 'Home store',
    group: 'Profile',
    ops: [
      { op: 'eq', label: 'is', value: 'store' },
      { op: 'in', label: 'is one of', value: 'stores' },
    ],
  },
  preference('metals', 'Metals they like', METAL_OPTIONS),
  preference('stones', 'Stones they like', STONE_OPTIONS),
  preference('categories', 'Categories they like', CATEGORY_OPTIONS),
  preference('styles', 'Styles they like', STYLE_OPTIONS),
  {
    field: 'lifetime_value',
    label: 'Lifetime spend',
    group: 'Purchases',
    ops: [
      { op: 'gte', label: 'is at least', value: 'number' },
      { op: 'gt', label: 'is more than', value: 'number' },
      { op: 'lte', label: 'is at most', value: 'number' },
      { op: 'lt', label: 'is less than', value: 'number' },
      { op: 'eq', label: 'is exactly', value: 'number' },
    ],
  },
  share('purchase_share_diamond', 'Share of purchases with diamonds'),
  share('purchase_share_gold', 'Share of purchases in gold'),
  when('last_purchase_at', 'Last purchase'),
  when('created_at', 'Added as a customer'),
  occasion('birthday', 'Birthday', 366),
  occasion('anniversary', 'Wedding anniversary', 366),
  occasion('family_birthday', 'A family member’s birthday', 366),
  occasion('family_anniversary', 'A family member’s anniversary', 366),
  occasion('family_wedding', 'A wedding in the family', 1000),
  consent('consent_whatsapp', 'WhatsApp consent'),
  consent('consent_sms', 'SMS consent'),
  consent('consent_email', 'Email consent'),
  consent('consent_calls', 'Calls consent'),
  {
    field: 'dnd',
    label: 'Do not disturb (DND)',
    group: 'Consent',
    yesNo: ['Yes', 'No'],
    start: 'true',
    ops: [{ op: 'eq', label: 'is', value: 'bool' }],
  },
];

const BY_FIELD = new Map(FIELD_DEFS.map((f) => [f.field, f]));

export function fieldDef(field: string): FieldDef | undefined {
  return BY_FIELD.get(field);
}

export function opDef(field: string, op: string): OpDef | undefined {
  return BY_FIELD.get(field)?.ops.find((o) => o.op === op);
}

/** Fields by group, in the order the picker shows them. */
export function fieldGroups(): { group: string; fields: FieldDef[] }[] {
  const out: { group: string; fields: FieldDef[] }[] = [];
  for (const f of FIELD_DEFS) {
    let g = out.find((x) => x.group === f.group);
    if (!g) {
      g = { group: f.group, fields: [] };
      out.push(g);
    }
    g.fields.push(f);
  }
  return out;
}

// ---------------------------------------------------------------- the draft tree

export type Mode = 'all' | 'any';

export interface ConditionDraft {
  kind: 'condition';
  key: string;
  /** Wrapped in {"not": …}: customers matching it are left out. */
  negate: boolean;
  field: string;
  op: string;
  /** Text as typed: one value, a comma-separated list, a number, 'true'/'false'. */
  value: string;
  /** Chosen options or store ids (for 'choices' and 'stores'). */
  values: string[];
  /** A saved value of a field or operator this editor does not know, sent back unchanged. */
  raw?: ConditionValue | undefined;
}

export interface GroupDraft {
  kind: 'group';
  key: string;
  negate: boolean;
  mode: Mode;
  children: NodeDraft[];
}

export type NodeDraft = ConditionDraft | GroupDraft;

/** The server's limits: conditions and groups (each `not` counts too), and nesting. */
export const MAX_NODES = 60;
export const MAX_DEPTH = 6;
/** Groups inside groups the editor offers (keeps every rule within MAX_DEPTH, even negated). */
export const MAX_GROUP_LEVEL = 2;

export function newCondition(field = 'city'): ConditionDraft {
  const def = fieldDef(field);
  const op = def?.ops[0]?.op ?? 'eq';
  return { kind: 'condition', key: newKey('c'), negate: false, field, op, value: def?.start ?? '', values: [] };
}

export function newGroup(mode: Mode = 'any', children: NodeDraft[] = [newCondition()]): GroupDraft {
  return { kind: 'group', key: newKey('g'), negate: false, mode, children };
}

/** A condition moved to another field: its operator and value start over (they mean different things). */
export function withField(c: ConditionDraft, field: string): ConditionDraft {
  const fresh = newCondition(field);
  return { ...fresh, key: c.key, negate: c.negate };
}

/** A condition with another operator: the value is kept when it still fits (text stays text, a choice becomes a list of one). */
export function withOp(c: ConditionDraft, op: string): ConditionDraft {
  const from = opDef(c.field, c.op)?.value;
  const to = opDef(c.field, op)?.value;
  const next: ConditionDraft = { ...c, op, raw: undefined };
  if (from === to) return next;
  if (from === 'choice' && to === 'choices') return { ...next, values: c.value ? [c.value] : [] };
  if (from === 'choices' && to === 'choice') return { ...next, value: c.values[0] ?? '' };
  if (from === 'store' && to === 'stores') return { ...next, values: c.value ? [c.value] : [] };
  if (from === 'stores' && to === 'store') return { ...next, value: c.values[0] ?? '' };
  if ((from === 'text' && to === 'texts') || (from === 'texts' && to === 'text')) return next;
  if (from === 'days' && to === 'days') return next;
  return { ...next, value: to === 'days' ? (fieldDef(c.field)?.start ?? '') : '', values: [] };
}

/** Applies `fn` to the node with this key (anywhere in the tree). */
export function updateNode(root: GroupDraft, key: string, fn: (n: NodeDraft) => NodeDraft): GroupDraft {
  const visit = (n: NodeDraft): NodeDraft => {
    if (n.key === key) return fn(n);
    if (n.kind === 'group') return { ...n, children: n.children.map(visit) };
    return n;
  };
  return visit(root) as GroupDraft;
}

export function removeNode(root: GroupDraft, key: string): GroupDraft {
  const visit = (g: GroupDraft): GroupDraft => ({
    ...g,
    children: g.children.filter((c) => c.key !== key).map((c) => (c.kind === 'group' ? visit(c) : c)),
  });
  return visit(root);
}

export function addChild(root: GroupDraft, groupKey: string, child: NodeDraft): GroupDraft {
  return updateNode(root, groupKey, (g) => (g.kind === 'group' ? { ...g, children: [...g.children, child] } : g));
}

/** Nodes as the server counts them: every group, condition and `not`. */
export function countNodes(n: NodeDraft): number {
  const self = 1 + (n.negate ? 1 : 0);
  return n.kind === 'group' ? self + n.children.reduce((s, c) => s + countNodes(c), 0) : self;
}

// ---------------------------------------------------------------- rule JSON → draft

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function valueText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map((x) => String(x)).join(', ');
  return String(v);
}

function conditionDraft(c: RuleCondition, negate: boolean): ConditionDraft {
  const base: ConditionDraft = { kind: 'condition', key: newKey('c'), negate, field: c.field, op: c.op, value: '', values: [] };
  const kind = opDef(c.field, c.op)?.value;
  const v = c.value;
  switch (kind) {
    case undefined:
      return { ...base, raw: v ?? null };
    case 'none':
      return base;
    case 'choices':
    case 'stores':
      return { ...base, values: Array.isArray(v) ? v.map(String) : v === null || v === undefined ? [] : [String(v)] };
    case 'bool':
      return { ...base, value: v === true ? 'true' : v === false ? 'false' : '' };
    case 'share':
      return { ...base, value: typeof v === 'number' ? String(Math.round(v * 10_000) / 100) : '' };
    default:
      return { ...base, value: valueText(v) };
  }
}

function nodeDraft(r: Rule, negate: boolean): NodeDraft {
  if (isObject(r) && 'not' in r && isObject(r.not)) return nodeDraft(r.not, !negate);
  if (isObject(r) && 'all' in r && Array.isArray(r.all)) {
    return { kind: 'group', key: newKey('g'), negate, mode: 'all', children: r.all.map((c) => nodeDraft(c, false)) };
  }
  if (isObject(r) && 'any' in r && Array.isArray(r.any)) {
    return { kind: 'group', key: newKey('g'), negate, mode: 'any', children: r.any.map((c) => nodeDraft(c, false)) };
  }
  const c = r as RuleCondition;
  return conditionDraft({ field: String(c.field ?? ''), op: String(c.op ?? ''), value: c.value ?? null }, negate);
}

/**
 * The editor's tree for a saved rule. The top is always a plain group: a bare
 * condition (or a negated rule) becomes its only child.
 */
export function draftFromRule(rule: Rule): GroupDraft {
  const n = nodeDraft(rule, false);
  if (n.kind === 'group' && !n.negate) return n;
  return { kind: 'group', key: newKey('g'), negate: false, mode: 'all', children: [n] };
}

export function emptyRuleDraft(): GroupDraft {
  return { kind: 'group', key: newKey('g'), negate: false, mode: 'all', children: [newCondition()] };
}

// ---------------------------------------------------------------- draft → rule JSON

export interface BuiltRule {
  rule: Rule;
  /** Problems found before sending, keyed `<node key>.value` (or `<node key>` for a group). */
  errors: Record<string, string>;
  /** Server error path (`rule.any[0].not`) → the node it is about. */
  paths: Record<string, string>;
}

/** "1,00,000" / "100000" → 100000; anything but a whole non-negative amount → null. */
export function parseWhole(text: string): number | null {
  const t = text.replace(/[\s,_]/g, '');
  if (!/^\d{1,13}$/.test(t)) return null;
  return Number(t);
}

/** "Chennai, Madurai ,, chennai" → ["Chennai", "Madurai"] (case-insensitive repeats dropped). */
export function splitList(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(',')) {
    const t = part.trim();
    if (t && !out.some((x) => x.toLowerCase() === t.toLowerCase())) out.push(t);
  }
  return out;
}

const MAX_TEXT = 120;
const MAX_LIST = 100;

/** The condition's value as the server expects it, or a problem to show next to the value. */
export function conditionValue(c: ConditionDraft): { value?: ConditionValue; error?: string } {
  const def = fieldDef(c.field);
  const op = opDef(c.field, c.op);
  if (!def || !op) return c.raw !== undefined ? { value: c.raw } : {};
  switch (op.value) {
    case 'none':
      return {};
    case 'text': {
      const t = c.value.trim();
      if (!t) return { error: 'Enter a value.' };
      if (t.length > MAX_TEXT) return { error: `At most ${MAX_TEXT} characters.` };
      return { value: t };
    }
    case 'texts': {
      const list = splitList(c.value);
      if (list.length === 0) return { error: 'Enter one or more values, separated by commas.' };
      if (list.length > MAX_LIST) return { error: `At most ${MAX_LIST} values.` };
      if (list.some((x) => x.length > MAX_TEXT)) return { error: `Each value can have at most ${MAX_TEXT} characters.` };
      return { value: list };
    }
    case 'choice':
      return c.value ? { value: c.value } : { error: 'Choose a value.' };
    case 'choices':
      return c.values.length > 0 ? { value: [...c.values] } : { error: 'Choose at least one.' };
    case 'store':
      return c.value ? { value: c.value } : { error: 'Choose a store.' };
    case 'stores':
      return c.values.length > 0 ? { value: [...c.values] } : { error: 'Choose at least one store.' };
    case 'bool':
      return c.value === 'true' ? { value: true } : c.value === 'false' ? { value: false } : { error: 'Choose one.' };
    case 'number': {
      const n = parseWhole(c.value);
      return n === null ? { error: 'Enter a whole amount, e.g. 500000.' } : { value: n };
    }
    case 'days': {
      const max = def.maxDays ?? 366;
      const t = c.value.trim();
      const n = /^\d{1,6}$/.test(t) ? Number(t) : Number.NaN;
      return Number.isInteger(n) && n >= 0 && n <= max ? { value: n } : { error: `Enter a whole number of days from 0 to ${max}.` };
    }
    case 'share': {
      const t = c.value.trim().replace(/%$/, '').trim();
      const n = /^\d{1,3}(\.\d{1,2})?$/.test(t) ? Number(t) : Number.NaN;
      return n >= 0 && n <= 100 ? { value: Math.round(n * 100) / 10_000 } : { error: 'Enter a percentage from 0 to 100.' };
    }
  }
}

/** The rule JSON for the editor's tree, with what to fix first and where each part will be on the server's error paths. */
export function buildRule(root: GroupDraft): BuiltRule {
  const errors: Record<string, string> = {};
  const paths: Record<string, string> = {};
  const build = (n: NodeDraft, path: string): Rule => {
    paths[path] = n.key;
    if (n.negate) return { not: inner(n, `${path}.not`) };
    return inner(n, path);
  };
  const inner = (n: NodeDraft, path: string): Rule => {
    paths[path] = n.key;
    if (n.kind === 'group') {
      const children = n.children.map((c, i) => build(c, `${path}.${n.mode}[${i}]`));
      return n.mode === 'all' ? { all: children } : { any: children };
    }
    const { value, error } = conditionValue(n);
    if (error) errors[`${n.key}.value`] = error;
    const out: RuleCondition = { field: n.field, op: n.op };
    if (value !== undefined) out.value = value;
    return out;
  };
  const rule = build(root, 'rule');
  const nodes = countNodes(root);
  if (nodes > MAX_NODES) errors[root.key] = `A rule can have at most ${MAX_NODES} conditions and groups; it has ${nodes}.`;
  return { rule, errors, paths };
}

/**
 * Server errors on a rule (`rule.all[1].field`, `rule.any[0].not.value`,
 * `rule`) as messages keyed like the editor's own: `<node key>.field|op|value`,
 * or `<node key>` for a group. Errors that are not about the rule are left out.
 */
export function ruleErrorsFromServer(errors: readonly FieldError[], paths: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors) {
    if (e.field !== 'rule' && !e.field.startsWith('rule.')) continue;
    const m = /^(.*?)(?:\.(field|op|value))?$/.exec(e.field);
    const base = m?.[1] ?? e.field;
    const part = m?.[2];
    // The deepest known node on the path (a `not` maps to the node it wraps).
    let path = base;
    let key = paths[path];
    while (key === undefined && path.includes('.')) {
      path = path.slice(0, Math.max(path.lastIndexOf('.'), path.lastIndexOf('[')));
      key = paths[path];
    }
    if (key === undefined) continue;
    const k = part && path === base ? `${key}.${part}` : key;
    if (!(k in out)) out[k] = sentenceOf(e.message);
  }
  return out;
}

function sentenceOf(message: string): string {
  const t = message.trim();
  const s = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?]$/.test(s) ? s : `${s}.`;
}

// ---------------------------------------------------------------- rules in words

export interface DescribeOptions {
  storeName?: (id: string) => string | undefined;
  number?: (n: number) => string;
}

function optionLabel(def: FieldDef | undefined, v: string): string {
  return def?.options?.find((o) => o.value === v)?.label ?? v;
}

/** One condition in words: "City is one of Chennai, Madurai", "Birthday within the next 7 days". */
export function describeCondition(c: RuleCondition, o: DescribeOptions = {}): string {
  const def = fieldDef(c.field);
  const op = opDef(c.field, c.op);
  if (!def || !op) return `${c.field} ${c.op} ${valueText(c.value)}`.trim();
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : v === null || v === undefined ? [] : [String(v)]);
  const v = c.value;
  let shown = '';
  switch (op.value) {
    case 'none':
      break;
    case 'text':
    case 'texts':
      shown = list(v).join(', ');
      break;
    case 'choice':
    case 'choices':
      shown = list(v)
        .map((x) => optionLabel(def, x))
        .join(', ');
      break;
    case 'store':
    case 'stores':
      shown = list(v)
        .map((x) => o.storeName?.(x) ?? 'a store')
        .join(', ');
      break;
    case 'bool':
      shown = (v === true ? def.yesNo?.[0] : def.yesNo?.[1]) ?? String(v);
      break;
    case 'number':
      shown = typeof v === 'number' ? (o.number ? o.number(v) : String(v)) : valueText(v);
      break;
    case 'days': {
      const n = valueText(v);
      const days = `${n} ${v === 1 ? 'day' : 'days'}`;
      if (op.op === 'within_last_days') return `${def.label} in the last ${days}`;
      if (op.op === 'before_days_ago') return `${def.label} more than ${days} ago`;
      return `${def.label} within the next ${days}`;
    }
    case 'share':
      shown = typeof v === 'number' ? `${Math.round(v * 10_000) / 100}%` : valueText(v);
      return `${def.label} is at least ${shown}`;
  }
  return `${def.label} ${op.label}${shown ? ` ${shown}` : ''}`;
}

export type RuleText =
  { kind: 'condition'; text: string; negate: boolean } | { kind: 'group'; mode: Mode; negate: boolean; children: RuleText[] };

/** A rule as nested text, for showing a segment (built-ins cannot be edited, only read). */
export function describeRule(rule: Rule, o: DescribeOptions = {}, negate = false): RuleText {
  if (isObject(rule) && 'not' in rule && isObject(rule.not)) return describeRule(rule.not, o, !negate);
  if (isObject(rule) && 'all' in rule && Array.isArray(rule.all)) {
    return { kind: 'group', mode: 'all', negate, children: rule.all.map((r) => describeRule(r, o)) };
  }
  if (isObject(rule) && 'any' in rule && Array.isArray(rule.any)) {
    return { kind: 'group', mode: 'any', negate, children: rule.any.map((r) => describeRule(r, o)) };
  }
  return { kind: 'condition', text: describeCondition(rule as RuleCondition, o), negate };
}

// ---------------------------------------------------------------- segments

/** Built-in segments whose look-ahead (`?days=`, 0–60) can be chosen. */
export const DAYS_SEGMENTS = ['birthdays', 'anniversaries'];
export const MAX_SEGMENT_DAYS = 60;

export function takesDays(segmentId: string): boolean {
  return DAYS_SEGMENTS.includes(segmentId);
}

const TAG = /^[a-z0-9-]{1,40}$/;

/** A problem with an auto tag as typed (after trimming and lower-casing), or null. */
export function autoTagProblem(text: string, reserved: readonly string[] = []): string | null {
  const t = text.trim().toLowerCase();
  if (!t) return null;
  if (!TAG.test(t)) return 'Use 1 to 40 lower-case letters, digits or hyphens (-), e.g. chennai-vip.';
  if (reserved.includes(t)) return 'A built-in segment keeps this tag; choose another.';
  return null;
}

/** "Chennai VIPs (2026)" → "chennai-vips-2026". */
export function suggestTag(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
}
