// Human wording for audit entries.
import type { AuditEntry } from '../api/types';

const PHRASES: Record<string, string> = {
  'session.login': 'signed in',
  'session.logout': 'signed out',
  'session.revoke': 'signed out a session',
  'session.revoke_reused_token': 'had all sessions revoked after a refresh token was reused',
  'user.change_password': 'changed their password',
  'user.reset_password': 'reset a password',
};

const PAST: Record<string, string> = {
  create: 'created',
  update: 'updated',
  delete: 'deleted',
  deactivate: 'deactivated',
  reactivate: 'reactivated',
  suspend: 'suspended',
  restore: 'restored',
};

/** "signed in", "created store", "suspended tenant", or the raw words for new kinds. */
export function auditPhrase(entry: Pick<AuditEntry, 'entity' | 'action'>): string {
  const known = PHRASES[`${entry.entity}.${entry.action}`];
  if (known) return known;
  const verb = PAST[entry.action] ?? entry.action.replace(/[._]/g, ' ');
  return `${verb} ${entry.entity.replace(/[._]/g, ' ')}`;
}

export interface ChangeRow {
  field: string;
  from?: unknown;
  to: unknown;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Rows for a `changes` object: `{field: {from, to}}` for updates, `{after: {...}}`
 * for creations. Null when the shape is something else (show it raw then).
 */
export function changeRows(changes: unknown): ChangeRow[] | null {
  if (!isObject(changes)) return null;
  const keys = Object.keys(changes);
  if (keys.length === 0) return [];
  if (keys.length === 1 && keys[0] === 'after' && isObject(changes.after)) {
    return Object.entries(changes.after).map(([field, to]) => ({ field, to }));
  }
  const rows: ChangeRow[] = [];
  for (const [field, v] of Object.entries(changes)) {
    if (!isObject(v) || !('to' in v)) return null;
    rows.push({ field, from: v.from, to: v.to });
  }
  return rows;
}

/** A short display of a JSON value in a change row. */
export function showValue(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.length === 0 ? '[]' : v.map(showValue).join(', ');
  return JSON.stringify(v);
}
