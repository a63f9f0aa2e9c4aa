import { describe, expect, it } from 'vitest';
import {
  EMPTY_DRAFT,
  ackSplit,
  announcementState,
  audienceText,
  authorLabel,
  bannerAnnouncements,
  buildAnnouncement,
  publisherOf,
  readDismissed,
  withAck,
  writeDismissed,
  type Announcement,
} from './announcements';

const NOW = Date.parse('2026-11-26T10:00:00Z');
const ann = (over: Partial<Announcement> = {}): Announcement => ({
  id: 'a1',
  tenant_id: 't1',
  title: 'Gold rate update',
  body: 'New rates from tomorrow.',
  priority: 'normal',
  pinned: false,
  store_ids: [],
  roles: [],
  requires_ack: false,
  publish_at: '2026-11-26T09:00:00Z',
  published_at: '2026-11-26T09:00:01Z',
  expires_at: null,
  withdrawn_at: null,
  created_by: 'u1',
  created_at: '2026-11-26T08:00:00Z',
  platform: false,
  author_name: 'Priya',
  acked_at: null,
  manageable: false,
  ...over,
});

describe('announcementState', () => {
  it('reads scheduled, publishing, live, expired and withdrawn', () => {
    expect(announcementState(ann(), NOW)).toBe('live');
    expect(announcementState(ann({ published_at: null, publish_at: '2026-11-27T09:00:00Z' }), NOW)).toBe('scheduled');
    expect(announcementState(ann({ published_at: null }), NOW)).toBe('publishing');
    expect(announcementState(ann({ expires_at: '2026-11-26T09:30:00Z' }), NOW)).toBe('expired');
    expect(announcementState(ann({ expires_at: '2026-11-26T11:00:00Z' }), NOW)).toBe('live');
    expect(announcementState(ann({ withdrawn_at: '2026-11-26T09:10:00Z', expires_at: '2026-11-26T09:30:00Z' }), NOW)).toBe('withdrawn');
  });
});

describe('bannerAnnouncements', () => {
  it('shows live pinned or urgent ones that still need me, urgent first', () => {
    const list = [
      ann({ id: 'plain' }),
      ann({ id: 'pinned', pinned: true, publish_at: '2026-11-26T09:30:00Z' }),
      ann({ id: 'urgent', priority: 'urgent', publish_at: '2026-11-26T08:00:00Z' }),
      ann({ id: 'acked', priority: 'urgent', requires_ack: true, acked_at: '2026-11-26T09:40:00Z' }),
      ann({ id: 'to-ack', pinned: true, requires_ack: true }),
      ann({ id: 'dismissed', pinned: true }),
      ann({ id: 'dismissed-but-ack', pinned: true, requires_ack: true }),
      ann({ id: 'expired', priority: 'urgent', expires_at: '2026-11-26T09:59:00Z' }),
      ann({ id: 'later', priority: 'urgent', published_at: null, publish_at: '2026-11-27T00:00:00Z' }),
    ];
    const shown = bannerAnnouncements(list, new Set(['dismissed', 'dismissed-but-ack']), NOW).map((a) => a.id);
    expect(shown).toEqual(['urgent', 'pinned', 'to-ack', 'dismissed-but-ack']);
  });

  it('withAck marks one as acknowledged, once', () => {
    const list = [ann({ id: 'x', requires_ack: true }), ann({ id: 'y', acked_at: 'before' })];
    expect(withAck(list, 'x', 'now').map((a) => a.acked_at)).toEqual(['now', 'before']);
    expect(withAck(list, 'y', 'now').map((a) => a.acked_at)).toEqual([null, 'before']);
  });
});

describe('dismissals', () => {
  it('are kept per user and survive bad storage', () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    writeDismissed(storage, 'u1', new Set(['a', 'b']));
    expect([...readDismissed(storage, 'u1')]).toEqual(['a', 'b']);
    expect(readDismissed(storage, 'u2').size).toBe(0);
    store.set('karat.announcements.dismissed.u3', '{not json');
    expect(readDismissed(storage, 'u3').size).toBe(0);
    expect(readDismissed(null, 'u1').size).toBe(0);
    const throwing = {
      getItem: () => null,
      setItem: () => {
        throw new Error('full');
      },
    };
    expect(() => writeDismissed(throwing, 'u1', new Set(['a']))).not.toThrow();
  });
});

