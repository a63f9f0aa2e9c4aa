import { Link } from 'react-router';
import { Icon } from '../components/Icon';
import { useUnreadCount } from './hooks';
import { bellLabel, unreadAnnouncement } from './labels';

/**
 * The header bell: a link to the notification centre whose name carries the
 * unread count, plus a polite live region so a new notification is heard.
 * Hidden entirely while the server has no notifications.
 */
export function NotificationBell() {
  const unread = useUnreadCount();
  if (!unread.isSuccess) return null;
  const n = unread.data;
  return (
    <>
      <Link to="/notifications" className="icon-button bell" aria-label={bellLabel(n)} data-count={n}>
        <Icon name="bell" size={22} />
        {n > 0 ? (
          <span className="bell-count" aria-hidden="true">
            {n > 99 ? '99+' : n}
          </span>
        ) : null}
      </Link>
      <span className="visually-hidden" aria-live="polite" aria-atomic="true">
        {unreadAnnouncement(n)}
      </span>
    </>
  );
}
