import { useEffect, useRef, useState } from 'react';
import type { ConnectionState } from './client';
import { useRealtime } from './context';

const LABELS: Partial<Record<ConnectionState, { short: string; long: string }>> = {
  connecting: { short: 'Connecting…', long: 'Live updates: connecting' },
  live: { short: 'Live', long: 'Live updates: on' },
  reconnecting: { short: 'Reconnecting…', long: 'Live updates: reconnecting' },
  offline: { short: 'Offline', long: 'Live updates: paused while you are offline' },
};

/** A short blip (a resume within a couple of seconds) is not worth telling anyone about. */
const QUIET_MS = 2500;

/**
 * The live-updates status in the header: a shape (not only a colour) and a
 * word, readable by screen readers in place. Changes after the first connect
 * (lost, offline, back) are also announced politely; the first connect on
 * each page load is not.
 */
export function ConnectionIndicator() {
  const { state } = useRealtime();
  const [shown, setShown] = useState(state);
  const [announcement, setAnnouncement] = useState('');
  const wasLive = useRef(false);
  useEffect(() => {
    if (state === shown) return;
    const t = window.setTimeout(
      () => {
        setShown(state);
        const label = LABELS[state];
        if (wasLive.current && label) setAnnouncement(label.long);
        if (state === 'live') wasLive.current = true;
      },
      state === 'reconnecting' && shown === 'live' ? QUIET_MS : 0,
    );
    return () => window.clearTimeout(t);
  }, [state, shown]);

  const label = LABELS[shown];
  if (!label) return null; // unavailable or stopped: nothing to say
  return (
    <>
      <div className={`conn conn-${shown}`} data-state={shown} title={label.long}>
        <span className="conn-dot" aria-hidden="true" />
        <span className="conn-label" aria-hidden="true">
          {label.short}
        </span>
        <span className="visually-hidden">{label.long}</span>
      </div>
      <span className="visually-hidden" role="status">
        {announcement}
      </span>
    </>
  );
}
