// The app shell's banner: live pinned or urgent announcements that still need
// the signed-in user — "Acknowledge" when they ask for it, otherwise
// "Dismiss" (remembered on this device). It sits above the page, never over
// it, so navigation stays free; urgent ones are alerts, others a status.
import { useState } from 'react';
import { Link, useLocation } from 'react-router';
import { useMe } from '../../auth/useAuth';
import { Button } from '../../components/ui';
import { Icon } from '../../components/Icon';
import { authorLabel, bannerAnnouncements, isUrgent, readDismissed, writeDismissed, type Announcement } from '../../lib/announcements';
import { useFormat } from '../../lib/locale';
import { PATHS } from '../../lib/nav';
import { useClock } from '../../lib/useClock';
import { useAcknowledge, useMyAnnouncements } from './api';
import { AnnouncementBadges } from './shared';
import './announcements.css';

/** At most this many banners at once; the rest are a link away. */
const SHOWN = 2;

function storage(): Storage | null {
  try {
    return typeof window !== 'undefined' ? window.localStorage : null;
  } catch {
    return null;
  }
}

export function AnnouncementBanner() {
  const me = useMe();
  const location = useLocation();
  // Announcements reach people of a business; platform staff write them.
  const enabled = me.tenant !== null;
  const list = useMyAnnouncements(enabled);
  const now = useClock(60_000);
  const [dismissed, setDismissed] = useState(() => readDismissed(storage(), me.user.id));
  const ack = useAcknowledge();
  // The announcements page lists the same ones, with their buttons.
  if (!enabled || location.pathname === PATHS.announcements) return null;
  const shown = bannerAnnouncements(list.data ?? [], dismissed, now);
  if (shown.length === 0) return null;
  const dismiss = (id: string) => {
    const next = new Set(dismissed);
    next.add(id);
    setDismissed(next);
    writeDismissed(storage(), me.user.id, next);
  };
  const more = shown.length - SHOWN;
  return (
    <section className="ann-banners" aria-label="Announcements">
      {shown.slice(0, SHOWN).map((a) => (
        <BannerItem
          key={a.id}
          a={a}
          acking={ack.isPending && ack.variables?.id === a.id}
          onAck={() => ack.mutate(a)}
          onDismiss={() => dismiss(a.id)}
        />
      ))}
      {more > 0 ? (
        <p className="ann-banner-more">
          <Link to={PATHS.announcements}>
            {more} more {more === 1 ? 'announcement' : 'announcements'}
          </Link>
        </p>
      ) : null}
    </section>
  );
}

function BannerItem({ a, acking, onAck, onDismiss }: { a: Announcement; acking: boolean; onAck: () => void; onDismiss: () => void }) {
  const fmt = useFormat();
  const urgent = isUrgent(a);
  const titleId = `ann-banner-${a.id}`;
  return (
    <div className={`ann-banner${urgent ? ' is-urgent' : ''}`} role={urgent ? 'alert' : 'status'} aria-labelledby={titleId}>
      <Icon name={urgent ? 'alert' : 'announcements'} size={22} className="ann-banner-icon" />
      <div className="ann-banner-text">
        <p className="ann-banner-head">
          <strong id={titleId}>{a.title}</strong> <AnnouncementBadges a={a} />
        </p>
        <p className="ann-banner-body">{a.body}</p>
        <p className="muted small">
          From {authorLabel(a)}
          {a.published_at ? (
            <>
              {' '}
              · <time dateTime={a.published_at}>{fmt.relative(a.published_at)}</time>
            </>
          ) : null}
        </p>
      </div>
      <div className="ann-banner-actions">
        {a.requires_ack ? (
          <Button small variant="primary" icon="check" busy={acking} onClick={onAck}>
            Acknowledge<span className="visually-hidden"> “{a.title}”</span>
          </Button>
        ) : (
          <Button small variant="ghost" icon="x" onClick={onDismiss}>
            Dismiss<span className="visually-hidden"> “{a.title}”</span>
          </Button>
        )}
        <Link to={`${PATHS.announcements}/${encodeURIComponent(a.id)}`} className="btn btn-ghost btn-small">
          Open<span className="visually-hidden"> “{a.title}”</span>
        </Link>
      </div>
    </div>
  );
}
