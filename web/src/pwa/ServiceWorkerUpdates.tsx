import { useEffect } from 'react';
import { useNavigate } from 'react-router';
import { useToast } from '../components/toast';
import { internalLink } from '../notifications/links';
import { MSG_NAVIGATE } from '../sw/push';

/**
 * Registers the service worker (production builds), offers a reload when a new
 * version is ready, and follows the worker's "open this page" requests (a click
 * on a push notification, when the worker cannot navigate this window itself).
 */
export function ServiceWorkerUpdates() {
  const toast = useToast();
  const navigate = useNavigate();
  useEffect(() => {
    if (!('serviceWorker' in navigator)) return;
    const onMessage = (e: MessageEvent) => {
      const data = e.data as { type?: string; url?: unknown } | null;
      if (data?.type !== MSG_NAVIGATE) return;
      const to = typeof data.url === 'string' ? internalLink(data.url) : null;
      if (to) void navigate(to);
    };
    navigator.serviceWorker.addEventListener('message', onMessage);
    return () => navigator.serviceWorker.removeEventListener('message', onMessage);
  }, [navigate]);
  useEffect(() => {
    if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
    let reloading = false;
    const onControllerChange = () => {
      if (reloading) return;
      reloading = true;
      window.location.reload();
    };
    const offer = (worker: ServiceWorker) =>
      toast({
        title: 'A new version of Karat is ready',
        description: 'Reload to use it.',
        tone: 'info',
        action: {
          label: 'Reload',
          onClick: () => {
            navigator.serviceWorker.addEventListener('controllerchange', onControllerChange);
            worker.postMessage({ type: 'SKIP_WAITING' });
          },
        },
      });
    const register = () => {
      navigator.serviceWorker
        .register('/sw.js', { scope: '/' })
        .then((reg) => {
          if (reg.waiting && navigator.serviceWorker.controller) offer(reg.waiting);
          reg.addEventListener('updatefound', () => {
            const installing = reg.installing;
            installing?.addEventListener('statechange', () => {
              // Only an update (a page already controlled) needs a prompt; a first install does not.
              if (installing.state === 'installed' && navigator.serviceWorker.controller) offer(installing);
            });
          });
        })
        .catch(() => undefined);
    };
    if (document.readyState === 'complete') register();
    else window.addEventListener('load', register, { once: true });
    return () => navigator.serviceWorker.removeEventListener('controllerchange', onControllerChange);
  }, [toast]);
  return null;
}
