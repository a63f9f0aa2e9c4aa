// The call card of the lead on screen: who to call and what they came in for,
// who else called them lately, the previous calls, and the Call and
// "Transfer to sales" actions.
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { customersApi } from '../../../api/endpoints';
import { ApiError } from '../../../api/problem';
import type { Customer, Store, TimelineEntry } from '../../../api/types';
import { Badge, Button, ErrorState, FormError, Loading, SelectField, TextAreaField } from '../../../components/ui';
import { Icon } from '../../../components/Icon';
import { Modal } from '../../../components/Modal';
import { useToast } from '../../../components/toast';
import { bannerError, fieldErrorsOf } from '../../../lib/forms';
import { useFormat } from '../../../lib/locale';
import {
  CATEGORY_LABELS,
  LEAD_SOURCE_LABELS,
  LEAD_STATE_LABELS,
  METAL_LABELS,
  OUTCOME_LABELS,
  REASON_LABELS,
  STONE_LABELS,
  formatPhone,
  labelOf,
  sentence,
  telHref,
} from '../../../lib/customers';
import {
  DISPOSITION_LABELS,
  NEXT_STEP_LABELS,
  SENTIMENT_LABELS,
  TC_KEYS,
  TRANSFER_STATUS_LABELS,
  clock,
  priorityLabel,
  slaState,
  transferOutcome,
  type CallItem,
  type LeadDetail,
  type LeadItem,
  type TransferStatus,
} from '../../../lib/telecalling';
import { useWholeMoney } from '../../customers/hooks';
import { telecallingApi } from './data';

type Data = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

const SOURCE_LABELS: Record<string, string> = {
  visit: 'From a showroom visit',
  web_form: 'From a web form',
  import: 'Imported',
  manual: 'Entered by hand',
};

const CLOSED = new Set(['converted', 'lost', 'not_interested', 'wrong_number', 'dnd']);

/** Why Call is off for this lead, or null when it may be called. */
function callBlocked(lead: LeadItem, openCall: CallItem | null): string | null {
  if (lead.do_not_call) return 'Do not call: this customer is on DND or withdrew consent to calls.';
  if (CLOSED.has(lead.state)) return `This lead is closed (${labelOf(LEAD_STATE_LABELS, lead.state).toLowerCase()}).`;
  if (openCall) return openCall.lead_id === lead.id ? 'You are on this call.' : 'Save the disposition of your current call first.';
  return null;
}

/** `focusKey` changes when the lead should take focus (after "Next lead" or "Open"). */
export function LeadCard({
  leadId,
  openCall,
  now,
  storeById,
  focusKey,
  onCalled,
  onGone,
}: {
  leadId: string;
  openCall: CallItem | null;
  now: number;
  storeById: Map<string, Store>;
  focusKey: number;
  onCalled: () => void;
  onGone: () => void;
}) {
  const detail = useQuery({
    queryKey: TC_KEYS.lead(leadId),
    queryFn: () => telecallingApi.lead(leadId),
    retry: (n, err) => !(err instanceof ApiError && (err.status === 404 || err.status === 403)) && n < 2,
  });
  if (detail.isPending) return <Loading label="Loading the lead…" />;
  if (detail.isError) {
    const gone = detail.error instanceof ApiError && detail.error.status === 404;
    return (
      <section className="card lead-card" aria-label="Current lead">
        {gone ? (
          <div className="state state-empty">
            <Icon name="alert" size={28} />
            <h2>This lead is no longer yours</h2>
            <p>It was reassigned or closed. Take the next lead from your queue.</p>
            <Button onClick={onGone}>Close</Button>
          </div>
        ) : (
          <ErrorState error={detail.error} onRetry={() => void detail.refetch()} title="The lead could not be loaded" />
        )}
      </section>
    );
  }
  return <LeadView d={detail.data} openCall={openCall} now={now} storeById={storeById} focusKey={focusKey} onCalled={onCalled} />;
}

