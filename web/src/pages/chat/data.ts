// Data for team chat: typed calls to the chat and attachment endpoints, and
// the queries the screens share. Live changes reach these caches through
// realtime/effects.ts (lib/chat.ts applies them).
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api';
import type { Page, User } from '../../api/types';
import { useAuth } from '../../auth/useAuth';
import { PERMISSIONS } from '../../lib/nav';
import { useRealtime } from '../../realtime/context';
import {
  CHAT_KEYS,
  type Channel,
  type ChannelItem,
  type ChannelPatch,
  type ChatAttachment,
  type ChatMessage,
  type NewChannel,
  type Thread,
} from '../../lib/chat';

const enc = encodeURIComponent;

export interface SendInput {
  body: string;
  parent_id?: string | null;
  mentions: string[];
  attachment_ids: string[];
}

export const chatApi = {
  channels: () => api.get<ChannelItem[]>('/chat/channels'),
  channel: (id: string) => api.get<Channel>(`/chat/channels/${enc(id)}`),
  create: (body: NewChannel) => api.post<Channel>('/chat/channels', body),
  /** The direct conversation with someone (200 when it exists, 201 when new). */
  direct: (userId: string) => api.post<Channel>('/chat/direct', { user_id: userId }),
  update: (id: string, patch: ChannelPatch) => api.patch<Channel>(`/chat/channels/${enc(id)}`, patch),
  /** My own id alone joins a public channel. */
  addMembers: (id: string, userIds: string[]) => api.post<Channel>(`/chat/channels/${enc(id)}/members`, { user_ids: userIds }),
  removeMember: (id: string, userId: string) => api.delete(`/chat/channels/${enc(id)}/members/${enc(userId)}`),
  /** Newest first; top-level messages only. */
  messages: (id: string, cursor: string | null) => api.get<Page<ChatMessage>>(`/chat/channels/${enc(id)}/messages`, { cursor, limit: 40 }),
  /** The key makes a retry return the first message instead of posting twice. */
  send: (channelId: string, body: SendInput, idempotencyKey: string) =>
    api.request<ChatMessage>(`/chat/channels/${enc(channelId)}/messages`, {
      method: 'POST',
      body,
      headers: { 'Idempotency-Key': idempotencyKey },
    }),
  edit: (id: string, body: string) => api.patch<ChatMessage>(`/chat/messages/${enc(id)}`, { body }),
  remove: (id: string) => api.delete(`/chat/messages/${enc(id)}`),
  /** The first message and its replies, oldest first. */
  thread: (rootId: string, cursor: string | null) => api.get<Thread>(`/chat/messages/${enc(rootId)}/thread`, { cursor, limit: 50 }),
  read: (channelId: string, messageId: string) => api.post<void>(`/chat/channels/${enc(channelId)}/read`, { message_id: messageId }),
  search: (q: string, channelId: string | null, cursor: string | null) =>
    api.get<Page<ChatMessage>>('/chat/search', { q, channel_id: channelId, cursor, limit: 30 }),
  upload: (file: Blob, name: string, contentType: string) => api.upload<ChatAttachment>('/attachments', file, contentType, { name }),
  people: () => api.get<Colleague[]>('/chat/people'),
  file: (id: string, signal?: AbortSignal) => api.download(`/attachments/${enc(id)}`, undefined, signal),
};

/** My channels (and public ones I could join). Kept current by chat events; polled only while the socket is down. */
export function useChannels(enabled = true) {
  const { state } = useRealtime();
  return useQuery({
    queryKey: CHAT_KEYS.channels,
    queryFn: chatApi.channels,
    enabled,
    refetchInterval: state === 'live' ? false : 60_000,
  });
}

/** Whether the signed-in user has team chat. */
export function useHasChat(): boolean {
  const { me } = useAuth();
  return !!me?.tenant && me.permissions.includes(PERMISSIONS.chatUse);
}

/** Active colleagues I can see (everyone but me), for mentions, direct messages and members. */
/** Someone in my business to message or mention (everyone active, whatever their store). */
export type Colleague = { id: string; name: string; role: User['role']; store_ids: string[] };

export function useColleagues(enabled = true) {
  const { me } = useAuth();
  const myId = me?.user.id;
  return useQuery({
    queryKey: CHAT_KEYS.colleagues,
    queryFn: chatApi.people,
    enabled,
    staleTime: 5 * 60_000,
    select: (people) => people.filter((u) => u.id !== myId).sort((a, b) => a.name.localeCompare(b.name)),
  });
}
