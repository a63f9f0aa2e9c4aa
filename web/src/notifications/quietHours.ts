const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** "22:00:00" or "22:00" → "22:00"; anything else → "". */
export function hhmm(v: string | null | undefined): string {
  if (!v) return '';
  const t = v.slice(0, 5);
  return TIME.test(t) ? t : '';
}

/** Field errors for a quiet-hours range; an overnight range (22:00–07:00) is fine. */
export function validateQuietHours(start: string, end: string): Record<string, string> {
  const errs: Record<string, string> = {};
  if (!TIME.test(start)) errs.start = 'Enter a time, e.g. 22:00.';
  if (!TIME.test(end)) errs.end = 'Enter a time, e.g. 07:00.';
  if (!errs.start && !errs.end && start === end) errs.end = 'Quiet hours must end at a different time than they start.';
  return errs;
}
