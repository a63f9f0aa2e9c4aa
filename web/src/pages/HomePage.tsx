import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { auditApi, authApi, fetchAll, storesApi, tenantsApi, usersApi } from '../api/endpoints';
import type { Me, Store } from '../api/types';
import { useMe } from '../auth/useAuth';
import { Badge, Card, ErrorState, Loading, PageHeader } from '../components/ui';
import { useTitle } from '../lib/forms';
import { Icon } from '../components/Icon';
import { PATHS, PERMISSIONS } from '../lib/nav';
import { ROLE_LABELS } from '../lib/roles';
import { useFormat } from '../lib/locale';
import { AuditList } from './admin/AuditList';

function hourIn(timeZone: string): number {
  try {
    return Number(new Intl.DateTimeFormat('en-GB', { hour: 'numeric', hourCycle: 'h23', timeZone }).format(new Date()));
  } catch {
    return new Date().getHours();
  }
}

function greeting(hour: number): string {
  if (hour < 12) return 'Good morning';
  if (hour < 17) return 'Good afternoon';
  return 'Good evening';
}

export default function HomePage() {
  useTitle('Home');
  const me = useMe();
  const { settings } = useFormat();
  const firstName = me.user.name.split(/\s+/)[0] ?? me.user.name;
  const description = me.tenant ? `${ROLE_LABELS[me.user.role]} · ${me.tenant.name}` : ROLE_LABELS[me.user.role];

  return (
    <>
      <PageHeader title={`${greeting(hourIn(settings.timeZone))}, ${firstName}`} description={description} />
      {me.user.role === 'platform_admin' ? (
        <PlatformHome me={me} />
      ) : me.user.role === 'business_admin' ? (
        <BusinessHome me={me} />
      ) : me.user.role === 'manager' ? (
        <ManagerHome me={me} />
      ) : (
        <StaffHome me={me} />
      )}
    </>
  );
}

function has(me: Me, p: string) {
  return me.permissions.includes(p);
}

// The home page renders once its data is in, so cards do not jump as each
// request finishes (layout shift). Disabled queries do not hold it up.
function loading(...queries: { isPending: boolean; fetchStatus: string }[]) {
  return queries.some((q) => q.isPending && q.fetchStatus !== 'idle');
}

const useSessions = () => useQuery({ queryKey: ['sessions'], queryFn: authApi.sessions });
const useAllStores = (enabled = true) => useQuery({ queryKey: ['stores', 'all'], queryFn: () => fetchAll(storesApi.list), enabled });
const useRecentAudit = (enabled: boolean) => useQuery({ queryKey: ['audit', 'home'], queryFn: () => auditApi.list({ limit: 5 }), enabled });

function PlatformHome({ me }: { me: Me }) {
  const fmt = useFormat();
  const tenants = useQuery({
    queryKey: ['tenants', 'home'],
    queryFn: () => tenantsApi.list({ limit: 5 }),
    enabled: has(me, PERMISSIONS.tenantsManage),
  });
  const sessions = useSessions();
  if (loading(tenants, sessions)) return <Loading />;
  return (
    <div className="grid-2">
      {has(me, PERMISSIONS.tenantsManage) ? (
        <Card
          title="Latest tenants"
          actions={
            <Link to="/platform/tenants" className="btn btn-secondary btn-small">
              All tenants
            </Link>
          }
        >
          {tenants.isPending ? (
            <Loading />
          ) : tenants.isError ? (
            <ErrorState error={tenants.error} onRetry={() => void tenants.refetch()} />
          ) : tenants.data.items.length === 0 ? (
            <p>No tenants yet.</p>
          ) : (
            <ul className="list compact">
              {tenants.data.items.map((t) => (
                <li key={t.id} className="list-item">
                  <div className="list-main">
                    <Link to={`/platform/tenants/${t.id}`} className="list-title">
                      {t.name}
                    </Link>
                    <p className="muted small">
                      {t.slug} · {t.plan} · since {fmt.dateTime(t.created_at, 'date')}
                    </p>
                  </div>
                  <Badge tone={t.status === 'active' ? 'good' : 'bad'}>{t.status}</Badge>
                </li>
              ))}
            </ul>
          )}
          <p>
            <Link to="/platform/tenants?new=1" className="btn btn-primary">
              <Icon name="plus" size={20} /> New tenant
            </Link>
          </p>
        </Card>
      ) : null}
      <SecurityCard />
    </div>
  );
}

