// One escalation: what happened for which customer, its status, priority,
// SLA and who holds it; the notes (internal ones marked, and hidden from floor
// staff who do not hold it) with a note box; the status moves the machine
// allows (resolving asks what was done); and, for managers and business
// admins, handing it to a colleague of its store. Live.
import { useRef, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../../api/problem';
import { useMe } from '../../auth/useAuth';
import {
  Badge,
  Button,
  Card,
  CheckField,
  EmptyState,
  ErrorState,
  FormError,
  Loading,
  PageHeader,
  SelectField,
  TextAreaField,
} from '../../components/ui';
import { Icon } from '../../components/Icon';
import { Modal } from '../../components/Modal';
import { useToast } from '../../components/toast';
import { sentence } from '../../lib/customers';
import {
  ESCALATION_KEYS,
  ESCALATION_PATHS,
  canAddNotes,
  categoryLabel,
  levelLabel,
  priorityLabel,
  statusLabel,
  statusMoves,
  type EscalationDetail,
  type EscalationItem,
  type EscalationNote,
  type StatusMove,
} from '../../lib/escalations';
import { fieldErrorsOf, useTitle } from '../../lib/forms';
import { useFormat } from '../../lib/locale';
import { PERMISSIONS } from '../../lib/nav';
import { ROLE_LABELS } from '../../lib/roles';
import { useClock } from '../../lib/useClock';
import { useLiveMessage } from '../../realtime/useLiveMessage';
import { useStaff } from '../customers/hooks';
import { escalationsApi, useAssignees, useEscalation } from './api';
import { EscalationPriorityBadge, EscalationStatusBadge, SlaLine } from './shared';
import './escalations.css';

export default function EscalationPage() {
  const { id = '' } = useParams();
  const detail = useEscalation(id);
  useTitle(detail.data ? `Escalation: ${detail.data.escalation.subject}` : 'Escalation');
  const back = (
    <p className="breadcrumb">
      <Link to={ESCALATION_PATHS.board}>
        <Icon name="back" size={18} /> Escalations
      </Link>
    </p>
  );
  if (detail.isPending)
    return (
      <>
        {back}
        <Loading label="Loading the escalation…" />
      </>
    );
  if (detail.isError)
    return (
      <>
        {back}
        <PageHeader title="Escalation" />
        {detail.error instanceof ApiError && detail.error.status === 404 ? (
          <EmptyState title="This escalation is not available">
            <p>It may belong to another store: sales representatives and telecallers see the escalations they raised or hold.</p>
          </EmptyState>
        ) : (
          <ErrorState error={detail.error} onRetry={() => void detail.refetch()} />
        )}
      </>
    );
  return (
    <>
      {back}
      <EscalationView d={detail.data} />
    </>
  );
}

function EscalationView({ d }: { d: EscalationDetail }) {
  const me = useMe();
  const fmt = useFormat();
  const now = useClock();
  const e = d.escalation;
  const staff = useStaff();
  // The list item names the assignee but not who raised it: colleagues' names come from the user list.
  const raisedBy = e.created_by === me.user.id ? 'you' : (staff.byId.get(e.created_by)?.name ?? null);
  // Managers and business admins (who may assign) write internal notes anywhere; floor staff on what they hold.
  const canInternal = d.can_assign || e.assigned_to === me.user.id;
  const live = useLiveMessage('escalations', (ev) => {
    const x = (ev.payload as { escalation?: Partial<EscalationItem> } | null)?.escalation;
    return x?.id === e.id && ev.kind === 'escalation.updated' ? 'This escalation was updated.' : null;
  });
  return (
    <>
      <PageHeader
        title={e.subject}
        description={
          <>
            <span className="header-badges">
              <EscalationStatusBadge status={e.status} />
              <EscalationPriorityBadge priority={e.priority} />
              <span>{categoryLabel(e.category)}</span>
              {e.level > 0 ? <Badge tone="bad">{levelLabel(e.level)}</Badge> : null}
            </span>
            <span className="esc-header-meta">
              <SlaLine e={e} now={now} />
              <span>
                {e.customer_name} · {e.store_name}
              </span>
              <span>
                {e.assigned_name ? (
                  <>
                    With <strong>{e.assigned_name}</strong>
                  </>
                ) : (
                  'Not assigned'
                )}
              </span>
            </span>
          </>
        }
        actions={<StatusActions e={e} />}
      />
      <p className="visually-hidden" role="status" aria-live="polite">
        {live}
      </p>
      <div className="esc-layout">
        <section className="card esc-notes-card" aria-labelledby="esc-notes-title">
          <h2 id="esc-notes-title">Notes</h2>
          <Notes notes={d.notes} />
          {canAddNotes(e.status) ? (
            <NoteForm e={e} canInternal={canInternal} />
          ) : (
            <p className="alert alert-info">
              <Icon name="alert" size={20} />
              <span>This escalation is closed: notes can no longer be added.</span>
            </p>
          )}
        </section>
        <div className="esc-side">
          <Card title="Details">
            <dl className="details">
              <dt>Customer</dt>
              <dd>
                {me.permissions.includes(PERMISSIONS.customersRead) ? (
                  <Link to={`/customers/${encodeURIComponent(e.customer_id)}`}>{e.customer_name}</Link>
                ) : (
                  e.customer_name
                )}
              </dd>
              <dt>Store</dt>
              <dd>{e.store_name}</dd>
              <dt>About</dt>
              <dd>{categoryLabel(e.category)}</dd>
              <dt>Priority</dt>
              <dd>{priorityLabel(e.priority)}</dd>
              <dt>Status</dt>
              <dd>{statusLabel(e.status)}</dd>
              <dt>Raised</dt>
              <dd>
                <time dateTime={e.created_at}>{fmt.dateTime(e.created_at)}</time>
                {raisedBy ? <span className="muted"> · by {raisedBy}</span> : null}
              </dd>
              <dt>Resolve by</dt>
              <dd>
                <time dateTime={e.sla_due_at}>{fmt.dateTime(e.sla_due_at)}</time>
              </dd>
              <dt>Where it is</dt>
              <dd>{levelLabel(e.level)}</dd>
              {e.description ? (
                <>
                  <dt>What happened</dt>
                  <dd className="esc-resolution">{e.description}</dd>
                </>
              ) : null}
              {e.resolution ? (
                <>
                  <dt>Resolution</dt>
                  <dd className="esc-resolution">{e.resolution}</dd>
                </>
              ) : null}
              {e.resolved_at ? (
                <>
                  <dt>Resolved</dt>
                  <dd>
                    <time dateTime={e.resolved_at}>{fmt.dateTime(e.resolved_at)}</time>
                  </dd>
                </>
              ) : null}
              {e.closed_at ? (
                <>
                  <dt>Closed</dt>
                  <dd>
                    <time dateTime={e.closed_at}>{fmt.dateTime(e.closed_at)}</time>
                  </dd>
                </>
              ) : null}
            </dl>
          </Card>
          {d.can_assign && e.status !== 'closed' ? <AssignCard key={e.assigned_to ?? 'nobody'} e={e} /> : null}
        </div>
      </div>
    </>
  );
}

// ---------------------------------------------------------------- notes

function Notes({ notes }: { notes: EscalationNote[] }) {
  if (notes.length === 0) return <p className="muted">No notes yet.</p>;
  return (
    <div role="log" aria-label="Notes, oldest first" aria-live="polite" aria-relevant="additions">
      <ol className="esc-notes">
        {notes.map((n) => (
          <NoteItem key={n.id} n={n} />
        ))}
      </ol>
    </div>
  );
}

function NoteItem({ n }: { n: EscalationNote }) {
  const fmt = useFormat();
  const when = <time dateTime={n.created_at}>{fmt.dateTime(n.created_at)}</time>;
  // Status changes, assignments and SLA climbs are written by Karat (no author).
  if (!n.author_id)
    return (
      <li className={`esc-system${n.internal ? ' is-internal' : ''}`}>
        <p>
          {n.internal ? <span className="visually-hidden">Internal: </span> : null}
          {n.body} <span className="muted small">{when}</span>
        </p>
      </li>
    );
  return (
    <li className={`esc-note${n.internal ? ' is-internal' : ''}`}>
      {n.internal ? (
        <p className="esc-internal-label">
          <Icon name="eye-off" size={16} /> Internal note — only managers and whoever holds it see it
        </p>
      ) : null}
      <p className="esc-note-head">
        <strong>{n.author_name ?? 'A colleague'}</strong>
        <span className="muted small">{when}</span>
      </p>
      <p className="esc-note-body">{n.body}</p>
    </li>
  );
}

function NoteForm({ e, canInternal }: { e: EscalationItem; canInternal: boolean }) {
  const qc = useQueryClient();
  const [body, setBody] = useState('');
  const [internal, setInternal] = useState(false);
  const [missing, setMissing] = useState('');
  const [done, setDone] = useState('');
  const form = useRef<HTMLFormElement>(null);
  const send = useMutation({
    mutationFn: () => escalationsApi.note(e.id, body.trim(), canInternal && internal),
    onSuccess: async (d) => {
      setBody('');
      setDone(internal ? 'Internal note added.' : 'Note added.');
      qc.setQueryData(ESCALATION_KEYS.one(e.id), d);
      await qc.invalidateQueries({ queryKey: ESCALATION_KEYS.list });
    },
    onError: (err) => {
      if (err instanceof ApiError && err.status === 409) void qc.invalidateQueries({ queryKey: ESCALATION_KEYS.one(e.id) });
    },
  });
  const submit = (ev: FormEvent<HTMLFormElement>) => {
    ev.preventDefault();
    setDone('');
    if (!body.trim()) {
      setMissing('Write the note first.');
      form.current?.querySelector<HTMLTextAreaElement>('textarea[name="body"]')?.focus();
      return;
    }
    setMissing('');
    send.mutate();
  };
  const fe = fieldErrorsOf(send.error);
  const banner =
    send.error instanceof ApiError && send.error.status === 422 && fe.body && send.error.errors.length === 1 ? null : send.error;
  return (
    <form
      ref={form}
      className={`form esc-composer${internal ? ' is-internal' : ''}`}
      onSubmit={submit}
      noValidate
      aria-label={internal ? 'Add an internal note' : 'Add a note'}
    >
      {canInternal ? (
        <CheckField
          name="internal"
          label="Internal note"
          hint="Only managers, business admins and whoever holds the escalation see it."
          checked={internal}
          onChange={setInternal}
        />
      ) : null}
      {internal ? (
        <p className="esc-internal-label">
          <Icon name="eye-off" size={16} /> Internal note
        </p>
      ) : null}
      <TextAreaField
        label={internal ? 'Internal note' : 'Note'}
        name="body"
        value={body}
        onChange={(x) => setBody(x.target.value)}
        maxLength={5000}
        rows={4}
        hint="What was said or done: a call with the customer, a repair sent out, a promise made."
        error={missing || (fe.body ? sentence(fe.body) : fe.internal ? sentence(fe.internal) : undefined)}
      />
      <FormError error={banner} />
      <p className="visually-hidden" role="status" aria-live="polite">
        {done}
      </p>
      <div className="form-actions">
        <Button type="submit" variant={internal ? 'secondary' : 'primary'} icon={internal ? 'eye-off' : 'note'} busy={send.isPending}>
          {internal ? 'Add internal note' : 'Add note'}
        </Button>
      </div>
    </form>
  );
}

// ---------------------------------------------------------------- status

function StatusActions({ e }: { e: EscalationItem }) {
  const moves = statusMoves(e.status);
  const [chosen, setChosen] = useState<StatusMove | null>(null);
  if (moves.length === 0) return null;
  return (
    <>
      {moves.map((m) => (
        <Button key={`${m.to}-${m.variant}`} variant={m.variant} onClick={() => setChosen(m)}>
          {m.label}
        </Button>
      ))}
      <Modal
        open={chosen !== null}
        onOpenChange={(o) => !o && setChosen(null)}
        title={chosen ? `${chosen.label}: ${e.subject}` : 'Change status'}
        description={chosen?.hint}
      >
        {chosen ? <StatusForm e={e} move={chosen} onDone={() => setChosen(null)} /> : null}
      </Modal>
    </>
  );
}

function StatusForm({ e, move, onDone }: { e: EscalationItem; move: StatusMove; onDone: () => void }) {
  const qc = useQueryClient();
  const toast = useToast();
  const [resolution, setResolution] = useState('');
  const [missing, setMissing] = useState('');
  const save = useMutation({
    mutationFn: () => escalationsApi.setStatus(e.id, move.to, move.needsResolution ? resolution.trim() : null),
    onSuccess: async (d) => {
      qc.setQueryData(ESCALATION_KEYS.one(e.id), d);
      toast({
        title: `${statusLabel(d.escalation.status)}: ${d.escalation.subject}`,
        description: move.to === 'resolved' ? 'The customer is asked how well it was handled.' : undefined,
        tone: 'success',
      });
      onDone();
      await Promise.all([qc.invalidateQueries({ queryKey: ESCALATION_KEYS.list }), qc.invalidateQueries({ queryKey: ['feedback'] })]);
    },
    // A 409 (someone moved it meanwhile) says why here; the escalation is fetched again.
    onError: (err) => {
      if (err instanceof ApiError && (err.status === 409 || err.status === 403))
        void qc.invalidateQueries({ queryKey: ESCALATION_KEYS.one(e.id) });
    },
  });
  const fe = fieldErrorsOf(save.error);
  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    if (move.needsResolution && !resolution.trim()) {
      setMissing('Say what was done for the customer.');
      return;
    }
    setMissing('');
    save.mutate();
  };
  const banner = save.error instanceof ApiError && save.error.status === 422 && fe.resolution ? null : save.error;
  return (
    <form className="form" onSubmit={submit} noValidate>
      <FormError error={banner} />
      {move.needsResolution ? (
        <TextAreaField
          label="Resolution"
          name="resolution"
          value={resolution}
          onChange={(x) => setResolution(x.target.value)}
          maxLength={5000}
          rows={4}
          required
          hint="For example: “Clasp replaced free of charge; customer collected the chain.”"
          error={missing || (fe.resolution ? sentence(fe.resolution) : undefined)}
        />
      ) : (
        <p>
          It goes from “{statusLabel(e.status)}” to “{statusLabel(move.to)}”.
        </p>
      )}
      <div className="form-actions">
        <Button variant="ghost" onClick={onDone}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" busy={save.isPending}>
          {move.label}
        </Button>
      </div>
    </form>
  );
}

