// Customer vocabulary (DOMAIN.md "Customers") in words people use, phone
// display and lookup, and the customer form's draft ⇄ CustomerInput mapping.
import type {
  AppointmentStatus,
  BudgetBand,
  Category,
  ConsentChannel,
  ConsentInput,
  Customer,
  CustomerInput,
  CustomerType,
  FamilyMember,
  Gender,
  LeadSource,
  Metal,
  Outcome,
  Purity,
  Relation,
  SavingScheme,
  Stone,
  Style,
  Tier,
  VisitReason,
} from '../api/types';
import type { FieldError } from '../api/problem';

// ---------------------------------------------------------------- labels

export interface Option<T extends string> {
  value: T;
  label: string;
}

function options<T extends string>(labels: Record<T, string>): Option<T>[] {
  return (Object.keys(labels) as T[]).map((value) => ({ value, label: labels[value] }));
}

export const TIER_LABELS: Record<Tier, string> = { general: 'General', vip: 'VIP', vvip: 'VVIP' };
export const GENDER_LABELS: Record<Gender, string> = { female: 'Female', male: 'Male', other: 'Other' };
export const CUSTOMER_TYPE_LABELS: Record<CustomerType, string> = {
  individual: 'Individual',
  corporate: 'Corporate',
  wholesale: 'Wholesale',
};
export const BUDGET_LABELS: Record<BudgetBand, string> = {
  under_50k: 'Under 50k',
  '50k_2l': '50k to 2 lakh',
  '2l_5l': '2 to 5 lakh',
  '5l_10l': '5 to 10 lakh',
  above_10l: 'Above 10 lakh',
};
export const METAL_LABELS: Record<Metal, string> = { gold: 'Gold', silver: 'Silver', platinum: 'Platinum', rose_gold: 'Rose gold' };
export const PURITY_LABELS: Record<Purity, string> = {
  '24k': '24K',
  '22k': '22K',
  '18k': '18K',
  '14k': '14K',
  '925_silver': '925 silver',
  '950_platinum': '950 platinum',
};
export const STONE_LABELS: Record<Stone, string> = {
  diamond: 'Diamond',
  polki: 'Polki',
  kundan: 'Kundan',
  ruby: 'Ruby',
  emerald: 'Emerald',
  sapphire: 'Sapphire',
  pearl: 'Pearl',
  other: 'Other',
};
export const CATEGORY_LABELS: Record<Category, string> = {
  rings: 'Rings',
  necklace_sets: 'Necklace sets',
  chains: 'Chains',
  mangalsutra: 'Mangalsutra',
  bangles: 'Bangles / kada',
  earrings: 'Earrings',
  pendants: 'Pendants',
  bracelets: 'Bracelets',
  nose_pins: 'Nose pins',
  anklets: 'Anklets',
  coins: 'Coins',
  other: 'Other',
};
export const STYLE_LABELS: Record<Style, string> = { traditional: 'Traditional', contemporary: 'Contemporary', bridal: 'Bridal' };
export const SAVING_SCHEME_LABELS: Record<SavingScheme, string> = {
  none: 'None',
  active: 'Active',
  matured: 'Matured',
  closed: 'Closed',
};
export const RELATION_LABELS: Record<Relation, string> = {
  spouse: 'Spouse',
  son: 'Son',
  daughter: 'Daughter',
  father: 'Father',
  mother: 'Mother',
  brother: 'Brother',
  sister: 'Sister',
  grandchild: 'Grandchild',
  other: 'Other',
};
export const REASON_LABELS: Record<VisitReason, string> = {
  wedding: 'Wedding',
  engagement: 'Engagement',
  gifting: 'Gifting',
  self: 'For self',
  repair: 'Repair',
  valuation: 'Valuation',
  exchange: 'Exchange',
  investment: 'Investment',
  inquiry: 'Inquiry',
};
export const LEAD_SOURCE_LABELS: Record<LeadSource, string> = {
  walk_in: 'Walk-in',
  referral: 'Referral',
  instagram: 'Instagram',
  facebook: 'Facebook',
  google: 'Google',
  whatsapp: 'WhatsApp',
  website: 'Website',
  exhibition: 'Exhibition',
  newspaper: 'Newspaper',
  hoarding: 'Hoarding',
  other: 'Other',
};
export const OUTCOME_LABELS: Record<Outcome, string> = {
  purchased: 'Purchased',
  design_selected: 'Design selected',
  wants_more_discount: 'Wants more discount',
  checking_other_jewellers: 'Checking other jewellers',
  felt_less_variety: 'Felt less variety',
  other: 'Other',
};
export const APPOINTMENT_STATUS_LABELS: Record<AppointmentStatus, string> = {
  scheduled: 'Scheduled',
  confirmed: 'Confirmed',
  completed: 'Completed',
  cancelled: 'Cancelled',
  no_show: 'No-show',
  rescheduled: 'Rescheduled',
};
export const CHANNEL_LABELS: Record<ConsentChannel, string> = { whatsapp: 'WhatsApp', sms: 'SMS', email: 'Email', calls: 'Calls' };
export const CHANNELS = Object.keys(CHANNEL_LABELS) as ConsentChannel[];

