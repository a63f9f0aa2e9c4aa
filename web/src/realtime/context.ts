import { createContext, useContext } from 'react';
import type { ConnectionState, RealtimeEventListener } from './client';
import type { ClientMessage, ServerMessage } from './protocol';

export interface RealtimeValue {
  /** Whether this user has real time at all (tenant users; the server may still say no). */
  enabled: boolean;
  state: ConnectionState;
  /** Sends a message while live; false otherwise. */
  send(msg: ClientMessage): boolean;
  /** Listens to every event; returns an unsubscribe. */
  subscribe(fn: RealtimeEventListener): () => void;
  /** Listens to connection state changes; returns an unsubscribe. */
  onState(fn: (s: ConnectionState) => void): () => void;
  /** Listens to every server message (typing, ack…), events included; returns an unsubscribe. */
  onMessage(fn: (msg: ServerMessage) => void): () => void;
}

const noop = () => () => undefined;

/** What components outside a RealtimeProvider see: nothing live. */
export const OFFLINE_REALTIME: RealtimeValue = {
  enabled: false,
  state: 'unavailable',
  send: () => false,
  subscribe: noop,
  onState: noop,
  onMessage: noop,
};

export const RealtimeContext = createContext<RealtimeValue>(OFFLINE_REALTIME);

export function useRealtime(): RealtimeValue {
  return useContext(RealtimeContext);
}
