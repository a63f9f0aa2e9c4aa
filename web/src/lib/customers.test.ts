import { describe, expect, it } from 'vitest';
import type { Customer } from '../api/types';
import {
  REASON_LABELS,
  blankFamilyMember,
  checkCustomerDraft,
  draftFromCustomer,
  emptyCustomerDraft,
  formErrorsFromServer,
  formatPhone,
  isCustomerFormField,
  labelOf,
  parseTags,
  phoneLookupKey,
  telHref,
  toCustomerInput,
} from './customers';

const customer: Customer = {
  id: 'c1',
  name: 'Asha Rao',
  phones: ['+919876543210', '+919845012345'],
  email: 'asha@example.com',
  gender: 'female',
  birth_date: '1990-04-02',
  anniversary: null,
  address: '12 MG Road',
  city: 'Bengaluru',
  area: 'Indiranagar',
  postal_code: '560038',
  language: 'Kannada',
  community: null,
  customer_type: 'individual',
  preferences: {
    metals: ['gold'],
    purities: ['22k'],
    stones: [],
    categories: ['bangles', 'earrings'],
    styles: ['traditional'],
    ring_size: '14',
    saving_scheme: 'active',
  },
  budget_band: '50k_2l',
  tier: 'vip',
  tags: ['bridal', 'gold lover'],
  auto_tags: ['vip spender'],
  consent: {
    whatsapp: { granted: true, at: '2026-01-01T10:00:00Z', source: 'showroom form', text: 'ok', recorded_by: 'u1' },
    sms: null,
    email: null,
    calls: null,
  },
  dnd: false,
  home_store_id: 's1',
  lifetime_value: 120000,
  last_purchase_at: null,
  family: [
    { name: 'Ravi Rao', relation: 'spouse', linked_customer_id: 'c2', birth_date: null, anniversary: null, wedding_date: '2015-02-14' },
  ],
  limited: false,
  created_at: '2026-01-01T10:00:00Z',
  updated_at: '2026-01-01T10:00:00Z',
  deleted_at: null,
  merged_into: null,
};

describe('labels', () => {
  it('names vocabulary words and humanises unknown ones', () => {
    expect(labelOf(REASON_LABELS, 'self')).toBe('For self');
    expect(labelOf(REASON_LABELS, 'window_shopping')).toBe('Window shopping');
    expect(labelOf(REASON_LABELS, null)).toBe('');
  });
});

describe('phones', () => {
  it('formats Indian and North American numbers for reading', () => {
    expect(formatPhone('+919876543210')).toBe('+91 98765 43210');
    expect(formatPhone('+14155550123')).toBe('+1 415 555 0123');
    expect(formatPhone('+442071234567')).toBe('+442071234567');
    expect(telHref('+91 98765 43210')).toBe('tel:+919876543210');
  });

  it('looks a number up only once it is complete', () => {
    expect(phoneLookupKey('98765', 'IN')).toBeNull();
    expect(phoneLookupKey('98765 43210', 'IN')).toBe('+919876543210');
    expect(phoneLookupKey('098765-43210', 'IN')).toBe('+919876543210');
    expect(phoneLookupKey('+91 98765 4321', 'IN')).toBeNull();
    expect(phoneLookupKey('+91 98765 43210', 'IN')).toBe('+919876543210');
    expect(phoneLookupKey('0091 9876543210', 'IN')).toBe('+919876543210');
    // Not a mobile: 5 is not a first digit of Indian mobiles.
    expect(phoneLookupKey('5876543210', 'IN')).toBeNull();
    expect(phoneLookupKey('+442071234567', 'IN')).toBe('+442071234567');
    expect(phoneLookupKey('(415) 555-0123', 'US')).toBe('+14155550123');
    expect(phoneLookupKey('call me', 'IN')).toBeNull();
  });
});

