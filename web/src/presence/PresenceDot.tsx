import type { PresenceStatus } from '../api/types';
import { PRESENCE_LABELS } from './status';

/**
 * A presence marker: a shape per status (filled, half, barred, ringed, hollow),
 * not only a colour, with its word for screen readers (and as a tooltip).
 */
export function PresenceDot({ status, className }: { status: PresenceStatus; className?: string }) {
  return (
    <span className={`presence presence-${status}${className ? ` ${className}` : ''}`} title={PRESENCE_LABELS[status]}>
      <span className="presence-dot" aria-hidden="true" />
      <span className="visually-hidden">{PRESENCE_LABELS[status]}</span>
    </span>
  );
}
