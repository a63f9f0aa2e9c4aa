const COMMON = [
  'Asia/Kolkata',
  'Asia/Dubai',
  'Asia/Singapore',
  'Europe/London',
  'America/New_York',
  'America/Los_Angeles',
  'Australia/Sydney',
];

/** Time zones for a picker: common ones first, then every zone the browser knows. */
export function timeZoneOptions(current?: string): { value: string; label: string }[] {
  let all: string[] = [];
  try {
    all = Intl.supportedValuesOf('timeZone');
  } catch {
    all = [];
  }
  const seen = new Set<string>();
  const out: { value: string; label: string }[] = [];
  for (const z of [...(current ? [current] : []), ...COMMON, ...all]) {
    if (seen.has(z)) continue;
    seen.add(z);
    out.push({ value: z, label: z.replace(/_/g, ' ') });
  }
  return out;
}
