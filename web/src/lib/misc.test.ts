import { describe, expect, it } from 'vitest';
import { checkNewPassword } from './password';
import { slugify } from '../pages/platform/tenants';

describe('checkNewPassword', () => {
  it('enforces length and confirmation', () => {
    expect(checkNewPassword(undefined, undefined)).toEqual({ new_password: 'Enter a new password.' });
    expect(checkNewPassword('short', 'short').new_password).toMatch(/at least 10/);
    expect(checkNewPassword('x'.repeat(129), 'x'.repeat(129)).new_password).toMatch(/at most 128/);
    expect(checkNewPassword('long enough pass', 'different')).toEqual({ confirm_password: 'The two passwords do not match.' });
    expect(checkNewPassword('long enough pass', 'long enough pass')).toEqual({});
  });
  it('counts characters, not UTF-16 units', () => {
    expect(checkNewPassword('💎💎💎💎💎💎💎💎💎💎', '💎💎💎💎💎💎💎💎💎💎')).toEqual({});
  });
});

describe('slugify', () => {
  it('makes URL-safe slugs', () => {
    expect(slugify('Shree Jewellers & Sons')).toBe('shree-jewellers-sons');
    expect(slugify('  Café Ørfèvre ')).toBe('cafe-rfevre');
    expect(slugify('---')).toBe('');
  });
});
