import { useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { authApi } from '../../api/endpoints';
import type { Session } from '../../api/types';
import { useAuth } from '../../auth/useAuth';
import { Badge, Button, EmptyState, ErrorState, Loading, PageHeader } from '../../components/ui';
import { useTitle } from '../../lib/forms';
import { ConfirmDialog } from '../../components/Modal';
import { Icon } from '../../components/Icon';
import { useToast } from '../../components/toast';
import { describeError } from '../../api/problem';
import { useFormat } from '../../lib/locale';

export default function SessionsPage() {
  useTitle('Sessions');
  const fmt = useFormat();
  const toast = useToast();
  const { logout } = useAuth();
  const qc = useQueryClient();
  const [pending, setPending] = useState<Session | null>(null);
  const q = useQuery({ queryKey: ['sessions'], queryFn: authApi.sessions });
  const revoke = useMutation({
    mutationFn: (s: Session) => authApi.revokeSession(s.id),
    onSuccess: async (_v, s) => {
      setPending(null);
      if (s.current) {
        await logout();
        return;
      }
      toast({ title: 'Session signed out', description: s.device ?? undefined, tone: 'success' });
      await qc.invalidateQueries({ queryKey: ['sessions'] });
    },
    onError: (e) => toast({ title: 'Could not sign out that session', description: describeError(e), tone: 'error' }),
  });

  const sessions = [...(q.data?.items ?? [])].sort(
    (a, b) => Number(b.current) - Number(a.current) || b.last_seen_at.localeCompare(a.last_seen_at),
  );

  return (
    <>
      <p className="breadcrumb">
        <Link to="/account">Account</Link> <span aria-hidden="true">›</span> Sessions
      </p>
      <PageHeader title="Sessions" description="Devices where your account is signed in. Sign out any you do not recognise." />
      {q.isPending ? (
        <Loading />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : sessions.length === 0 ? (
        <EmptyState title="No active sessions" />
      ) : (
        <ul className="list" aria-label="Sessions">
          {sessions.map((s) => (
            <li key={s.id} className="list-item">
              <Icon name="device" size={26} className="list-icon" />
              <div className="list-main">
                <p className="list-title">
                  {s.device ?? 'Unknown device'} {s.current ? <Badge tone="good">This device</Badge> : null}
                </p>
                <p className="muted small">
                  {s.ip ? `${s.ip} · ` : ''}Signed in {fmt.dateTime(s.created_at)} · Last active{' '}
                  <time dateTime={s.last_seen_at} title={fmt.dateTime(s.last_seen_at)}>
                    {fmt.relative(s.last_seen_at)}
                  </time>
                </p>
              </div>
              <Button variant={s.current ? 'ghost' : 'danger'} small onClick={() => setPending(s)}>
                {s.current ? 'Sign out' : 'Revoke'}
                <span className="visually-hidden"> {s.device ?? 'unknown device'}</span>
              </Button>
            </li>
          ))}
        </ul>
      )}
      <ConfirmDialog
        open={pending !== null}
        onOpenChange={(o) => !o && setPending(null)}
        title={pending?.current ? 'Sign out of this device?' : 'Revoke this session?'}
        description={
          pending?.current
            ? 'You will need to sign in again on this device.'
            : `${pending?.device ?? 'That device'} can no longer renew its sign-in and is signed out within about 15 minutes.`
        }
        confirmLabel={pending?.current ? 'Sign out' : 'Revoke session'}
        danger
        busy={revoke.isPending}
        onConfirm={() => pending && revoke.mutate(pending)}
      />
    </>
  );
}
