import { useMemo, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { fetchAll, storesApi, usersApi } from '../../api/endpoints';
import type { Me, NewUser, Role, Store, User, UserFilters, UserPatch } from '../../api/types';
import { useMe } from '../../auth/useAuth';
import {
  Badge,
  Button,
  CheckboxGroup,
  EmptyState,
  ErrorState,
  FormError,
  Loading,
  PageHeader,
  PasswordField,
  SelectField,
  TextField,
} from '../../components/ui';
import { bannerError, fieldErrorsOf, formList, formValues, useTitle } from '../../lib/forms';
import { Modal } from '../../components/Modal';
import { LoadMore } from '../../components/LoadMore';
import { FilterPanel } from '../../components/FilterPanel';
import { useToast } from '../../components/toast';
import { ROLE_LABELS, creatableRoles, isRole, roleNeedsStores } from '../../lib/roles';
import { usePaged } from '../../lib/usePaged';
import { PASSWORD_HINT } from '../../lib/password';
import { initials } from '../../lib/names';
import { usePresence } from '../../presence/context';
import { PresenceDot } from '../../presence/PresenceDot';
import { PRESENCE_LABELS } from '../../presence/status';

const USER_FIELDS = ['name', 'email', 'phone', 'role', 'store_ids', 'manager_id', 'password'];

function filtersFrom(params: URLSearchParams): UserFilters {
  const role = params.get('role') ?? '';
  const active = params.get('active');
  return {
    q: params.get('q') ?? '',
    role: isRole(role) ? role : '',
    store_id: params.get('store_id') ?? '',
    active: active === 'true' ? true : active === 'false' ? false : '',
  };
}

export default function UsersPage() {
  const me = useMe();
  const isManager = me.user.role === 'manager';
  const title = isManager ? 'Team' : 'Users';
  useTitle(title);
  const [params, setParams] = useSearchParams();
  const filters = filtersFrom(params);
  const creating = params.get('new') === '1';
  const [editing, setEditing] = useState<User | null>(null);
  const stores = useQuery({ queryKey: ['stores', 'all'], queryFn: () => fetchAll(storesApi.list) });
  const storeById = useMemo(() => new Map((stores.data ?? []).map((s) => [s.id, s])), [stores.data]);
  const list = usePaged(['users', 'list', filters], (cursor) => usersApi.list({ ...filters, cursor }));
  const allowedRoles = creatableRoles(me.user.role);
  const presence = usePresence();

  const update = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null || v === '') next.delete(k);
      else next.set(k, v);
    }
    setParams(next, { replace: true });
  };

  const onFilter = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const v = formValues(e.currentTarget);
    update({ q: v.q ?? null, role: v.role ?? null, store_id: v.store_id ?? null, active: v.active ?? null });
  };

  return (
    <>
      <PageHeader
        title={title}
        description={isManager ? 'People in your stores.' : 'Everyone with a Karat login in your business.'}
        actions={
          allowedRoles.length > 0 ? (
            <Button variant="primary" icon="plus" onClick={() => update({ new: '1' })}>
              {isManager ? 'Add team member' : 'New user'}
            </Button>
          ) : null
        }
      />
      <FilterPanel
        activeCount={[filters.q, filters.role, filters.store_id, filters.active].filter((v) => v !== '' && v !== undefined).length}
      >
        <form className="filters" role="search" aria-label="Filter users" onSubmit={onFilter} key={params.toString()}>
          <TextField label="Search" name="q" type="search" defaultValue={filters.q} placeholder="Name or email" />
          <SelectField
            label="Role"
            name="role"
            defaultValue={filters.role}
            options={[
              { value: '', label: 'Any role' },
              ...(['business_admin', 'manager', 'sales_rep', 'telecaller', 'marketing'] as Role[]).map((r) => ({
                value: r,
                label: ROLE_LABELS[r],
              })),
            ]}
          />
          <SelectField
            label="Store"
            name="store_id"
            defaultValue={filters.store_id}
            options={[{ value: '', label: 'Any store' }, ...(stores.data ?? []).map((s) => ({ value: s.id, label: s.name }))]}
          />
          <SelectField
            label="Status"
            name="active"
            defaultValue={filters.active === '' ? '' : String(filters.active)}
            options={[
              { value: '', label: 'Any status' },
              { value: 'true', label: 'Active' },
              { value: 'false', label: 'Deactivated' },
            ]}
          />
          <div className="filters-actions">
            <Button type="submit" variant="secondary" icon="search">
              Apply
            </Button>
          </div>
        </form>
      </FilterPanel>
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : list.items.length === 0 ? (
        <EmptyState title="No users match">
          <p>Change the filters, or add someone new.</p>
        </EmptyState>
      ) : (
        <>
          <ul className="list" aria-label="Users">
            {list.items.map((u) => {
              const status = u.active ? presence.statusOf(u.id) : null;
              return (
                <li key={u.id} className={`list-item${u.active ? '' : ' is-inactive'}`}>
                  <span className="avatar-wrap">
                    <span className="avatar" aria-hidden="true">
                      {initials(u.name)}
                    </span>
                    {status ? <PresenceDot status={status} className="avatar-presence" /> : null}
                  </span>
                  <div className="list-main">
                    <p className="list-title">
                      {u.name} {u.id === me.user.id ? <Badge>You</Badge> : null}{' '}
                      {status && status !== 'offline' ? (
                        <span className={`presence-text presence-text-${status}`} aria-hidden="true">
                          {PRESENCE_LABELS[status]}
                        </span>
                      ) : null}
                    </p>
                    <p className="muted small">
                      {u.email}
                      {u.phone ? ` · ${u.phone}` : ''}
                    </p>
                    <p className="small">
                      <Badge tone="gold">{ROLE_LABELS[u.role]}</Badge>{' '}
                      {u.store_ids.length > 0 ? (
                        <span className="muted">{u.store_ids.map((id) => storeById.get(id)?.name ?? 'Other store').join(', ')}</span>
                      ) : null}
                    </p>
                  </div>
                  {!u.active ? <Badge tone="bad">Deactivated</Badge> : null}
                  {canEdit(me, u) ? (
                    <Button small onClick={() => setEditing(u)}>
                      Edit<span className="visually-hidden"> {u.name}</span>
                    </Button>
                  ) : null}
                </li>
              );
            })}
          </ul>
          <LoadMore
            hasMore={list.hasNextPage}
            loading={list.isFetchingNextPage}
            onLoad={() => void list.fetchNextPage()}
            count={list.items.length}
            noun="users"
          />
        </>
      )}
      <Modal
        open={creating && allowedRoles.length > 0}
        onOpenChange={(o) => !o && update({ new: null })}
        title={isManager ? 'Add team member' : 'New user'}
        description="They get an email with a link to set their password, unless you set one now."
      >
        <UserForm me={me} stores={stores.data ?? []} onDone={() => update({ new: null })} />
      </Modal>
      <Modal open={editing !== null} onOpenChange={(o) => !o && setEditing(null)} title={`Edit ${editing?.name ?? 'user'}`}>
        {editing ? <UserForm me={me} user={editing} stores={stores.data ?? []} onDone={() => setEditing(null)} /> : null}
      </Modal>
    </>
  );
}