export const LEAD_STATE_LABELS: Record<string, string> = {
  new: 'New',
  assigned: 'Assigned',
  attempted: 'Attempted',
  contacted: 'Contacted',
  follow_up: 'Follow-up',
  qualified: 'Qualified',
  appointment_set: 'Appointment set',
  converted: 'Converted',
  lost: 'Lost',
  not_interested: 'Not interested',
  wrong_number: 'Wrong number',
  dnd: 'Do not disturb',
};

export const TIER_OPTIONS = options(TIER_LABELS);
export const GENDER_OPTIONS = options(GENDER_LABELS);
export const CUSTOMER_TYPE_OPTIONS = options(CUSTOMER_TYPE_LABELS);
export const BUDGET_OPTIONS = options(BUDGET_LABELS);
export const METAL_OPTIONS = options(METAL_LABELS);
export const PURITY_OPTIONS = options(PURITY_LABELS);
export const STONE_OPTIONS = options(STONE_LABELS);
export const CATEGORY_OPTIONS = options(CATEGORY_LABELS);
export const STYLE_OPTIONS = options(STYLE_LABELS);
export const SAVING_SCHEME_OPTIONS = options(SAVING_SCHEME_LABELS);
export const RELATION_OPTIONS = options(RELATION_LABELS);
export const REASON_OPTIONS = options(REASON_LABELS);
export const LEAD_SOURCE_OPTIONS = options(LEAD_SOURCE_LABELS);
export const OUTCOME_OPTIONS = options(OUTCOME_LABELS);

