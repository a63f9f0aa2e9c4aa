import { describe, expect, it } from 'vitest';
import { hhmm, validateQuietHours } from './quietHours';

describe('quiet hours', () => {
  it('normalises times', () => {
    expect(hhmm('22:00:00')).toBe('22:00');
    expect(hhmm('07:30')).toBe('07:30');
    expect(hhmm('25:00')).toBe('');
    expect(hhmm(null)).toBe('');
  });
  it('validates a range, overnight allowed', () => {
    expect(validateQuietHours('22:00', '07:00')).toEqual({});
    expect(validateQuietHours('', '07:00')).toHaveProperty('start');
    expect(validateQuietHours('09:00', '09:00')).toHaveProperty('end');
  });
});
