// Transfers to sales: a sales rep accepts a qualified lead (booking the
// customer's visit) or returns it with a reason; the telecaller who passed it
// on sees the answer here, live.
import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../../api/problem';
import { useMe } from '../../auth/useAuth';
import { Badge, Button, EmptyState, ErrorState, FormError, Loading, PageHeader, TextAreaField } from '../../components/ui';
import { Modal } from '../../components/Modal';
import { useToast } from '../../components/toast';
import { bannerError, fieldErrorsOf, useTitle } from '../../lib/forms';
import { isoToZonedLocal, zonedLocalToIso } from '../../lib/format';
import { useFormat } from '../../lib/locale';
import { formatPhone, sentence, telHref } from '../../lib/customers';
import { TC_KEYS, TRANSFER_STATUS_LABELS, transferOutcome, type LeadItem, type Transfer, type TransferStatus } from '../../lib/telecalling';
import { useStores } from '../customers/hooks';
import { DateTimePick } from './console/DateTimePick';
import { telecallingApi, useTelecallingLive } from './console/data';
import './console/console.css';

type Filter = TransferStatus | 'all';
const FILTERS: { value: Filter; label: string }[] = [
  { value: 'pending', label: 'Pending' },
  { value: 'accepted', label: 'Accepted' },
  { value: 'rejected', label: 'Returned' },
  { value: 'all', label: 'All' },
];
const isFilter = (v: string | null): v is Filter => FILTERS.some((f) => f.value === v);
const TONES: Record<TransferStatus, 'warn' | 'good' | 'bad'> = { pending: 'warn', accepted: 'good', rejected: 'bad' };