function LeadView({
  d,
  openCall,
  now,
  storeById,
  focusKey,
  onCalled,
}: {
  d: LeadDetail;
  openCall: CallItem | null;
  now: number;
  storeById: Map<string, Store>;
  focusKey: number;
  onCalled: () => void;
}) {
  const fmt = useFormat();
  const qc = useQueryClient();
  const toast = useToast();
  const titleId = useId();
  const whyId = useId();
  const lead = d.lead;
  const store = storeById.get(lead.store_id);
  const tz = store?.time_zone ?? fmt.settings.timeZone;
  const customer = useQuery({
    queryKey: ['customers', 'one', lead.customer_id],
    queryFn: () => customersApi.get(lead.customer_id),
    refetchOnWindowFocus: false,
  });
  const timeline = useQuery({
    // Not the profile's paged timeline (another cache shape): the latest entries only.
    queryKey: ['customers', 'timeline', lead.customer_id, 'latest'],
    queryFn: () => customersApi.timeline(lead.customer_id, { limit: 20 }),
    refetchOnWindowFocus: false,
  });
  const settings = useQuery({
    queryKey: TC_KEYS.settings(lead.store_id),
    queryFn: () => telecallingApi.settings(lead.store_id),
    staleTime: 60_000,
  });
  const [transferring, setTransferring] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focusKey > 0) headingRef.current?.focus();
  }, [focusKey]);

  const call = useMutation({
    mutationFn: () => telecallingApi.startCall(lead.id),
    onSuccess: async (started) => {
      // At once, while the tap still counts as the user's: browsers only hand a tel: link over then.
      openDialler(started.tel);
      if (started.warning) toast({ title: 'Called recently by a colleague', description: started.warning, tone: 'info' });
      await Promise.all([qc.invalidateQueries({ queryKey: TC_KEYS.console }), qc.invalidateQueries({ queryKey: TC_KEYS.lead(lead.id) })]);
      onCalled();
    },
  });

  const blocked = callBlocked(lead, openCall);
  const sla = slaState(lead, now);
  const lastVisit = timeline.data?.items.find((e) => e.kind === 'visit') ?? null;
  const pending = d.transfers.find((t) => t.status === 'pending');
  const canTransfer = lead.state === 'qualified' && !pending;

  return (
    <section className="card lead-card" aria-labelledby={titleId}>
      <div className="card-header lead-card-header">
        <div>
          <p className="eyebrow-plain">Current lead</p>
          <h2 id={titleId} ref={headingRef} tabIndex={-1}>
            {lead.customer_name}
          </h2>
        </div>
        <span className="header-badges">
          <Badge tone={CLOSED.has(lead.state) ? 'bad' : lead.state === 'qualified' ? 'good' : 'neutral'}>
            {labelOf(LEAD_STATE_LABELS, lead.state)}
          </Badge>
          {lead.priority === 1 ? <Badge tone="gold">High priority</Badge> : null}
          {lead.do_not_call ? <Badge tone="bad">Do not call</Badge> : null}
        </span>
      </div>
      <p className="muted small">
        {labelOf(SOURCE_LABELS, lead.source)} · {lead.store_name} · since {fmt.dateTime(lead.created_at)}
      </p>

      {d.recent_calls_by_others.length > 0 ? (
        <div className="alert alert-warn" role="note">
          <Icon name="alert" size={20} />
          <div>
            <p>
              <strong>Called by someone else recently.</strong>
            </p>
            <ul className="plain-list">
              {d.recent_calls_by_others.map((o) => (
                <li key={`${o.telecaller_id}-${o.started_at}`}>
                  {o.telecaller_name} called on <time dateTime={o.started_at}>{fmt.dateTime(o.started_at, 'datetime', tz)}</time>
                  {o.disposition ? ` (${labelOf(DISPOSITION_LABELS, o.disposition).toLowerCase()})` : ''}.
                </li>
              ))}
            </ul>
          </div>
        </div>
      ) : null}

      <div className="call-row">
        {lead.do_not_call ? (
          <p className="phone-plain">
            <Icon name="phone" size={20} /> {formatPhone(lead.phone)}
          </p>
        ) : (
          <a href={telHref(lead.phone)} className="btn btn-secondary phone-link">
            <Icon name="phone" size={20} />
            <span>
              <span className="visually-hidden">Dial </span>
              {formatPhone(lead.phone)}
            </span>
          </a>
        )}
        <Button
          variant="primary"
          icon="phone"
          className="btn-large"
          busy={call.isPending}
          disabled={blocked !== null}
          aria-describedby={blocked ? whyId : undefined}
          onClick={() => call.mutate()}
        >
          Call<span className="visually-hidden"> {lead.customer_name}</span>
        </Button>
      </div>
      {blocked ? (
        <p id={whyId} className="muted small call-why">
          <Icon name={lead.do_not_call ? 'shield' : 'alert'} size={16} /> {blocked}
        </p>
      ) : null}
      <FormError error={call.error} />

      <dl className="details lead-details">
        <Row label="Language">{lead.language ?? customer.data?.language ?? null}</Row>
        <Row label="Call by">
          {lead.sla_due_at && !lead.last_call_at ? (
            <>
              <time dateTime={lead.sla_due_at}>{fmt.dateTime(lead.sla_due_at, 'time', tz)}</time>{' '}
              {sla === 'breached' ? <Badge tone="bad">Late</Badge> : null}
            </>
          ) : null}
        </Row>
        <Row label="Follow-up">
          {lead.follow_up_at ? <time dateTime={lead.follow_up_at}>{fmt.dateTime(lead.follow_up_at, 'datetime', tz)}</time> : null}
        </Row>
        <Row label="Calls today">
          {settings.data
            ? `${lead.attempts_today} of ${settings.data.max_attempts_per_day} allowed`
            : lead.attempts_today > 0
              ? String(lead.attempts_today)
              : null}
        </Row>
        <Row label="Calling hours">
          {settings.data ? `${settings.data.calling_start.slice(0, 5)}–${settings.data.calling_end.slice(0, 5)} (store time)` : null}
        </Row>
        <Row label="Priority">{lead.priority !== 2 ? priorityLabel(lead.priority) : null}</Row>
        <Row label="Note">{lead.note ?? null}</Row>
        <Row label="Likes">{customer.data ? likes(customer.data) : null}</Row>
      </dl>

      <h3 className="section-title">Last visit</h3>
      {timeline.isPending ? (
        <Loading label="Loading their visits…" />
      ) : timeline.isError ? (
        <ErrorState error={timeline.error} onRetry={() => void timeline.refetch()} title="Their visits could not be loaded" />
      ) : lastVisit ? (
        <LastVisit entry={lastVisit} storeById={storeById} />
      ) : (
        <p className="muted">No visit on record.</p>
      )}

      <h3 className="section-title">Previous calls</h3>
      {d.calls.filter((c) => c.disposed_at).length === 0 ? (
        <p className="muted">No calls yet: this is the first.</p>
      ) : (
        <ul className="list compact" aria-label="Previous calls">
          {d.calls
            .filter((c) => c.disposed_at)
            .map((c) => (
              <li key={c.id} className="list-item">
                <div className="list-main">
                  <p className="list-title">
                    {c.disposition ? labelOf(DISPOSITION_LABELS, c.disposition) : 'Call'}
                    {c.next_step && c.next_step !== 'none' ? ` · ${labelOf(NEXT_STEP_LABELS, c.next_step)}` : ''}{' '}
                    {c.sentiment ? (
                      <Badge tone={c.sentiment === 'positive' ? 'good' : c.sentiment === 'negative' ? 'bad' : 'neutral'}>
                        {labelOf(SENTIMENT_LABELS, c.sentiment)}
                      </Badge>
                    ) : null}
                  </p>
                  <p className="muted small">
                    <time dateTime={c.started_at}>{fmt.dateTime(c.started_at, 'datetime', tz)}</time> · {c.telecaller_name}
                    {c.duration_seconds ? ` · ${clock(c.duration_seconds)}` : ''}
                    {c.follow_up_at ? ` · call back ${fmt.dateTime(c.follow_up_at, 'datetime', tz)}` : ''}
                  </p>
                  {c.notes ? <p className="small">{c.notes}</p> : null}
                </div>
              </li>
            ))}
        </ul>
      )}

      {d.transfers.length > 0 || lead.state === 'qualified' ? (
        <>
          <h3 className="section-title">Transfer to sales</h3>
          {d.transfers.length > 0 ? (
            <ul className="list compact" aria-label="Transfers of this lead">
              {d.transfers.map((t) => (
                <li key={t.id} className="list-item">
                  <div className="list-main">
                    <p className="list-title">
                      {t.to_name}{' '}
                      <Badge tone={t.status === 'accepted' ? 'good' : t.status === 'rejected' ? 'bad' : 'warn'}>
                        {TRANSFER_STATUS_LABELS[t.status as TransferStatus] ?? t.status}
                      </Badge>
                    </p>
                    <p className="muted small">{transferOutcome(t)}</p>
                  </div>
                </li>
              ))}
            </ul>
          ) : null}
          {canTransfer ? (
            <Button icon="transfers" onClick={() => setTransferring(true)}>
              Transfer to sales
            </Button>
          ) : null}
        </>
      ) : null}

      <Modal
        open={transferring}
        onOpenChange={setTransferring}
        title="Transfer to sales"
        description={`Pass ${lead.customer_name} to a sales rep at ${lead.store_name}. They accept with a visit, or return the lead with a reason.`}
      >
        {transferring ? <TransferForm lead={lead} onDone={() => setTransferring(false)} /> : null}
      </Modal>
    </section>
  );
}

