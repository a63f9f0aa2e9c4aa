// The "Log a visit" form: its draft and the VisitInput it becomes.
import type { Category, LeadSource, Metal, Outcome, PhoneMatch, Stone, VisitInput, VisitReason } from '../api/types';
import { CATEGORY_LABELS, METAL_LABELS, labelOf, newKey } from './customers';

export interface InterestDraft {
  key: string;
  category: Category | '';
  /** Optional details: '' when not noted. */
  metal: Metal | '';
  stone: Stone | '';
  design_number: string;
  /** Whole currency units as typed ("1,25,000"). */
  expected_value: string;
  outcome: Outcome | '';
  note: string;
}

export interface VisitDraft {
  phone: string;
  /** The customer the phone belongs to, once looked up. */
  match: PhoneMatch | null;
  /** For a new customer. */
  name: string;
  city: string;
  store_id: string;
  reason: VisitReason | '';
  lead_source: LeadSource | '';
  interests: InterestDraft[];
  notes: string;
}

export const MAX_INTERESTS = 20;

export function blankInterest(): InterestDraft {
  return { key: newKey('i'), category: '', metal: '', stone: '', design_number: '', expected_value: '', outcome: '', note: '' };
}

export function emptyVisitDraft(storeId: string): VisitDraft {
  return {
    phone: '',
    match: null,
    name: '',
    city: '',
    store_id: storeId,
    reason: '',
    lead_source: 'walk_in',
    interests: [blankInterest()],
    notes: '',
  };
}

/** "1,25,000" or "125000" → 125000; "" → null; anything else → NaN. */
export function parseAmount(text: string): number | null {
  const t = text.replace(/[\s,_]/g, '');
  if (t === '') return null;
  if (!/^\d{1,11}$/.test(t)) return Number.NaN;
  return Number(t);
}

/** What to fix before sending, keyed like the server's field names. */
export function checkVisitDraft(d: VisitDraft, lookup: 'idle' | 'checking' | 'found' | 'new' | 'invalid'): Record<string, string> {
  const errs: Record<string, string> = {};
  if (lookup === 'idle' || lookup === 'invalid' || !d.phone.trim()) errs.phone = 'Enter the customer’s full mobile number.';
  else if (lookup === 'checking') errs.phone = 'Still checking this number — try again in a moment.';
  else if (lookup === 'found' && d.match?.deleted_at) errs.phone = 'This customer is in the trash. Restore them first.';
  if (lookup === 'new' && !d.name.trim()) errs.name = 'Enter the customer’s name.';
  if (!d.store_id) errs.store_id = 'Choose the store.';
  if (!d.reason) errs.reason = 'Choose why they came in.';
  if (!d.lead_source) errs.lead_source = 'Choose how they heard of you.';
  d.interests.forEach((it, i) => {
    if (!it.category) errs[`interests[${i}].category`] = 'Choose what they looked at.';
    if (!it.outcome) errs[`interests[${i}].outcome`] = 'Choose how it ended.';
    const v = parseAmount(it.expected_value);
    if (v !== null && Number.isNaN(v)) errs[`interests[${i}].expected_value`] = 'Enter a whole amount, e.g. 85000.';
  });
  return errs;
}

/** The request body: the looked-up customer by id, or a new one inline with the typed phone. */
export function toVisitInput(d: VisitDraft): VisitInput {
  const customer =
    d.match === null
      ? {
          name: d.name.trim(),
          phones: [d.phone.trim()],
          city: d.city.trim() || null,
        }
      : null;
  return {
    ...(d.match ? { customer_id: d.match.id } : { customer }),
    store_id: d.store_id,
    reason: d.reason as VisitReason,
    lead_source: d.lead_source as LeadSource,
    notes: d.notes.trim() || null,
    interests: d.interests.map((it) => {
      const v = parseAmount(it.expected_value);
      return {
        category: it.category as Category,
        metal: it.metal || null,
        stone: it.stone || null,
        design_number: it.design_number.trim() || null,
        expected_value: v === null || Number.isNaN(v) ? null : v,
        outcome: it.outcome as Outcome,
        note: it.note.trim() || null,
      };
    }),
  };
}

/** Whether a lead will be opened: nothing in the visit was bought. */
export function opensLead(d: Pick<VisitDraft, 'interests'>): boolean {
  return d.interests.length > 0 && d.interests.every((i) => i.outcome !== 'purchased');
}

/** Server field errors for an inline customer arrive without the `customer.` prefix. */
export function visitErrorKey(field: string, newCustomer: boolean): string {
  if (!newCustomer) return field;
  if (field === 'name' || field === 'customer.name') return 'name';
  if (/^(customer\.)?phones(\[\d+\])?$/.test(field)) return 'phone';
  if (field === 'city' || field === 'customer.city') return 'city';
  return field;
}

/**
 * An interest in a few words, for photo alt text and labels:
 * "Necklace sets in gold, design NS-204".
 */
export function interestLabel(i: { category?: string | null; metal?: string | null; design_number?: string | null }): string {
  let out = labelOf(CATEGORY_LABELS, i.category ?? '') || 'Interest';
  if (i.metal) out += ` in ${labelOf(METAL_LABELS, i.metal).toLowerCase()}`;
  if (i.design_number?.trim()) out += `, design ${i.design_number.trim()}`;
  return out;
}
