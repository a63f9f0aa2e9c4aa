import { useMemo } from 'react';
import { useAuth } from '../auth/useAuth';
import { DEFAULT_LOCALE, formatDateTime, formatMoney, formatNumber, formatRelative, type DateStyle, type LocaleSettings } from './format';

function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || DEFAULT_LOCALE.timeZone;
  } catch {
    return DEFAULT_LOCALE.timeZone;
  }
}

/** Locale settings of the signed-in user's tenant (platform staff: en-IN and the browser's zone). */
export function useLocaleSettings(): LocaleSettings {
  const { me } = useAuth();
  const tenant = me?.tenant ?? null;
  return useMemo(
    () =>
      tenant
        ? { locale: tenant.locale, currency: tenant.currency, timeZone: tenant.time_zone }
        : { ...DEFAULT_LOCALE, timeZone: browserTimeZone() },
    [tenant],
  );
}

export interface Formatters {
  settings: LocaleSettings;
  money(minor: number | bigint, currency?: string): string;
  number(n: number | bigint): string;
  dateTime(iso: string, style?: DateStyle, timeZone?: string): string;
  relative(iso: string): string;
}

export function useFormat(): Formatters {
  const s = useLocaleSettings();
  return useMemo(
    () => ({
      settings: s,
      money: (minor, currency) => formatMoney(minor, currency ?? s.currency, s.locale),
      number: (n) => formatNumber(n, s.locale),
      dateTime: (iso, style, timeZone) => formatDateTime(iso, s.locale, timeZone ?? s.timeZone, style),
      relative: (iso) => formatRelative(iso, s.locale),
    }),
    [s],
  );
}
