// Typed calls to /api/v1, one function per endpoint the web app uses.
import { api } from './index';
import type { Download } from './client';
import type {
  AccessEntry,
  AccessLogFilters,
  Appointment,
  AppointmentFilters,
  AppointmentInput,
  AppointmentStatus,
  AppNotification,
  AuditEntry,
  AuditFilters,
  Customer,
  CustomerFilters,
  CustomerInput,
  CustomerNote,
  CampaignChannel,
  CustomerSummary,
  ExportFilters,
  ExportFormat,
  Import,
  Me,
  NewStore,
  NewTenant,
  NewTenantAdmin,
  NewUser,
  NotificationFilters,
  NotificationPreferences,
  Page,
  PageParams,
  PhoneMatch,
  Photo,
  PresenceEntry,
  Rule,
  Segment,
  SegmentCount,
  SegmentInput,
  SegmentMemberParams,
  Session,
  Store,
  StorePatch,
  Tenant,
  TenantFilters,
  TenantPatch,
  TimelinePage,
  Upload,
  User,
  UserFilters,
  UserPatch,
  Visit,
  VisitFilters,
  VisitInput,
  ValidateInput,
} from './types';

const enc = encodeURIComponent;

export const authApi = {
  forgotPassword: (email: string) => api.request<void>('/auth/password/forgot', { method: 'POST', body: { email }, auth: false }),
  resetPassword: (token: string, new_password: string) =>
    api.request<void>('/auth/password/reset', {
      method: 'POST',
      body: { token, new_password },
      auth: false,
    }),
  changePassword: (current_password: string, new_password: string) =>
    api.post<void>('/auth/password/change', { current_password, new_password }),
  sessions: () => api.get<{ items: Session[] }>('/auth/sessions'),
  revokeSession: (id: string) => api.delete(`/auth/sessions/${enc(id)}`),
  me: () => api.get<Me>('/me'),
};

export const tenantsApi = {
  list: (f: TenantFilters = {}) => api.get<Page<Tenant>>('/tenants', { ...f, limit: f.limit ?? 25 }),
  get: (id: string) => api.get<Tenant>(`/tenants/${enc(id)}`),
  create: (body: NewTenant) => api.post<Tenant>('/tenants', body),
  update: (id: string, patch: TenantPatch) => api.patch<Tenant>(`/tenants/${enc(id)}`, patch),
  createAdmin: (id: string, body: NewTenantAdmin) => api.post<User>(`/tenants/${enc(id)}/admins`, body),
};

export const storesApi = {
  list: (p: PageParams = {}) => api.get<Page<Store>>('/stores', { ...p, limit: p.limit ?? 50 }),
  get: (id: string) => api.get<Store>(`/stores/${enc(id)}`),
  create: (body: NewStore) => api.post<Store>('/stores', body),
  update: (id: string, patch: StorePatch) => api.patch<Store>(`/stores/${enc(id)}`, patch),
};

export const usersApi = {
  list: (f: UserFilters = {}) => api.get<Page<User>>('/users', { ...f, limit: f.limit ?? 25 }),
  get: (id: string) => api.get<User>(`/users/${enc(id)}`),
  create: (body: NewUser) => api.post<User>('/users', body),
  update: (id: string, patch: UserPatch) => api.patch<User>(`/users/${enc(id)}`, patch),
};

export const auditApi = {
  list: (f: AuditFilters = {}) => api.get<Page<AuditEntry>>('/audit', { ...f, limit: f.limit ?? 30 }),
};

export const notificationsApi = {
  list: (f: NotificationFilters = {}) =>
    api.get<Page<AppNotification>>('/notifications', { ...f, unread: f.unread ? true : undefined, limit: f.limit ?? 20 }),
  unreadCount: () => api.get<{ count: number }>('/notifications/unread-count'),
  markRead: (id: string) => api.post<void>(`/notifications/${enc(id)}/read`),
  markAllRead: () => api.post<void>('/notifications/read-all'),
  preferences: () => api.get<NotificationPreferences>('/notifications/preferences'),
  savePreferences: (body: NotificationPreferences) =>
    api.request<NotificationPreferences>('/notifications/preferences', { method: 'PUT', body }),
};

export const presenceApi = {
  list: () => api.get<{ items: PresenceEntry[] }>('/presence'),
};

