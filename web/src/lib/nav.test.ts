import { describe, expect, it } from 'vitest';
import type { Role } from '../api/types';
import { PHONE_NAV_MAX, canImportExport, canReadAccessLog, canSeeTransfers, canVisit, canWorkConsole, navFor } from './nav';
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
];
const labels = (role: Role, perms: string[] = ALL) => navFor(role, perms).map((i) => i.label);

describe('navFor', () => {
  it('gives each role its own navigation', () => {
    expect(labels('platform_admin')).toEqual(['Home', 'Tenants', 'Audit log', 'Account']);
    expect(labels('business_admin')).toEqual([
      'Home',
      'Customers',
      'Segments',
      'Wallboard',
      'Leads',
      'Stores',
      'Users',
      'Audit log',
      'Access log',
      'Account',
    ]);
    expect(labels('manager')).toEqual(['Home', 'Customers', 'Wallboard', 'Leads', 'My stores', 'Team', 'Audit log', 'Account']);
    expect(labels('sales_rep')).toEqual(['Home', 'Customers', 'Log a visit', 'Transfers', 'My stores', 'Account']);
    expect(labels('telecaller')).toEqual(['Home', 'Console', 'Customers', 'Transfers', 'My stores', 'Account']);
    expect(labels('marketing')).toEqual(['Home', 'Segments', 'My stores', 'Account']);
  });

  it('hides admin items whose permission is missing', () => {
    expect(labels('business_admin', ['stores.read'])).toEqual(['Home', 'Stores', 'Account']);
    // Marketing and platform staff have no customers.read: no Customers item.
    expect(
      labels(
        'marketing',
        ALL.filter((p) => p !== 'customers.read'),
      ),
    ).not.toContain('Customers');
    expect(labels('sales_rep', ['customers.read', 'stores.read'])).toEqual(['Home', 'Customers', 'Transfers', 'My stores', 'Account']);
    expect(labels('manager', ['stores.read', 'users.manage'])).toEqual(['Home', 'My stores', 'Team', 'Account']);
    // The telecalling screens follow their permissions.
    expect(labels('telecaller', ['customers.read', 'stores.read'])).toEqual(['Home', 'Customers', 'My stores', 'Account']);
    expect(labels('manager', ['leads.assign'])).toEqual(['Home', 'Wallboard', 'Leads', 'Account']);
    expect(labels('telecaller', [])).toEqual(['Home', 'Account']);
    expect(labels('platform_admin', [])).toEqual(['Home', 'Account']);
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
    // Stores is on the home page and Leads on the wallboard: the wallboard gets the slot.
    expect(phone('business_admin')).toEqual(['Home', 'Customers', 'Wallboard', 'Users', 'Audit log']);
    expect(phone('manager')).toEqual(['Home', 'Customers', 'Wallboard', 'Team', 'Audit log']);
    expect(phone('sales_rep')).toEqual(['Home', 'Customers', 'Log a visit', 'Transfers', 'My stores']);
    expect(phone('telecaller')).toEqual(['Home', 'Console', 'Customers', 'Transfers', 'My stores']);
    // Marketing's bar has room for Segments; a business admin reaches it from the customer list.
    expect(phone('marketing')).toEqual(['Home', 'Segments', 'My stores', 'Account']);
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
