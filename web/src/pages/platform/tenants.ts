import type { TenantPlan } from '../../api/types';

export const PLANS: { value: TenantPlan; label: string }[] = [
  { value: 'trial', label: 'Trial' },
  { value: 'standard', label: 'Standard' },
  { value: 'premium', label: 'Premium' },
];

// Sensible defaults per country when creating a tenant.
export interface CountryDefaults {
  code: string;
  name: string;
  currency: string;
  time_zone: string;
  locale: string;
}

export const COUNTRIES: CountryDefaults[] = [
  { code: 'IN', name: 'India', currency: 'INR', time_zone: 'Asia/Kolkata', locale: 'en-IN' },
  { code: 'AE', name: 'United Arab Emirates', currency: 'AED', time_zone: 'Asia/Dubai', locale: 'en-AE' },
  { code: 'SG', name: 'Singapore', currency: 'SGD', time_zone: 'Asia/Singapore', locale: 'en-SG' },
  { code: 'GB', name: 'United Kingdom', currency: 'GBP', time_zone: 'Europe/London', locale: 'en-GB' },
  { code: 'US', name: 'United States', currency: 'USD', time_zone: 'America/New_York', locale: 'en-US' },
  { code: 'CA', name: 'Canada', currency: 'CAD', time_zone: 'America/Toronto', locale: 'en-CA' },
  { code: 'AU', name: 'Australia', currency: 'AUD', time_zone: 'Australia/Sydney', locale: 'en-AU' },
];

/** A URL-safe slug from a business name: "Shree Jewellers & Sons" → "shree-jewellers-sons". */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
}
