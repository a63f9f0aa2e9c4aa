// A date-and-time field in a store's time zone, with one-tap quick picks
// ("Tomorrow 11:00") for the times telecallers and sales reps use most.
import { useMemo } from 'react';
import { TextField } from '../../../components/ui';
import { isoToZonedLocal } from '../../../lib/format';
import { quickPicks } from '../../../lib/telecalling';
import { useNow } from './data';

export function DateTimePick({
  label,
  name,
  value,
  onChange,
  timeZone,
  storeName,
  error,
}: {
  label: string;
  name: string;
  value: string;
  onChange: (local: string) => void;
  timeZone: string;
  storeName?: string | undefined;
  error?: string | undefined;
}) {
  // "In 2 hours" and the earliest time allowed move on with the clock.
  const now = useNow(60_000);
  const { picks, min } = useMemo(
    () => ({ picks: quickPicks(now, timeZone), min: isoToZonedLocal(new Date(now).toISOString(), timeZone) }),
    [now, timeZone],
  );
  return (
    <div className="datetime-pick">
      <TextField
        label={label}
        name={name}
        type="datetime-local"
        value={value}
        min={min}
        onChange={(e) => onChange(e.target.value)}
        hint={`Time at ${storeName ?? 'the store'} (${timeZone}).`}
        error={error}
      />
      <div className="quick-picks" role="group" aria-label={`Quick picks: ${label}`}>
        {picks.map((p) => (
          <button
            key={p.label}
            type="button"
            className="btn btn-secondary btn-small"
            aria-pressed={value === p.local}
            onClick={() => onChange(p.local)}
          >
            {p.label}
          </button>
        ))}
      </div>
    </div>
  );
}
