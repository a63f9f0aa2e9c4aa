// Announcements on the web: the shapes (from the generated schema), their
// words, and the small pure rules the screens follow — what state an
// announcement is in, which ones the app shell's banner shows, who it is for,
// local dismissal and the publish form's checks. Unit-tested.
import type { components } from '../api/schema';
import type { Role } from '../api/types';
import { zonedLocalToIso } from './format';
import { ROLE_LABELS, isRole } from './roles';

type Schemas = components['schemas'];

export type Announcement = Schemas['AnnouncementView'];
export type AnnouncementDetail = Schemas['AnnouncementDetail'];
export type Acknowledgement = Schemas['Acknowledgement'];
export type NewAnnouncement = Schemas['NewAnnouncement'];
export type AnnouncementPriority = Schemas['AnnouncementPriority'];

/** Query keys of the announcement screens and the banner (the real-time effects refresh them). */
export const ANNOUNCEMENT_KEYS = {
  root: ['announcements'] as const,
  /** Live ones addressed to me (the banner and the "For you" list). */
  list: ['announcements', 'list'] as const,
  /** The ones I may manage. */
  manage: ['announcements', 'manage'] as const,
  one: (id: string) => ['announcements', 'one', id] as const,
};

// ---------------------------------------------------------------- state

export type AnnouncementState =
  /** Waits for its publish time. */
  | 'scheduled'
  /** Its time has come; the server publishes it within moments. */
  | 'publishing'
  | 'live'
  | 'expired'
  | 'withdrawn';

type Timed = Pick<Announcement, 'publish_at' | 'published_at' | 'expires_at' | 'withdrawn_at'>;

export function announcementState(a: Timed, now: number): AnnouncementState {
  if (a.withdrawn_at) return 'withdrawn';
  if (a.expires_at && Date.parse(a.expires_at) <= now) return 'expired';
  if (a.published_at) return 'live';
  return Date.parse(a.publish_at) > now ? 'scheduled' : 'publishing';
}

export const STATE_LABELS: Record<AnnouncementState, string> = {
  scheduled: 'Scheduled',
  publishing: 'Publishing…',
  live: 'Live',
  expired: 'Expired',
  withdrawn: 'Withdrawn',
};

export const STATE_TONES: Record<AnnouncementState, 'neutral' | 'good' | 'gold' | 'bad'> = {
  scheduled: 'gold',
  publishing: 'gold',
  live: 'good',
  expired: 'neutral',
  withdrawn: 'bad',
};

/** Who it comes from: platform announcements are signed "Karat". */
export function authorLabel(a: Pick<Announcement, 'platform' | 'author_name'>): string {
  if (a.platform) return 'Karat';
  return a.author_name ?? 'Your business';
}

export const isUrgent = (a: Pick<Announcement, 'priority'>): boolean => a.priority === 'urgent';

// ---------------------------------------------------------------- banner

/**
 * What the app shell's banner shows: live pinned or urgent announcements that
 * still need me — not yet acknowledged when they ask for it, otherwise not
 * dismissed on this device. Urgent first, then newest.
 */
export function bannerAnnouncements(list: readonly Announcement[], dismissed: ReadonlySet<string>, now: number): Announcement[] {
  return list
    .filter((a) => announcementState(a, now) === 'live')
    .filter((a) => a.pinned || isUrgent(a))
    .filter((a) => (a.requires_ack ? !a.acked_at : !dismissed.has(a.id)))
    .sort((x, y) => Number(isUrgent(y)) - Number(isUrgent(x)) || Date.parse(y.publish_at) - Date.parse(x.publish_at));
}

/** The list with one announcement marked as acknowledged (set in the cache right after "Acknowledge"). */
export function withAck<T extends Pick<Announcement, 'id' | 'acked_at'>>(list: readonly T[], id: string, at: string): T[] {
  return list.map((a) => (a.id === id && !a.acked_at ? { ...a, acked_at: at } : a));
}

/** Where this device remembers dismissed banners, per user. */
export const dismissedKey = (userId: string) => `karat.announcements.dismissed.${userId}`;
const MAX_DISMISSED = 200;

export interface SmallStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export function readDismissed(storage: SmallStorage | null, userId: string): Set<string> {
  try {
    const raw = storage?.getItem(dismissedKey(userId));
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    return new Set(Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : []);
  } catch {
    return new Set();
  }
}

/** Remembers a dismissal (the newest 200, so the list never grows without end). */
export function writeDismissed(storage: SmallStorage | null, userId: string, ids: ReadonlySet<string>): void {
  try {
    storage?.setItem(dismissedKey(userId), JSON.stringify([...ids].slice(-MAX_DISMISSED)));
  } catch {
    // Private mode or a full storage: the banner comes back after a reload, nothing worse.
  }
}

// ---------------------------------------------------------------- audience

function roleWords(roles: readonly string[]): string {
  const names = roles.map((r) => (isRole(r) ? PLURAL_ROLES[r] : r.replace(/_/g, ' ')));
  return joinWords(names);
}

