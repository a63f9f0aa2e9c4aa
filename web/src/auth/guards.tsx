import { useEffect, useRef, type ReactNode } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { useAuth } from './useAuth';
import { loginPathFor } from './next';
import { Button, Loading } from '../components/ui';
import { useToast } from '../components/toast';

export function Splash({ label = 'Opening Karat…' }: { label?: string }) {
  return (
    <main className="splash" id="main">
      <Loading label={label} />
    </main>
  );
}

/** Renders children for a signed-in user; otherwise sends them to login and back here after. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { status, retry, endedBy } = useAuth();
  const location = useLocation();
  if (status === 'loading') return <Splash />;
  if (status === 'unreachable') {
    return (
      <main className="splash" id="main">
        <div className="state state-error" role="alert">
          <h1>Cannot reach Karat</h1>
          <p>Check your connection, then try again.</p>
          <Button variant="primary" onClick={retry}>
            Try again
          </Button>
        </div>
      </main>
    );
  }
  if (status === 'anonymous') {
    // After "Log out" start fresh; after an expired session come back here.
    const to = endedBy === 'logout' ? '/login' : loginPathFor(location.pathname, location.search);
    return <Navigate to={to} replace />;
  }
  return <>{children}</>;
}

/** Sends a user without `permission` to their home page, saying why. */
export function RequirePermission({
  permission,
  children,
}: {
  permission: string | ((p: readonly string[], role: string) => boolean);
  children: ReactNode;
}) {
  const { me } = useAuth();
  const allowed =
    me !== null && (typeof permission === 'string' ? me.permissions.includes(permission) : permission(me.permissions, me.user.role));
  if (allowed) return <>{children}</>;
  return <Denied />;
}

function Denied() {
  const toast = useToast();
  const navigate = useNavigate();
  const done = useRef(false);
  useEffect(() => {
    if (done.current) return;
    done.current = true;
    toast({ title: 'No access', description: 'Your role does not give access to that page.', tone: 'error' });
    navigate('/', { replace: true, state: { denied: true } });
  }, [toast, navigate]);
  return null;
}
