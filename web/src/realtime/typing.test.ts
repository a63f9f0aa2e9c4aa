import { describe, expect, it } from 'vitest';
import type { ClientMessage, ServerMessage } from './protocol';
import { TYPING_SHOW_MS, TypingSender, activeTypists, chatTopic, nextExpiry, typingFrom, withTypist, withoutTypist } from './typing';

const typing = (user_id: string, name: string, topic = 'chat:c1'): ServerMessage => ({ type: 'typing', topic, user_id, name });

describe('who is typing', () => {
  it('reads typing on this topic from others only', () => {
    expect(chatTopic('c1')).toBe('chat:c1');
    expect(typingFrom(typing('u2', 'Priya'), 'chat:c1', 'me')).toEqual({ user_id: 'u2', name: 'Priya' });
    expect(typingFrom(typing('u2', 'Priya', 'chat:c2'), 'chat:c1', 'me')).toBeNull();
    expect(typingFrom(typing('me', 'Me'), 'chat:c1', 'me')).toBeNull();
    expect(typingFrom({ type: 'reset', last_seq: 1 }, 'chat:c1', 'me')).toBeNull();
    expect(typingFrom(typing('u2', ' '), 'chat:c1', 'me')).toEqual({ user_id: 'u2', name: 'Someone' });
  });

  it('shows each typist for a few seconds after their last signal', () => {
    let list = withTypist([], { user_id: 'u2', name: 'Priya' }, 1000);
    list = withTypist(list, { user_id: 'u3', name: 'Arjun' }, 2000);
    expect(list.map((t) => t.until)).toEqual([1000 + TYPING_SHOW_MS, 2000 + TYPING_SHOW_MS]);
    // Priya types again: she stays first, for longer.
    list = withTypist(list, { user_id: 'u2', name: 'Priya' }, 3000);
    expect(list.map((t) => [t.name, t.until])).toEqual([
      ['Priya', 3000 + TYPING_SHOW_MS],
      ['Arjun', 2000 + TYPING_SHOW_MS],
    ]);
    expect(nextExpiry(list, 3000)).toBe(3000);
    expect(activeTypists(list, 6500).map((t) => t.name)).toEqual(['Priya']);
    expect(activeTypists(list, 100)).toBe(list);
    expect(activeTypists(list, 9000)).toEqual([]);
    expect(nextExpiry([], 0)).toBeNull();
  });

  it('someone who sent their message stops typing at once', () => {
    const list = withTypist([], { user_id: 'u2', name: 'Priya' }, 0);
    expect(withoutTypist(list, 'u2')).toEqual([]);
    expect(withoutTypist(list, 'u9')).toBe(list);
  });
});

describe('TypingSender', () => {
  function setup(live = true) {
    let now = 0;
    const sent: ClientMessage[] = [];
    const sender = new TypingSender(
      (m) => {
        if (live) sent.push(m);
        return live;
      },
      () => now,
      2500,
    );
    return { sender, sent, at: (t: number) => (now = t) };
  }

  it('signals at most once every 2.5 s per topic', () => {
    const h = setup();
    expect(h.sender.typed('chat:c1')).toBe(true);
    h.at(1000);
    expect(h.sender.typed('chat:c1')).toBe(false);
    h.at(2499);
    expect(h.sender.typed('chat:c1')).toBe(false);
    h.at(2500);
    expect(h.sender.typed('chat:c1')).toBe(true);
    // Another channel signals at once.
    h.at(2600);
    expect(h.sender.typed('chat:c2')).toBe(true);
    expect(h.sent).toEqual([
      { type: 'typing', topic: 'chat:c1' },
      { type: 'typing', topic: 'chat:c1' },
      { type: 'typing', topic: 'chat:c2' },
    ]);
  });

  it('after sending a message, the next keystroke signals again', () => {
    const h = setup();
    h.sender.typed('chat:c1');
    h.sender.reset();
    h.at(10);
    expect(h.sender.typed('chat:c1')).toBe(true);
  });

  it('a signal that could not go out (not live) does not count', () => {
    const h = setup(false);
    expect(h.sender.typed('chat:c1')).toBe(false);
    expect(h.sent).toEqual([]);
  });
});
