// One lead for a manager: who and where, its history (who, when, why), calls
// with their dispositions, transfers to sales and other telecallers who called
// the number; a state change by hand (closing needs a reason) and reassignment.
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../../api/problem';
import { useMe } from '../../auth/useAuth';
import {
  Badge,
  Button,
  Card,
  EmptyState,
  ErrorState,
  FormError,
  Loading,
  PageHeader,
  SelectField,
  TextAreaField,
} from '../../components/ui';
import { Icon } from '../../components/Icon';
import { useToast } from '../../components/toast';
import { LEAD_STATE_LABELS, formatPhone, labelOf, telHref } from '../../lib/customers';
import { fieldErrorsOf, useTitle } from '../../lib/forms';
import { useFormat } from '../../lib/locale';
import { PERMISSIONS } from '../../lib/nav';
import { PRIORITY_LABELS, SOURCE_LABELS, durationInWords, formatDuration, isClosed, manualTargets } from '../../lib/wallboard';
import { useStaff } from '../customers/hooks';
import { TC_KEYS, TC_PATHS, telecallingApi, type HistoryLine, type LeadDetail, type LeadItem, type LeadState } from './board/api';
import { AssignDialog } from './board/AssignDialog';
import { useLiveRefresh, useNow, useTelecallers } from './board/hooks';
import { LeadFlags, LeadStateBadge, PriorityBadge } from './board/shared';

const DISPOSITION_LABELS: Record<string, string> = {
  connected: 'Connected',
  no_answer: 'No answer',
  busy: 'Busy',
  switched_off: 'Switched off',
  wrong_number: 'Wrong number',
  call_back: 'Call back',
  not_interested: 'Not interested',
};
const NEXT_STEP_LABELS: Record<string, string> = {
  none: 'None',
  follow_up: 'Follow-up',
  revisit: 'Revisit the store',
  qualified: 'Qualified',
  converted: 'Converted',
  lost: 'Lost',
};
const SENTIMENT_LABELS: Record<string, string> = { positive: 'Positive', neutral: 'Neutral', negative: 'Negative' };
const TRANSFER_LABELS: Record<string, string> = { pending: 'Waiting for an answer', accepted: 'Accepted', rejected: 'Rejected' };

export default function LeadPage() {
  const { id = '' } = useParams();
  const detail = useQuery({ queryKey: TC_KEYS.lead(id), queryFn: () => telecallingApi.lead(id) });
  useLiveRefresh([TC_KEYS.lead(id)]);
  useTitle(detail.data ? `Lead: ${detail.data.lead.customer_name}` : 'Lead');

  const back = (
    <p className="breadcrumb">
      <Link to={TC_PATHS.leads}>
        <Icon name="back" size={18} /> Leads
      </Link>
    </p>
  );
  if (detail.isPending)
    return (
      <>
        {back}
        <Loading />
      </>
    );
  if (detail.isError)
    return (
      <>
        {back}
        <PageHeader title="Lead" />
        {detail.error instanceof ApiError && detail.error.status === 404 ? (
          <EmptyState title="This lead is not available">
            <p>It may belong to another store, or the customer was deleted.</p>
          </EmptyState>
        ) : (
          <ErrorState error={detail.error} onRetry={() => void detail.refetch()} />
        )}
      </>
    );
  return (
    <>
      {back}
      <LeadView detail={detail.data} />
    </>
  );
}

