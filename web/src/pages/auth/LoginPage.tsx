import { useState, type FormEvent } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { useMutation } from '@tanstack/react-query';
import { useAuth } from '../../auth/useAuth';
import { safeNext } from '../../auth/next';
import { Button, FormError, PasswordField, TextField } from '../../components/ui';
import { fieldErrorsOf, formValues } from '../../lib/forms';
import { AuthLayout } from './AuthLayout';

export default function LoginPage() {
  const { status, login, endedBy } = useAuth();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const navigate = useNavigate();
  const [missing, setMissing] = useState<Record<string, string>>({});
  const mutation = useMutation({
    mutationFn: (v: { email: string; password: string }) => login(v.email, v.password),
    onSuccess: () => navigate(next, { replace: true }),
  });

  if (status === 'authenticated' && !mutation.isPending) return <Navigate to={next} replace />;

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const v = formValues(e.currentTarget);
    const errs: Record<string, string> = {};
    if (!v.email) errs.email = 'Enter your email address.';
    if (!v.password) errs.password = 'Enter your password.';
    setMissing(errs);
    if (v.email && v.password) mutation.mutate({ email: v.email, password: v.password });
  };
  const fe = { ...fieldErrorsOf(mutation.error), ...missing };

  return (
    <AuthLayout
      title="Sign in"
      intro={
        endedBy === 'expired' ? (
          <p className="alert alert-info" role="status">
            Your session has ended. Sign in again to continue.
          </p>
        ) : (
          <p>Welcome back. Sign in with your work email.</p>
        )
      }
    >
      <form onSubmit={onSubmit} noValidate className="form">
        <FormError error={mutation.error && !fe.email && !fe.password ? mutation.error : null} />
        <TextField label="Email" name="email" type="email" autoComplete="username" inputMode="email" required error={fe.email} />
        <PasswordField label="Password" name="password" autoComplete="current-password" required error={fe.password} />
        <Button type="submit" variant="primary" busy={mutation.isPending} className="btn-block">
          Sign in
        </Button>
      </form>
      <p className="auth-links">
        <Link to="/forgot-password">Forgot your password?</Link>
      </p>
    </AuthLayout>
  );
}
