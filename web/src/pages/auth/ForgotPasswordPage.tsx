import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useMutation } from '@tanstack/react-query';
import { authApi } from '../../api/endpoints';
import { Button, FormError, TextField } from '../../components/ui';
import { formValues } from '../../lib/forms';
import { AuthLayout } from './AuthLayout';

export default function ForgotPasswordPage() {
  const [missing, setMissing] = useState<string | undefined>();
  const mutation = useMutation({ mutationFn: (email: string) => authApi.forgotPassword(email) });

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const { email } = formValues(e.currentTarget);
    setMissing(email ? undefined : 'Enter your email address.');
    if (email) mutation.mutate(email);
  };

  if (mutation.isSuccess) {
    return (
      <AuthLayout title="Check your email">
        <p role="status" className="alert alert-info">
          If an account exists for <strong>{mutation.variables}</strong>, we have sent a link to reset its password. The link works once and
          expires soon.
        </p>
        <p className="auth-links">
          <Link to="/login">Back to sign in</Link>
        </p>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout title="Forgot password" intro={<p>Enter your work email and we will send you a link to set a new password.</p>}>
      <form onSubmit={onSubmit} noValidate className="form">
        <FormError error={mutation.error} />
        <TextField label="Email" name="email" type="email" autoComplete="email" inputMode="email" required error={missing} />
        <Button type="submit" variant="primary" busy={mutation.isPending} className="btn-block">
          Send reset link
        </Button>
      </form>
      <p className="auth-links">
        <Link to="/login">Back to sign in</Link>
      </p>
    </AuthLayout>
  );
}
