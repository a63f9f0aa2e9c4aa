import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { tenantsApi } from '../../api/endpoints';
import type { NewTenantAdmin, TenantPlan, User } from '../../api/types';
import {
  Badge,
  Button,
  Card,
  ErrorState,
  FormError,
  Loading,
  PageHeader,
  PasswordField,
  SelectField,
  TextField,
} from '../../components/ui';
import { bannerError, fieldErrorsOf, formValues, useTitle } from '../../lib/forms';
import { ConfirmDialog } from '../../components/Modal';
import { useToast } from '../../components/toast';
import { useFormat } from '../../lib/locale';
import { PASSWORD_HINT } from '../../lib/password';
import { PLANS } from './tenants';
import { useStatusToggle } from './useStatusToggle';

export default function TenantDetailPage() {
  const { id = '' } = useParams();
  const fmt = useFormat();
  const q = useQuery({ queryKey: ['tenants', 'detail', id], queryFn: () => tenantsApi.get(id) });
  useTitle(q.data?.name ?? 'Tenant');
  const [confirm, setConfirm] = useState(false);
  const toggle = useStatusToggle(() => setConfirm(false));

  if (q.isPending) return <Loading />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  const t = q.data;

  return (
    <>
      <p className="breadcrumb">
        <Link to="/platform/tenants">Tenants</Link> <span aria-hidden="true">›</span> {t.name}
      </p>
      <PageHeader
        title={t.name}
        description={
          <>
            <Badge tone={t.status === 'active' ? 'good' : 'bad'}>{t.status === 'active' ? 'Active' : 'Suspended'}</Badge> {t.slug}
          </>
        }
        actions={
          <Button variant={t.status === 'active' ? 'danger' : 'secondary'} onClick={() => setConfirm(true)}>
            {t.status === 'active' ? 'Suspend' : 'Reactivate'}
          </Button>
        }
      />
      <div className="grid-2">
        <Card title="Settings">
          <dl className="details">
            <dt>Country</dt>
            <dd>{t.country}</dd>
            <dt>Currency</dt>
            <dd>
              {t.currency} <span className="muted">(e.g. {fmt.money(10000000, t.currency)})</span>
            </dd>
            <dt>Locale</dt>
            <dd>{t.locale}</dd>
            <dt>Time zone</dt>
            <dd>{t.time_zone}</dd>
            <dt>Created</dt>
            <dd>{fmt.dateTime(t.created_at)}</dd>
          </dl>
          <PlanForm id={t.id} name={t.name} plan={t.plan} />
        </Card>
        <FirstAdminCard tenantId={t.id} tenantName={t.name} />
      </div>
      <ConfirmDialog
        open={confirm}
        onOpenChange={setConfirm}
        title={t.status === 'active' ? `Suspend ${t.name}?` : `Reactivate ${t.name}?`}
        description={
          t.status === 'active'
            ? 'Its users will not be able to sign in until it is reactivated. No data is deleted.'
            : 'Its users will be able to sign in again.'
        }
        confirmLabel={t.status === 'active' ? 'Suspend tenant' : 'Reactivate tenant'}
        danger={t.status === 'active'}
        busy={toggle.isPending}
        onConfirm={() => toggle.mutate(t)}
      />
    </>
  );
}

function PlanForm({ id, name, plan }: { id: string; name: string; plan: TenantPlan }) {
  const qc = useQueryClient();
  const toast = useToast();
  const save = useMutation({
    mutationFn: (v: { name: string; plan: TenantPlan }) => tenantsApi.update(id, v),
    onSuccess: async (t) => {
      toast({ title: 'Tenant updated', description: `${t.name} · ${t.plan}`, tone: 'success' });
      await qc.invalidateQueries({ queryKey: ['tenants'] });
    },
  });
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const v = formValues(e.currentTarget);
    save.mutate({ name: v.name ?? name, plan: (v.plan as TenantPlan | undefined) ?? plan });
  };
  const fe = fieldErrorsOf(save.error);
  return (
    <form onSubmit={onSubmit} noValidate className="form">
      <FormError error={bannerError(save.error, ['name', 'plan'])} />
      <TextField label="Business name" name="name" defaultValue={name} maxLength={120} error={fe.name} />
      <SelectField label="Plan" name="plan" defaultValue={plan} options={PLANS} error={fe.plan} />
      <div className="form-actions">
        <Button type="submit" busy={save.isPending}>
          Save
        </Button>
      </div>
    </form>
  );
}

function FirstAdminCard({ tenantId, tenantName }: { tenantId: string; tenantName: string }) {
  const toast = useToast();
  const [created, setCreated] = useState<User | null>(null);
  const [missing, setMissing] = useState<Record<string, string>>({});
  const create = useMutation({
    mutationFn: (body: NewTenantAdmin) => tenantsApi.createAdmin(tenantId, body),
    onSuccess: (u, body) => {
      setCreated(u);
      toast({
        title: 'Business admin created',
        description: body.password ? `${u.email} can sign in now.` : `An invitation was emailed to ${u.email}.`,
        tone: 'success',
      });
    },
  });
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const v = formValues(form);
    const errs: Record<string, string> = {};
    if (!v.name) errs.name = 'Enter a name.';
    if (!v.email) errs.email = 'Enter an email address.';
    if (v.password && [...v.password].length < 10) errs.password = 'Use at least 10 characters, or leave empty to send an invitation.';
    setMissing(errs);
    if (Object.keys(errs).length > 0 || !v.name || !v.email) return;
    create.mutate(
      { name: v.name, email: v.email, phone: v.phone ?? null, ...(v.password ? { password: v.password } : {}) },
      { onSuccess: () => form.reset() },
    );
  };
  const fe = { ...fieldErrorsOf(create.error), ...missing };
  return (
    <Card title="Business admin">
      <p>
        Create the owner's login for {tenantName}. They can then add stores and staff themselves. Leave the password empty to email them an
        invitation link.
      </p>
      {created ? (
        <p className="alert alert-info" role="status">
          Created {created.name} ({created.email}).
        </p>
      ) : null}
      <form onSubmit={onSubmit} noValidate className="form">
        <FormError error={bannerError(create.error, ['name', 'email', 'phone', 'password'])} />
        <TextField label="Full name" name="name" required maxLength={120} error={fe.name} autoComplete="off" />
        <TextField label="Email" name="email" type="email" required maxLength={254} error={fe.email} autoComplete="off" inputMode="email" />
        <TextField label="Mobile phone (optional)" name="phone" type="tel" maxLength={20} error={fe.phone} autoComplete="off" />
        <PasswordField
          label="Initial password (optional)"
          name="password"
          autoComplete="new-password"
          maxLength={128}
          hint={PASSWORD_HINT}
          error={fe.password}
        />
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={create.isPending}>
            Create business admin
          </Button>
        </div>
      </form>
    </Card>
  );
}
