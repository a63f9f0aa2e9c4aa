// My status (with time in it), the Available / Break switch and today's numbers.
import { useId } from 'react';
import { FormError } from '../../../components/ui';
import { Icon } from '../../../components/Icon';
import { useFormat } from '../../../lib/locale';
import { AGENT_STATUS_LABELS, clock, secondsSince, talkTime, type ConsoleView } from '../../../lib/telecalling';

export function StatusPanel({
  view,
  now,
  offline,
  busy,
  error,
  onSet,
}: {
  view: ConsoleView;
  now: number;
  /** Not connected for live updates: no leads are assigned meanwhile. */
  offline: boolean;
  busy: 'available' | 'break' | null;
  error: unknown;
  onSet: (status: 'available' | 'break') => void;
}) {
  const fmt = useFormat();
  const whyId = useId();
  const { me, today } = view;
  const locked = view.open_call
    ? 'Save the disposition of your current call before changing your status.'
    : me.status === 'leave'
      ? 'You are on leave; ask your manager to bring you back.'
      : null;
  const choice = (status: 'available' | 'break', label: string) => (
    <button
      type="button"
      className="segment"
      aria-pressed={me.status === status}
      disabled={locked !== null || busy !== null}
      aria-busy={busy === status || undefined}
      aria-describedby={locked ? whyId : undefined}
      onClick={() => me.status !== status && onSet(status)}
    >
      {label}
    </button>
  );
  return (
    <section className="hero-card console-status" aria-label="Your status and today’s numbers">
      <div className="console-status-main">
        <p className="eyebrow">Your status</p>
        <p className="hero-title">{AGENT_STATUS_LABELS[me.status]}</p>
        <p className="muted">
          for{' '}
          <span role="timer" aria-live="off">
            {clock(secondsSince(me.since, now))}
          </span>
        </p>
        <div className="segmented status-switch" role="group" aria-label="Set your status">
          {choice('available', 'Available')}
          {choice('break', 'Break')}
        </div>
        {locked ? (
          <p id={whyId} className="muted small">
            {locked}
          </p>
        ) : null}
        {offline ? (
          <p className="console-offline small" role="status">
            <Icon name="alert" size={16} /> You are not connected: new leads go to colleagues until you are back online.
          </p>
        ) : null}
        <FormError error={error} />
      </div>
      <dl className="stats console-stats">
        <div>
          <dt>Calls today</dt>
          <dd>{fmt.number(today.calls)}</dd>
        </div>
        <div>
          <dt>Connected</dt>
          <dd>{fmt.number(today.connects)}</dd>
        </div>
        <div>
          <dt>Talk time</dt>
          <dd>{talkTime(today.talk_seconds)}</dd>
        </div>
        <div>
          <dt>Conversions</dt>
          <dd>{fmt.number(today.conversions)}</dd>
        </div>
        <div>
          <dt>Follow-ups due</dt>
          <dd>{fmt.number(today.follow_ups_due)}</dd>
        </div>
      </dl>
    </section>
  );
}
