// Web Push on this device. Everything here degrades silently: a browser without
// push, a server without the push endpoints (404) or a missing service worker
// simply yields 'unsupported' / 'unavailable', and the UI shows nothing.
import { useCallback, useEffect, useState } from 'react';
import { api } from '../api';
import { urlBase64ToUint8Array } from './vapid';

export type PushStatus = 'checking' | 'unsupported' | 'unavailable' | 'denied' | 'default' | 'subscribed';

export interface PushState {
  status: PushStatus;
  busy: boolean;
  subscribe(): Promise<void>;
  unsubscribe(): Promise<void>;
}

function pushSupported(): boolean {
  return typeof window !== 'undefined' && 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

async function registration(): Promise<ServiceWorkerRegistration | null> {
  try {
    return (await navigator.serviceWorker.getRegistration()) ?? null;
  } catch {
    return null;
  }
}

export function usePushSubscription(): PushState {
  const [status, setStatus] = useState<PushStatus>(() => (pushSupported() ? 'checking' : 'unsupported'));
  const [key, setKey] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!pushSupported()) return;
    let cancelled = false;
    (async () => {
      try {
        const { public_key } = await api.get<{ public_key: string }>('/push/vapid-key');
        const reg = await registration();
        if (cancelled) return;
        if (!public_key || !reg) {
          setStatus('unavailable');
          return;
        }
        setKey(public_key);
        const existing = await reg.pushManager.getSubscription();
        if (cancelled) return;
        if (existing) setStatus('subscribed');
        else setStatus(Notification.permission === 'denied' ? 'denied' : 'default');
      } catch {
        // 404 (push not offered yet), offline, or anything else: stay quiet.
        if (!cancelled) setStatus('unavailable');
      }
    })();
    return () => {
      cancelled = true;
    };
  }, []);

  const subscribe = useCallback(async () => {
    if (!key) return;
    setBusy(true);
    try {
      const permission = await Notification.requestPermission();
      if (permission !== 'granted') {
        setStatus(permission === 'denied' ? 'denied' : 'default');
        return;
      }
      const reg = await registration();
      if (!reg) {
        setStatus('unavailable');
        return;
      }
      const sub = await reg.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: urlBase64ToUint8Array(key),
      });
      try {
        await api.post('/push/subscriptions', sub.toJSON());
        setStatus('subscribed');
      } catch {
        await sub.unsubscribe().catch(() => undefined);
        setStatus('unavailable');
      }
    } catch {
      setStatus('unavailable');
    } finally {
      setBusy(false);
    }
  }, [key]);

  const unsubscribe = useCallback(async () => {
    setBusy(true);
    try {
      const reg = await registration();
      const sub = await reg?.pushManager.getSubscription();
      if (sub) {
        await api.request('/push/subscriptions', { method: 'DELETE', query: { endpoint: sub.endpoint } }).catch(() => undefined);
        await sub.unsubscribe();
      }
      setStatus('default');
    } catch {
      setStatus('unavailable');
    } finally {
      setBusy(false);
    }
  }, []);

  return { status, busy, subscribe, unsubscribe };
}
