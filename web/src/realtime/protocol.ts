// Wire types of the real-time protocol, version 1 (docs/realtime.md).

export const PROTOCOL_VERSION = 1;

/** Close codes the server uses (docs/realtime.md, "Liveness and close codes"). */
export const CLOSE = {
  normal: 1000,
  abnormal: 1006,
  tooLarge: 1009,
  /** Fell behind, or the hub restarted: resume. */
  resume: 4000,
  /** Sign-in revoked, user deactivated or tenant suspended: go to login. */
  revoked: 4001,
  /** No valid hello in time or unsupported version: a client bug. */
  noHello: 4002,
  /** Idle: resume. */
  idle: 4003,
} as const;

/** POST /api/v1/realtime/ticket */
export interface Ticket {
  ticket: string;
  expires_in: number;
  /** Path (or URL) to open the WebSocket on, ticket included. */
  url: string;
}

export interface RealtimeEvent<P = unknown> {
  seq: number;
  topic: string;
  kind: string;
  payload: P;
  at: string;
}

export type ServerMessage =
  | { type: 'hello'; v: number; session: string; last_seq: number }
  | ({ type: 'event' } & RealtimeEvent)
  | { type: 'reset'; last_seq: number }
  | { type: 'typing'; topic: string; user_id: string; name: string }
  | { type: 'ack'; of: string; topics: string[] }
  | { type: 'error'; code: string; message: string }
  /** Platform staff only: something changed (not stored, not replayed). */
  | { type: 'notice'; topic: string; kind: string; payload: unknown };

export type ClientMessage =
  | { type: 'hello'; v: number; resume_after?: number; topics?: string[] }
  | { type: 'subscribe'; topics: string[] }
  | { type: 'unsubscribe'; topics: string[] }
  | { type: 'typing'; topic: string }
  | { type: 'presence'; status: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isSeq = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** Parses one text frame; anything malformed is null (and ignored by the client). */
export function parseServerMessage(text: string): ServerMessage | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(data) || typeof data.type !== 'string') return null;
  switch (data.type) {
    case 'hello':
      return isSeq(data.last_seq) ? (data as ServerMessage) : null;
    case 'event':
      return isSeq(data.seq) && typeof data.topic === 'string' && typeof data.kind === 'string' ? (data as ServerMessage) : null;
    case 'reset':
      return isSeq(data.last_seq) ? (data as ServerMessage) : null;
    case 'typing':
    case 'ack':
    case 'error':
      return data as ServerMessage;
    case 'notice':
      return typeof data.topic === 'string' && typeof data.kind === 'string' ? (data as ServerMessage) : null;
    default:
      return null;
  }
}

/**
 * The WebSocket URL for a ticket's `url`: same origin as the page, `ws:` on an
 * `http:` page and `wss:` on an `https:` one.
 */
export function socketUrl(url: string, pageHref: string): string {
  const u = new URL(url, pageHref);
  const page = new URL(pageHref);
  if (u.protocol === 'http:' || u.protocol === 'https:') {
    u.protocol = page.protocol === 'https:' ? 'wss:' : 'ws:';
  }
  return u.toString();
}