/** The label of a vocabulary word; unknown words are shown humanised ("follow_up" → "Follow up"). */
export function labelOf(labels: Record<string, string>, value: string | null | undefined): string {
  if (!value) return '';
  const known = labels[value];
  if (known) return known;
  const words = value.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

// ---------------------------------------------------------------- phones

const PHONE_NOISE = /[\s\-().]/g;

/** "+919876543210" → "+91 98765 43210"; "+14155550123" → "+1 415 555 0123"; others unchanged. */
export function formatPhone(e164: string): string {
  const m91 = /^\+91(\d{5})(\d{5})$/.exec(e164);
  if (m91) return `+91 ${m91[1]} ${m91[2]}`;
  const m1 = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(e164);
  if (m1) return `+1 ${m1[1]} ${m1[2]} ${m1[3]}`;
  return e164;
}

/** A tel: link target (digits and a leading +). */
export function telHref(phone: string): string {
  return `tel:${phone.replace(/[^\d+]/g, '')}`;
}

/** National significant number lengths we can recognise as complete while typing. */
const NATIONAL: Record<string, { code: string; pattern: RegExp }> = {
  IN: { code: '91', pattern: /^[6-9]\d{9}$/ },
  US: { code: '1', pattern: /^[2-9]\d{9}$/ },
  CA: { code: '1', pattern: /^[2-9]\d{9}$/ },
};

/**
 * The number to look up once what was typed is a whole phone number, else null.
 * For the tenant's country a national number (with or without a leading 0) is
 * complete at its full length (Indian mobiles: 10 digits from 6–9); other
 * international numbers count as complete from 10 digits.
 */
export function phoneLookupKey(raw: string, country: string | null | undefined): string | null {
  let s = raw.replace(PHONE_NOISE, '');
  if (s.startsWith('00')) s = `+${s.slice(2)}`;
  if (!/^\+?\d+$/.test(s)) return null;
  const home = country ? NATIONAL[country] : undefined;
  if (s.startsWith('+')) {
    const digits = s.slice(1);
    for (const n of Object.values(NATIONAL)) {
      if (digits.startsWith(n.code)) {
        const rest = digits.slice(n.code.length);
        if (n.pattern.test(rest)) return s;
        if (rest.length <= 10) return null;
      }
    }
    return digits.length >= 10 && digits.length <= 15 ? s : null;
  }
  if (!home) return s.length >= 10 ? s : null;
  const national = s.replace(/^0+/, '');
  return home.pattern.test(national) ? `+${home.code}${national}` : null;
}

// ---------------------------------------------------------------- the customer form

export type ConsentChange = '' | 'granted' | 'withdrawn';

export interface ConsentDraft {
  /** '' keeps the recorded consent (or leaves it "never asked"). */
  change: ConsentChange;
  source: string;
  text: string;
}

export interface FamilyDraft {
  /** Stable React key; not sent. */
  key: string;
  name: string;
  relation: Relation;
  linked_customer_id: string;
  /** Shown next to the link; not sent. */
  linked_name: string;
  birth_date: string;
  anniversary: string;
  wedding_date: string;
}

export interface CustomerDraft {
  name: string;
  phones: string[];
  email: string;
  gender: Gender | '';
  birth_date: string;
  anniversary: string;
  address: string;
  city: string;
  area: string;
  postal_code: string;
  language: string;
  community: string;
  customer_type: CustomerType;
  metals: Metal[];
  purities: Purity[];
  stones: Stone[];
  categories: Category[];
  styles: Style[];
  ring_size: string;
  saving_scheme: SavingScheme | '';
  budget_band: BudgetBand | '';
  tier: Tier;
  /** Comma-separated. */
  tags: string;
  consent: Record<ConsentChannel, ConsentDraft>;
  dnd: boolean;
  home_store_id: string;
  family: FamilyDraft[];
}

export const MAX_PHONES = 5;
export const MAX_FAMILY = 20;
export const DEFAULT_CONSENT_SOURCE = 'showroom form';

/** Standard wording for giving (or withdrawing) consent on a channel; editable in the form. */
export function defaultConsentText(channel: ConsentChannel, business: string, granted = true): string {
  const how: Record<ConsentChannel, string> = {
    whatsapp: 'on WhatsApp',
    sms: 'by SMS',
    email: 'by email',
    calls: 'by phone calls',
  };
  return granted
    ? `I agree to receive offers and updates from ${business} ${how[channel]}.`
    : `I do not want to receive offers and updates from ${business} ${how[channel]} any more.`;
}

let keySeq = 0;
export function newKey(prefix = 'k'): string {
  keySeq += 1;
  return `${prefix}${keySeq}`;
}

function blankConsent(): Record<ConsentChannel, ConsentDraft> {
  return {
    whatsapp: { change: '', source: '', text: '' },
    sms: { change: '', source: '', text: '' },
    email: { change: '', source: '', text: '' },
    calls: { change: '', source: '', text: '' },
  };
}

export function blankFamilyMember(): FamilyDraft {
  return {
    key: newKey('f'),
    name: '',
    relation: 'spouse',
    linked_customer_id: '',
    linked_name: '',
    birth_date: '',
    anniversary: '',
    wedding_date: '',
  };
}

export function emptyCustomerDraft(homeStoreId = ''): CustomerDraft {
  return {
    name: '',
    phones: [''],
    email: '',
    gender: '',
    birth_date: '',
    anniversary: '',
    address: '',
    city: '',
    area: '',
    postal_code: '',
    language: '',
    community: '',
    customer_type: 'individual',
    metals: [],
    purities: [],
    stones: [],
    categories: [],
    styles: [],
    ring_size: '',
    saving_scheme: '',
    budget_band: '',
    tier: 'general',
    tags: '',
    consent: blankConsent(),
    dnd: false,
    home_store_id: homeStoreId,
    family: [],
  };
}

/** The form's starting point for editing a customer (family names of links are filled in later). */
export function draftFromCustomer(c: Customer): CustomerDraft {
  const p = c.preferences;
  return {
    name: c.name,
    phones: c.phones.length > 0 ? [...c.phones] : [''],
    email: c.email ?? '',
    gender: c.gender ?? '',
    birth_date: c.birth_date ?? '',
    anniversary: c.anniversary ?? '',
    address: c.address ?? '',
    city: c.city ?? '',
    area: c.area ?? '',
    postal_code: c.postal_code ?? '',
    language: c.language ?? '',
    community: c.community ?? '',
    customer_type: c.customer_type,
    metals: [...(p?.metals ?? [])],
    purities: [...(p?.purities ?? [])],
    stones: [...(p?.stones ?? [])],
    categories: [...(p?.categories ?? [])],
    styles: [...(p?.styles ?? [])],
    ring_size: p?.ring_size ?? '',
    saving_scheme: p?.saving_scheme ?? '',
    budget_band: c.budget_band ?? '',
    tier: c.tier,
    tags: c.tags.join(', '),
    consent: blankConsent(),
    dnd: c.dnd,
    home_store_id: c.home_store_id,
    family: c.family.map((f) => ({
      key: newKey('f'),
      name: f.name,
      relation: f.relation,
      linked_customer_id: f.linked_customer_id ?? '',
      linked_name: '',
      birth_date: f.birth_date ?? '',
      anniversary: f.anniversary ?? '',
      wedding_date: f.wedding_date ?? '',
    })),
  };
}

/** Tags as typed ("Bridal, gold lover , ") → ["bridal", "gold lover"], without repeats. */
export function parseTags(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(',')) {
    const t = part.trim().replace(/\s+/g, ' ').toLowerCase();
    if (t && !out.includes(t)) out.push(t);
  }
  return out;
}