describe('words', () => {
  it('signs platform announcements "Karat"', () => {
    expect(authorLabel({ platform: true, author_name: null })).toBe('Karat');
    expect(authorLabel({ platform: false, author_name: 'Priya' })).toBe('Priya');
  });

  it('says who an announcement is for', () => {
    const name = (id: string) => ({ s1: 'MG Road', s2: 'T. Nagar' })[id];
    expect(audienceText({ platform: false, store_ids: [], roles: [] }, name)).toBe('Everyone in the business');
    expect(audienceText({ platform: false, store_ids: [], roles: ['sales_rep', 'telecaller'] }, name)).toBe(
      'Sales representatives and telecallers',
    );
    expect(audienceText({ platform: false, store_ids: ['s1', 's2'], roles: [] }, name)).toBe(
      'Everyone at MG Road and T. Nagar (and business admins)',
    );
    expect(audienceText({ platform: false, store_ids: ['s1'], roles: ['manager'] }, name)).toBe('Store managers at MG Road');
    expect(audienceText({ platform: true, store_ids: [], roles: [] }, name)).toBe('Everyone in every business on Karat');
    expect(audienceText({ platform: true, store_ids: [], roles: ['business_admin'] }, name)).toBe('Business admins in every business');
  });

  it('splits acknowledgements into done (in order) and waiting (by name)', () => {
    const { done, waiting } = ackSplit([
      { user_id: '1', name: 'Zoya', role: 'sales_rep', acked_at: null },
      { user_id: '2', name: 'Arjun', role: 'manager', acked_at: '2026-11-26T10:05:00Z' },
      { user_id: '3', name: 'Kavya', role: 'sales_rep', acked_at: '2026-11-26T10:01:00Z' },
      { user_id: '4', name: 'Meena', role: 'telecaller', acked_at: null },
    ]);
    expect(done.map((p) => p.name)).toEqual(['Kavya', 'Arjun']);
    expect(waiting.map((p) => p.name)).toEqual(['Meena', 'Zoya']);
  });
});

describe('buildAnnouncement', () => {
  const draft = { ...EMPTY_DRAFT, title: ' Rates ', body: ' New rates. ' };

  it('knows how far each role publishes', () => {
    expect(publisherOf('platform_admin')).toBe('platform');
    expect(publisherOf('business_admin')).toBe('business');
    expect(publisherOf('manager')).toBe('stores');
  });

  it('builds the body, times from the user’s zone as instants', () => {
    const r = buildAnnouncement(
      {
        ...draft,
        priority: 'urgent',
        pinned: true,
        requires_ack: true,
        roles: ['sales_rep'],
        store_ids: ['s1'],
        when: 'later',
        publish_at: '2026-11-27T09:00',
        expires_at: '2026-11-28T18:30',
      },
      'business',
      'Asia/Kolkata',
      NOW,
    );
    expect(r.errors).toEqual({});
    expect(r.body).toEqual({
      title: 'Rates',
      body: 'New rates.',
      priority: 'urgent',
      pinned: true,
      requires_ack: true,
      store_ids: ['s1'],
      roles: ['sales_rep'],
      publish_at: '2026-11-27T03:30:00.000Z',
      expires_at: '2026-11-28T13:00:00.000Z',
    });
    // Now: no publish time; platform announcements never name stores.
    const now = buildAnnouncement({ ...draft, store_ids: ['s1'] }, 'platform', 'UTC', NOW);
    expect(now.body).toMatchObject({ publish_at: null, expires_at: null, store_ids: [] });
  });

  it('points out what is missing or out of order', () => {
    expect(buildAnnouncement(EMPTY_DRAFT, 'business', 'UTC', NOW).errors).toEqual({
      title: 'Give the announcement a title.',
      body: 'Write the announcement.',
    });
    expect(buildAnnouncement(draft, 'stores', 'UTC', NOW).errors).toEqual({ store_ids: 'Choose at least one of your stores.' });
    expect(buildAnnouncement({ ...draft, when: 'later' }, 'business', 'UTC', NOW).errors).toEqual({
      publish_at: 'Choose when to publish it.',
    });
    expect(buildAnnouncement({ ...draft, when: 'later', publish_at: '2026-11-26T09:00' }, 'business', 'UTC', NOW).errors).toEqual({
      publish_at: 'Choose a time in the future.',
    });
    expect(
      buildAnnouncement({ ...draft, when: 'later', publish_at: '2026-11-27T09:00', expires_at: '2026-11-27T08:00' }, 'business', 'UTC', NOW)
        .errors,
    ).toEqual({ expires_at: 'It must end after it is published.' });
    expect(buildAnnouncement({ ...draft, expires_at: '2026-11-26T09:00' }, 'business', 'UTC', NOW).errors).toEqual({
      expires_at: 'It must end after it is published.',
    });
  });
});