function LeadView({ detail: d }: { detail: LeadDetail }) {
  const me = useMe();
  const fmt = useFormat();
  const now = useNow();
  const telecallers = useTelecallers();
  const [reassigning, setReassigning] = useState(false);
  const l = d.lead;
  const open = !isClosed(l.state);
  return (
    <>
      <PageHeader
        title={l.customer_name}
        description={
          <span className="header-badges">
            <LeadStateBadge state={l.state} />
            <PriorityBadge priority={l.priority} />
            <span>
              {l.store_name} · {SOURCE_LABELS[l.source] ?? l.source}
            </span>
          </span>
        }
        actions={
          <>
            {open ? (
              <Button variant="primary" icon="users" onClick={() => setReassigning(true)}>
                {l.assigned_to ? 'Reassign' : 'Assign'}
              </Button>
            ) : null}
            {me.permissions.includes(PERMISSIONS.customersRead) ? (
              <Link to={`/customers/${encodeURIComponent(l.customer_id)}`} className="btn btn-secondary">
                <Icon name="customers" size={20} /> Customer profile
              </Link>
            ) : null}
          </>
        }
      />
      <div className="grid-2">
        <Card title="Lead">
          <dl className="details">
            <dt>Phone</dt>
            <dd>
              <a href={telHref(l.phone)} className="nowrap">
                {formatPhone(l.phone)}
              </a>
            </dd>
            <dt>Assigned to</dt>
            <dd>
              {l.assignee_name ?? 'Nobody yet'}
              {l.assigned_at ? <span className="muted"> · since {fmt.dateTime(l.assigned_at)}</span> : null}
            </dd>
            {l.sla_due_at && open ? (
              <>
                <dt>Call by</dt>
                <dd>{fmt.dateTime(l.sla_due_at)}</dd>
              </>
            ) : null}
            {l.follow_up_at ? (
              <>
                <dt>Follow-up</dt>
                <dd>{fmt.dateTime(l.follow_up_at)}</dd>
              </>
            ) : null}
            <dt>Last call</dt>
            <dd>{l.last_call_at ? fmt.dateTime(l.last_call_at) : 'Not called yet'}</dd>
            <dt>Calls today</dt>
            <dd>{l.attempts_today}</dd>
            <dt>Priority</dt>
            <dd>{PRIORITY_LABELS[l.priority] ?? l.priority}</dd>
            {l.language ? (
              <>
                <dt>Language</dt>
                <dd>{l.language}</dd>
              </>
            ) : null}
            <dt>Created</dt>
            <dd>{fmt.dateTime(l.created_at)}</dd>
            {l.note ? (
              <>
                <dt>Note</dt>
                <dd>{l.note}</dd>
              </>
            ) : null}
          </dl>
          {l.do_not_call || l.sla_breached_at || l.follow_up_at ? (
            <p className="tc-lead-meta">
              <LeadFlags lead={l} now={now} />
            </p>
          ) : null}
          {d.recent_calls_by_others.length > 0 ? (
            <div className="alert alert-info">
              <Icon name="phone" size={20} />
              <div>
                <p>Other telecallers called this number recently:</p>
                <ul>
                  {d.recent_calls_by_others.map((c) => (
                    <li key={`${c.telecaller_id}-${c.started_at}`}>
                      {c.telecaller_name}, {fmt.dateTime(c.started_at)}
                      {c.disposition ? ` (${labelOf(DISPOSITION_LABELS, c.disposition)})` : ''}
                    </li>
                  ))}
                </ul>
              </div>
            </div>
          ) : null}
        </Card>
        <StateCard lead={l} />
      </div>
      <Card title="Calls" className="manage-card">
        <Calls detail={d} />
      </Card>
      {d.transfers.length > 0 ? (
        <Card title="Transfers to sales" className="manage-card">
          <ul className="list compact">
            {d.transfers.map((t) => (
              <li key={t.id} className="list-item">
                <div className="list-main">
                  <p className="list-title">To {t.to_name}</p>
                  <p className="muted small">
                    {TRANSFER_LABELS[t.status] ?? t.status} · offered {fmt.dateTime(t.created_at)}
                    {t.decided_at ? ` · decided ${fmt.dateTime(t.decided_at)}` : ''}
                  </p>
                  {t.note ? <p className="small">{t.note}</p> : null}
                  {t.reason ? <p className="small">Reason: {t.reason}</p> : null}
                </div>
                <Badge tone={t.status === 'accepted' ? 'good' : t.status === 'rejected' ? 'bad' : 'gold'}>
                  {TRANSFER_LABELS[t.status] ?? t.status}
                </Badge>
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
      <Card title="History" className="manage-card">
        <History lines={d.history} />
      </Card>
      <AssignDialog
        open={reassigning}
        onOpenChange={setReassigning}
        title={l.assigned_to ? `Reassign ${l.customer_name}` : `Assign ${l.customer_name}`}
        description={l.assignee_name ? `Now with ${l.assignee_name}.` : 'Nobody holds this lead yet.'}
        source={{ kind: 'chosen', leads: [l] }}
        agents={telecallers.agents}
        exclude={l.assigned_to ?? undefined}
      />
    </>
  );
}

function StateCard({ lead: l }: { lead: LeadItem }) {
  const toast = useToast();
  const qc = useQueryClient();
  const targets = manualTargets(l.state);
  const [to, setTo] = useState<LeadState | ''>('');
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const closing = to !== '' && isClosed(to);
  const save = useMutation({
    mutationFn: () => telecallingApi.setState(l.id, to as LeadState, reason.trim() || null),
    onSuccess: async (after) => {
      toast({
        title: 'State changed',
        description: `${after.customer_name}: ${labelOf(LEAD_STATE_LABELS, after.state)}.`,
        tone: 'success',
      });
      setTo('');
      setReason('');
      setTried(false);
      await qc.invalidateQueries({ queryKey: TC_KEYS.root });
    },
  });
  const fe = fieldErrorsOf(save.error);
  const local = {
    state: tried && to === '' ? 'Choose the new state.' : undefined,
    reason: tried && closing && !reason.trim() ? 'Say why the lead is closed.' : undefined,
  };
  const banner =
    save.error instanceof ApiError &&
    save.error.status === 422 &&
    save.error.errors.every((e) => e.field === 'state' || e.field === 'reason')
      ? null
      : save.error;
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setTried(true);
    if (to === '' || (closing && !reason.trim())) return;
    save.mutate();
  };
  if (targets.length === 0)
    return (
      <Card title="State">
        <p>
          This lead is closed ({labelOf(LEAD_STATE_LABELS, l.state)}). A closed lead does not change; enter a new lead for the customer if
          they get in touch again.
        </p>
      </Card>
    );
  return (
    <Card title="Change state">
      <form className="form" onSubmit={submit} noValidate aria-label="Change state">
        <SelectField
          label="New state"
          name="state"
          value={to}
          onChange={(e) => setTo(e.target.value as LeadState | '')}
          options={[{ value: '', label: 'Choose…' }, ...targets.map((s) => ({ value: s, label: labelOf(LEAD_STATE_LABELS, s) }))]}
          hint={`It is “${labelOf(LEAD_STATE_LABELS, l.state)}” now. Only the moves its path allows are offered; to give it to someone, use “${l.assigned_to ? 'Reassign' : 'Assign'}”.`}
          error={local.state ?? fe.state}
        />
        <TextAreaField
          label={closing ? 'Reason' : 'Reason (optional)'}
          name="reason"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          maxLength={500}
          hint={closing ? 'Required to close a lead; kept in its history.' : 'Kept in the lead’s history.'}
          error={local.reason ?? fe.reason}
          required={closing}
        />
        {to === 'dnd' ? (
          <p className="muted small">The customer is also marked do-not-disturb: nobody calls or messages them again.</p>
        ) : null}
        <FormError error={banner} />
        <div className="form-actions">
          <Button type="submit" variant={closing ? 'danger' : 'primary'} busy={save.isPending}>
            {closing ? 'Close lead' : 'Change state'}
          </Button>
        </div>
      </form>
    </Card>
  );
}

function Calls({ detail: d }: { detail: LeadDetail }) {
  const fmt = useFormat();
  if (d.calls.length === 0) return <p className="muted">No calls yet.</p>;
  return (
    <div className="table-scroll" role="region" aria-labelledby="lead-calls-caption" tabIndex={0}>
      <table className="data-table">
        <caption id="lead-calls-caption">Calls, newest first</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Telecaller</th>
            <th scope="col">Outcome</th>
            <th scope="col">Talk time</th>
            <th scope="col">Sentiment</th>
            <th scope="col">Next step</th>
            <th scope="col">Follow-up</th>
            <th scope="col">Notes</th>
          </tr>
        </thead>
        <tbody>
          {d.calls.map((c) => (
            <tr key={c.id}>
              <th scope="row">{fmt.dateTime(c.started_at)}</th>
              <td>{c.telecaller_name}</td>
              <td>{c.disposition ? labelOf(DISPOSITION_LABELS, c.disposition) : c.disposed_at ? '—' : 'Not saved yet'}</td>
              <td title={c.duration_seconds != null ? durationInWords(c.duration_seconds) : undefined}>
                {c.duration_seconds != null ? formatDuration(c.duration_seconds) : '—'}
              </td>
              <td>{c.sentiment ? labelOf(SENTIMENT_LABELS, c.sentiment) : '—'}</td>
              <td>{c.next_step ? labelOf(NEXT_STEP_LABELS, c.next_step) : '—'}</td>
              <td>{c.follow_up_at ? fmt.dateTime(c.follow_up_at) : '—'}</td>
              <td title={c.notes ?? undefined}>{c.notes ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function historyText(h: HistoryLine): string {
  const state = (s: string | null | undefined) => labelOf(LEAD_STATE_LABELS, s);
  switch (h.kind) {
    case 'assigned':
      return `Assigned to ${h.assignee_name ?? 'a telecaller'}${h.from_state && h.from_state !== h.to_state ? ` (${state(h.from_state)} → ${state(h.to_state)})` : ''}`;
    case 'sla_breach':
      return `SLA missed${h.assignee_name ? ` by ${h.assignee_name}` : ''}`;
    case 'transfer':
      return `Transfer to sales${h.from_state && h.from_state !== h.to_state ? `: ${state(h.from_state)} → ${state(h.to_state)}` : ''}`;
    default:
      return h.from_state ? `${state(h.from_state)} → ${state(h.to_state)}` : `Created: ${state(h.to_state)}`;
  }
}

const REASON_LABELS: Record<string, string> = {
  automatic: 'by the store’s rule',
  manual: 'by hand',
  backlog: 'from the waiting backlog',
  reassigned: 'reassigned by the store’s rule',
  visit: 'from a showroom visit',
  import: 'from an import',
  web_form: 'from a web form',
};

function History({ lines }: { lines: HistoryLine[] }) {
  const fmt = useFormat();
  const staff = useStaff();
  const who = (h: HistoryLine) => (h.actor_id ? (staff.byId.get(h.actor_id)?.name ?? 'A colleague') : 'Karat (automatic)');
  if (lines.length === 0) return <p className="muted">Nothing recorded yet.</p>;
  return (
    <ol className="tc-history" aria-label="History, oldest first">
      {lines.map((h, i) => (
        <li key={`${h.at}-${i}`} className={h.kind === 'sla_breach' ? 'is-breach' : undefined}>
          <p>
            <strong>{historyText(h)}</strong>
          </p>
          <p className="muted small">
            {fmt.dateTime(h.at)} · {who(h)}
            {h.reason ? ` · ${REASON_LABELS[h.reason] ?? h.reason}` : ''}
          </p>
        </li>
      ))}
    </ol>
  );
}