function BusinessHome({ me }: { me: Me }) {
  const stores = useAllStores(has(me, PERMISSIONS.storesRead));
  const users = useQuery({
    queryKey: ['users', 'home'],
    queryFn: () => usersApi.list({ active: true, limit: 100 }),
    enabled: has(me, PERMISSIONS.usersManage),
  });
  const sessions = useSessions();
  const audit = useRecentAudit(has(me, PERMISSIONS.auditRead));
  if (loading(stores, users, sessions, audit)) return <Loading />;
  return (
    <>
      {me.tenant ? (
        <TenantCard
          me={me}
          storeCount={stores.data?.length}
          userCount={users.data ? countLabel(users.data.items.length, users.data.next_cursor) : undefined}
        />
      ) : null}
      <div className="grid-2">
        <CustomersCard me={me} />
        {has(me, PERMISSIONS.storesRead) ? <StoresCard title="Stores" query={stores} manage /> : null}
        {has(me, PERMISSIONS.usersManage) ? (
          <Card title="Team">
            <p>Add staff, give them a role and stores, and deactivate accounts of people who leave.</p>
            <div className="button-row">
              <Link to="/admin/users?new=1" className="btn btn-primary">
                <Icon name="plus" size={20} /> Add user
              </Link>
              <Link to="/admin/users" className="btn btn-secondary">
                All users
              </Link>
            </div>
          </Card>
        ) : null}
        {has(me, PERMISSIONS.auditRead) ? <RecentActivity /> : null}
        <SecurityCard />
      </div>
    </>
  );
}

function ManagerHome({ me }: { me: Me }) {
  const stores = useAllStores(has(me, PERMISSIONS.storesRead));
  const sessions = useSessions();
  const audit = useRecentAudit(has(me, PERMISSIONS.auditRead));
  if (loading(stores, sessions, audit)) return <Loading />;
  return (
    <div className="grid-2">
      <CustomersCard me={me} />
      {has(me, PERMISSIONS.storesRead) ? <StoresCard title="Your stores" query={stores} /> : null}
      {has(me, PERMISSIONS.usersManage) ? (
        <Card title="Your team">
          <p>Add sales representatives, telecallers and marketing staff to your stores.</p>
          <div className="button-row">
            <Link to="/admin/users?new=1" className="btn btn-primary">
              <Icon name="plus" size={20} /> Add team member
            </Link>
            <Link to="/admin/users" className="btn btn-secondary">
              View team
            </Link>
          </div>
        </Card>
      ) : null}
      {has(me, PERMISSIONS.auditRead) ? <RecentActivity /> : null}
      <SecurityCard />
    </div>
  );
}

function StaffHome({ me }: { me: Me }) {
  const stores = useAllStores(has(me, PERMISSIONS.storesRead));
  const sessions = useSessions();
  if (loading(stores, sessions)) return <Loading />;
  return (
    <div className="grid-2">
      <CustomersCard me={me} />
      <Card title="Your profile">
        <dl className="details">
          <dt>Email</dt>
          <dd>{me.user.email}</dd>
          <dt>Phone</dt>
          <dd>{me.user.phone ?? <span className="muted">Not set</span>}</dd>
          <dt>Role</dt>
          <dd>{ROLE_LABELS[me.user.role]}</dd>
        </dl>
        <Link to="/account" className="btn btn-secondary">
          Open account
        </Link>
      </Card>
      {has(me, PERMISSIONS.storesRead) ? <StoresCard title="Your stores" query={stores} /> : null}
      <SecurityCard />
    </div>
  );
}

