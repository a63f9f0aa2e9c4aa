// The call in progress: dial, hang up, then wrap up with the disposition
// (a countdown from the store's wrap-up time, "overdue" after it).
import { useEffect, useId, useRef } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, FormError } from '../../../components/ui';
import { Icon } from '../../../components/Icon';
import { formatPhone, telHref } from '../../../lib/customers';
import {
  TC_KEYS,
  clock,
  secondsSince,
  wrapUpClock,
  type CallItem,
  type ConsoleView,
  type DispositionResult,
} from '../../../lib/telecalling';
import { DispositionForm } from './DispositionForm';
import { telecallingApi } from './data';

export function CallPanel({
  call,
  customerName,
  wrapUpSeconds,
  now,
  timeZone,
  storeName,
  focusKey,
  onSaved,
}: {
  call: CallItem;
  /** Changes when the call was just started here: the keyboard goes to "Hang up". */
  focusKey: number;
  customerName: string | undefined;
  wrapUpSeconds: number;
  now: number;
  timeZone: string;
  storeName: string | undefined;
  onSaved: (r: DispositionResult) => void;
}) {
  const qc = useQueryClient();
  const titleId = useId();
  const hangUpId = useId();
  const panelRef = useRef<HTMLElement>(null);
  useEffect(() => {
    if (focusKey > 0) document.getElementById(hangUpId)?.focus();
  }, [focusKey, hangUpId]);
  const hangUp = useMutation({
    mutationFn: () => telecallingApi.endCall(call.id),
    onSuccess: async (ended) => {
      qc.setQueryData<ConsoleView>(TC_KEYS.console, (old) => (old ? { ...old, open_call: ended } : old));
      // "Hang up" is gone: the keyboard goes on to the disposition.
      requestAnimationFrame(() => panelRef.current?.querySelector<HTMLInputElement>('input[name="disposition"]')?.focus());
      await qc.invalidateQueries({ queryKey: TC_KEYS.console });
    },
  });
  const who = customerName ?? formatPhone(call.phone);
  const wrap = call.ended_at ? wrapUpClock(call.ended_at, wrapUpSeconds, now) : null;

  return (
    <section ref={panelRef} className={`card call-panel${wrap?.overdue ? ' is-overdue' : ''}`} aria-labelledby={titleId}>
      <div className="card-header">
        <h2 id={titleId}>{call.ended_at ? `Wrap-up: ${who}` : `On a call with ${who}`}</h2>
        {wrap ? (
          wrap.overdue ? (
            <Badge tone="bad">Wrap-up overdue</Badge>
          ) : (
            <Badge tone="warn">Wrap-up</Badge>
          )
        ) : (
          <Badge tone="good">On a call</Badge>
        )}
      </div>
      {wrap ? (
        <p className={`call-clock${wrap.overdue ? ' is-overdue' : ''}`}>
          <Icon name={wrap.overdue ? 'alert' : 'clock'} size={20} />
          <span role="timer" aria-live="off">
            {wrap.overdue ? `Overdue by ${clock(wrap.seconds)}` : `${clock(wrap.seconds)} left to wrap up`}
          </span>
        </p>
      ) : (
        <>
          <p className="call-clock">
            <Icon name="clock" size={20} />
            <span role="timer" aria-live="off">
              Talking for {clock(secondsSince(call.started_at, now))}
            </span>
          </p>
          <div className="call-row">
            <a href={telHref(call.phone)} className="btn btn-secondary phone-link">
              <Icon name="phone" size={20} />
              <span>
                <span className="visually-hidden">Dial again </span>
                {formatPhone(call.phone)}
              </span>
            </a>
            <Button id={hangUpId} variant="danger" icon="hang-up" busy={hangUp.isPending} onClick={() => hangUp.mutate()}>
              Hang up
            </Button>
          </div>
          <FormError error={hangUp.error} />
        </>
      )}
      {/* Said once, when the wrap-up time runs out (the clock itself stays quiet). */}
      <p className="visually-hidden" role="status" aria-live="polite">
        {wrap?.overdue ? 'Wrap-up time is over: save the disposition.' : ''}
      </p>
      <p className="muted small">Save the disposition to take the next lead.</p>
      <DispositionForm call={call} timeZone={timeZone} storeName={storeName} onSaved={onSaved} />
    </section>
  );
}
