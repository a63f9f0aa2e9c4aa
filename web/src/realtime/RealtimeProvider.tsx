// Connects the signed-in tenant user's tab to the real-time socket and turns
// events into cache updates: lists refetch, counts are set, and a change to
// the user's own account refreshes their session (role and stores live in
// the access token) and rejoins so the server sees their new stores.
import { useEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { api } from '../api';
import { ApiError } from '../api/problem';
import type { PresenceEntry, RealtimeTicket } from '../api/types';
import { useAuth, useMe } from '../auth/useAuth';
import { useToast, type ToastInput } from '../components/toast';
import { RealtimeClient, type ConnectionState } from './client';
import { RealtimeContext, type RealtimeValue } from './context';
import { QUERY_ROOTS, effectsOf, withPresence, type Effect } from './effects';
import type { ClientMessage, RealtimeEvent, ServerMessage } from './protocol';
import { internalLink } from '../notifications/links';
import { applyChatChange } from '../lib/chat';

interface Handlers {
  onEvent(ev: RealtimeEvent): void;
  onRevoked(): void;
  onLive(again: boolean): void;
}

function classifyTicketError(err: unknown) {
  // 403: no tenant channel for this user (platform staff); 404: a server without real time.
  return err instanceof ApiError && (err.status === 403 || err.status === 404) ? ('unavailable' as const) : ('retry' as const);
}

function apply(
  qc: QueryClient,
  effect: Effect,
  notify: (t: ToastInput) => void,
  go: (to: string) => void,
  selfChanged: () => void,
  myId: string,
) {
  switch (effect.kind) {
    case 'invalidate':
      void qc.invalidateQueries({ queryKey: effect.key });
      break;
    case 'unread-count':
      qc.setQueryData(QUERY_ROOTS.unreadCount, { count: effect.count });
      break;
    case 'presence':
      qc.setQueryData<{ items: PresenceEntry[] }>(QUERY_ROOTS.presence, (old) =>
        old ? { items: withPresence(old.items, effect.entry) } : old,
      );
      break;
    case 'notification': {
      // The bell announces every new one; only urgent ones interrupt with a toast.
      const n = effect.notification;
      if (!n.urgent) break;
      const link = internalLink(n.link);
      notify({
        title: n.title,
        description: n.body,
        tone: 'info',
        ...(link ? { action: { label: 'Open', onClick: () => go(link) } } : {}),
      });
      break;
    }
    case 'self-changed':
      selfChanged();
      break;
    case 'chat':
      applyChatChange(qc, effect.change, myId);
      break;
  }
}

export function RealtimeProvider({ children }: { children: ReactNode }) {
  const me = useMe();
  const { logout, reloadMe } = useAuth();
  const qc = useQueryClient();
  const toast = useToast();
  const navigate = useNavigate();
  // Everyone signed in gets a socket; platform staff's carries notices only.
  const enabled = true;
  const handlers = useRef<Handlers | null>(null);

  // One client per provider (the shell mounts one per signed-in user).
  const [client] = useState(() =>
    enabled
      ? new RealtimeClient({
          getTicket: () => api.post<RealtimeTicket>('/realtime/ticket'),
          classifyTicketError,
        })
      : null,
  );

  const refreshing = useRef(false);
  const again = useRef(false);
  useEffect(() => {
    // Coalesced: changes that arrive while a refresh runs trigger one more refresh after it.
    const selfChanged = () => {
      if (refreshing.current) {
        again.current = true;
        return;
      }
      refreshing.current = true;
      void (async () => {
        try {
          do {
            again.current = false;
            // New role or stores are in a new access token; then reload "me" and everything shown.
            await api.refresh().catch(() => false);
            await reloadMe().catch(() => undefined);
            await qc.invalidateQueries();
          } while (again.current);
          // The server decides what this socket receives from the user as it joined: rejoin.
          client?.reconnect();
        } finally {
          refreshing.current = false;
        }
      })();
    };
    handlers.current = {
      onEvent: (ev) => {
        for (const effect of effectsOf(ev, me.user.id)) apply(qc, effect, toast, (to) => void navigate(to), selfChanged, me.user.id);
      },
      onRevoked: () => {
        toast({
          title: 'You have been signed out',
          description: 'Your sign-in was ended here, from another device or by an administrator.',
          tone: 'info',
        });
        void logout();
      },
      onLive: (again) => {
        // Presence is not replayed after a gap; ask again.
        if (again) void qc.invalidateQueries({ queryKey: QUERY_ROOTS.presence });
      },
    };
  }, [client, qc, toast, navigate, logout, reloadMe, me.user.id]);

  useEffect(() => {
    if (!client) return;
    let wasLive = false;
    const offs = [
      client.onEvent((ev) => handlers.current?.onEvent(ev)),
      client.onRevoked(() => handlers.current?.onRevoked()),
      // Events were lost: everything cached may be out of date.
      client.onReset(() => void qc.invalidateQueries()),
      // Platform staff: a support ticket changed somewhere (notices are not replayed).
      client.onMessage((m) => {
        if (m.type === 'notice' && m.topic === 'tickets') void qc.invalidateQueries({ queryKey: ['tickets'] });
      }),
      client.onState((s) => {
        if (s !== 'live') return;
        handlers.current?.onLive(wasLive);
        wasLive = true;
      }),
    ];
    client.start();
    return () => {
      for (const off of offs) off();
      client.stop();
    };
  }, [client, qc]);

  const state = useSyncExternalStore<ConnectionState>(
    (cb) => (client ? client.onState(cb) : () => undefined),
    () => (client ? client.state : 'unavailable'),
  );

  // Stable functions, so effects that send or listen do not re-run on every state change.
  const actions = useMemo(
    () => ({
      send: (msg: ClientMessage) => client?.send(msg) ?? false,
      subscribe: (fn: (ev: RealtimeEvent) => void) => (client ? client.onEvent(fn) : () => undefined),
      onState: (fn: (s: ConnectionState) => void) => (client ? client.onState(fn) : () => undefined),
      onMessage: (fn: (msg: ServerMessage) => void) => (client ? client.onMessage(fn) : () => undefined),
    }),
    [client],
  );
  const value = useMemo<RealtimeValue>(() => ({ enabled: client !== null, state, ...actions }), [client, state, actions]);
  return <RealtimeContext.Provider value={value}>{children}</RealtimeContext.Provider>;
}
