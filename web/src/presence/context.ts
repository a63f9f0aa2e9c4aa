import { createContext, useContext } from 'react';
import type { PresenceStatus } from '../api/types';
import type { ChosenStatus } from './status';

export interface PresenceValue {
  /** The server offers presence (GET /presence answered). */
  available: boolean;
  /** What the person picked. */
  chosen: ChosenStatus;
  /** What others see (chosen, or away while idle). */
  effective: ChosenStatus;
  choose(s: ChosenStatus): void;
  /** Someone's status, or null when unknown / presence is unavailable. */
  statusOf(userId: string): PresenceStatus | null;
}

export const PresenceContext = createContext<PresenceValue>({
  available: false,
  chosen: 'online',
  effective: 'online',
  choose: () => undefined,
  statusOf: () => null,
});

export function usePresence(): PresenceValue {
  return useContext(PresenceContext);
}