// ---------------------------------------------------------------- assignment

function AssignCard({ e }: { e: EscalationItem }) {
  const me = useMe();
  const qc = useQueryClient();
  const toast = useToast();
  const assignees = useAssignees(e.store_id);
  const [to, setTo] = useState(e.assigned_to ?? '');
  const save = useMutation({
    mutationFn: (userId: string) => escalationsApi.assign(e.id, userId),
    onSuccess: async (d) => {
      qc.setQueryData(ESCALATION_KEYS.one(e.id), d);
      toast({ title: `Assigned to ${d.escalation.assigned_name ?? 'a colleague'}`, description: d.escalation.subject, tone: 'success' });
      await qc.invalidateQueries({ queryKey: ESCALATION_KEYS.list });
    },
  });
  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    if (to) save.mutate(to);
  };
  const fe = fieldErrorsOf(save.error);
  const people = assignees.people;
  // The current assignee stays a choice even if they are not in the list.
  const options = [
    ...(e.assigned_to ? [] : [{ value: '', label: 'Choose…' }]),
    ...people.map((p) => ({ value: p.id, label: `${p.id === me.user.id ? `${p.name} (you)` : p.name} · ${ROLE_LABELS[p.role]}` })),
    ...(e.assigned_to && !people.some((p) => p.id === e.assigned_to)
      ? [{ value: e.assigned_to, label: e.assigned_name ?? 'Someone' }]
      : []),
  ];
  return (
    <Card title="Assignment">
      <form className="form" onSubmit={submit} noValidate aria-label="Assignment">
        <FormError error={save.error && !fe.user_id ? save.error : null} />
        <SelectField
          label="Assigned to"
          name="user_id"
          value={to}
          onChange={(x) => setTo(x.target.value)}
          options={options}
          hint={
            assignees.isError ? 'The list of colleagues could not be loaded.' : `Colleagues of ${e.store_name} and the business admins.`
          }
          error={fe.user_id ? sentence(fe.user_id) : undefined}
        />
        <div className="form-actions">
          {e.assigned_to !== me.user.id ? (
            <Button onClick={() => save.mutate(me.user.id)} disabled={save.isPending}>
              Assign to me
            </Button>
          ) : null}
          <Button type="submit" variant="primary" busy={save.isPending} disabled={!to || (e.assigned_to ?? '') === to}>
            Assign
          </Button>
        </div>
      </form>
    </Card>
  );
}
