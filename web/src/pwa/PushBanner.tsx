// The one-time offer after signing in: shown only while the browser would still
// ask, gone for good once answered or dismissed (per user, on this device).
import { useRef, useState } from 'react';
import { Link, useLocation } from 'react-router';
import { useMe } from '../auth/useAuth';
import { Button } from '../components/ui';
import { Icon } from '../components/Icon';
import { useToast } from '../components/toast';
import { bannerDismissed, dismissBanner, signedInThisTab } from './push';
import { usePush } from './pushContext';
import { bannerVisible } from './pushState';

export const SETTINGS_PATH = '/account/notifications';

export function PushBanner() {
  const me = useMe();
  const push = usePush();
  const toast = useToast();
  const location = useLocation();
  const root = useRef<HTMLElement>(null);
  const [dismissed, setDismissed] = useState(() => bannerDismissed(me.user.id));
  const visible = bannerVisible(push.state, {
    signedInThisTab: signedInThisTab(),
    dismissed,
    onSettingsPage: location.pathname === SETTINGS_PATH,
  });
  if (!visible) return null;

  const close = () => {
    // Do not leave keyboard focus on a button that is about to disappear.
    if (root.current?.contains(document.activeElement)) document.getElementById('main')?.focus();
    dismissBanner(me.user.id);
    setDismissed(true);
  };

  const turnOn = async () => {
    const outcome = await push.enable();
    close();
    if (outcome === 'enabled') toast({ title: 'Notifications are on for this device', tone: 'success' });
    else if (outcome === 'blocked')
      toast({
        title: 'Notifications are blocked',
        description: 'To allow them later, change this site’s notification setting in your browser.',
        tone: 'info',
      });
    else if (outcome === 'unsupported') toast({ title: 'This browser cannot receive push notifications', tone: 'info' });
    else if (outcome === 'error')
      toast({ title: 'Notifications could not be turned on', description: 'Try again in Notification settings.', tone: 'error' });
  };

  return (
    <section ref={root} className="push-banner" aria-label="Notifications on this device">
      <Icon name="bell" size={24} className="push-banner-icon" />
      <p className="push-banner-text">
        <strong>Get notified on this device?</strong> Karat can tell you when something needs you, even when it is closed. You can change
        this any time in <Link to={SETTINGS_PATH}>Notification settings</Link>.
      </p>
      <div className="push-banner-actions">
        <Button variant="primary" small onClick={() => void turnOn()} busy={push.state.busy}>
          Turn on
        </Button>
        <Button variant="ghost" small onClick={close} disabled={push.state.busy}>
          Not now
        </Button>
      </div>
    </section>
  );
}
