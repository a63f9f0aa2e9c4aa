import { describe, expect, it } from 'vitest';
import { auditPhrase, changeRows, showValue } from './audit';

describe('auditPhrase', () => {
  it('words known events', () => {
    expect(auditPhrase({ entity: 'session', action: 'login' })).toBe('signed in');
    expect(auditPhrase({ entity: 'store', action: 'create' })).toBe('created store');
    expect(auditPhrase({ entity: 'tenant', action: 'suspend' })).toBe('suspended tenant');
    expect(auditPhrase({ entity: 'user', action: 'change_password' })).toBe('changed their password');
  });
  it('falls back to the raw words', () => {
    expect(auditPhrase({ entity: 'metal_rate', action: 'bulk_import' })).toBe('bulk import metal rate');
  });
});

describe('changeRows', () => {
  it('reads update diffs', () => {
    expect(changeRows({ name: { from: 'A', to: 'B' }, active: { from: true, to: false } })).toEqual([
      { field: 'name', from: 'A', to: 'B' },
      { field: 'active', from: true, to: false },
    ]);
  });
  it('reads created records', () => {
    expect(changeRows({ after: { name: 'MG Road', code: 'BLR-MG' } })).toEqual([
      { field: 'name', to: 'MG Road' },
      { field: 'code', to: 'BLR-MG' },
    ]);
  });
  it('gives up on other shapes', () => {
    expect(changeRows({ weird: 1 })).toBeNull();
    expect(changeRows(null)).toBeNull();
    expect(changeRows([1])).toBeNull();
    expect(changeRows({})).toEqual([]);
  });
  it('shows values briefly', () => {
    expect(showValue(null)).toBe('—');
    expect(showValue(['a', 'b'])).toBe('a, b');
    expect(showValue(false)).toBe('false');
    expect(showValue({ a: 1 })).toBe('{"a":1}');
  });
});