function CustomersCard({ me }: { me: Me }) {
  if (!has(me, PERMISSIONS.customersRead)) return null;
  const telecaller = me.user.role === 'telecaller';
  return (
    <Card title="Customers">
      <p>
        {telecaller
          ? 'Customers of the leads assigned to you, with what you need to call them.'
          : has(me, PERMISSIONS.visitsLog)
            ? 'Log each showroom visit: a visit without a purchase becomes a lead for the telecallers.'
            : 'Find customers, their preferences, family occasions and timeline.'}
      </p>
      <div className="button-row">
        {has(me, PERMISSIONS.visitsLog) ? (
          <Link to={PATHS.logVisit} className="btn btn-primary">
            <Icon name="visit" size={20} /> Log a visit
          </Link>
        ) : null}
        <Link to={PATHS.customers} className="btn btn-secondary">
          <Icon name="search" size={20} /> Find a customer
        </Link>
      </div>
    </Card>
  );
}

function countLabel(n: number, more: string | null): string {
  return more ? `${n}+` : String(n);
}

function TenantCard({ me, storeCount, userCount }: { me: Me; storeCount: number | undefined; userCount: string | undefined }) {
  const fmt = useFormat();
  const t = me.tenant;
  if (!t) return null;
  return (
    <section className="hero-card" aria-label="Business">
      <div>
        <p className="eyebrow">Your business</p>
        <p className="hero-title">{t.name}</p>
        <p className="muted">
          {t.plan[0]?.toUpperCase()}
          {t.plan.slice(1)} plan · {t.currency} · {t.locale} · {t.time_zone}
        </p>
      </div>
      <dl className="stats">
        <div>
          <dt>Stores</dt>
          <dd>{storeCount === undefined ? '…' : fmt.number(storeCount)}</dd>
        </div>
        {userCount !== undefined ? (
          <div>
            <dt>Active users</dt>
            <dd>{userCount}</dd>
          </div>
        ) : null}
      </dl>
    </section>
  );
}

function StoresCard({
  title,
  query,
  manage,
}: {
  title: string;
  query: { isPending: boolean; isError: boolean; error: unknown; data: Store[] | undefined; refetch: () => unknown };
  manage?: boolean;
}) {
  return (
    <Card
      title={title}
      actions={
        <Link to="/stores" className="btn btn-secondary btn-small">
          {manage ? 'Manage' : 'View'}
        </Link>
      }
    >
      {query.isPending ? (
        <Loading />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : !query.data || query.data.length === 0 ? (
        <p>{manage ? 'No stores yet. Add your first showroom.' : 'You are not assigned to a store yet. Ask your manager.'}</p>
      ) : (
        <ul className="list compact">
          {query.data.slice(0, 6).map((s) => (
            <li key={s.id} className="list-item">
              <Icon name="store" size={22} className="list-icon" />
              <div className="list-main">
                <p className="list-title">{s.name}</p>
                <p className="muted small">
                  {s.code}
                  {s.city ? ` · ${s.city}` : ''}
                </p>
              </div>
              {!s.active ? <Badge tone="bad">Inactive</Badge> : null}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function RecentActivity() {
  const q = useRecentAudit(true);
  return (
    <Card
      title="Recent activity"
      actions={
        <Link to="/admin/audit" className="btn btn-secondary btn-small">
          Audit log
        </Link>
      }
    >
      {q.isPending ? (
        <Loading />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : q.data.items.length === 0 ? (
        <p>Nothing recorded yet.</p>
      ) : (
        <AuditList entries={q.data.items} compact />
      )}
    </Card>
  );
}

function SecurityCard() {
  const fmt = useFormat();
  const q = useSessions();
  const current = q.data?.items.find((s) => s.current);
  return (
    <Card title="Sign-in and security">
      {q.isPending ? (
        <Loading />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <p>
          Signed in on {q.data.items.length} {q.data.items.length === 1 ? 'device' : 'devices'}
          {current ? `; this session started ${fmt.relative(current.created_at)}` : ''}.
        </p>
      )}
      <div className="button-row">
        <Link to="/account/sessions" className="btn btn-secondary">
          Sessions
        </Link>
        <Link to="/account" className="btn btn-ghost">
          Change password
        </Link>
      </div>
    </Card>
  );
}