describe('customer form', () => {
  it('round-trips a customer into a full CustomerInput', () => {
    const d = draftFromCustomer(customer);
    const { input } = toCustomerInput(d);
    expect(input).toEqual({
      name: 'Asha Rao',
      phones: ['+919876543210', '+919845012345'],
      email: 'asha@example.com',
      gender: 'female',
      birth_date: '1990-04-02',
      anniversary: null,
      address: '12 MG Road',
      city: 'Bengaluru',
      area: 'Indiranagar',
      postal_code: '560038',
      language: 'Kannada',
      community: null,
      customer_type: 'individual',
      preferences: {
        metals: ['gold'],
        purities: ['22k'],
        stones: [],
        categories: ['bangles', 'earrings'],
        styles: ['traditional'],
        ring_size: '14',
        saving_scheme: 'active',
      },
      budget_band: '50k_2l',
      tier: 'vip',
      tags: ['bridal', 'gold lover'],
      // Consent not touched in the form keeps its record on the server.
      consent: { whatsapp: null, sms: null, email: null, calls: null },
      dnd: false,
      home_store_id: 's1',
      family: [
        { name: 'Ravi Rao', relation: 'spouse', linked_customer_id: 'c2', birth_date: null, anniversary: null, wedding_date: '2015-02-14' },
      ],
    });
  });

  it('trims, turns blanks into null and leaves out blank rows', () => {
    const d = emptyCustomerDraft('s1');
    d.name = '  Meera  ';
    d.phones = ['', ' 98450 12345 ', ''];
    d.email = '   ';
    d.tags = 'Bridal, , bridal ,Diwali  buyer';
    d.consent.sms = { change: 'withdrawn', source: ' phone call ', text: ' Stop SMS ' };
    d.family = [blankFamilyMember(), { ...blankFamilyMember(), name: 'Anu', relation: 'daughter', birth_date: '2010-05-01' }];
    const built = toCustomerInput(d);
    expect(built.input.name).toBe('Meera');
    expect(built.input.phones).toEqual(['98450 12345']);
    expect(built.phoneRows).toEqual([1]);
    expect(built.input.email).toBeNull();
    expect(built.input.tags).toEqual(['bridal', 'diwali buyer']);
    expect(built.input.consent).toEqual({
      whatsapp: null,
      sms: { granted: false, source: 'phone call', text: 'Stop SMS' },
      email: null,
      calls: null,
    });
    expect(built.input.family).toEqual([
      { name: 'Anu', relation: 'daughter', linked_customer_id: null, birth_date: '2010-05-01', anniversary: null, wedding_date: null },
    ]);
    expect(built.familyRows).toEqual([1]);
    expect(built.input.tier).toBe('general');
    expect(built.input.home_store_id).toBe('s1');
  });

  it('parses tags', () => {
    expect(parseTags('')).toEqual([]);
    expect(parseTags('VIP,  Akshaya   Tritiya ,vip')).toEqual(['vip', 'akshaya tritiya']);
  });

  it('checks what the server would refuse for sure', () => {
    const d = emptyCustomerDraft();
    d.phones = ['', '123'];
    d.birth_date = '2030-01-01';
    d.consent.whatsapp = { change: 'granted', source: '', text: '' };
    d.family = [{ ...blankFamilyMember(), birth_date: '2000-01-01' }];
    expect(checkCustomerDraft(d, '2026-11-27')).toEqual({
      name: 'Enter the customer’s name.',
      'phones[1]': 'This does not look like a phone number.',
      birth_date: 'The birth date cannot be in the future.',
      'consent.whatsapp.source': 'Say where consent was captured.',
      'consent.whatsapp.text': 'Enter the wording the customer agreed to.',
      'family[0].name': 'Enter the family member’s name.',
    });
  });

  it('puts server errors next to the form rows they are about', () => {
    const built = { phoneRows: [1, 3], familyRows: [2], tags: ['ok', 'bad!'] };
    expect(
      formErrorsFromServer(
        [
          { field: 'phones[1]', message: 'must be an international number like +919876543210' },
          { field: 'family[0].linked_customer_id', message: 'no such customer' },
          { field: 'tags[1]', message: 'must be 1 to 40 letters, digits, spaces, - or _' },
          { field: 'consent.sms.source', message: 'must be 1 to 60 characters' },
          { field: 'name', message: 'must be 1 to 120 characters' },
        ],
        built,
      ),
    ).toEqual({
      'phones[3]': 'Must be an international number like +919876543210.',
      'family[2].linked_customer_id': 'No such customer.',
      tags: '“bad!” must be 1 to 40 letters, digits, spaces, - or _.',
      'consent.sms.source': 'Must be 1 to 60 characters.',
      name: 'Must be 1 to 120 characters.',
    });
  });

  it('knows which fields have a place on the form', () => {
    const d = emptyCustomerDraft();
    d.phones = ['1', '2'];
    expect(isCustomerFormField('phones[1]', d)).toBe(true);
    expect(isCustomerFormField('phones[4]', d)).toBe(false);
    expect(isCustomerFormField('consent.calls.text', d)).toBe(true);
    expect(isCustomerFormField('family[0].name', d)).toBe(false);
    expect(isCustomerFormField('', d)).toBe(false);
  });
});
