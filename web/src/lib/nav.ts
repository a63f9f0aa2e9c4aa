// Role → navigation. Role decides the shape; a missing permission hides an item.
import type { Role } from '../api/types';

export const PERMISSIONS = {
  tenantsManage: 'tenants.manage',
  storesManage: 'stores.manage',
  storesRead: 'stores.read',
  usersManage: 'users.manage',
  auditRead: 'audit.read',
  customersRead: 'customers.read',
  customersWrite: 'customers.write',
  customersDelete: 'customers.delete',
  visitsLog: 'visits.log',
  customersImportExport: 'customers.import_export',
  campaignsManage: 'campaigns.manage',
  callsWork: 'calls.work',
  leadsAssign: 'leads.assign',
} as const;

export type Permission = (typeof PERMISSIONS)[keyof typeof PERMISSIONS];

export type IconName =
  | 'home'
  | 'store'
  | 'users'
  | 'audit'
  | 'tenants'
  | 'account'
  | 'customers'
  | 'visit'
  | 'access'
  | 'segments'
  | 'console'
  | 'transfers'
  | 'wallboard'
  | 'leads';

export interface NavItem {
  to: string;
  label: string;
  icon: IconName;
  /** Permission the item needs; it is hidden without it. */
  permission?: Permission;
  /** Reachable elsewhere (account menu, a page's links): left off a full phone bar. */
  optionalOnPhone?: boolean;
}

export interface ShownNavItem extends NavItem {
  /** Whether the item is on the phone's bottom bar (desktop shows every item). */
  onPhone: boolean;
}

/** The phone's bottom bar holds at most this many items. */
export const PHONE_NAV_MAX = 5;

export const PATHS = {
  home: '/',
  tenants: '/platform/tenants',
  stores: '/stores',
  users: '/admin/users',
  audit: '/admin/audit',
  accessLog: '/admin/access-log',
  customers: '/customers',
  newCustomer: '/customers/new',
  trash: '/customers/trash',
  logVisit: '/visits/new',
  importCustomers: '/customers/import',
  imports: '/customers/imports',
  segments: '/segments',
  newSegment: '/segments/new',
  console: '/console',
  transfers: '/transfers',
  wallboard: '/wallboard',
  leads: '/leads',
  telecallingSettings: '/telecalling/settings',
  telecallingReports: '/telecalling/reports',
  account: '/account',
  sessions: '/account/sessions',
  notifications: '/notifications',
  notificationSettings: '/account/notifications',
  login: '/login',
} as const;

const HOME: NavItem = { to: PATHS.home, label: 'Home', icon: 'home' };
const ACCOUNT: NavItem = { to: PATHS.account, label: 'Account', icon: 'account', optionalOnPhone: true };
const CUSTOMERS: NavItem = { to: PATHS.customers, label: 'Customers', icon: 'customers', permission: PERMISSIONS.customersRead };
const SEGMENTS: NavItem = { to: PATHS.segments, label: 'Segments', icon: 'segments', permission: PERMISSIONS.campaignsManage };
const CONSOLE: NavItem = { to: PATHS.console, label: 'Console', icon: 'console', permission: PERMISSIONS.callsWork };
const TRANSFERS: NavItem = { to: PATHS.transfers, label: 'Transfers', icon: 'transfers' };
const WALLBOARD: NavItem = { to: PATHS.wallboard, label: 'Wallboard', icon: 'wallboard', permission: PERMISSIONS.leadsAssign };
// Also linked from the wallboard, so it can stay off a full phone bar.
const LEADS: NavItem = { to: PATHS.leads, label: 'Leads', icon: 'leads', permission: PERMISSIONS.leadsAssign, optionalOnPhone: true };

