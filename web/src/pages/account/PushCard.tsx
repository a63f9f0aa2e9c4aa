import { Button, Card } from '../../components/ui';
import { usePushSubscription } from '../../pwa/usePushSubscription';

/** Shown only when this browser can receive push and the server offers it. */
export function PushCard() {
  const push = usePushSubscription();
  if (push.status === 'unsupported' || push.status === 'unavailable' || push.status === 'checking') return null;
  return (
    <Card title="Notifications on this device">
      {push.status === 'denied' ? (
        <p>Notifications are blocked for Karat in this browser. Allow them in the browser's site settings to turn them on.</p>
      ) : push.status === 'subscribed' ? (
        <>
          <p>This device receives Karat notifications.</p>
          <Button onClick={() => void push.unsubscribe()} busy={push.busy}>
            Turn off
          </Button>
        </>
      ) : (
        <>
          <p>Get notified on this device about things that need you, even when Karat is closed.</p>
          <Button variant="primary" icon="bell" onClick={() => void push.subscribe()} busy={push.busy}>
            Turn on notifications
          </Button>
        </>
      )}
    </Card>
  );
}
