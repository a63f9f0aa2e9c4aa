// Push on this device for the signed-in tenant user: finds out where things
// stand (browser support, server key, service worker, permission, existing
// subscription), keeps that current (site settings changed, another tab turned
// it off, the worker saw the browser replace the subscription) and offers
// enable/disable. It never asks for permission by itself.
import { useCallback, useEffect, useMemo, useReducer, useRef, type ReactNode } from 'react';
import { ApiError, describeError } from '../api/problem';
import { MSG_RESYNC } from '../sw/push';
import {
  currentPermission,
  existingSubscription,
  fetchVapidKey,
  pushSupported,
  readyRegistration,
  subscribeDevice,
  subscriptionOwner,
  syncDevice,
  unsubscribeDevice,
} from './push';
import { PushContext, type EnableOutcome, type PushValue } from './pushContext';
import { INITIAL, asPermission, canRequest, classifySubscribeError, fromPermissionState, pushReducer } from './pushState';

export function PushProvider({ userId, enabled, children }: { userId: string; enabled: boolean; children: ReactNode }) {
  const [state, dispatch] = useReducer(pushReducer, INITIAL);
  const stateRef = useRef(state);
  const keyRef = useRef<string | null>(null);
  useEffect(() => {
    stateRef.current = state;
  }, [state]);

  // Re-reads the browser's side only (no server call): permission and subscription.
  const recheck = useCallback(async () => {
    const s = stateRef.current;
    if (s.busy || !keyRef.current || !['off', 'enabled', 'blocked'].includes(s.status)) return;
    const sub = await existingSubscription();
    const permission = currentPermission();
    if (stateRef.current.busy) return;
    dispatch({
      type: 'probed',
      supported: true,
      server: true,
      permission,
      subscribed: sub !== null && subscriptionOwner() === userId,
    });
  }, [userId]);

  useEffect(() => {
    let cancelled = false;
    const probed = (supported: boolean, server: boolean, subscribed = false) => {
      if (!cancelled) dispatch({ type: 'probed', supported, server, permission: currentPermission(), subscribed });
    };
    if (!pushSupported()) {
      probed(false, false);
      return;
    }
    if (!enabled) {
      probed(true, false);
      return;
    }
    (async () => {
      let key: string | null = null;
      try {
        key = await fetchVapidKey();
      } catch {
        // Offline or a server error: say nothing rather than something wrong.
      }
      if (cancelled) return;
      if (!key || !(await readyRegistration())) {
        probed(true, false);
        return;
      }
      keyRef.current = key;
      const subscribed = await syncDevice(userId, key);
      probed(true, true, subscribed);
    })();
    return () => {
      cancelled = true;
    };
  }, [enabled, userId]);

  // Site settings changed while the app is open.
  useEffect(() => {
    if (!enabled || !pushSupported() || !navigator.permissions?.query) return;
    let status: PermissionStatus | null = null;
    let cancelled = false;
    const onChange = () => {
      if (status) dispatch({ type: 'permission-changed', permission: fromPermissionState(status.state) });
    };
    navigator.permissions
      .query({ name: 'notifications' })
      .then((s) => {
        if (cancelled) return;
        status = s;
        s.addEventListener('change', onChange);
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
      status?.removeEventListener('change', onChange);
    };
  }, [enabled]);

  // Another tab may have turned push on or off: look again when this one is shown.
  useEffect(() => {
    if (!enabled || !pushSupported()) return;
    const onVisible = () => {
      if (document.visibilityState === 'visible') void recheck();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [enabled, recheck]);

  // The worker saw the browser replace the subscription: register the new one now.
  useEffect(() => {
    if (!enabled || !pushSupported()) return;
    const onMessage = (e: MessageEvent) => {
      const data = e.data as { type?: string } | null;
      const key = keyRef.current;
      if (data?.type !== MSG_RESYNC || !key) return;
      void syncDevice(userId, key).then(() => recheck());
    };
    navigator.serviceWorker.addEventListener('message', onMessage);
    return () => navigator.serviceWorker.removeEventListener('message', onMessage);
  }, [enabled, userId, recheck]);

  const enable = useCallback(async (): Promise<EnableOutcome> => {
    const key = keyRef.current;
    const s = stateRef.current;
    if (!key || !canRequest(s)) return s.status === 'checking' || s.status === 'unavailable' ? 'off' : s.status;
    dispatch({ type: 'request' });
    let permission = currentPermission();
    // The browser's own prompt, only ever from the user's click, only while undecided.
    if (permission === 'default') {
      try {
        permission = asPermission(await Notification.requestPermission());
      } catch {
        permission = currentPermission();
      }
    }
    dispatch({ type: 'permission', permission });
    if (permission !== 'granted') return permission === 'denied' ? 'blocked' : 'off';
    try {
      await subscribeDevice(key, userId);
      dispatch({ type: 'subscribed' });
      return 'enabled';
    } catch (e) {
      const failure =
        e instanceof ApiError
          ? { kind: 'error' as const, message: `Notifications could not be turned on: ${describeError(e)}` }
          : classifySubscribeError(e);
      dispatch({ type: 'failed', ...failure });
      return failure.kind === 'unsupported' ? 'unsupported' : 'error';
    }
  }, [userId]);

  const disable = useCallback(async () => {
    const s = stateRef.current;
    if (s.status !== 'enabled' || s.busy) return;
    dispatch({ type: 'disable' });
    try {
      await unsubscribeDevice();
      dispatch({ type: 'disabled' });
    } catch {
      dispatch({ type: 'disable-failed', message: 'Notifications could not be turned off on this device. Try again.' });
    }
  }, []);

  const value = useMemo<PushValue>(() => ({ state, enable, disable }), [state, enable, disable]);
  return <PushContext.Provider value={value}>{children}</PushContext.Provider>;
}