const BY_ROLE: Record<Role, NavItem[]> = {
  platform_admin: [
    HOME,
    { to: PATHS.tenants, label: 'Tenants', icon: 'tenants', permission: PERMISSIONS.tenantsManage },
    { to: PATHS.audit, label: 'Audit log', icon: 'audit', permission: PERMISSIONS.auditRead },
    ACCOUNT,
  ],
  business_admin: [
    HOME,
    CUSTOMERS,
    // Also linked from the customer list, so it can stay off a full phone bar.
    { ...SEGMENTS, optionalOnPhone: true },
    WALLBOARD,
    LEADS,
    // Also on the home page, so it can stay off a full phone bar.
    { to: PATHS.stores, label: 'Stores', icon: 'store', permission: PERMISSIONS.storesRead, optionalOnPhone: true },
    { to: PATHS.users, label: 'Users', icon: 'users', permission: PERMISSIONS.usersManage },
    { to: PATHS.audit, label: 'Audit log', icon: 'audit', permission: PERMISSIONS.auditRead },
    // Only business admins: a manager's audit.read is store-scoped and the access log is tenant-wide.
    { to: PATHS.accessLog, label: 'Access log', icon: 'access', permission: PERMISSIONS.auditRead, optionalOnPhone: true },
    ACCOUNT,
  ],
  manager: [
    HOME,
    CUSTOMERS,
    WALLBOARD,
    LEADS,
    { to: PATHS.stores, label: 'My stores', icon: 'store', permission: PERMISSIONS.storesRead, optionalOnPhone: true },
    { to: PATHS.users, label: 'Team', icon: 'users', permission: PERMISSIONS.usersManage },
    { to: PATHS.audit, label: 'Audit log', icon: 'audit', permission: PERMISSIONS.auditRead },
    ACCOUNT,
  ],
  sales_rep: [
    HOME,
    CUSTOMERS,
    { to: PATHS.logVisit, label: 'Log a visit', icon: 'visit', permission: PERMISSIONS.visitsLog },
    // Where a sales rep answers the leads telecallers pass on.
    TRANSFERS,
    { to: PATHS.stores, label: 'My stores', icon: 'store', permission: PERMISSIONS.storesRead },
    ACCOUNT,
  ],
  telecaller: [
    HOME,
    CONSOLE,
    CUSTOMERS,
    // The answers also arrive as notifications, and each lead's card shows them.
    { ...TRANSFERS, permission: PERMISSIONS.callsWork, optionalOnPhone: true },
    { to: PATHS.stores, label: 'My stores', icon: 'store', permission: PERMISSIONS.storesRead },
    ACCOUNT,
  ],
  marketing: [HOME, SEGMENTS, { to: PATHS.stores, label: 'My stores', icon: 'store', permission: PERMISSIONS.storesRead }, ACCOUNT],
};

/**
 * The navigation a user of this role with these permissions sees, in order.
 * When there are more items than the phone's bottom bar holds, the optional
 * ones (last first) stay off the phone bar.
 */
export function navFor(role: Role, permissions: readonly string[]): ShownNavItem[] {
  const granted = new Set(permissions);
  const items = (BY_ROLE[role] ?? [HOME, ACCOUNT]).filter((item) => !item.permission || granted.has(item.permission));
  let excess = items.length - PHONE_NAV_MAX;
  const offPhone = new Set<NavItem>();
  for (let i = items.length - 1; i >= 0 && excess > 0; i--) {
    const item = items[i];
    if (item?.optionalOnPhone) {
      offPhone.add(item);
      excess--;
    }
  }
  return items.map((item) => ({ ...item, onPhone: !offPhone.has(item) }));
}

/** Whether the signed-in user may open the customer access log (tenant-wide: business admins only). */
export function canReadAccessLog(permissions: readonly string[], role: string): boolean {
  return role === 'business_admin' && permissions.includes(PERMISSIONS.auditRead);
}

/**
 * Whether the user may import and export customers. Marketing holds the
 * permission name too (for segment exports) but the server refuses them
 * customer import and export: it also takes customer write access.
 */
export function canImportExport(permissions: readonly string[]): boolean {
  return permissions.includes(PERMISSIONS.customersImportExport) && permissions.includes(PERMISSIONS.customersWrite);
}

/** Whether the user works the call queue from the console (telecallers; managers log calls on a lead). */
export function canWorkConsole(permissions: readonly string[], role: string): boolean {
  return role === 'telecaller' && permissions.includes(PERMISSIONS.callsWork);
}

/** Whether the user takes part in transfers to sales: telecallers pass leads on, sales reps answer. */
export function canSeeTransfers(permissions: readonly string[], role: string): boolean {
  return (role === 'telecaller' && permissions.includes(PERMISSIONS.callsWork)) || role === 'sales_rep';
}

/** Whether the page at `path` is in this user's navigation (or under one of its items). */
export function canVisit(path: string, role: Role, permissions: readonly string[]): boolean {
  return navFor(role, permissions).some((item) => (item.to === '/' ? path === '/' : path === item.to || path.startsWith(`${item.to}/`)));
}
