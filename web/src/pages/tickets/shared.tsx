// Small pieces the ticket screens share: status and priority badges and the SLA line.
import { Badge } from '../../components/ui';
import { Icon } from '../../components/Icon';
import { useFormat } from '../../lib/locale';
import { priorityLabel, priorityTone, slaState, statusLabel, statusTone, type TicketItem } from '../../lib/tickets';

export function TicketStatusBadge({ status }: { status: string }) {
  return <Badge tone={statusTone(status)}>{statusLabel(status)}</Badge>;
}

export function TicketPriorityBadge({ priority }: { priority: string }) {
  return <Badge tone={priorityTone(priority)}>{priorityLabel(priority)} priority</Badge>;
}

/** "Due 27 Nov, 14:00", "Within SLA (due …)", or — in red, with an icon, not only colour — "SLA missed". */
export function SlaText({ ticket: t, now }: { ticket: TicketItem; now: number }) {
  const fmt = useFormat();
  const state = slaState(t, now);
  const due = <time dateTime={t.sla_due_at}>{fmt.dateTime(t.sla_due_at)}</time>;
  if (state === 'breached')
    return (
      <span className="ticket-sla is-breached">
        <Icon name="alert" size={16} /> <span>SLA missed · was due {due}</span>
      </span>
    );
  if (state === 'met')
    return (
      <span className="ticket-sla">
        <span>Within SLA (due {due})</span>
      </span>
    );
  return (
    <span className="ticket-sla">
      <Icon name="clock" size={16} /> <span>Due {due}</span>
    </span>
  );
}
