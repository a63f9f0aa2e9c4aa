import { describe, expect, it } from 'vitest';
import {
  addDays,
  isoToZonedLocal,
  todayIn,
  zonedLocalToIso,
  currencyDigits,
  formatDateTime,
  formatMoney,
  formatNumber,
  formatRelative,
  minorToDecimal,
  zonedDayStart,
} from './format';

describe('formatMoney', () => {
  it('uses Indian digit grouping for INR in en-IN', () => {
    expect(formatMoney(10_000_000, 'INR', 'en-IN')).toBe('₹1,00,000');
    expect(formatMoney(123_456_789_00, 'INR', 'en-IN')).toBe('₹12,34,56,789');
    expect(formatMoney(150_050, 'INR', 'en-IN')).toBe('₹1,500.50');
  });

  it('can always show the minor unit', () => {
    expect(formatMoney(10_000_000, 'INR', 'en-IN', { alwaysShowFraction: true })).toBe('₹1,00,000.00');
  });

  it('follows the tenant locale and currency', () => {
    expect(formatMoney(10_000_000, 'USD', 'en-US')).toBe('$100,000');
    expect(formatMoney(123_456, 'GBP', 'en-GB')).toBe('£1,234.56');
    expect(formatMoney(1_000_000, 'AED', 'en-AE')).toMatch(/10,000/);
    // JPY has no minor unit: 5000 minor units are ¥5,000.
    expect(formatMoney(5000, 'JPY', 'ja-JP')).toMatch(/5,000/);
  });

  it('handles negatives, zero and amounts beyond 2^53 exactly', () => {
    expect(formatMoney(-250_00, 'INR', 'en-IN')).toBe('-₹250');
    expect(formatMoney(0, 'INR', 'en-IN')).toBe('₹0');
    expect(formatMoney(12_345_678_901_234_567_89n, 'INR', 'en-IN')).toBe('₹12,34,56,78,90,12,34,567.89');
  });

  it('refuses fractional minor units', () => {
    expect(() => formatMoney(10.5, 'INR', 'en-IN')).toThrow(RangeError);
  });
});

describe('money helpers', () => {
  it('knows currency minor units', () => {
    expect(currencyDigits('INR')).toBe(2);
    expect(currencyDigits('JPY')).toBe(0);
    expect(currencyDigits('KWD')).toBe(3);
  });

  it('converts minor units to exact decimals', () => {
    expect(minorToDecimal(5, 2)).toBe('0.05');
    expect(minorToDecimal(-5, 2)).toBe('-0.05');
    expect(minorToDecimal(12345n, 2)).toBe('123.45');
    expect(minorToDecimal(7, 0)).toBe('7');
  });
});

describe('formatNumber', () => {
  it('groups by locale', () => {
    expect(formatNumber(100000, 'en-IN')).toBe('1,00,000');
    expect(formatNumber(100000, 'en-US')).toBe('100,000');
  });
});

describe('dates', () => {
  it('formats in the given time zone', () => {
    // 20:00 UTC is 01:30 the next day in Kolkata.
    expect(formatDateTime('2026-03-01T20:00:00Z', 'en-IN', 'Asia/Kolkata', 'date')).toBe('2 Mar 2026');
    expect(formatDateTime('2026-03-01T20:00:00Z', 'en-IN', 'Asia/Kolkata', 'time')).toMatch(/^1:30\s?am$/i);
    expect(formatDateTime('not a date', 'en-IN', 'Asia/Kolkata')).toBe('not a date');
  });

  it('computes the start of a day in a zone', () => {
    expect(zonedDayStart('2026-03-02', 'Asia/Kolkata')).toBe('2026-03-01T18:30:00.000Z');
    expect(zonedDayStart('2026-07-01', 'Europe/London')).toBe('2026-06-30T23:00:00.000Z');
    expect(zonedDayStart('2026-01-15', 'America/New_York')).toBe('2026-01-15T05:00:00.000Z');
    expect(() => zonedDayStart('02/03/2026', 'UTC')).toThrow();
  });

  it('adds days across month ends', () => {
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });

  it('says how long ago', () => {
    const now = Date.parse('2026-03-01T12:00:00Z');
    expect(formatRelative('2026-03-01T11:55:00Z', 'en', now)).toBe('5 minutes ago');
    expect(formatRelative('2026-02-28T12:00:00Z', 'en', now)).toBe('yesterday');
    expect(formatRelative('2026-03-01T11:59:50Z', 'en', now)).toBe('now');
  });
});

describe('wall-clock times in a zone', () => {
  it('converts datetime-local values to instants and back', () => {
    expect(zonedLocalToIso('2026-12-01T15:30', 'Asia/Kolkata')).toBe('2026-12-01T10:00:00.000Z');
    expect(isoToZonedLocal('2026-12-01T10:00:00Z', 'Asia/Kolkata')).toBe('2026-12-01T15:30');
    // Across a DST change in New York (EST, UTC−5 in December).
    expect(zonedLocalToIso('2026-12-01T09:00', 'America/New_York')).toBe('2026-12-01T14:00:00.000Z');
    expect(isoToZonedLocal('2026-07-01T13:00:00Z', 'America/New_York')).toBe('2026-07-01T09:00');
    expect(todayIn('Asia/Kolkata', Date.parse('2026-11-26T20:00:00Z'))).toBe('2026-11-27');
    expect(() => zonedLocalToIso('tomorrow', 'Asia/Kolkata')).toThrow(RangeError);
  });
});
