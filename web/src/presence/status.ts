import type { PresenceStatus } from '../api/types';

/** Statuses a person can pick for themselves (on_call is set by the phone system). */
export type ChosenStatus = 'online' | 'away' | 'busy';
export const CHOOSABLE: readonly ChosenStatus[] = ['online', 'away', 'busy'];

export const PRESENCE_LABELS: Record<PresenceStatus, string> = {
  online: 'Online',
  away: 'Away',
  busy: 'Busy',
  on_call: 'On a call',
  offline: 'Offline',
};

export const CHOICE_HINTS: Record<ChosenStatus, string> = {
  online: 'Available; shown as away after 5 minutes without activity',
  away: 'Not at your desk',
  busy: 'Do not disturb',
};

export function isChosenStatus(v: unknown): v is ChosenStatus {
  return typeof v === 'string' && (CHOOSABLE as readonly string[]).includes(v);
}

/** What to tell the server: an "online" person who has gone idle is away. */
export function effectiveStatus(chosen: ChosenStatus, idle: boolean): ChosenStatus {
  return chosen === 'online' && idle ? 'away' : chosen;
}