export const customersApi = {
  list: (f: CustomerFilters = {}) => api.get<Page<CustomerSummary>>('/customers', { ...f, limit: f.limit ?? 25 }),
  get: (id: string) => api.get<Customer>(`/customers/${enc(id)}`),
  create: (body: CustomerInput) => api.post<Customer>('/customers', body),
  replace: (id: string, body: CustomerInput) => api.put<Customer>(`/customers/${enc(id)}`, body),
  trash: (id: string) => api.delete(`/customers/${enc(id)}`),
  trashed: (p: PageParams = {}) => api.get<Page<CustomerSummary>>('/customers/trash', { ...p, limit: p.limit ?? 25 }),
  restore: (id: string) => api.post<Customer>(`/customers/${enc(id)}/restore`),
  merge: (id: string, duplicate_id: string) => api.post<Customer>(`/customers/${enc(id)}/merge`, { duplicate_id }),
  addNote: (id: string, body: string) => api.post<CustomerNote>(`/customers/${enc(id)}/notes`, { body }),
  timeline: (id: string, p: PageParams = {}) => api.get<TimelinePage>(`/customers/${enc(id)}/timeline`, { ...p, limit: p.limit ?? 20 }),
  accessLog: (f: AccessLogFilters = {}) => api.get<Page<AccessEntry>>('/customers/access-log', { ...f, limit: f.limit ?? 30 }),
  byPhone: (phone: string, signal?: AbortSignal) => api.get<PhoneMatch>('/customers/by-phone', { phone }, signal),
};

export const importsApi = {
  list: (p: PageParams = {}) => api.get<Page<Import>>('/customers/imports', { ...p, limit: p.limit ?? 20 }),
  get: (id: string) => api.get<Import>(`/customers/imports/${enc(id)}`),
  /** Step 1: the file itself is the body; its type says how to read it. */
  upload: (file: Blob, filename: string, contentType: string) => api.upload<Upload>('/customers/imports', file, contentType, { filename }),
  validate: (id: string, body: ValidateInput) => api.post<Import>(`/customers/imports/${enc(id)}/validate`, body),
  /** 202: the import runs in the background. */
  confirm: (id: string, leads = false) => api.post<Import>(`/customers/imports/${enc(id)}/confirm${leads ? '?leads=true' : ''}`),
  /** The customers the caller may see, with the list's filters and an optional creation range. */
  exportCustomers: (f: ExportFilters): Promise<Download> => api.download('/customers/export', { ...f }),
};

export const segmentsApi = {
  /** Built-in segments first, then the tenant's own (a plain array, not a page). */
  list: () => api.get<Segment[]>('/segments'),
  count: (id: string, days?: number) => api.get<SegmentCount>(`/segments/${enc(id)}/count`, { days }),
  members: (id: string, p: SegmentMemberParams = {}) =>
    api.get<Page<CustomerSummary>>(`/segments/${enc(id)}/members`, { ...p, limit: p.limit ?? 25 }),
  preview: (rule: Rule) => api.post<SegmentCount>('/segments/preview', { rule }),
  create: (body: SegmentInput) => api.post<Segment>('/segments', body),
  update: (id: string, body: SegmentInput) => api.put<Segment>(`/segments/${enc(id)}`, body),
  remove: (id: string) => api.delete(`/segments/${enc(id)}`),
  /** A campaign list: only members who consented to the channel (and are not DND). */
  exportList: (id: string, channel: CampaignChannel, format: ExportFormat, days?: number): Promise<Download> =>
    api.download(`/segments/${enc(id)}/export`, { channel, format, days }),
};

export const photosApi = {
  upload: (interestId: string, file: Blob, contentType: string) =>
    api.upload<Photo>(`/interests/${enc(interestId)}/photos`, file, contentType),
  get: (id: string, signal?: AbortSignal) => api.download(`/photos/${enc(id)}`, undefined, signal),
  remove: (id: string) => api.delete(`/photos/${enc(id)}`),
};

export const visitsApi = {
  list: (f: VisitFilters = {}) => api.get<Page<Visit>>('/visits', { ...f, limit: f.limit ?? 25 }),
  create: (body: VisitInput) => api.post<Visit>('/visits', body),
};

export const appointmentsApi = {
  list: (f: AppointmentFilters = {}) => api.get<Page<Appointment>>('/appointments', { ...f, limit: f.limit ?? 50 }),
  create: (body: AppointmentInput) => api.post<Appointment>('/appointments', body),
  setStatus: (id: string, status: AppointmentStatus, notes?: string | null) =>
    api.post<Appointment>(`/appointments/${enc(id)}/status`, { status, notes: notes ?? null }),
  reschedule: (id: string, scheduled_at: string, staff_id?: string | null) =>
    api.post<Appointment>(`/appointments/${enc(id)}/reschedule`, { scheduled_at, staff_id: staff_id ?? null }),
};

/** Loads every page of a small list (e.g. a tenant's stores for a picker). */
export async function fetchAll<T>(load: (p: PageParams) => Promise<Page<T>>, maxPages = 10): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < maxPages; i++) {
    const page: Page<T> = await load({ cursor, limit: 100 });
    out.push(...page.items);
    if (!page.next_cursor) break;
    cursor = page.next_cursor;
  }
  return out;
}
