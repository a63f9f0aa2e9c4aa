import type { Role } from '../api/types';

export const ROLES: readonly Role[] = ['platform_admin', 'business_admin', 'manager', 'sales_rep', 'telecaller', 'marketing'];

export const ROLE_LABELS: Record<Role, string> = {
  platform_admin: 'Platform admin',
  business_admin: 'Business admin',
  manager: 'Store manager',
  sales_rep: 'Sales representative',
  telecaller: 'Telecaller',
  marketing: 'Marketing',
};

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Roles a user of `actor` role may give to users they create or edit. */
export function creatableRoles(actor: Role): Role[] {
  switch (actor) {
    case 'business_admin':
      return ['business_admin', 'manager', 'sales_rep', 'telecaller', 'marketing'];
    case 'manager':
      return ['sales_rep', 'telecaller', 'marketing'];
    default:
      return [];
  }
}

/** Roles whose users work in stores (a business admin sees all stores anyway). */
export function roleNeedsStores(role: Role): boolean {
  return role === 'manager' || role === 'sales_rep' || role === 'telecaller' || role === 'marketing';
}
