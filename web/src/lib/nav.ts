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
  ticketsCreate: 'tickets.create',
  ticketsManageAll: 'tickets.manage_all',
  chatUse: 'chat.use',
  announcementsPublish: 'announcements.publish',
  escalationsManage: 'escalations.manage',
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
  | 'leads'
  | 'support'
  | 'chat'
  | 'announcements'
  | 'escalations'
  | 'feedback';

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
  chat: '/chat',
  tickets: '/tickets',
  newTicket: '/tickets/new',
  ticketTemplates: '/tickets/templates',
  announcements: '/announcements',
  newAnnouncement: '/announcements/new',
  escalations: '/escalations',
  newEscalation: '/escalations/new',
  feedback: '/feedback',
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
// Raising tickets with Karat support; also in the account menu, so it can stay off a full phone bar.
const SUPPORT: NavItem = {
  to: PATHS.tickets,
  label: 'Support',
  icon: 'support',
  permission: PERMISSIONS.ticketsCreate,
  optionalOnPhone: true,
};
// Also linked from the wallboard, so it can stay off a full phone bar.
const LEADS: NavItem = { to: PATHS.leads, label: 'Leads', icon: 'leads', permission: PERMISSIONS.leadsAssign, optionalOnPhone: true };
// Team chat: every tenant role, and always on the phone's bar.
const CHAT: NavItem = { to: PATHS.chat, label: 'Chat', icon: 'chat', permission: PERMISSIONS.chatUse };
// Announcements: everyone signed in. Urgent and pinned ones also show as a banner, so it can stay off a full phone bar.
const ANNOUNCEMENTS: NavItem = { to: PATHS.announcements, label: 'Announcements', icon: 'announcements', optionalOnPhone: true };
// Customers' problems; the ones handed to someone also arrive as notifications.
const ESCALATIONS: NavItem = {
  to: PATHS.escalations,
  label: 'Escalations',
  icon: 'escalations',
  permission: PERMISSIONS.escalationsManage,
  optionalOnPhone: true,
};
// Survey results and team feedback (business admins and managers: the audit-reading roles of a business).
const FEEDBACK: NavItem = {
  to: PATHS.feedback,
  label: 'Feedback',
  icon: 'feedback',
  permission: PERMISSIONS.auditRead,
  optionalOnPhone: true,
};
// Also on the home page (recent activity), so it can stay off a full phone bar.
const AUDIT_LOG: NavItem = { to: PATHS.audit, label: 'Audit log', icon: 'audit', permission: PERMISSIONS.auditRead, optionalOnPhone: true };

const BY_ROLE: Record<Role, NavItem[]> = {
  platform_admin: [
    HOME,
    { to: PATHS.tenants, label: 'Tenants', icon: 'tenants', permission: PERMISSIONS.tenantsManage },
    { to: PATHS.tickets, label: 'Tickets', icon: 'support', permission: PERMISSIONS.ticketsManageAll },
    // Platform-wide announcements.
    ANNOUNCEMENTS,
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
    CHAT,
    ESCALATIONS,
    FEEDBACK,
    ANNOUNCEMENTS,
    // Also on the home page, so it can stay off a full phone bar.
    { to: PATHS.stores, label: 'Stores', icon: 'store', permission: PERMISSIONS.storesRead, optionalOnPhone: true },
    { to: PATHS.users, label: 'Users', icon: 'users', permission: PERMISSIONS.usersManage },
    AUDIT_LOG,
    // Only business admins: a manager's audit.read is store-scoped and the access log is tenant-wide.
    { to: PATHS.accessLog, label: 'Access log', icon: 'access', permission: PERMISSIONS.auditRead, optionalOnPhone: true },
    SUPPORT,
    ACCOUNT,
  ],
  manager: [
    HOME,
    CUSTOMERS,
    WALLBOARD,
    LEADS,
    CHAT,
    ESCALATIONS,
    FEEDBACK,
    ANNOUNCEMENTS,
    { to: PATHS.stores, label: 'My stores', icon: 'store', permission: PERMISSIONS.storesRead, optionalOnPhone: true },
    { to: PATHS.users, label: 'Team', icon: 'users', permission: PERMISSIONS.usersManage },
    AUDIT_LOG,
    SUPPORT,
    ACCOUNT,
  ],
  sales_rep: [
    HOME,
    CUSTOMERS,
    { to: PATHS.logVisit, label: 'Log a visit', icon: 'visit', permission: PERMISSIONS.visitsLog },
    // Where a sales rep answers the leads telecallers pass on.
    TRANSFERS,
    CHAT,
    ESCALATIONS,
    ANNOUNCEMENTS,
    // Also on the home page, so it can stay off a full phone bar.
    { to: PATHS.stores, label: 'My stores', icon: 'store', permission: PERMISSIONS.storesRead, optionalOnPhone: true },
    ACCOUNT,
  ],
  telecaller: [
    HOME,
    CONSOLE,
    CUSTOMERS,
    // The answers also arrive as notifications, and each lead's card shows them.
    { ...TRANSFERS, permission: PERMISSIONS.callsWork, optionalOnPhone: true },
    CHAT,
    ESCALATIONS,
    ANNOUNCEMENTS,
    // Also on the home page, so it can stay off a full phone bar.
    { to: PATHS.stores, label: 'My stores', icon: 'store', permission: PERMISSIONS.storesRead, optionalOnPhone: true },
    ACCOUNT,
  ],
  marketing: [
    HOME,
    SEGMENTS,
    CHAT,
    ANNOUNCEMENTS,
    { to: PATHS.stores, label: 'My stores', icon: 'store', permission: PERMISSIONS.storesRead },
    ACCOUNT,
  ],
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

/** Whether the user works with support tickets: raises them (business admins, managers) or answers them (platform staff). */
export function canSeeTickets(permissions: readonly string[]): boolean {
  return permissions.includes(PERMISSIONS.ticketsCreate) || permissions.includes(PERMISSIONS.ticketsManageAll);
}

/** Whether the user reads survey results and team feedback (business admins; managers for their stores — never platform staff). */
export function canReadFeedback(permissions: readonly string[], role: string): boolean {
  return role !== 'platform_admin' && permissions.includes(PERMISSIONS.auditRead);
}

/** Whether the user may give team feedback (anyone in a business). */
export function canGiveFeedback(_permissions: readonly string[], role: string): boolean {
  return role !== 'platform_admin';
}

/** Whether the user publishes announcements (platform-wide, to the business, or to their own stores). */
export function canPublishAnnouncements(permissions: readonly string[]): boolean {
  return permissions.includes(PERMISSIONS.announcementsPublish);
}

/** Whether the page at `path` is in this user's navigation (or under one of its items). */
export function canVisit(path: string, role: Role, permissions: readonly string[]): boolean {
  return navFor(role, permissions).some((item) => (item.to === '/' ? path === '/' : path === item.to || path.startsWith(`${item.to}/`)));
}
