import { useEffect } from 'react';
import { ApiError } from '../api/problem';

/** Sets document.title for the current page. */
export function useTitle(title: string) {
  useEffect(() => {
    document.title = `${title} · Karat`;
  }, [title]);
}

/** Collects the string values of a form, trimmed; empty strings become undefined. */
export function formValues(form: HTMLFormElement): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  const data = new FormData(form);
  for (const [k, v] of data.entries()) {
    if (typeof v !== 'string') continue;
    // Passwords are taken as typed; spaces can be part of them.
    const t = k.includes('password') ? v : v.trim();
    out[k] = t === '' ? undefined : t;
  }
  return out;
}

export function formList(form: HTMLFormElement, name: string): string[] {
  return new FormData(form).getAll(name).filter((v): v is string => typeof v === 'string');
}

export function fieldErrorsOf(error: unknown): Record<string, string> {
  return error instanceof ApiError ? error.fieldErrors() : {};
}

/** An error worth a banner: anything but a 422 whose messages all sit on known fields. */
export function bannerError(error: unknown, fields: readonly string[]): unknown {
  if (!(error instanceof ApiError)) return error;
  if (error.errors.length > 0 && !error.detail && error.errors.every((e) => fields.includes(e.field))) return null;
  return error;
}
