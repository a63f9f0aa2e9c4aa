// Presence: everyone's status (GET /presence, then presence.changed events via
// the real-time provider's cache updates) and this person's own status — the
// one they pick (kept per browser, shared by its tabs), turned into "away"
// after 5 minutes without activity, sent over the socket when it changes and
// after a (re)connect when it is not the "online" the server assumes.
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { presenceApi } from '../api/endpoints';
import type { PresenceStatus } from '../api/types';
import { useMe } from '../auth/useAuth';
import { useRealtime } from '../realtime/context';
import { QUERY_ROOTS } from '../realtime/effects';
import { PresenceContext, type PresenceValue } from './context';
import { AWAY_AFTER_MS, IdleWatcher } from './idle';
import { effectiveStatus, isChosenStatus, type ChosenStatus } from './status';

const CHOSEN_KEY = 'karat.presence';

function readChosen(): ChosenStatus {
  try {
    const v = window.localStorage.getItem(CHOSEN_KEY);
    return isChosenStatus(v) ? v : 'online';
  } catch {
    return 'online';
  }
}

export function PresenceProvider({ children }: { children: ReactNode }) {
  const realtime = useRealtime();
  const me = useMe();
  const { onState } = realtime;
  // Platform staff's socket carries notices only: they have no colleagues' presence.
  const enabled = realtime.enabled && me.tenant !== null;
  const send = useCallback<typeof realtime.send>((msg) => enabled && realtime.send(msg), [enabled, realtime]);
  const list = useQuery({
    queryKey: QUERY_ROOTS.presence,
    queryFn: presenceApi.list,
    enabled,
    // Kept current by events; refetched after a reconnect.
    staleTime: 5 * 60_000,
    refetchOnWindowFocus: false,
  });
  const available = list.isSuccess;
  const [chosen, setChosen] = useState<ChosenStatus>(readChosen);
  const [idle, setIdle] = useState(false);

  // Other tabs of this browser pick the same status.
  useEffect(() => {
    const onStorage = (e: StorageEvent) => {
      if (e.key === CHOSEN_KEY) setChosen(isChosenStatus(e.newValue) ? e.newValue : 'online');
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);

  useEffect(() => {
    if (!available) return;
    const w = new IdleWatcher({ timeoutMs: AWAY_AFTER_MS, onChange: setIdle });
    w.start();
    return () => w.stop();
  }, [available]);

  const effective = effectiveStatus(chosen, idle);
  // What the server has for us, as far as we know: joining makes a person "online".
  const told = useRef<ChosenStatus>('online');
  useEffect(() => {
    if (!available) return;
    if (effective !== told.current && send({ type: 'presence', status: effective })) told.current = effective;
    return onState((s) => {
      if (s !== 'live') return;
      told.current = 'online';
      if (effective !== 'online' && send({ type: 'presence', status: effective })) told.current = effective;
    });
  }, [available, effective, send, onState]);

  const choose = useCallback((s: ChosenStatus) => {
    setChosen(s);
    try {
      window.localStorage.setItem(CHOSEN_KEY, s);
    } catch {
      // this tab only
    }
  }, []);

  const byUser = useMemo(() => new Map((list.data?.items ?? []).map((i) => [i.user_id, i.status])), [list.data]);
  const statusOf = useCallback(
    (id: string): PresenceStatus | null => (available ? (byUser.get(id) ?? 'offline') : null),
    [available, byUser],
  );

  const value = useMemo<PresenceValue>(
    () => ({ available, chosen, effective, choose, statusOf }),
    [available, chosen, effective, choose, statusOf],
  );
  return <PresenceContext.Provider value={value}>{children}</PresenceContext.Provider>;
}