/**
 * Hands the number to the phone's dialler (or the desktop's calling app)
 * through a link click: assigning `location` to a tel: URL leaves some
 * browsers with a navigation that never ends, which then drops this page's
 * form submissions.
 */
function openDialler(tel: string) {
  const a = document.createElement('a');
  a.href = tel;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  if (children === null || children === undefined || children === '') return null;
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

/** What they like, from the profile (categories, metals, stones). */
function likes(c: Customer): string | null {
  const p = c.preferences;
  const words = [
    ...(p?.categories ?? []).map((v) => labelOf(CATEGORY_LABELS, v)),
    ...(p?.metals ?? []).map((v) => labelOf(METAL_LABELS, v)),
    ...(p?.stones ?? []).map((v) => labelOf(STONE_LABELS, v)),
  ];
  return words.length > 0 ? words.join(', ') : null;
}

function LastVisit({ entry: e, storeById }: { entry: TimelineEntry; storeById: Map<string, Store> }) {
  const fmt = useFormat();
  const money = useWholeMoney();
  const d = (e.data ?? {}) as Data;
  const store = storeById.get(str(d.store_id) ?? '');
  const interests = Array.isArray(d.interests) ? (d.interests as Data[]) : [];
  return (
    <div className="last-visit">
      <p>
        <strong>{labelOf(REASON_LABELS, str(d.reason) ?? e.summary)}</strong>{' '}
        <span className="muted small">
          · <time dateTime={e.at}>{fmt.dateTime(e.at, 'date')}</time>
          {store ? ` · ${store.name}` : ''}
          {e.actor ? ` · with ${e.actor}` : ''}
          {str(d.lead_source) ? ` · ${labelOf(LEAD_SOURCE_LABELS, str(d.lead_source))}` : ''}
        </span>
      </p>
      {interests.length > 0 ? (
        <ul className="interest-list" aria-label="Interests at the last visit">
          {interests.map((it, i) => {
            const outcome = str(it.outcome);
            const value = num(it.expected_value);
            return (
              <li key={str(it.id) ?? i} className="interest">
                <span className="interest-what">
                  {labelOf(CATEGORY_LABELS, str(it.category))}
                  {str(it.metal) || str(it.stone) ? (
                    <span className="muted">
                      {[labelOf(METAL_LABELS, str(it.metal)), labelOf(STONE_LABELS, str(it.stone))].filter(Boolean).join(', ')}
                    </span>
                  ) : null}
                  {str(it.design_number) ? <span className="code">{str(it.design_number)}</span> : null}
                  {value !== null ? <span className="muted"> · {money(value)}</span> : null}
                </span>
                {outcome ? <Badge tone={outcome === 'purchased' ? 'good' : 'warn'}>{labelOf(OUTCOME_LABELS, outcome)}</Badge> : null}
                {str(it.note) ? <span className="muted small interest-note">{str(it.note)}</span> : null}
              </li>
            );
          })}
        </ul>
      ) : null}
      {str(d.notes) ? <p className="small">{str(d.notes)}</p> : null}
    </div>
  );
}

function TransferForm({ lead, onDone }: { lead: LeadItem; onDone: () => void }) {
  const qc = useQueryClient();
  const toast = useToast();
  const reps = useQuery({
    queryKey: ['users', 'sales-reps', lead.store_id],
    queryFn: () => telecallingApi.salesReps(lead.store_id),
  });
  const [to, setTo] = useState('');
  const [note, setNote] = useState('');
  const [missing, setMissing] = useState('');
  const save = useMutation({
    mutationFn: () => telecallingApi.transfer(lead.id, to, note.trim() || null),
    onSuccess: async (t) => {
      toast({ title: `Passed to ${t.to_name}`, description: 'You will see their answer here and on Transfers.', tone: 'success' });
      await Promise.all([qc.invalidateQueries({ queryKey: TC_KEYS.lead(lead.id) }), qc.invalidateQueries({ queryKey: TC_KEYS.transfers })]);
      onDone();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!to) {
      setMissing('Choose a sales rep.');
      return;
    }
    setMissing('');
    save.mutate();
  };
  const fe = fieldErrorsOf(save.error);
  if (reps.isPending) return <Loading label="Loading sales reps…" />;
  if (reps.isError) return <ErrorState error={reps.error} onRetry={() => void reps.refetch()} />;
  if (reps.data.length === 0) return <p className="muted">There is no active sales rep at {lead.store_name}. Ask your manager.</p>;
  return (
    <form className="form" onSubmit={submit} noValidate>
      <FormError error={bannerError(save.error, ['to_user', 'note'])} />
      <SelectField
        label="Sales rep"
        name="to_user"
        value={to}
        onChange={(e) => setTo(e.target.value)}
        options={[{ value: '', label: 'Choose a sales rep' }, ...reps.data.map((u) => ({ value: u.id, label: u.name }))]}
        error={missing || (fe.to_user ? sentence(fe.to_user) : undefined)}
      />
      <TextAreaField
        label="Note for the sales rep (optional)"
        name="note"
        value={note}
        onChange={(e) => setNote(e.target.value)}
        maxLength={1000}
        rows={3}
        hint="What they want and when they can come in."
        error={fe.note ? sentence(fe.note) : undefined}
      />
      <div className="form-actions">
        <Button variant="ghost" onClick={onDone}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" icon="transfers" busy={save.isPending}>
          Transfer
        </Button>
      </div>
    </form>
  );
}