const orNull = (s: string): string | null => {
  const t = s.trim();
  return t === '' ? null : t;
};

/** What was sent, and where each sent list item came from in the form (for error messages). */
export interface BuiltCustomerInput {
  input: CustomerInput;
  /** Sent phones[i] is form row phoneRows[i]. */
  phoneRows: number[];
  /** Sent family[i] is form row familyRows[i]. */
  familyRows: number[];
  tags: string[];
}

/** The full CustomerInput (a PUT replaces everything) from the form; blank rows are left out. */
export function toCustomerInput(d: CustomerDraft): BuiltCustomerInput {
  const phoneRows: number[] = [];
  const phones: string[] = [];
  d.phones.forEach((p, i) => {
    if (p.trim() !== '') {
      phones.push(p.trim());
      phoneRows.push(i);
    }
  });
  const familyRows: number[] = [];
  const family: FamilyMember[] = [];
  d.family.forEach((f, i) => {
    const empty = f.name.trim() === '' && !f.linked_customer_id && !f.birth_date && !f.anniversary && !f.wedding_date;
    if (empty) return;
    familyRows.push(i);
    family.push({
      name: f.name.trim(),
      relation: f.relation,
      linked_customer_id: f.linked_customer_id || null,
      birth_date: f.birth_date || null,
      anniversary: f.anniversary || null,
      wedding_date: f.wedding_date || null,
    });
  });
  // A channel sent as null keeps what is on record (or stays "never asked").
  const consent: ConsentInput = { whatsapp: null, sms: null, email: null, calls: null };
  for (const ch of CHANNELS) {
    const c = d.consent[ch];
    if (c.change) consent[ch] = { granted: c.change === 'granted', source: c.source.trim(), text: c.text.trim() };
  }
  const tags = parseTags(d.tags);
  const input: CustomerInput = {
    name: d.name.trim(),
    phones,
    email: orNull(d.email),
    gender: d.gender || null,
    birth_date: d.birth_date || null,
    anniversary: d.anniversary || null,
    address: orNull(d.address),
    city: orNull(d.city),
    area: orNull(d.area),
    postal_code: orNull(d.postal_code),
    language: orNull(d.language),
    community: orNull(d.community),
    customer_type: d.customer_type,
    preferences: {
      metals: d.metals,
      purities: d.purities,
      stones: d.stones,
      categories: d.categories,
      styles: d.styles,
      ring_size: orNull(d.ring_size),
      saving_scheme: d.saving_scheme || null,
    },
    budget_band: d.budget_band || null,
    tier: d.tier,
    tags,
    consent,
    dnd: d.dnd,
    home_store_id: d.home_store_id || null,
    family,
  };
  return { input, phoneRows, familyRows, tags };
}

