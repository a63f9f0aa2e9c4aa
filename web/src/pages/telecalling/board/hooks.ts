// Data hooks shared by the wallboard, leads, settings and reports screens.
import { useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import { useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useRealtime } from '../../../realtime/context';
import { Coalescer } from '../../../lib/wallboard';
import { TC_KEYS, telecallingApi, type Wallboard } from './api';

/**
 * Refetches `keys` when an event of one of `topics` arrives, coalesced
 * (300 ms after a burst, at most 1.5 s late) so a busy floor costs one
 * request per burst. No polling: a reconnect after a gap refetches everything
 * through the real-time provider.
 */
export function useLiveRefresh(keys: readonly QueryKey[], topics: readonly string[] = ['telecalling']) {
  const qc = useQueryClient();
  const { subscribe } = useRealtime();
  // The latest keys, without resubscribing on every render.
  const latest = useRef(keys);
  useEffect(() => {
    latest.current = keys;
  });
  const topicList = topics.join(',');
  useEffect(() => {
    const wanted = new Set(topicList.split(','));
    const c = new Coalescer(() => {
      for (const key of latest.current) void qc.invalidateQueries({ queryKey: key });
    });
    const off = subscribe((ev) => {
      if (wanted.has(ev.topic)) c.poke();
    });
    return () => {
      off();
      c.cancel();
    };
  }, [qc, subscribe, topicList]);
}

// One clock for every ticking counter on screen (one interval, not one per tile).
let now = Date.now();
const listeners = new Set<() => void>();
let interval: ReturnType<typeof setInterval> | null = null;

function subscribeClock(fn: () => void) {
  listeners.add(fn);
  if (interval === null) {
    now = Date.now();
    interval = setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, 1000);
  }
  return () => {
    listeners.delete(fn);
    if (listeners.size === 0 && interval !== null) {
      clearInterval(interval);
      interval = null;
    }
  };
}

/** The current time, updated every second while something shows it. */
export function useNow(): number {
  return useSyncExternalStore(
    subscribeClock,
    () => now,
    () => now,
  );
}

/** A board snapshot with the server's clock offset, so time in state is right on a skewed device. */
export type BoardSnapshot = Wallboard & { skewMs: number };

/** The live board for one store ('' = all of mine). */
export function useWallboard(storeId: string, enabled = true) {
  return useQuery({
    queryKey: TC_KEYS.wallboard(storeId),
    queryFn: async (): Promise<BoardSnapshot> => {
      const b = await telecallingApi.wallboard(storeId || undefined);
      const generated = Date.parse(b.generated_at);
      return { ...b, skewMs: Number.isNaN(generated) ? 0 : generated - Date.now() };
    },
    enabled,
    // Kept current by events.
    refetchOnWindowFocus: true,
  });
}

/** The telecallers I manage (from the board of all my stores), by id. */
export function useTelecallers(enabled = true) {
  const q = useWallboard('', enabled);
  const agents = useMemo(() => q.data?.agents ?? [], [q.data]);
  const byId = useMemo(() => new Map(agents.map((a) => [a.user_id, a])), [agents]);
  return { ...q, agents, byId };
}
