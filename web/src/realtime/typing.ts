// "Someone is typing": who is shown (each for a few seconds after their last
// signal) and how often this tab says it is typing. Pure, so the rules are
// unit-tested without React or a socket; useTyping.ts wires them up.
import type { ClientMessage, ServerMessage } from './protocol';

/** How long a typist is shown after their last signal. */
export const TYPING_SHOW_MS = 4000;
/** At most one signal per this many milliseconds while composing. */
export const TYPING_SEND_EVERY_MS = 2500;

export interface Typist {
  user_id: string;
  name: string;
  /** Shown until this time (ms since the epoch). */
  until: number;
}

/** The topic typing in a chat channel is sent and relayed on. */
export function chatTopic(channelId: string): string {
  return `chat:${channelId}`;
}

/** Who a server message says is typing on `topic` (never me), or null. */
export function typingFrom(msg: ServerMessage, topic: string, myId: string): { user_id: string; name: string } | null {
  if (msg.type !== 'typing' || msg.topic !== topic) return null;
  if (typeof msg.user_id !== 'string' || msg.user_id === myId) return null;
  return { user_id: msg.user_id, name: typeof msg.name === 'string' && msg.name.trim() ? msg.name : 'Someone' };
}

/** The typists after a signal: this person is shown for another `showMs` (first signal keeps its place). */
export function withTypist(
  list: readonly Typist[],
  who: { user_id: string; name: string },
  now: number,
  showMs = TYPING_SHOW_MS,
): Typist[] {
  const until = now + showMs;
  return list.some((t) => t.user_id === who.user_id)
    ? list.map((t) => (t.user_id === who.user_id ? { ...t, name: who.name, until } : t))
    : [...list, { ...who, until }];
}

/** The typists still shown at `now` (the same array when nobody expired). */
export function activeTypists(list: readonly Typist[], now: number): readonly Typist[] {
  return list.every((t) => t.until > now) ? list : list.filter((t) => t.until > now);
}

/** The list without this person (they sent their message). */
export function withoutTypist(list: readonly Typist[], userId: string): readonly Typist[] {
  return list.some((t) => t.user_id === userId) ? list.filter((t) => t.user_id !== userId) : list;
}

/** Milliseconds until the next typist expires, or null when nobody is shown. */
export function nextExpiry(list: readonly Typist[], now: number): number | null {
  if (list.length === 0) return null;
  return Math.max(0, Math.min(...list.map((t) => t.until)) - now);
}

/**
 * Sends "typing" on a topic at most once every `everyMs` while the person
 * types; a signal that could not be sent (not live) does not count.
 */
export class TypingSender {
  private lastAt = -Infinity;
  private lastTopic = '';

  constructor(
    private readonly send: (msg: ClientMessage) => boolean,
    private readonly now: () => number = () => Date.now(),
    private readonly everyMs = TYPING_SEND_EVERY_MS,
  ) {}

  /** The person typed something on `topic`; returns whether a signal went out. */
  typed(topic: string): boolean {
    const now = this.now();
    if (topic === this.lastTopic && now - this.lastAt < this.everyMs) return false;
    if (!this.send({ type: 'typing', topic })) return false;
    this.lastAt = now;
    this.lastTopic = topic;
    return true;
  }

  /** The message went out: the next keystroke signals again at once. */
  reset(): void {
    this.lastAt = -Infinity;
  }
}
