import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from '@tanstack/react-query';
import { authApi, fetchAll, storesApi } from '../../api/endpoints';
import { useMe } from '../../auth/useAuth';
import { Badge, Button, Card, FormError, PageHeader, PasswordField } from '../../components/ui';
import { bannerError, fieldErrorsOf, formValues, useTitle } from '../../lib/forms';
import { useToast } from '../../components/toast';
import { ROLE_LABELS } from '../../lib/roles';
import { PASSWORD_HINT, checkNewPassword } from '../../lib/password';
import { useFormat } from '../../lib/locale';
import { usePush } from '../../pwa/pushContext';
import { pushStatusLabel } from '../../pwa/pushState';
import { usePreferences } from '../../notifications/hooks';

export default function AccountPage() {
  useTitle('Account');
  const me = useMe();
  const fmt = useFormat();
  const stores = useQuery({
    queryKey: ['stores', 'all'],
    queryFn: () => fetchAll(storesApi.list),
    enabled: me.tenant !== null,
  });
  const myStores = (stores.data ?? []).filter((s) => me.user.store_ids.includes(s.id));

  return (
    <>
      <PageHeader title="Account" description="Your profile, password and signed-in devices." />
      <div className="grid-2">
        <Card title="Profile">
          <dl className="details">
            <dt>Name</dt>
            <dd>{me.user.name}</dd>
            <dt>Email</dt>
            <dd>{me.user.email}</dd>
            <dt>Phone</dt>
            <dd>{me.user.phone ?? <span className="muted">Not set</span>}</dd>
            <dt>Role</dt>
            <dd>
              <Badge tone="gold">{ROLE_LABELS[me.user.role]}</Badge>
            </dd>
            {me.tenant ? (
              <>
                <dt>Business</dt>
                <dd>{me.tenant.name}</dd>
              </>
            ) : null}
            {me.tenant && me.user.role !== 'business_admin' ? (
              <>
                <dt>Stores</dt>
                <dd>
                  {stores.isPending ? (
                    'Loading…'
                  ) : myStores.length ? (
                    myStores.map((s) => s.name).join(', ')
                  ) : (
                    <span className="muted">None assigned</span>
                  )}
                </dd>
              </>
            ) : null}
            <dt>Member since</dt>
            <dd>{fmt.dateTime(me.user.created_at, 'date')}</dd>
          </dl>
          <p className="muted small">To change your name, phone or role, ask your administrator.</p>
        </Card>
        <ChangePasswordCard />
        <Card title="Signed-in devices">
          <p>See where your account is signed in and sign out devices you do not recognise.</p>
          <Link to="/account/sessions" className="btn btn-secondary">
            Manage sessions
          </Link>
        </Card>
        <NotificationsCard />
      </div>
    </>
  );
}

/** Shown once the server offers notification settings. */
function NotificationsCard() {
  const prefs = usePreferences();
  const push = usePush();
  if (!prefs.isSuccess) return null;
  const pushShown = push.state.status !== 'unavailable' && push.state.status !== 'checking';
  return (
    <Card title="Your notifications">
      <p>Choose what Karat notifies you about, in the app and on your devices, and set quiet hours.</p>
      {pushShown ? <p className="muted small">Push notifications: {pushStatusLabel(push.state.status).toLowerCase()}.</p> : null}
      <Link to="/account/notifications" className="btn btn-secondary">
        Notification settings
      </Link>
    </Card>
  );
}

function ChangePasswordCard() {
  const toast = useToast();
  const [local, setLocal] = useState<Record<string, string>>({});
  const mutation = useMutation({
    mutationFn: (v: { current: string; next: string }) => authApi.changePassword(v.current, v.next),
  });

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const v = formValues(form);
    const errs = checkNewPassword(v.new_password, v.confirm_password);
    if (!v.current_password) errs.current_password = 'Enter your current password.';
    setLocal(errs);
    if (Object.keys(errs).length > 0 || !v.current_password || !v.new_password) return;
    mutation.mutate(
      { current: v.current_password, next: v.new_password },
      {
        onSuccess: () => {
          form.reset();
          toast({ title: 'Password changed', tone: 'success' });
        },
      },
    );
  };
  const fe = { ...fieldErrorsOf(mutation.error), ...local };

  return (
    <Card title="Change password">
      <p className="muted small">Changing your password signs out your other devices.</p>
      <form onSubmit={onSubmit} noValidate className="form">
        <FormError error={bannerError(mutation.error, ['current_password', 'new_password'])} />
        <PasswordField
          label="Current password"
          name="current_password"
          autoComplete="current-password"
          required
          error={fe.current_password}
        />
        <PasswordField
          label="New password"
          name="new_password"
          autoComplete="new-password"
          required
          minLength={10}
          maxLength={128}
          hint={PASSWORD_HINT}
          error={fe.new_password}
        />
        <PasswordField
          label="Repeat new password"
          name="confirm_password"
          autoComplete="new-password"
          required
          error={fe.confirm_password}
        />
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={mutation.isPending}>
            Change password
          </Button>
        </div>
      </form>
    </Card>
  );
}
