import { useCallback, useEffect, useState } from 'react';
import { useRealtime } from './context';
import { TypingSender, activeTypists, nextExpiry, typingFrom, withTypist, withoutTypist, type Typist } from './typing';

/**
 * Typing on one topic (a chat channel): who else is typing now, and
 * `notify()` to call on every keystroke (sent at most every few seconds).
 * Someone who sends a message (`sent(userId)`) stops being shown at once.
 * Mount it per topic (e.g. keyed by channel) so the list starts empty.
 */
export function useTyping(topic: string | null, myId: string) {
  const { onMessage, send } = useRealtime();
  const [typists, setTypists] = useState<readonly Typist[]>([]);
  const [sender] = useState(() => new TypingSender(send));

  useEffect(() => {
    if (!topic) return;
    return onMessage((msg) => {
      const who = typingFrom(msg, topic, myId);
      if (who) setTypists((l) => withTypist(l, who, Date.now()));
    });
  }, [onMessage, topic, myId]);

  // Expire each typist a few seconds after their last signal.
  useEffect(() => {
    const wait = nextExpiry(typists, Date.now());
    if (wait === null) return;
    const t = window.setTimeout(() => setTypists((l) => activeTypists(l, Date.now())), wait + 20);
    return () => window.clearTimeout(t);
  }, [typists]);

  const notify = useCallback(() => {
    if (topic) sender.typed(topic);
  }, [sender, topic]);
  const sentMine = useCallback(() => sender.reset(), [sender]);
  const sent = useCallback((userId: string) => setTypists((l) => withoutTypist(l, userId)), []);

  return { names: typists.map((t) => t.name), notify, sent, sentMine };
}
