// Role → navigation. Role decides the shape; a missing permission hides an item.
import type { Role } from '../api/types';

export const PERMISSIONS = {
  tenantsManage: 'tenants.manage',
  storesManage: 'stores.manage',
  storesRead: 'stores.read',
  usersManage: 'users.manage',
  auditRead: 'audit.read',
} as const;

export type Permission = (typeof PERMISSIONS)[keyof typeof PERMISSIONS];

export type IconName = 'home' | 'store' | 'users' | 'audit' | 'tenants' | 'account';

export interface NavItem {
  to: string;
  label: string;
  icon: IconName;
  /** Permission the item needs; it is hidden without it. */
  permission?: Permission;
}

export const PATHS = {
  home: '/',
  tenants: '/platform/tenants',
  stores: '/stores',
  users: '/admin/users',
  audit: '/admin/audit',
  account: '/account',
  sessions: '/account/sessions',
  notifications: '/notifications',
  notificationSettings: '/account/notifications',
  login: '/login',
} as const;

const HOME: NavItem = { to: PATHS.home, label: 'Home', icon: 'home' };
const ACCOUNT: NavItem = { to: PATHS.account, label: 'Account', icon: 'account' };

const BY_ROLE: Record<Role, NavItem[]> = {
  platform_admin: [
    HOME,
    { to: PATHS.tenants, label: 'Tenants', icon: 'tenants', permission: PERMISSIONS.tenantsManage },
    { to: PATHS.audit, label: 'Audit log', icon: 'audit', permission: PERMISSIONS.auditRead },
    ACCOUNT,
  ],
  business_admin: [
    HOME,
    { to: PATHS.stores, label: 'Stores', icon: 'store', permission: PERMISSIONS.storesRead },
    { to: PATHS.users, label: 'Users', icon: 'users', permission: PERMISSIONS.usersManage },
    { to: PATHS.audit, label: 'Audit log', icon: 'audit', permission: PERMISSIONS.auditRead },
    ACCOUNT,
  ],
  manager: [
    HOME,
    { to: PATHS.stores, label: 'My stores', icon: 'store', permission: PERMISSIONS.storesRead },
    { to: PATHS.users, label: 'Team', icon: 'users', permission: PERMISSIONS.usersManage },
    { to: PATHS.audit, label: 'Audit log', icon: 'audit', permission: PERMISSIONS.auditRead },
    ACCOUNT,
  ],
  sales_rep: [HOME, { to: PATHS.stores, label: 'My stores', icon: 'store', permission: PERMISSIONS.storesRead }, ACCOUNT],
  telecaller: [HOME, { to: PATHS.stores, label: 'My stores', icon: 'store', permission: PERMISSIONS.storesRead }, ACCOUNT],
  marketing: [HOME, { to: PATHS.stores, label: 'My stores', icon: 'store', permission: PERMISSIONS.storesRead }, ACCOUNT],
};

/** The navigation a user of this role with these permissions sees, in order. */
export function navFor(role: Role, permissions: readonly string[]): NavItem[] {
  const granted = new Set(permissions);
  return (BY_ROLE[role] ?? [HOME, ACCOUNT]).filter((item) => !item.permission || granted.has(item.permission));
}

/** Whether the page at `path` is in this user's navigation (or under one of its items). */
export function canVisit(path: string, role: Role, permissions: readonly string[]): boolean {
  return navFor(role, permissions).some((item) => (item.to === '/' ? path === '/' : path === item.to || path.startsWith(`${item.to}/`)));
}