const PLURAL_ROLES: Record<Role, string> = {
  platform_admin: 'platform admins',
  business_admin: 'business admins',
  manager: 'store managers',
  sales_rep: 'sales representatives',
  telecaller: 'telecallers',
  marketing: 'marketing staff',
};

/** "a, b and c". */
export function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words[0] ?? '';
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Who an announcement is for, in words: "Sales representatives at MG Road Showroom (and business admins)". */
export function audienceText(
  a: Pick<Announcement, 'platform' | 'store_ids' | 'roles'>,
  storeName: (id: string) => string | undefined,
): string {
  const stores = a.store_ids.map((id) => storeName(id) ?? 'a store');
  if (a.platform) return a.roles.length === 0 ? 'Everyone in every business on Karat' : `${capital(roleWords(a.roles))} in every business`;
  if (stores.length === 0) return a.roles.length === 0 ? 'Everyone in the business' : capital(roleWords(a.roles));
  if (a.roles.length === 0) return `Everyone at ${joinWords(stores)} (and business admins)`;
  return `${capital(roleWords(a.roles))} at ${joinWords(stores)}`;
}

/** Roles an announcement can be addressed to (people of a business). */
export const AUDIENCE_ROLES: readonly Role[] = ['business_admin', 'manager', 'sales_rep', 'telecaller', 'marketing'];
export const roleOption = (r: Role) => ({ value: r, label: ROLE_LABELS[r] });

// ---------------------------------------------------------------- acknowledgements

export function ackSplit(people: readonly Acknowledgement[]): { done: Acknowledgement[]; waiting: Acknowledgement[] } {
  const done = people.filter((p) => p.acked_at).sort((x, y) => Date.parse(x.acked_at ?? '') - Date.parse(y.acked_at ?? ''));
  const waiting = people.filter((p) => !p.acked_at).sort((x, y) => x.name.localeCompare(y.name));
  return { done, waiting };
}

// ---------------------------------------------------------------- publish form

export type Publisher = 'platform' | 'business' | 'stores';

/** How far the signed-in publisher reaches: platform-wide, the whole business, or some of their own stores. */
export function publisherOf(role: string): Publisher {
  if (role === 'platform_admin') return 'platform';
  if (role === 'business_admin') return 'business';
  return 'stores';
}

export interface AnnouncementDraft {
  title: string;
  body: string;
  priority: AnnouncementPriority;
  pinned: boolean;
  requires_ack: boolean;
  store_ids: string[];
  roles: Role[];
  /** "now" or "later" (then `publish_at`, a datetime-local value). */
  when: 'now' | 'later';
  publish_at: string;
  /** A datetime-local value or ''. */
  expires_at: string;
}

export const EMPTY_DRAFT: AnnouncementDraft = {
  title: '',
  body: '',
  priority: 'normal',
  pinned: false,
  requires_ack: false,
  store_ids: [],
  roles: [],
  when: 'now',
  publish_at: '',
  expires_at: '',
};

/**
 * Checks a draft and builds the request body: times are wall-clock in
 * `timeZone` (the user's) and go out as instants. Returns field errors, or
 * the body when there are none.
 */
export function buildAnnouncement(
  d: AnnouncementDraft,
  publisher: Publisher,
  timeZone: string,
  now: number,
): { errors: Record<string, string>; body: NewAnnouncement | null } {
  const errors: Record<string, string> = {};
  if (!d.title.trim()) errors.title = 'Give the announcement a title.';
  else if (d.title.trim().length > 200) errors.title = 'Keep the title under 200 characters.';
  if (!d.body.trim()) errors.body = 'Write the announcement.';
  if (publisher === 'stores' && d.store_ids.length === 0) errors.store_ids = 'Choose at least one of your stores.';
  let publishAt: string | null = null;
  if (d.when === 'later') {
    if (!d.publish_at) errors.publish_at = 'Choose when to publish it.';
    else {
      publishAt = zonedLocalToIso(d.publish_at, timeZone);
      if (Date.parse(publishAt) <= now) errors.publish_at = 'Choose a time in the future.';
    }
  }
  let expiresAt: string | null = null;
  if (d.expires_at) {
    expiresAt = zonedLocalToIso(d.expires_at, timeZone);
    const start = publishAt ? Date.parse(publishAt) : now;
    if (Date.parse(expiresAt) <= start) errors.expires_at = 'It must end after it is published.';
  }
  if (Object.keys(errors).length > 0) return { errors, body: null };
  return {
    errors,
    body: {
      title: d.title.trim(),
      body: d.body.trim(),
      priority: d.priority,
      pinned: d.pinned,
      requires_ack: d.requires_ack,
      store_ids: publisher === 'platform' ? [] : d.store_ids,
      roles: d.roles,
      publish_at: publishAt,
      expires_at: expiresAt,
    },
  };
}
