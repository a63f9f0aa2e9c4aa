// Client-side names for API shapes. Only the schema names agreed with the server
// (LoginResponse, User, Me, Tenant, Store, Session, AuditEntry, Problem) are read
// from the generated document; request bodies and page wrappers are declared
// here so a renamed wrapper in the server's OpenAPI doc does not ripple through.
import type { components } from './schema';

type Schemas = components['schemas'];

export type LoginResponse = Schemas['LoginResponse'];
export type User = Schemas['User'];
export type Me = Schemas['Me'];
export type Tenant = Schemas['Tenant'];
export type Store = Schemas['Store'];
export type Session = Schemas['Session'];
export type AuditEntry = Schemas['AuditEntry'];
export type Problem = Schemas['Problem'];

export type Role = User['role'];
export type TenantPlan = Tenant['plan'];
export type TenantStatus = Tenant['status'];

/** A cursor-paginated list, as every list endpoint returns it. */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface NewTenant {
  name: string;
  slug: string;
  country: string;
  currency: string;
  time_zone: string;
  locale: string;
  plan: TenantPlan;
}

export interface TenantPatch {
  name?: string;
  plan?: TenantPlan;
  status?: TenantStatus;
}

export interface NewTenantAdmin {
  name: string;
  email: string;
  phone?: string | null;
  password?: string | null;
}

export interface NewStore {
  name: string;
  code: string;
  address?: string | null;
  city?: string | null;
  time_zone?: string | null;
}

export interface StorePatch {
  name?: string;
  code?: string;
  address?: string | null;
  city?: string | null;
  time_zone?: string;
  active?: boolean;
}

export interface NewUser {
  name: string;
  email: string;
  phone?: string | null;
  role: Role;
  store_ids: string[];
  manager_id?: string | null;
  password?: string | null;
}

export interface UserPatch {
  name?: string;
  phone?: string | null;
  role?: Role;
  store_ids?: string[];
  manager_id?: string | null;
  active?: boolean;
}

export interface PageParams {
  cursor?: string | null;
  limit?: number;
}

export interface TenantFilters extends PageParams {
  q?: string;
  status?: TenantStatus | '';
}

export interface UserFilters extends PageParams {
  q?: string;
  role?: Role | '';
  store_id?: string;
  active?: boolean | '';
}

export interface AuditFilters extends PageParams {
  entity?: string;
  entity_id?: string;
  actor_id?: string;
  action?: string;
  from?: string;
  to?: string;
}

// ---- Notifications and presence (contract agreed with the server; declared
// here until their schemas are in openapi.json under agreed names).

/** An in-app notification (named so it does not clash with the DOM's Notification). */
export interface AppNotification {
  id: string;
  type: string;
  title: string;
  body: string;
  link: string | null;
  urgent: boolean;
  read_at: string | null;
  created_at: string;
}

export interface NotificationFilters extends PageParams {
  unread?: boolean;
}

export interface NotificationTypePreference {
  type: string;
  label: string;
  in_app: boolean;
  push: boolean;
}

export interface NotificationPreferences {
  types: NotificationTypePreference[];
  /** "HH:MM" in the user's (tenant's) time zone; null: no quiet hours. */
  quiet_hours: { start: string; end: string } | null;
}

export type PresenceStatus = 'online' | 'away' | 'busy' | 'on_call' | 'offline';

export interface PresenceEntry {
  user_id: string;
  status: PresenceStatus;
  since: string;
}

export type RealtimeTicket = Schemas['Ticket'];

// ---- Customers, visits and appointments.

