import { createContext, useContext } from 'react';
import type { PushState, PushStatus } from './pushState';

/** What turning push on ended in (for the caller to report). */
export type EnableOutcome = Exclude<PushStatus, 'checking' | 'unavailable'> | 'error';

export interface PushValue {
  state: PushState;
  /** Asks for permission if needed (call from a click) and subscribes this device. */
  enable(): Promise<EnableOutcome>;
  /** Unsubscribes this device (server and browser). */
  disable(): Promise<void>;
}

const NONE: PushValue = {
  state: { status: 'unavailable', permission: 'default', busy: false, error: null },
  enable: () => Promise.resolve('off'),
  disable: () => Promise.resolve(),
};

export const PushContext = createContext<PushValue | null>(null);

/** Push on this device; outside a PushProvider (platform staff) it is simply unavailable. */
export function usePush(): PushValue {
  return useContext(PushContext) ?? NONE;
}
