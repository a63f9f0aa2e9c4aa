import { describe, expect, it } from 'vitest';
import type { Role } from '../api/types';
import {
  PHONE_NAV_MAX,
  canGiveFeedback,
  canImportExport,
  canPublishAnnouncements,
  canReadAccessLog,
  canReadFeedback,
  canSeeTickets,
  canSeeTransfers,
  canVisit,
  canWorkConsole,
  navFor,
} from './nav';
import { creatableRoles } from './roles';

const ALL = [
  'tenants.manage',
  'stores.manage',
  'stores.read',
  'users.manage',
  'audit.read',
  'customers.read',
  'customers.write',
  'customers.delete',
  'visits.log',
  'customers.import_export',
  'campaigns.manage',
  'calls.work',
  'leads.assign',
  'chat.use',
];
const labels = (role: Role, perms: string[] = ALL) => navFor(role, perms).map((i) => i.label);

describe('navFor', () => {
  it('gives each role its own navigation', () => {
    expect(labels('platform_admin')).toEqual(['Home', 'Tenants', 'Announcements', 'Audit log', 'Account']);
    expect(labels('business_admin')).toEqual([
      'Home',
      'Customers',
      'Segments',
      'Wallboard',
      'Leads',
      'Chat',
      'Feedback',
      'Announcements',
      'Stores',
      'Users',
      'Audit log',
      'Access log',
      'Account',
    ]);
    expect(labels('manager')).toEqual([
      'Home',
      'Customers',
      'Wallboard',
      'Leads',
      'Chat',
      'Feedback',
      'Announcements',
      'My stores',
      'Team',
      'Audit log',
      'Account',
    ]);
    expect(labels('sales_rep')).toEqual(['Home', 'Customers', 'Log a visit', 'Transfers', 'Chat', 'Announcements', 'My stores', 'Account']);
    expect(labels('telecaller')).toEqual(['Home', 'Console', 'Customers', 'Transfers', 'Chat', 'Announcements', 'My stores', 'Account']);
    expect(labels('marketing')).toEqual(['Home', 'Segments', 'Chat', 'Announcements', 'My stores', 'Account']);
  });

  it('hides admin items whose permission is missing', () => {
    expect(labels('business_admin', ['stores.read'])).toEqual(['Home', 'Announcements', 'Stores', 'Account']);
    // Marketing and platform staff have no customers.read: no Customers item.
    expect(
      labels(
        'marketing',
        ALL.filter((p) => p !== 'customers.read'),
      ),
    ).not.toContain('Customers');
    expect(labels('sales_rep', ['customers.read', 'stores.read'])).toEqual([
      'Home',
      'Customers',
      'Transfers',
      'Announcements',
      'My stores',
      'Account',
    ]);
    expect(labels('manager', ['stores.read', 'users.manage'])).toEqual(['Home', 'Announcements', 'My stores', 'Team', 'Account']);
    // The telecalling screens follow their permissions.
    expect(labels('telecaller', ['customers.read', 'stores.read'])).toEqual(['Home', 'Customers', 'Announcements', 'My stores', 'Account']);
    expect(labels('manager', ['leads.assign'])).toEqual(['Home', 'Wallboard', 'Leads', 'Announcements', 'Account']);
    // Announcements are for everyone signed in.
    expect(labels('telecaller', [])).toEqual(['Home', 'Announcements', 'Account']);
    expect(labels('platform_admin', [])).toEqual(['Home', 'Announcements', 'Account']);
  });

  it('never gives staff roles admin items, even with stray permissions', () => {
    for (const role of ['sales_rep', 'telecaller', 'marketing'] as Role[]) {
      expect(navFor(role, ALL).some((i) => i.to.startsWith('/admin') || i.to.startsWith('/platform'))).toBe(false);
    }
  });

  it('fits the phone bottom bar (at most five items)', () => {
    for (const role of ['platform_admin', 'business_admin', 'manager', 'sales_rep', 'telecaller', 'marketing'] as Role[]) {
      expect(navFor(role, ALL).filter((i) => i.onPhone).length).toBeLessThanOrEqual(PHONE_NAV_MAX);
    }
  });

  it('leaves optional items off the phone bar only when it is full', () => {
    const phone = (role: Role) =>
      navFor(role, ALL)
        .filter((i) => i.onPhone)
        .map((i) => i.label);
    // Stores and the audit log are on the home page and Leads on the wallboard: the wallboard and chat get the slots.
    expect(phone('business_admin')).toEqual(['Home', 'Customers', 'Wallboard', 'Chat', 'Users']);
    expect(phone('manager')).toEqual(['Home', 'Customers', 'Wallboard', 'Chat', 'Team']);
    expect(phone('sales_rep')).toEqual(['Home', 'Customers', 'Log a visit', 'Transfers', 'Chat']);
    expect(phone('telecaller')).toEqual(['Home', 'Console', 'Customers', 'Transfers', 'Chat']);
    // Marketing's bar has room for Segments and announcements (Account is in the account menu); a business admin
    // reaches Segments from the customer list.
    expect(phone('marketing')).toEqual(['Home', 'Segments', 'Chat', 'Announcements', 'My stores']);
    expect(phone('platform_admin')).toEqual(['Home', 'Tenants', 'Announcements', 'Audit log', 'Account']);
  });

  it('shows Segments only with campaigns.manage (managers have none)', () => {
    expect(labels('manager')).not.toContain('Segments');
    expect(
      labels(
        'business_admin',
        ALL.filter((p) => p !== 'campaigns.manage'),
      ),
    ).not.toContain('Segments');
    expect(canVisit('/segments/new', 'marketing', ALL)).toBe(true);
  });

  it('keeps customer import and export to roles that also write customers', () => {
    // Marketing holds customers.import_export for segment exports, but no customer write.
    expect(canImportExport(['customers.import_export', 'campaigns.manage'])).toBe(false);
    expect(canImportExport(['customers.import_export', 'customers.write', 'customers.read'])).toBe(true);
    expect(canImportExport(['customers.write'])).toBe(false);
  });

  it('keeps the access log to business admins', () => {
    expect(canReadAccessLog(ALL, 'business_admin')).toBe(true);
    expect(canReadAccessLog(ALL, 'manager')).toBe(false);
    expect(canReadAccessLog(['stores.read'], 'business_admin')).toBe(false);
    expect(canVisit('/admin/access-log', 'manager', ALL)).toBe(false);
  });
});

