import { describe, expect, it } from 'vitest';
import {
  blankInterest,
  checkVisitDraft,
  emptyVisitDraft,
  interestLabel,
  opensLead,
  parseAmount,
  toVisitInput,
  visitErrorKey,
} from './visits';

describe('visit form', () => {
  it('parses amounts as typed in India or elsewhere', () => {
    expect(parseAmount('')).toBeNull();
    expect(parseAmount('1,25,000')).toBe(125000);
    expect(parseAmount(' 85 000 ')).toBe(85000);
    expect(parseAmount('12.5')).toBeNaN();
    expect(parseAmount('-4')).toBeNaN();
  });

  it('builds a visit for a new customer with the typed phone', () => {
    const d = emptyVisitDraft('s1');
    d.phone = '98765 43210';
    d.name = ' Meera Nair ';
    d.city = '';
    d.reason = 'wedding';
    d.interests = [
      {
        ...blankInterest(),
        category: 'necklace_sets',
        metal: 'gold',
        expected_value: '2,50,000',
        outcome: 'wants_more_discount',
        design_number: ' NS-22 ',
      },
    ];
    expect(toVisitInput(d)).toEqual({
      customer: { name: 'Meera Nair', phones: ['98765 43210'], city: null },
      store_id: 's1',
      reason: 'wedding',
      lead_source: 'walk_in',
      notes: null,
      interests: [
        {
          category: 'necklace_sets',
          metal: 'gold',
          stone: null,
          design_number: 'NS-22',
          expected_value: 250000,
          outcome: 'wants_more_discount',
          note: null,
        },
      ],
    });
    expect(opensLead(d)).toBe(true);
  });

  it('builds a visit for a returning customer by id', () => {
    const d = emptyVisitDraft('s1');
    d.phone = '+919876543210';
    d.match = { id: 'c1', name: 'Asha', phone: '+919876543210', home_store_id: 's2', deleted_at: null, readable: true };
    d.name = 'ignored';
    d.reason = 'gifting';
    d.interests = [
      { ...blankInterest(), category: 'rings', outcome: 'purchased', expected_value: '45000' },
      { ...blankInterest(), category: 'earrings', outcome: 'design_selected' },
    ];
    const body = toVisitInput(d);
    expect(body.customer_id).toBe('c1');
    expect('customer' in body).toBe(false);
    expect(body.interests.map((i) => i.expected_value)).toEqual([45000, null]);
    expect(opensLead(d)).toBe(false);
  });

  it('says what is missing', () => {
    const d = emptyVisitDraft('');
    d.phone = '98765';
    d.lead_source = '';
    d.interests = [{ ...blankInterest(), expected_value: 'lots' }];
    expect(checkVisitDraft(d, 'idle')).toEqual({
      phone: 'Enter the customer’s full mobile number.',
      store_id: 'Choose the store.',
      reason: 'Choose why they came in.',
      lead_source: 'Choose how they heard of you.',
      'interests[0].category': 'Choose what they looked at.',
      'interests[0].outcome': 'Choose how it ended.',
      'interests[0].expected_value': 'Enter a whole amount, e.g. 85000.',
    });
    d.phone = '9876543210';
    expect(checkVisitDraft(d, 'new').name).toBe('Enter the customer’s name.');
    d.match = { id: 'c1', name: 'Asha', phone: '+919876543210', home_store_id: 's2', deleted_at: '2026-11-01T00:00:00Z', readable: true };
    expect(checkVisitDraft(d, 'found').phone).toMatch(/trash/);
  });

  it('maps inline-customer errors to the visit form', () => {
    expect(visitErrorKey('phones[0]', true)).toBe('phone');
    expect(visitErrorKey('name', true)).toBe('name');
    expect(visitErrorKey('interests[0].expected_value', true)).toBe('interests[0].expected_value');
    expect(visitErrorKey('name', false)).toBe('name');
  });

  it('describes an interest for photo labels', () => {
    expect(interestLabel({ category: 'necklace_sets', metal: 'gold', design_number: ' NS-204 ' })).toBe(
      'Necklace sets in gold, design NS-204',
    );
    expect(interestLabel({ category: 'rings' })).toBe('Rings');
    expect(interestLabel({ category: 'rose_bowls', metal: 'rose_gold' })).toBe('Rose bowls in rose gold');
    expect(interestLabel({})).toBe('Interest');
  });
});
