import { useQuery } from '@tanstack/react-query';
import { notificationsApi } from '../api/endpoints';
import { ApiError } from '../api/problem';
import { useAuth } from '../auth/useAuth';
import { useRealtime } from '../realtime/context';
import { QUERY_ROOTS } from '../realtime/effects';

/** The server does not offer this (yet): 404, or 405/501 from an older build. */
export function isMissing(err: unknown): boolean {
  return err instanceof ApiError && (err.status === 404 || err.status === 405 || err.status === 501);
}

const unlessMissing = (q: { state: { error: unknown } }) => !isMissing(q.state.error);

/**
 * The unread count (tenant users). Kept current by real-time events; polled
 * once a minute only while the socket is not live. A server without the
 * endpoint is not asked again.
 */
export function useUnreadCount() {
  const { me } = useAuth();
  const { state } = useRealtime();
  return useQuery({
    queryKey: QUERY_ROOTS.unreadCount,
    queryFn: notificationsApi.unreadCount,
    enabled: !!me?.tenant,
    select: (d) => d.count,
    refetchInterval: (q) => (state === 'live' || isMissing(q.state.error) ? false : 60_000),
    refetchOnWindowFocus: unlessMissing,
  });
}

export const PREFERENCES_KEY = ['notifications', 'preferences'] as const;

export function usePreferences(enabled = true) {
  const { me } = useAuth();
  return useQuery({
    queryKey: PREFERENCES_KEY,
    queryFn: notificationsApi.preferences,
    enabled: enabled && !!me?.tenant,
    staleTime: 5 * 60_000,
    refetchOnWindowFocus: unlessMissing,
  });
}