describe('telecalling screens', () => {
  it('gives the console to telecallers only (managers log calls from a lead)', () => {
    expect(canWorkConsole(ALL, 'telecaller')).toBe(true);
    expect(canWorkConsole(ALL, 'manager')).toBe(false);
    expect(canWorkConsole(['customers.read'], 'telecaller')).toBe(false);
    expect(canVisit('/console', 'telecaller', ALL)).toBe(true);
    expect(canVisit('/console', 'business_admin', ALL)).toBe(false);
  });

  it('shows transfers to the telecallers who pass leads on and the sales reps who answer', () => {
    expect(canSeeTransfers(ALL, 'telecaller')).toBe(true);
    expect(canSeeTransfers(['stores.read'], 'sales_rep')).toBe(true);
    expect(canSeeTransfers(ALL, 'marketing')).toBe(false);
    expect(canSeeTransfers([], 'telecaller')).toBe(false);
  });

  it('puts the wallboard and leads in the navigation of those who assign leads', () => {
    expect(canVisit('/leads/123', 'manager', ALL)).toBe(true);
    expect(canVisit('/wallboard', 'business_admin', ALL)).toBe(true);
    expect(canVisit('/wallboard', 'telecaller', ALL)).toBe(false);
    expect(canVisit('/leads', 'sales_rep', ALL)).toBe(false);
  });
});

describe('chat', () => {
  it('is in every tenant role’s navigation and phone bar with chat.use, never for platform staff', () => {
    for (const role of ['business_admin', 'manager', 'sales_rep', 'telecaller', 'marketing'] as Role[]) {
      expect(navFor(role, ALL).find((i) => i.label === 'Chat')).toMatchObject({ to: '/chat', onPhone: true });
      expect(canVisit('/chat/0190a4d2-0000-7000-8000-000000000000', role, ALL)).toBe(true);
      expect(
        labels(
          role,
          ALL.filter((p) => p !== 'chat.use'),
        ),
      ).not.toContain('Chat');
    }
    expect(labels('platform_admin')).not.toContain('Chat');
  });
});

describe('support tickets', () => {
  const TENANT = [...ALL, 'tickets.create'];
  const PLATFORM = ['tenants.manage', 'audit.read', 'tickets.manage_all'];

  it('gives business admins and managers "Support", off a full phone bar (it is in the account menu)', () => {
    for (const role of ['business_admin', 'manager'] as Role[]) {
      const item = navFor(role, TENANT).find((i) => i.label === 'Support');
      expect(item).toMatchObject({ to: '/tickets', onPhone: false });
      expect(navFor(role, TENANT).filter((i) => i.onPhone).length).toBeLessThanOrEqual(PHONE_NAV_MAX);
      expect(canVisit('/tickets/new', role, TENANT)).toBe(true);
    }
    // Without the permission (and for staff roles) there is no Support item.
    expect(labels('manager')).not.toContain('Support');
    expect(labels('sales_rep', TENANT)).not.toContain('Support');
  });

  it('gives platform staff "Tickets" on the phone bar too', () => {
    expect(labels('platform_admin', PLATFORM)).toEqual(['Home', 'Tenants', 'Tickets', 'Announcements', 'Audit log', 'Account']);
    expect(navFor('platform_admin', PLATFORM).find((i) => i.label === 'Tickets')).toMatchObject({ to: '/tickets', onPhone: true });
    expect(canVisit('/tickets/templates', 'platform_admin', PLATFORM)).toBe(true);
  });

  it('lets those who raise or answer tickets open them', () => {
    expect(canSeeTickets(['tickets.create'])).toBe(true);
    expect(canSeeTickets(['tickets.manage_all'])).toBe(true);
    expect(canSeeTickets(ALL)).toBe(false);
  });
});

