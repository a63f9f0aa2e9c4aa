import { countLabel, unreadLabel, unreadTotal } from '../../lib/chat';
import { useChannels, useHasChat } from './data';

/** Unread chat messages on the navigation's Chat item (nothing when all is read). */
export function ChatNavCount() {
  const has = useHasChat();
  const channels = useChannels(has);
  const n = unreadTotal(channels.data);
  if (!has || n === 0) return null;
  return (
    <>
      <span className="nav-count" aria-hidden="true">
        {countLabel(n)}
      </span>
      <span className="visually-hidden">({unreadLabel(n)})</span>
    </>
  );
}