export default function TransfersPage() {
  useTitle('Transfers');
  const me = useMe();
  const rep = me.user.role === 'sales_rep';
  const [params, setParams] = useSearchParams();
  const asked = params.get('status');
  // Sales reps start with what waits for them; telecallers with every answer.
  const filter: Filter = isFilter(asked) ? asked : rep ? 'pending' : 'all';
  const list = useQuery({
    queryKey: [...TC_KEYS.transfers, filter],
    queryFn: () => telecallingApi.transfers(filter === 'all' ? undefined : filter),
  });
  useTelecallingLive();
  const [accepting, setAccepting] = useState<Transfer | null>(null);
  const [returning, setReturning] = useState<Transfer | null>(null);
  const filterLabel = FILTERS.find((f) => f.value === filter)?.label ?? '';

  return (
    <>
      <PageHeader
        title="Transfers"
        description={
          rep
            ? 'Qualified leads telecallers pass to you. Accept to book the customer’s visit, or return the lead with a reason.'
            : 'Qualified leads you passed to sales, and their answers.'
        }
      />
      <div className="segmented transfer-filter" role="group" aria-label="Show transfers">
        {FILTERS.map((f) => (
          <button
            key={f.value}
            type="button"
            className="segment"
            aria-pressed={filter === f.value}
            onClick={() => setParams(f.value === (rep ? 'pending' : 'all') ? {} : { status: f.value }, { replace: true })}
          >
            {f.label}
          </button>
        ))}
      </div>
      {list.isPending ? (
        <Loading label="Loading transfers…" />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.length === 0 ? (
        <EmptyState title={filter === 'all' ? 'No transfers yet' : `Nothing ${filterLabel.toLowerCase()}`}>
          <p>
            {rep
              ? 'When a telecaller passes you a qualified lead it appears here at once, and you get a notification.'
              : 'Qualify a lead on a call, then use “Transfer to sales” on its call card. The answer appears here.'}
          </p>
        </EmptyState>
      ) : (
        <ul className="list transfer-list" aria-label={`Transfers: ${filterLabel.toLowerCase()}`}>
          {list.data.map((t) => (
            <TransferRow
              key={t.id}
              t={t}
              rep={rep}
              fromName={t.from_user === me.user.id ? 'you' : t.from_name}
              onAccept={() => setAccepting(t)}
              onReturn={() => setReturning(t)}
            />
          ))}
        </ul>
      )}
      <Modal
        open={accepting !== null}
        onOpenChange={(o) => !o && setAccepting(null)}
        title="Accept this lead"
        description="It becomes yours. Book the customer’s visit now, or keep it as your open deal and book later."
      >
        {accepting ? <AcceptForm t={accepting} onDone={() => setAccepting(null)} /> : null}
      </Modal>
      <Modal
        open={returning !== null}
        onOpenChange={(o) => !o && setReturning(null)}
        title="Return this lead"
        description="It goes back to the telecaller, who sees your reason."
      >
        {returning ? <ReturnForm t={returning} onDone={() => setReturning(null)} /> : null}
      </Modal>
    </>
  );
}

/** The lead behind a transfer (a sales rep no longer sees one they returned). */
function useTransferLead(t: Transfer) {
  return useQuery({
    queryKey: TC_KEYS.lead(t.lead_id),
    queryFn: () => telecallingApi.lead(t.lead_id),
    retry: (n, err) => !(err instanceof ApiError && (err.status === 404 || err.status === 403)) && n < 2,
    select: (d): LeadItem => d.lead,
  });
}

function TransferRow({
  t,
  rep,
  fromName,
  onAccept,
  onReturn,
}: {
  t: Transfer;
  rep: boolean;
  fromName: string;
  onAccept: () => void;
  onReturn: () => void;
}) {
  const fmt = useFormat();
  const lead = useTransferLead(t);
  const status = t.status as TransferStatus;
  const name = t.customer_name;
  return (
    <li className="list-item transfer-item">
      <div className="list-main">
        <p className="list-title">
          {name} <Badge tone={TONES[status] ?? 'neutral'}>{TRANSFER_STATUS_LABELS[status] ?? t.status}</Badge>
        </p>
        <p className="muted small">
          {rep ? `From ${fromName}` : `To ${t.to_name}`} · <time dateTime={t.created_at}>{fmt.dateTime(t.created_at)}</time>
          {lead.data ? ` · ${lead.data.store_name}` : ''}
        </p>
        {t.note ? <p className="small transfer-note">“{t.note}”</p> : null}
        {status !== 'pending' || !rep ? (
          <p className="small">
            {transferOutcome(t)}
            {t.decided_at ? (
              <span className="muted">
                {' '}
                · <time dateTime={t.decided_at}>{fmt.dateTime(t.decided_at)}</time>
              </span>
            ) : null}
          </p>
        ) : null}
      </div>
      {rep && lead.data && status !== 'rejected' ? (
        <a href={telHref(lead.data.phone)} className="btn btn-ghost btn-small phone-link">
          <span className="visually-hidden">Call {lead.data.customer_name} on </span>
          {formatPhone(lead.data.phone)}
        </a>
      ) : null}
      {rep && status === 'pending' ? (
        <div className="button-row">
          <Button small variant="primary" icon="check" onClick={onAccept}>
            Accept<span className="visually-hidden"> {name}</span>
          </Button>
          <Button small onClick={onReturn}>
            Return<span className="visually-hidden"> {name}</span>
          </Button>
        </div>
      ) : null}
      {rep && status === 'accepted' && lead.data ? (
        <Link to={`/customers/${lead.data.customer_id}`} className="btn btn-secondary btn-small">
          Open customer<span className="visually-hidden"> {lead.data.customer_name}</span>
        </Link>
      ) : null}
    </li>
  );
}

function useAfterAnswer() {
  const qc = useQueryClient();
  return async (t: Transfer) => {
    await Promise.all([
      qc.invalidateQueries({ queryKey: TC_KEYS.transfers }),
      qc.invalidateQueries({ queryKey: TC_KEYS.lead(t.lead_id) }),
      qc.invalidateQueries({ queryKey: ['appointments'] }),
    ]);
  };
}

function AcceptForm({ t, onDone }: { t: Transfer; onDone: () => void }) {
  const fmt = useFormat();
  const toast = useToast();
  const after = useAfterAnswer();
  const lead = useTransferLead(t);
  const { byId: storeById } = useStores();
  const store = lead.data ? storeById.get(lead.data.store_id) : undefined;
  const tz = store?.time_zone ?? fmt.settings.timeZone;
  const [when, setWhen] = useState('');
  const [missing, setMissing] = useState('');
  const save = useMutation({
    mutationFn: () => telecallingApi.accept(t.id, when ? zonedLocalToIso(when, tz) : null),
    onSuccess: async (done) => {
      toast({
        title: 'Lead accepted',
        description: when ? `Visit booked for ${fmt.dateTime(zonedLocalToIso(when, tz), 'datetime', tz)}.` : 'It is now your open deal.',
        tone: 'success',
      });
      await after(done);
      onDone();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (when && when <= isoToZonedLocal(new Date().toISOString(), tz)) {
      setMissing('Choose a time in the future.');
      return;
    }
    setMissing('');
    save.mutate();
  };
  const fe = fieldErrorsOf(save.error);
  return (
    <form className="form" onSubmit={submit} noValidate>
      <FormError error={bannerError(save.error, ['appointment_at'])} />
      {lead.data ? (
        <p>
          <strong>{lead.data.customer_name}</strong> · {formatPhone(lead.data.phone)}
        </p>
      ) : null}
      <DateTimePick
        label="Visit at (optional)"
        name="appointment_at"
        value={when}
        onChange={setWhen}
        timeZone={tz}
        storeName={store?.name ?? lead.data?.store_name}
        error={missing || (fe.appointment_at ? sentence(fe.appointment_at) : undefined)}
      />
      <div className="form-actions">
        <Button variant="ghost" onClick={onDone}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" icon="check" busy={save.isPending}>
          {when ? 'Accept and book the visit' : 'Accept'}
        </Button>
      </div>
    </form>
  );
}

function ReturnForm({ t, onDone }: { t: Transfer; onDone: () => void }) {
  const toast = useToast();
  const after = useAfterAnswer();
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState('');
  const save = useMutation({
    mutationFn: () => telecallingApi.reject(t.id, reason.trim()),
    onSuccess: async (done) => {
      toast({ title: 'Lead returned', description: 'The telecaller sees your reason.', tone: 'success' });
      await after(done);
      onDone();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!reason.trim()) {
      setMissing('Say why you are returning it.');
      return;
    }
    setMissing('');
    save.mutate();
  };
  const fe = fieldErrorsOf(save.error);
  return (
    <form className="form" onSubmit={submit} noValidate>
      <FormError error={bannerError(save.error, ['reason'])} />
      <TextAreaField
        label="Reason"
        name="reason"
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        maxLength={500}
        rows={3}
        hint="For example: budget far below our range, or already bought elsewhere."
        error={missing || (fe.reason ? sentence(fe.reason) : undefined)}
      />
      <div className="form-actions">
        <Button variant="ghost" onClick={onDone}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" busy={save.isPending}>
          Return the lead
        </Button>
      </div>
    </form>
  );
}