/** Checks made before sending (the server checks the rest and answers per field). */
export function checkCustomerDraft(d: CustomerDraft, today: string): Record<string, string> {
  const errs: Record<string, string> = {};
  if (!d.name.trim()) errs.name = 'Enter the customer’s name.';
  if (!d.phones.some((p) => p.trim() !== '')) errs['phones[0]'] = 'Enter at least one phone number.';
  d.phones.forEach((p, i) => {
    const digits = p.replace(/\D/g, '');
    if (p.trim() !== '' && digits.length < 6) errs[`phones[${i}]`] = 'This does not look like a phone number.';
  });
  if (d.birth_date && d.birth_date > today) errs.birth_date = 'The birth date cannot be in the future.';
  if (d.anniversary && d.anniversary > today) errs.anniversary = 'The anniversary cannot be in the future.';
  for (const ch of CHANNELS) {
    const c = d.consent[ch];
    if (!c.change) continue;
    if (!c.source.trim()) errs[`consent.${ch}.source`] = 'Say where consent was captured.';
    if (!c.text.trim()) errs[`consent.${ch}.text`] = 'Enter the wording the customer agreed to.';
  }
  d.family.forEach((f, i) => {
    const used = f.linked_customer_id || f.birth_date || f.anniversary || f.wedding_date;
    if (used && !f.name.trim()) errs[`family[${i}].name`] = 'Enter the family member’s name.';
  });
  return errs;
}

const INDEXED = /^(phones|family|tags)\[(\d+)\](.*)$/;

/**
 * Server field errors keyed by form field: `phones[1]` and `family[0].name`
 * point at the form rows they came from; `tags[i]` becomes a message on the
 * tags field naming the tag. Unknown fields stay as they are.
 */
export function formErrorsFromServer(
  errors: FieldError[],
  built: Pick<BuiltCustomerInput, 'phoneRows' | 'familyRows' | 'tags'>,
): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (k: string, m: string) => {
    if (!(k in out)) out[k] = m;
  };
  for (const e of errors) {
    const m = INDEXED.exec(e.field);
    if (!m) {
      put(e.field, sentence(e.message));
      continue;
    }
    const [, list, idx, rest] = m as unknown as [string, 'phones' | 'family' | 'tags', string, string];
    const i = Number(idx);
    if (list === 'tags') {
      const tag = built.tags[i];
      const msg = tag ? `“${tag}” ${e.message}` : e.message;
      out.tags = out.tags ? `${out.tags} ${sentence(msg)}` : sentence(msg);
    } else {
      const rows = list === 'phones' ? built.phoneRows : built.familyRows;
      put(`${list}[${rows[i] ?? i}]${rest}`, sentence(e.message));
    }
  }
  return out;
}

/** "must be a past date" → "Must be a past date." */
export function sentence(message: string): string {
  const t = message.trim();
  if (!t) return t;
  const s = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?]$/.test(s) ? s : `${s}.`;
}

/** Each form field that has its own place for an error message. */
export function isCustomerFormField(field: string, draft: CustomerDraft): boolean {
  if (
    [
      'name',
      'phones',
      'email',
      'gender',
      'birth_date',
      'anniversary',
      'address',
      'city',
      'area',
      'postal_code',
      'language',
      'community',
      'customer_type',
      'preferences',
      'preferences.ring_size',
      'budget_band',
      'tier',
      'tags',
      'home_store_id',
      'family',
    ].includes(field)
  )
    return true;
  if (/^consent\.(whatsapp|sms|email|calls)\.(source|text)$/.test(field)) return true;
  const phone = /^phones\[(\d+)\]$/.exec(field);
  if (phone) return Number(phone[1]) < draft.phones.length;
  const fam = /^family\[(\d+)\]\.(name|linked_customer_id|relation|birth_date|anniversary|wedding_date)$/.exec(field);
  if (fam) return Number(fam[1]) < draft.family.length;
  return false;
}
