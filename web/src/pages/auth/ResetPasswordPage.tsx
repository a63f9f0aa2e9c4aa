import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useMutation } from '@tanstack/react-query';
import { authApi } from '../../api/endpoints';
import { Button, FormError, PasswordField } from '../../components/ui';
import { bannerError, fieldErrorsOf, formValues } from '../../lib/forms';
import { AuthLayout } from './AuthLayout';
import { PASSWORD_HINT, checkNewPassword } from '../../lib/password';

export default function ResetPasswordPage() {
  const [params] = useSearchParams();
  const token = params.get('token');
  const [local, setLocal] = useState<Record<string, string>>({});
  const mutation = useMutation({
    mutationFn: (pw: string) => authApi.resetPassword(token ?? '', pw),
  });

  if (!token) {
    return (
      <AuthLayout title="Reset password">
        <p className="alert alert-error" role="alert">
          This link is incomplete. Open the link from your email again, or ask for a new one.
        </p>
        <p className="auth-links">
          <Link to="/forgot-password">Request a new link</Link>
        </p>
      </AuthLayout>
    );
  }

  if (mutation.isSuccess) {
    return (
      <AuthLayout title="Password changed">
        <p role="status" className="alert alert-info">
          Your password has been set. Sign in with your new password.
        </p>
        <p className="auth-links">
          <Link to="/login" className="btn btn-primary btn-block">
            Sign in
          </Link>
        </p>
      </AuthLayout>
    );
  }

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const v = formValues(e.currentTarget);
    const errs = checkNewPassword(v.new_password, v.confirm_password);
    setLocal(errs);
    if (Object.keys(errs).length === 0 && v.new_password) mutation.mutate(v.new_password);
  };
  const server = fieldErrorsOf(mutation.error);
  const fe: Record<string, string | undefined> = { ...server, new_password: server.new_password ?? server.password, ...local };

  return (
    <AuthLayout title="Set a new password" intro={<p>Choose a password you do not use anywhere else.</p>}>
      <form onSubmit={onSubmit} noValidate className="form">
        <FormError error={bannerError(mutation.error, ['new_password', 'password'])} />
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
        <Button type="submit" variant="primary" busy={mutation.isPending} className="btn-block">
          Set password
        </Button>
      </form>
      <p className="auth-links">
        <Link to="/forgot-password">Request a new link</Link>
      </p>
    </AuthLayout>
  );
}
