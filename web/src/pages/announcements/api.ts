// Typed calls for announcements, and the hooks the banner and the screens share.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api';
import { useMe } from '../../auth/useAuth';
import { useToast } from '../../components/toast';
import { describeError } from '../../api/problem';
import { ANNOUNCEMENT_KEYS, withAck, type Announcement, type AnnouncementDetail, type NewAnnouncement } from '../../lib/announcements';
import { useRealtime } from '../../realtime/context';

const enc = encodeURIComponent;

export const announcementsApi = {
  /** Live ones addressed to me, pinned and urgent first. */
  list: () => api.get<Announcement[]>('/announcements'),
  /** The ones I may manage (scheduled, expired and withdrawn too). */
  manage: () => api.get<Announcement[]>('/announcements', { manage: true }),
  get: (id: string) => api.get<AnnouncementDetail>(`/announcements/${enc(id)}`),
  create: (body: NewAnnouncement) => api.post<Announcement>('/announcements', body),
  ack: (id: string) => api.post<void>(`/announcements/${enc(id)}/ack`),
  withdraw: (id: string) => api.post<Announcement>(`/announcements/${enc(id)}/withdraw`),
};

/**
 * How fresh the lists stay: live events keep a business's screens current;
 * without a live connection (platform staff have none) ask again every 15 s.
 */
function useRefresh() {
  const { state } = useRealtime();
  return { refetchInterval: state === 'live' ? (false as const) : 15_000 };
}

/** Announcements addressed to me (people of a business; platform staff are not addressed). */
export function useMyAnnouncements(enabled = true) {
  const refresh = useRefresh();
  return useQuery({ queryKey: ANNOUNCEMENT_KEYS.list, queryFn: () => announcementsApi.list(), enabled, ...refresh });
}

export function useManagedAnnouncements(enabled = true) {
  const refresh = useRefresh();
  return useQuery({ queryKey: ANNOUNCEMENT_KEYS.manage, queryFn: () => announcementsApi.manage(), enabled, ...refresh });
}

export function useAnnouncement(id: string) {
  const refresh = useRefresh();
  return useQuery({ queryKey: ANNOUNCEMENT_KEYS.one(id), queryFn: () => announcementsApi.get(id), ...refresh });
}

/** "Acknowledge": marked at once in the cached list, then confirmed by the server. */
export function useAcknowledge() {
  const qc = useQueryClient();
  const toast = useToast();
  const me = useMe();
  return useMutation({
    mutationFn: (a: Pick<Announcement, 'id' | 'title'>) => announcementsApi.ack(a.id),
    onSuccess: async (_void, a) => {
      const at = new Date().toISOString();
      qc.setQueryData<Announcement[]>(ANNOUNCEMENT_KEYS.list, (old) => (old ? withAck(old, a.id, at) : old));
      qc.setQueryData<AnnouncementDetail>(ANNOUNCEMENT_KEYS.one(a.id), (old) =>
        old
          ? {
              ...old,
              acked_at: old.acked_at ?? at,
              acknowledgements: old.acknowledgements?.map((p) => (p.user_id === me.user.id && !p.acked_at ? { ...p, acked_at: at } : p)),
            }
          : old,
      );
      toast({ title: 'Acknowledged', description: a.title, tone: 'success' });
      await Promise.all([
        qc.invalidateQueries({ queryKey: ANNOUNCEMENT_KEYS.list }),
        qc.invalidateQueries({ queryKey: ANNOUNCEMENT_KEYS.one(a.id) }),
      ]);
    },
    onError: (err, a) => {
      toast({ title: 'Could not acknowledge', description: `${a.title}: ${describeError(err)}`, tone: 'error' });
      void qc.invalidateQueries({ queryKey: ANNOUNCEMENT_KEYS.list });
    },
  });
}
