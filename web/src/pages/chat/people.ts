import { useMemo } from 'react';
import type { User } from '../../api/types';
import { ROLE_LABELS } from '../../lib/roles';
import type { Channel } from '../../lib/chat';
import type { Person } from './Composer';
import { useColleagues, type Colleague } from './data';

/**
 * Who can be mentioned in a channel (the server refuses anyone who cannot
 * see it): the store's people in a store channel, every colleague in a public
 * channel, the members of a private channel or direct conversation.
 */
export function peopleOf(channel: Channel | undefined, colleagues: readonly Colleague[], myId: string): Person[] {
  if (!channel) return [];
  const fromUser = (u: Colleague): Person => ({ id: u.id, name: u.name, detail: ROLE_LABELS[u.role] });
  // Members first: the user list may not show everyone (a manager does not see the business admins).
  const members: Person[] = channel.members
    .filter((m) => m.user_id !== myId)
    .map((m) => ({ id: m.user_id, name: m.name, detail: ROLE_LABELS[m.role as User['role']] ?? undefined }));
  let others: Person[] = [];
  if (channel.kind === 'store') {
    const store = channel.store_id;
    others = colleagues.filter((u) => u.role === 'business_admin' || (store && u.store_ids.includes(store))).map(fromUser);
  } else if (channel.kind === 'custom' && !channel.private) {
    others = colleagues.map(fromUser);
  }
  const seen = new Set(members.map((p) => p.id));
  return [...members, ...others.filter((p) => !seen.has(p.id) && p.id !== myId)].sort((a, b) => a.name.localeCompare(b.name));
}

/** The people of a channel to mention, and every name worth highlighting as a mention. */
export function useChannelPeople(channel: Channel | undefined, myId: string, myName: string) {
  const colleagues = useColleagues(channel !== undefined);
  return useMemo(() => {
    const people = peopleOf(channel, colleagues.data ?? [], myId);
    const names = [myName, ...people.map((p) => p.name), ...(channel?.members ?? []).map((m) => m.name)];
    return { people, names };
  }, [channel, colleagues.data, myId, myName]);
}
