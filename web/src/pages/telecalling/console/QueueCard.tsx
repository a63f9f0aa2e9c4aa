// My queue, in the server's order: due follow-ups first, then new leads by
// priority, then later follow-ups.
import { useId } from 'react';
import type { Store } from '../../../api/types';
import { Badge, Button, EmptyState } from '../../../components/ui';
import { useFormat } from '../../../lib/locale';
import { LEAD_STATE_LABELS, formatPhone, labelOf } from '../../../lib/customers';
import { followUpDue, slaState, type LeadItem } from '../../../lib/telecalling';

export function QueueCard({
  queue,
  currentId,
  locked,
  now,
  storeById,
  onOpen,
}: {
  queue: LeadItem[];
  currentId: string | null;
  /** Why another lead cannot be opened now (a call awaits its disposition). */
  locked: string | null;
  now: number;
  storeById: Map<string, Store>;
  onOpen: (lead: LeadItem) => void;
}) {
  const fmt = useFormat();
  const titleId = useId();
  const whyId = useId();
  return (
    <section className="card queue-card" aria-labelledby={titleId}>
      <div className="card-header">
        <h2 id={titleId}>
          My queue <span className="muted">({fmt.number(queue.length)})</span>
        </h2>
      </div>
      {queue.length === 0 ? (
        <EmptyState title="Your queue is empty">
          <p>New leads appear here the moment they are assigned to you. “Next lead” also takes the oldest waiting lead of your store.</p>
        </EmptyState>
      ) : (
        <>
          <p className="muted small">Due follow-ups first, then new leads by priority, then later follow-ups.</p>
          {locked ? (
            <p id={whyId} className="muted small">
              {locked}
            </p>
          ) : null}
          <ul className="list compact queue-list" aria-label="My queue">
            {queue.map((lead) => {
              const tz = storeById.get(lead.store_id)?.time_zone ?? fmt.settings.timeZone;
              const overdue = followUpDue(lead, now);
              const sla = slaState(lead, now);
              const current = lead.id === currentId;
              return (
                <li
                  key={lead.id}
                  className={`list-item queue-item${overdue ? ' is-overdue' : ''}${current ? ' is-current' : ''}`}
                  aria-current={current || undefined}
                >
                  <div className="list-main">
                    <p className="list-title">{lead.customer_name}</p>
                    <p className="muted small">
                      {formatPhone(lead.phone)}
                      {lead.language ? ` · ${lead.language}` : ''} · {labelOf(LEAD_STATE_LABELS, lead.state)}
                    </p>
                    <p className="badges queue-badges">
                      {overdue && lead.follow_up_at ? (
                        <Badge tone="bad">Follow-up overdue since {fmt.dateTime(lead.follow_up_at, 'time', tz)}</Badge>
                      ) : lead.follow_up_at ? (
                        <Badge>Call back {fmt.dateTime(lead.follow_up_at, 'datetime', tz)}</Badge>
                      ) : null}
                      {lead.sla_due_at && !lead.last_call_at ? (
                        <Badge tone={sla === 'breached' ? 'bad' : 'warn'}>
                          {sla === 'breached' ? 'Late: call by ' : 'Call by '}
                          {fmt.dateTime(lead.sla_due_at, 'time', tz)}
                        </Badge>
                      ) : null}
                      {lead.priority === 1 ? (
                        <Badge tone="gold">High priority</Badge>
                      ) : lead.priority === 3 ? (
                        <Badge>Low priority</Badge>
                      ) : null}
                      {lead.do_not_call ? <Badge tone="bad">Do not call</Badge> : null}
                    </p>
                  </div>
                  {current ? (
                    <Badge tone="good">On screen</Badge>
                  ) : (
                    <Button small disabled={locked !== null} aria-describedby={locked ? whyId : undefined} onClick={() => onOpen(lead)}>
                      Open<span className="visually-hidden"> {lead.customer_name}</span>
                    </Button>
                  )}
                </li>
              );
            })}
          </ul>
        </>
      )}
    </section>
  );
}

/** My qualified leads waiting to be passed to a sales rep (they are not in the call queue). */
export function QualifiedCard({
  leads,
  currentId,
  locked,
  onOpen,
}: {
  leads: LeadItem[];
  currentId: string | null;
  locked: string | null;
  onOpen: (lead: LeadItem) => void;
}) {
  const titleId = useId();
  if (leads.length === 0) return null;
  return (
    <section className="card queue-card" aria-labelledby={titleId}>
      <div className="card-header">
        <h2 id={titleId}>Qualified: pass to sales</h2>
      </div>
      <p className="muted small">Open one and use “Transfer to sales” on its card.</p>
      <ul className="list compact" aria-label="Qualified leads">
        {leads.map((lead) => (
          <li key={lead.id} className={`list-item queue-item${lead.id === currentId ? ' is-current' : ''}`}>
            <div className="list-main">
              <p className="list-title">{lead.customer_name}</p>
              <p className="muted small">
                {formatPhone(lead.phone)} · {lead.store_name}
              </p>
            </div>
            {lead.id === currentId ? (
              <Badge tone="good">On screen</Badge>
            ) : (
              <Button small disabled={locked !== null} onClick={() => onOpen(lead)}>
                Open<span className="visually-hidden"> {lead.customer_name}</span>
              </Button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