describe('announcements, escalations and feedback', () => {
  const TENANT = [...ALL, 'escalations.manage', 'announcements.publish'];

  it('gives everyone signed in "Announcements", off a full phone bar (urgent ones show as a banner)', () => {
    for (const role of ['platform_admin', 'business_admin', 'manager', 'sales_rep', 'telecaller', 'marketing'] as Role[]) {
      expect(navFor(role, []).find((i) => i.label === 'Announcements')).toMatchObject({ to: '/announcements' });
      expect(canVisit('/announcements/0190a4d2-0000-7000-8000-000000000000', role, [])).toBe(true);
    }
    // Full bars keep their items: announcements give way.
    expect(
      navFor('telecaller', TENANT)
        .filter((i) => i.onPhone)
        .map((i) => i.label),
    ).toEqual(['Home', 'Console', 'Customers', 'Transfers', 'Chat']);
    expect(
      navFor('sales_rep', TENANT)
        .filter((i) => i.onPhone)
        .map((i) => i.label),
    ).toEqual(['Home', 'Customers', 'Log a visit', 'Transfers', 'Chat']);
  });

  it('shows Escalations with escalations.manage (business admins, managers, sales reps, telecallers)', () => {
    for (const role of ['business_admin', 'manager', 'sales_rep', 'telecaller'] as Role[]) {
      expect(navFor(role, TENANT).find((i) => i.label === 'Escalations')).toMatchObject({ to: '/escalations', onPhone: false });
      expect(canVisit('/escalations/new', role, TENANT)).toBe(true);
      expect(labels(role)).not.toContain('Escalations');
    }
    expect(labels('marketing', TENANT)).not.toContain('Escalations');
    expect(labels('platform_admin', TENANT)).not.toContain('Escalations');
    expect(labels('business_admin', TENANT).slice(5, 9)).toEqual(['Chat', 'Escalations', 'Feedback', 'Announcements']);
  });

  it('shows Feedback to the audit-reading roles of a business; anyone in a business gives team feedback', () => {
    expect(labels('manager', TENANT)).toContain('Feedback');
    expect(labels('manager', ['stores.read'])).not.toContain('Feedback');
    expect(labels('platform_admin', TENANT)).not.toContain('Feedback');
    expect(labels('sales_rep', TENANT)).not.toContain('Feedback');
    expect(canReadFeedback(['audit.read'], 'business_admin')).toBe(true);
    expect(canReadFeedback(['audit.read'], 'manager')).toBe(true);
    expect(canReadFeedback(['audit.read'], 'platform_admin')).toBe(false);
    expect(canReadFeedback(['customers.read'], 'sales_rep')).toBe(false);
    expect(canGiveFeedback([], 'telecaller')).toBe(true);
    expect(canGiveFeedback(['audit.read'], 'platform_admin')).toBe(false);
  });

  it('lets publishers publish', () => {
    expect(canPublishAnnouncements(['announcements.publish'])).toBe(true);
    expect(canPublishAnnouncements(ALL)).toBe(false);
  });
});

describe('canVisit', () => {
  it('matches pages under a nav item', () => {
    expect(canVisit('/platform/tenants/123', 'platform_admin', ALL)).toBe(true);
    expect(canVisit('/admin/users', 'telecaller', ALL)).toBe(false);
    expect(canVisit('/admin/users', 'manager', ['users.manage'])).toBe(true);
    expect(canVisit('/', 'marketing', [])).toBe(true);
    expect(canVisit('/stores', 'platform_admin', ALL)).toBe(false);
    expect(canVisit('/customers/123', 'telecaller', ALL)).toBe(true);
    expect(canVisit('/customers', 'marketing', ALL)).toBe(false);
  });
});

describe('creatableRoles', () => {
  it('follows the permission matrix', () => {
    expect(creatableRoles('business_admin')).not.toContain('platform_admin');
    expect(creatableRoles('business_admin')).toContain('manager');
    expect(creatableRoles('manager')).toEqual(['sales_rep', 'telecaller', 'marketing']);
    expect(creatableRoles('sales_rep')).toEqual([]);
    expect(creatableRoles('platform_admin')).toEqual([]);
  });
});
