import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api, tokens } from '../api';
import { authApi } from '../api/endpoints';
import { ApiError } from '../api/problem';
import { REFRESH_TOKEN_KEY } from '../api/tokens';
import { forgetDeviceOnLogout, noteInteractiveSignIn } from '../pwa/push';
import type { Me } from '../api/types';
import { AuthContext, type AuthStatus, type AuthValue } from './context';

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<AuthStatus>(() => (api.hasSession() ? 'loading' : 'anonymous'));
  const [me, setMe] = useState<Me | null>(null);
  const [endedBy, setEndedBy] = useState<AuthValue['endedBy']>(null);
  const [attempt, setAttempt] = useState(0);
  const statusRef = useRef(status);
  useEffect(() => {
    statusRef.current = status;
  }, [status]);

  const endSession = useCallback(
    (why: 'expired' | 'logout') => {
      setMe(null);
      setEndedBy(why);
      setStatus('anonymous');
      queryClient.clear();
    },
    [queryClient],
  );

  useEffect(() => {
    api.setHandlers({
      onAuthLost: () => {
        if (statusRef.current !== 'anonymous') endSession('expired');
      },
    });
    // Another tab logged out: this one is logged out too.
    const onStorage = (e: StorageEvent) => {
      if (e.key === REFRESH_TOKEN_KEY && e.newValue === null && statusRef.current === 'authenticated') {
        tokens.dropAccess();
        endSession('logout');
      }
    };
    window.addEventListener('storage', onStorage);
    return () => {
      window.removeEventListener('storage', onStorage);
      api.setHandlers({});
    };
  }, [endSession]);

  // Resume a session from the stored refresh token.
  useEffect(() => {
    if (!api.hasSession()) return;
    let cancelled = false;
    authApi
      .me()
      .then((m) => {
        if (cancelled) return;
        setMe(m);
        setStatus('authenticated');
      })
      .catch((e: unknown) => {
        if (cancelled) return;
        if (e instanceof ApiError && e.status !== 0 && e.status < 500) {
          tokens.clear();
          setStatus('anonymous');
        } else {
          setStatus('unreachable');
        }
      });
    return () => {
      cancelled = true;
    };
  }, [attempt]);

  const login = useCallback(async (email: string, password: string) => {
    await api.login(email, password);
    noteInteractiveSignIn();
    const m = await authApi.me();
    setMe(m);
    setEndedBy(null);
    setStatus('authenticated');
    return m;
  }, []);

  const logout = useCallback(async () => {
    // While the access token is still here: stop this device getting this user's
    // pushes, so whoever signs in on it next does not (best effort, bounded).
    await forgetDeviceOnLogout();
    await api.logout();
    endSession('logout');
  }, [endSession]);

  const reloadMe = useCallback(async () => {
    setMe(await authApi.me());
  }, []);

  const retry = useCallback(() => {
    setStatus('loading');
    setAttempt((n) => n + 1);
  }, []);

  const value = useMemo<AuthValue>(
    () => ({ status, me, endedBy, login, logout, reloadMe, retry }),
    [status, me, endedBy, login, logout, reloadMe, retry],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
