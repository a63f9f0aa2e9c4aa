// Small pieces the announcement screens and the banner share.
import { Badge } from '../../components/ui';
import { STATE_LABELS, STATE_TONES, announcementState, isUrgent, type Announcement } from '../../lib/announcements';

/** Urgent, pinned and "from Karat" (words, not only colour). */
export function AnnouncementBadges({ a }: { a: Announcement }) {
  return (
    <>
      {isUrgent(a) ? <Badge tone="bad">Urgent</Badge> : null}
      {a.pinned ? <Badge tone="gold">Pinned</Badge> : null}
      {a.platform ? <Badge>From Karat</Badge> : null}
    </>
  );
}

export function AnnouncementStateBadge({ a, now }: { a: Announcement; now: number }) {
  const s = announcementState(a, now);
  return <Badge tone={STATE_TONES[s]}>{STATE_LABELS[s]}</Badge>;
}
