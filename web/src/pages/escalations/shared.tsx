// Small pieces the escalation screens share: badges and the SLA line.
import { Badge } from '../../components/ui';
import { Icon } from '../../components/Icon';
import {
  levelLabel,
  priorityLabel,
  priorityTone,
  slaState,
  slaTone,
  statusLabel,
  statusTone,
  type EscalationItem,
} from '../../lib/escalations';
import { useFormat } from '../../lib/locale';

export function EscalationStatusBadge({ status }: { status: string }) {
  return <Badge tone={statusTone(status)}>{statusLabel(status)}</Badge>;
}

export function EscalationPriorityBadge({ priority }: { priority: string }) {
  return <Badge tone={priorityTone(priority)}>{priorityLabel(priority)} priority</Badge>;
}

/**
 * "Due …", amber when close, red (with an icon, not only colour) past due or
 * once escalated; "Resolved …" or "Closed …" when done.
 */
export function SlaLine({ e, now }: { e: EscalationItem; now: number }) {
  const fmt = useFormat();
  const state = slaState(e, now);
  const tone = slaTone(e, now);
  const due = <time dateTime={e.sla_due_at}>{fmt.dateTime(e.sla_due_at)}</time>;
  if (state === 'done') {
    const at = e.closed_at ?? e.resolved_at;
    return (
      <span className="esc-sla">
        {statusLabel(e.status)}
        {at ? (
          <>
            {' '}
            <time dateTime={at}>{fmt.relative(at)}</time>
          </>
        ) : null}
      </span>
    );
  }
  return (
    <span className={`esc-sla is-${tone}`}>
      <Icon name={tone === 'neutral' ? 'clock' : 'alert'} size={16} />
      <span>
        {state === 'overdue' ? <>Overdue · was due {due}</> : state === 'soon' ? <>Due soon · {due}</> : <>Due {due}</>}
        {e.level > 0 ? ` · ${levelLabel(e.level)}` : ''}
      </span>
    </span>
  );
}
