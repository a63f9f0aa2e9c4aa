// Number, money and date formatting through Intl, with the tenant's locale,
// currency and time zone (e.g. en-IN, INR, Asia/Kolkata → ₹1,00,000).
// Money is integer minor units (paise, cents) — never floats.

export interface LocaleSettings {
  locale: string;
  currency: string;
  timeZone: string;
}

export const DEFAULT_LOCALE: LocaleSettings = {
  locale: 'en-IN',
  currency: 'INR',
  timeZone: 'Asia/Kolkata',
};

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat>();

function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat>(key: string, make: () => T): T {
  let f = cache.get(key);
  if (!f) {
    f = make();
    cache.set(key, f);
  }
  return f as T;
}

/** Fraction digits of a currency's minor unit (INR 2, JPY 0, KWD 3). */
export function currencyDigits(currency: string): number {
  const f = cached(`digits|${currency}`, () => new Intl.NumberFormat('en', { style: 'currency', currency }));
  return f.resolvedOptions().maximumFractionDigits ?? 2;
}

/** Exact decimal string of an integer amount of minor units: (12345n, 2) → "123.45". */
export function minorToDecimal(minor: bigint | number, digits: number): string {
  if (typeof minor === 'number' && !Number.isSafeInteger(minor)) {
    throw new RangeError('money must be an integer number of minor units');
  }
  const big = BigInt(minor);
  const negative = big < 0n;
  const abs = (negative ? -big : big).toString();
  if (digits === 0) return (negative ? '-' : '') + abs;
  const padded = abs.padStart(digits + 1, '0');
  const whole = padded.slice(0, -digits);
  const frac = padded.slice(-digits);
  return `${negative ? '-' : ''}${whole}.${frac}`;
}

export interface MoneyOptions {
  /** Show "₹1,00,000.00" instead of "₹1,00,000" for whole amounts. */
  alwaysShowFraction?: boolean;
}

/** Formats minor units as money: formatMoney(10000000, 'INR', 'en-IN') → "₹1,00,000". */
export function formatMoney(minor: bigint | number, currency: string, locale: string, opts: MoneyOptions = {}): string {
  const digits = currencyDigits(currency);
  const f = cached(
    `money|${locale}|${currency}|${opts.alwaysShowFraction ? 1 : 0}`,
    () =>
      new Intl.NumberFormat(locale, {
        style: 'currency',
        currency,
        trailingZeroDisplay: opts.alwaysShowFraction ? 'auto' : 'stripIfInteger',
      }),
  );
  // A decimal string keeps amounts beyond 2^53 paise exact.
  return f.format(minorToDecimal(minor, digits) as Intl.StringNumericLiteral);
}

/** Formats a count with the locale's grouping: 100000 → "1,00,000" in en-IN. */
export function formatNumber(n: number | bigint, locale: string): string {
  return cached(`num|${locale}`, () => new Intl.NumberFormat(locale)).format(n);
}

export type DateStyle = 'date' | 'datetime' | 'time';

/** Formats an RFC 3339 timestamp in the given zone. */
export function formatDateTime(iso: string, locale: string, timeZone: string, style: DateStyle = 'datetime'): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const opts: Intl.DateTimeFormatOptions =
    style === 'date'
      ? { dateStyle: 'medium', timeZone }
      : style === 'time'
        ? { timeStyle: 'short', timeZone }
        : { dateStyle: 'medium', timeStyle: 'short', timeZone };
  return cached(`dt|${locale}|${timeZone}|${style}`, () => new Intl.DateTimeFormat(locale, opts)).format(d);
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** "5 minutes ago", "yesterday", "just now". */
export function formatRelative(iso: string, locale: string, now: number = Date.now()): string {
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return iso;
  const seconds = Math.round((t - now) / 1000);
  const rtf = cached(`rel|${locale}`, () => new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }));
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return rtf.format(Math.round(seconds / size), unit);
  }
  return rtf.format(0, 'second');
}

/** Start of a calendar day (YYYY-MM-DD) in a time zone, as an RFC 3339 instant. */
export function zonedDayStart(day: string, timeZone: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) throw new RangeError(`not a date: ${day}`);
  const utcGuess = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // Offset of the zone at that instant; a second pass settles DST edges.
  let ts = utcGuess - zoneOffsetMs(utcGuess, timeZone);
  ts = utcGuess - zoneOffsetMs(ts, timeZone);
  return new Date(ts).toISOString();
}

function zoneOffsetMs(ts: number, timeZone: string): number {
  const f = cached(
    `parts|${timeZone}`,
    () =>
      new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      }),
  );
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(new Date(ts))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const asUtc = Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
  return asUtc - (ts - (ts % 1000));
}

/** Adds whole days to a YYYY-MM-DD string. */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** A wall-clock time "YYYY-MM-DDTHH:MM" (a datetime-local value) in a time zone, as an RFC 3339 instant. */
export function zonedLocalToIso(local: string, timeZone: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!m) throw new RangeError(`not a local date-time: ${local}`);
  const utcGuess = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  let ts = utcGuess - zoneOffsetMs(utcGuess, timeZone);
  ts = utcGuess - zoneOffsetMs(ts, timeZone);
  return new Date(ts).toISOString();
}

/** An instant as the wall-clock "YYYY-MM-DDTHH:MM" of a time zone (for datetime-local inputs). */
export function isoToZonedLocal(iso: string, timeZone: string): string {
  const ts = new Date(iso).getTime();
  if (Number.isNaN(ts)) return '';
  const local = new Date(ts + zoneOffsetMs(ts, timeZone));
  return local.toISOString().slice(0, 16);
}

/** Today's date "YYYY-MM-DD" in a time zone. */
export function todayIn(timeZone: string, now: number = Date.now()): string {
  return isoToZonedLocal(new Date(now).toISOString(), timeZone).slice(0, 10);
}
