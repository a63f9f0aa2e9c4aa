import { describe, expect, it } from 'vitest';
import type { Role } from '../api/types';
import { canVisit, navFor } from './nav';
import { creatableRoles } from './roles';

const ALL = ['tenants.manage', 'stores.manage', 'stores.read', 'users.manage', 'audit.read', 'customers.read'];
const labels = (role: Role, perms: string[] = ALL) => navFor(role, perms).map((i) => i.label);

describe('navFor', () => {
  it('gives each role its own navigation', () => {
    expect(labels('platform_admin')).toEqual(['Home', 'Tenants', 'Audit log', 'Account']);
    expect(labels('business_admin')).toEqual(['Home', 'Stores', 'Users', 'Audit log', 'Account']);
    expect(labels('manager')).toEqual(['Home', 'My stores', 'Team', 'Audit log', 'Account']);
    expect(labels('sales_rep')).toEqual(['Home', 'My stores', 'Account']);
    expect(labels('telecaller')).toEqual(['Home', 'My stores', 'Account']);
    expect(labels('marketing')).toEqual(['Home', 'My stores', 'Account']);
  });

  it('hides admin items whose permission is missing', () => {
    expect(labels('business_admin', ['stores.read'])).toEqual(['Home', 'Stores', 'Account']);
    expect(labels('manager', ['stores.read', 'users.manage'])).toEqual(['Home', 'My stores', 'Team', 'Account']);
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
      expect(navFor(role, ALL).length).toBeLessThanOrEqual(5);
    }
  });
});

describe('canVisit', () => {
  it('matches pages under a nav item', () => {
    expect(canVisit('/platform/tenants/123', 'platform_admin', ALL)).toBe(true);
    expect(canVisit('/admin/users', 'telecaller', ALL)).toBe(false);
    expect(canVisit('/admin/users', 'manager', ['users.manage'])).toBe(true);
    expect(canVisit('/', 'marketing', [])).toBe(true);
    expect(canVisit('/stores', 'platform_admin', ALL)).toBe(false);
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
