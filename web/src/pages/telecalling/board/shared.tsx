// Pieces shared by the manager's telecalling screens: the section links,
// status and level marks (icon and words besides the colour), lead badges,
// and the selectable lead list.
import type { ReactNode } from 'react';
import { Link, NavLink } from 'react-router';
import { Badge } from '../../../components/ui';
import { Icon } from '../../../components/Icon';
import { LEAD_STATE_LABELS, formatPhone, labelOf } from '../../../lib/customers';
import { useFormat } from '../../../lib/locale';
import {
  LEVEL_TEXT,
  PRIORITY_LABELS,
  SOURCE_LABELS,
  agentStatusLabel,
  formatClock,
  durationInWords,
  isClosed,
  type Level,
} from '../../../lib/wallboard';
import { TC_PATHS, type LeadItem } from './api';
import './board.css';

/** Links between the four manager screens. */
export function TelecallingLinks() {
  const links: { to: string; label: string; icon: 'users' | 'customers' | 'edit' | 'file' }[] = [
    { to: TC_PATHS.wallboard, label: 'Wallboard', icon: 'users' },
    { to: TC_PATHS.leads, label: 'Leads', icon: 'customers' },
    { to: TC_PATHS.settings, label: 'Settings', icon: 'edit' },
    { to: TC_PATHS.reports, label: 'Reports', icon: 'file' },
  ];
  return (
    <nav className="tc-subnav" aria-label="Telecalling">
      {links.map((l) => (
        <NavLink key={l.to} to={l.to} end={l.to === TC_PATHS.leads}>
          <Icon name={l.icon} size={18} />
          {l.label}
        </NavLink>
      ))}
    </nav>
  );
}

/** An amber or red mark with words; nothing when on track unless `showOk`. */
export function LevelMark({ level, children, showOk = false }: { level: Level; children?: ReactNode; showOk?: boolean }) {
  if (level === 'ok' && !showOk) return null;
  return (
    <span className={`wb-level wb-level-${level}`}>
      <Icon name={level === 'ok' ? 'check' : 'alert'} size={16} />
      {children ?? LEVEL_TEXT[level]}
    </span>
  );
}

/** A telecaller's status with its shape and words, and the time in it when given. */
export function AgentStatusBadge({ status, seconds }: { status: string; seconds?: number }) {
  return (
    <span className={`tc-status tc-status-${status}`}>
      <span className="tc-status-dot" aria-hidden="true" />
      {agentStatusLabel(status)}
      {seconds !== undefined ? (
        <>
          <span className="tc-clock" aria-hidden="true">
            {formatClock(seconds)}
          </span>
          <span className="visually-hidden">for {durationInWords(seconds)}</span>
        </>
      ) : null}
    </span>
  );
}

export function LeadStateBadge({ state }: { state: string }) {
  const tone = state === 'converted' ? 'good' : isClosed(state) ? 'bad' : state === 'new' ? 'gold' : 'neutral';
  return (
    <Badge tone={tone}>
      <span className="visually-hidden">State: </span>
      {labelOf(LEAD_STATE_LABELS, state)}
    </Badge>
  );
}

export function PriorityBadge({ priority }: { priority: number }) {
  if (priority === 2) return null;
  return <Badge tone={priority === 1 ? 'bad' : 'neutral'}>{PRIORITY_LABELS[priority] ?? priority} priority</Badge>;
}

/** What sets a lead apart right now: overdue follow-up, missed SLA, do-not-call. */
export function LeadFlags({ lead, now }: { lead: LeadItem; now: number }) {
  const fmt = useFormat();
  const open = !isClosed(lead.state);
  const overdue = open && lead.follow_up_at ? Date.parse(lead.follow_up_at) < now : false;
  return (
    <>
      {lead.do_not_call ? (
        <span className="badge badge-bad" title="Do not call: DND or consent to calls withdrawn">
          Do not call
        </span>
      ) : null}
      {overdue && lead.follow_up_at ? (
        <span className="wb-level wb-level-red">
          <Icon name="alert" size={16} />
          Follow-up overdue since {fmt.dateTime(lead.follow_up_at, 'time')}
        </span>
      ) : null}
      {open && lead.sla_breached_at ? (
        <span className="wb-level wb-level-amber">
          <Icon name="alert" size={16} />
          SLA missed
        </span>
      ) : null}
    </>
  );
}

/** One lead in a list: who, where, state, holder; with a checkbox when selectable. */
export function LeadRow({
  lead,
  now,
  selected,
  onToggle,
  showStore = true,
}: {
  lead: LeadItem;
  now: number;
  selected?: boolean;
  onToggle?: (checked: boolean) => void;
  showStore?: boolean;
}) {
  const fmt = useFormat();
  return (
    <li className="list-item">
      {onToggle ? (
        <label className="tc-select">
          <input type="checkbox" checked={selected ?? false} onChange={(e) => onToggle(e.target.checked)} />
          <span className="visually-hidden">Select the lead for {lead.customer_name}</span>
        </label>
      ) : null}
      <div className="list-main">
        <Link to={TC_PATHS.lead(lead.id)} className="list-title">
          {lead.customer_name}
        </Link>
        <p className="muted small">
          <span className="nowrap">{formatPhone(lead.phone)}</span>
          {showStore ? ` · ${lead.store_name}` : ''}
          {` · ${SOURCE_LABELS[lead.source] ?? lead.source}`}
          {` · ${fmt.relative(lead.created_at)}`}
        </p>
        <p className="tc-lead-meta small">
          <LeadStateBadge state={lead.state} />
          <PriorityBadge priority={lead.priority} />
          <span>{lead.assignee_name ? `With ${lead.assignee_name}` : 'Not assigned'}</span>
          <LeadFlags lead={lead} now={now} />
        </p>
      </div>
    </li>
  );
}