function canEdit(me: Me, u: User): boolean {
  if (u.role === 'platform_admin') return false;
  if (me.user.role === 'business_admin') return true;
  return creatableRoles(me.user.role).includes(u.role);
}

function UserForm({ me, user, stores, onDone }: { me: Me; user?: User; stores: Store[]; onDone: () => void }) {
  const qc = useQueryClient();
  const toast = useToast();
  const isSelf = user?.id === me.user.id;
  const roles = creatableRoles(me.user.role);
  // Keep the user's current role selectable even if the editor could not assign it.
  const roleOptions = user && !roles.includes(user.role) ? [user.role, ...roles] : roles;
  const [role, setRole] = useState<Role>(user?.role ?? roles[roles.length - 1] ?? 'sales_rep');
  const [missing, setMissing] = useState<Record<string, string>>({});
  const managers = useQuery({
    queryKey: ['users', 'managers'],
    queryFn: () => fetchAll((p) => usersApi.list({ ...p, role: 'manager', active: true })),
    enabled: me.user.role === 'business_admin',
  });

  const save = useMutation({
    mutationFn: (body: NewUser | UserPatch) => (user ? usersApi.update(user.id, body as UserPatch) : usersApi.create(body as NewUser)),
    onSuccess: async (u) => {
      toast({ title: user ? 'User updated' : 'User created', description: `${u.name} · ${ROLE_LABELS[u.role]}`, tone: 'success' });
      await qc.invalidateQueries({ queryKey: ['users'] });
      onDone();
    },
  });
  const toggle = useMutation({
    mutationFn: (active: boolean) => usersApi.update(user?.id ?? '', { active }),
    onSuccess: async (u) => {
      toast({ title: u.active ? 'User reactivated' : 'User deactivated', description: u.name, tone: 'success' });
      await qc.invalidateQueries({ queryKey: ['users'] });
      onDone();
    },
  });

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const v = formValues(form);
    const storeIds = formList(form, 'store_ids');
    const errs: Record<string, string> = {};
    if (!v.name) errs.name = 'Enter a name.';
    if (!user && !v.email) errs.email = 'Enter an email address.';
    if (roleNeedsStores(role) && storeIds.length === 0) errs.store_ids = 'Choose at least one store.';
    if (v.password && [...v.password].length < 10) errs.password = 'Use at least 10 characters, or leave empty to send an invitation.';
    setMissing(errs);
    if (Object.keys(errs).length > 0 || !v.name) return;
    const managerId =
      me.user.role === 'business_admin' && role !== 'manager' && role !== 'business_admin' ? (v.manager_id ?? null) : undefined;
    if (user) {
      // An empty phone clears it; null would leave it unchanged.
      const patch: UserPatch = { name: v.name, phone: v.phone ?? '', store_ids: storeIds };
      if (!isSelf) patch.role = role;
      if (managerId !== undefined) patch.manager_id = managerId;
      save.mutate(patch);
    } else {
      const body: NewUser = { name: v.name, email: v.email ?? '', phone: v.phone ?? null, role, store_ids: storeIds };
      if (managerId) body.manager_id = managerId;
      if (v.password) body.password = v.password;
      save.mutate(body);
    }
  };
  const fe = { ...fieldErrorsOf(save.error), ...missing };
  const managerOptions = (managers.data ?? []).filter((m) => m.id !== user?.id);

  return (
    <form onSubmit={onSubmit} noValidate className="form">
      <FormError error={bannerError(save.error, USER_FIELDS) ?? toggle.error} />
      <TextField label="Full name" name="name" required maxLength={120} defaultValue={user?.name} error={fe.name} autoComplete="off" />
      {user ? (
        <p className="field-static">
          <span className="label">Email</span> {user.email}
        </p>
      ) : (
        <TextField label="Email" name="email" type="email" required maxLength={254} error={fe.email} autoComplete="off" inputMode="email" />
      )}
      <TextField
        label="Mobile phone"
        name="phone"
        type="tel"
        maxLength={20}
        defaultValue={user?.phone ?? ''}
        error={fe.phone}
        autoComplete="off"
        hint="With country code, e.g. +91 98765 43210."
      />
      <SelectField
        label="Role"
        name="role"
        value={role}
        disabled={isSelf}
        hint={isSelf ? 'You cannot change your own role.' : undefined}
        onChange={(e) => isRole(e.target.value) && setRole(e.target.value)}
        options={roleOptions.map((r) => ({ value: r, label: ROLE_LABELS[r] }))}
        error={fe.role}
      />
      {role !== 'business_admin' ? (
        <CheckboxGroup
          legend="Stores"
          name="store_ids"
          options={stores
            .filter((s) => s.active || user?.store_ids.includes(s.id))
            .map((s) => ({ value: s.id, label: s.name, description: s.code }))}
          defaultValues={user?.store_ids ?? (stores.length === 1 && stores[0] ? [stores[0].id] : [])}
          error={fe.store_ids}
        />
      ) : null}
      {me.user.role === 'business_admin' && role !== 'manager' && role !== 'business_admin' ? (
        <SelectField
          label="Reports to"
          name="manager_id"
          defaultValue={user?.manager_id ?? ''}
          options={[{ value: '', label: 'No manager' }, ...managerOptions.map((m) => ({ value: m.id, label: m.name }))]}
          error={fe.manager_id}
        />
      ) : null}
      {!user ? (
        <PasswordField
          label="Initial password (optional)"
          name="password"
          autoComplete="new-password"
          maxLength={128}
          hint={`Leave empty to email an invitation link. ${PASSWORD_HINT}`}
          error={fe.password}
        />
      ) : null}
      <div className="form-actions">
        {user && !isSelf ? (
          <Button
            variant={user.active ? 'danger' : 'secondary'}
            onClick={() => toggle.mutate(!user.active)}
            busy={toggle.isPending}
            className="push-left"
          >
            {user.active ? 'Deactivate' : 'Reactivate'}
          </Button>
        ) : null}
        <Button variant="ghost" onClick={onDone}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" busy={save.isPending}>
          {user ? 'Save changes' : 'Create user'}
        </Button>
      </div>
    </form>
  );
}