export type Tier = Schemas['Tier'];
export type Gender = Schemas['Gender'];
export type CustomerType = Schemas['CustomerType'];
export type BudgetBand = Schemas['BudgetBand'];
export type Metal = Schemas['Metal'];
export type Purity = Schemas['Purity'];
export type Stone = Schemas['Stone'];
export type Category = Schemas['Category'];
export type Style = Schemas['Style'];
export type SavingScheme = Schemas['SavingScheme'];
export type Relation = Schemas['Relation'];
export type VisitReason = Schemas['VisitReason'];
export type LeadSource = Schemas['LeadSource'];
export type Outcome = Schemas['Outcome'];
export type AppointmentStatus = Schemas['AppointmentStatus'];
export type ChannelConsent = Schemas['ChannelConsent'];
export type ConsentGrant = Schemas['ConsentGrant'];
export type FamilyMember = Schemas['FamilyMember'];
export type CustomerSummary = Schemas['CustomerSummary'];
export type CustomerNote = Schemas['CustomerNote'];
export type PhoneMatch = Schemas['PhoneMatch'];
export type Interest = Schemas['Interest'];
export type Visit = Schemas['Visit'];
export type Appointment = Schemas['Appointment'];
export type AppointmentInput = Schemas['AppointmentInput'];
export type AccessEntry = Schemas['AccessEntry'];
export type TimelineEntry = Schemas['TimelineEntry'];

export type Consent = Schemas['Consent'];
export type ConsentInput = Schemas['ConsentInput'];
export type ConsentChannel = keyof Consent & keyof ConsentInput;
/** A customer's jewellery profile. */
export type CustomerPreferences = Schemas['JewelleryPreferences'];
export type Customer = Schemas['Customer'];
export type CustomerInput = Schemas['CustomerInput'];
export type VisitInput = Schemas['VisitInput'];

export interface CustomerFilters extends PageParams {
  q?: string;
  tag?: string;
  city?: string;
  tier?: Tier | '';
  store_id?: string;
}

export interface VisitFilters extends PageParams {
  store_id?: string;
  customer_id?: string;
  from?: string;
  to?: string;
}

export interface AppointmentFilters extends PageParams {
  store_id?: string;
  customer_id?: string;
  staff_id?: string;
  status?: AppointmentStatus | '';
  from?: string;
  to?: string;
}

export interface AccessLogFilters extends PageParams {
  customer_id?: string;
  user_id?: string;
  from?: string;
  to?: string;
}

export interface TimelinePage {
  items: TimelineEntry[];
  next_cursor: string | null;
}

// ---- Import and export.

export type Import = Schemas['Import'];
export type ImportReport = Schemas['Report'];
export type RowProblem = Schemas['RowProblem'];
export type Upload = Schemas['Upload'];
export type ValidateInput = Schemas['ValidateInput'];
/** `uploaded`, `validated`, `importing`, `done` or `failed` (a plain string in the schema). */
export type ImportStatus = 'uploaded' | 'validated' | 'importing' | 'done' | 'failed';
export type DateOrder = 'dmy' | 'mdy';
export type ExportFormat = 'csv' | 'json';

export interface ExportFilters {
  q?: string;
  tag?: string;
  city?: string;
  tier?: Tier | '';
  store_id?: string;
  format: ExportFormat;
  /** RFC 3339: customers created on or after. */
  from?: string;
  /** RFC 3339: customers created before. */
  to?: string;
}

// ---- Segments. The schema types a condition's value as an object; the
// rule language (DOMAIN.md "Customers", openapi.json `Condition`) is typed here.

export type ConditionValue = string | number | boolean | string[] | null;

export interface RuleCondition {
  field: string;
  op: string;
  value?: ConditionValue;
}

export type Rule = { all: Rule[] } | { any: Rule[] } | { not: Rule } | RuleCondition;

export type Segment = Omit<Schemas['Segment'], 'rule'> & { rule: Rule };

export interface SegmentInput {
  name: string;
  description: string | null;
  rule: Rule;
  auto_tag: string | null;
}

export type SegmentCount = Schemas['SegmentCount'];
export type CampaignChannel = 'whatsapp' | 'sms' | 'email' | 'calls';

export interface SegmentMemberParams extends PageParams {
  days?: number;
}

// ---- Interest photos.

export type Photo = Schemas['Photo'];
