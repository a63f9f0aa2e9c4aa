// A sentence for a polite live region when a real-time event of one topic
// arrives ("New escalation: …"), so screen reader users hear what changed on
// a list that refreshes itself.
import { useEffect, useRef, useState } from 'react';
import { useRealtime } from './context';
import type { RealtimeEvent } from './protocol';

export function useLiveMessage(topic: string, describe: (ev: RealtimeEvent) => string | null): string {
  const { subscribe } = useRealtime();
  const [message, setMessage] = useState('');
  // The latest describer, without resubscribing on every render.
  const latest = useRef(describe);
  useEffect(() => {
    latest.current = describe;
  });
  useEffect(
    () =>
      subscribe((ev) => {
        if (ev.topic !== topic) return;
        const text = latest.current(ev);
        if (text) setMessage(text);
      }),
    [subscribe, topic],
  );
  return message;
}
