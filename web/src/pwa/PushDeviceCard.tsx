// "Push notifications on this device" on the notification settings screen:
// the current state, a clear explanation, and the one control that fits it.
import { Badge, Button, Card, Loading } from '../components/ui';
import { Icon } from '../components/Icon';
import { usePush } from './pushContext';
import { pushStatusLabel, type PushStatus } from './pushState';

const TONES: Record<PushStatus, 'good' | 'bad' | 'neutral' | 'warn'> = {
  checking: 'neutral',
  enabled: 'good',
  off: 'neutral',
  blocked: 'bad',
  unsupported: 'warn',
  unavailable: 'neutral',
};

export function PushDeviceCard() {
  const { state, enable, disable } = usePush();
  // The server does not offer push (or there is no service worker): nothing to say.
  if (state.status === 'unavailable') return null;
  return (
    <Card title="Push notifications on this device" className="push-card">
      <p className="push-status" role="status">
        <span className="muted">Status:</span> <Badge tone={TONES[state.status]}>{pushStatusLabel(state.status)}</Badge>
      </p>
      {state.status === 'checking' ? (
        <Loading label="Checking this device…" />
      ) : state.status === 'unsupported' ? (
        <>
          <p>Push notifications are not supported on this browser. You will still see every notification in Karat’s notification centre.</p>
          {state.error ? (
            <p className="muted small">{state.error}</p>
          ) : (
            // No push API at all: on iOS that means Karat is not installed to the Home Screen.
            <p className="muted small">
              On iPhone and iPad, add Karat to your Home Screen (Share, then “Add to Home Screen”) and open it from there.
            </p>
          )}
        </>
      ) : state.status === 'blocked' ? (
        <>
          <p>Notifications are blocked for Karat in this browser, so Karat will not ask again.</p>
          <p className="muted small">
            To allow them, open this site’s settings (the icon to the left of the address bar), set <strong>Notifications</strong> to{' '}
            <strong>Allow</strong>, then come back to this page.
          </p>
        </>
      ) : state.status === 'enabled' ? (
        <>
          <p>This browser gets Karat notifications, even when Karat is closed. Choose below which ones, and when Karat stays quiet.</p>
          <div className="form-actions">
            <Button onClick={() => void disable()} busy={state.busy}>
              Turn off on this device
            </Button>
          </div>
        </>
      ) : (
        <>
          <p>
            Get a notification on this device when something needs you, even when Karat is closed. Choose below which ones, and when Karat
            stays quiet. Each browser and device is turned on separately.
          </p>
          {state.permission === 'default' ? (
            <p className="muted small">Your browser will ask whether Karat may show notifications.</p>
          ) : null}
          <div className="form-actions">
            <Button variant="primary" icon="bell" onClick={() => void enable()} busy={state.busy}>
              Turn on for this device
            </Button>
          </div>
        </>
      )}
      {state.error && state.status !== 'unsupported' ? (
        <div className="alert alert-error" role="alert">
          <Icon name="alert" size={20} />
          <p>{state.error}</p>
        </div>
      ) : null}
    </Card>
  );
}
