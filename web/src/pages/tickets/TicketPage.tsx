// One support ticket: its header (number, status, priority, SLA, who has it),
// the conversation with Karat support, a reply box with files, and the status
// moves this side may make. Karat support also assigns the ticket, writes
// internal notes the business never sees, and inserts response templates.
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
import { fieldErrorsOf, useTitle } from '../../lib/forms';
import { useFormat } from '../../lib/locale';
import { PATHS } from '../../lib/nav';
import {
  TICKET_KEYS,
  canReply,
  categoryLabel,
  priorityLabel,
  statusActions,
  statusLabel,
  withTemplate,
  type StatusAction,
  type TicketDetail,
  type TicketItem,
  type TicketMessage,
  type TicketSide,
} from '../../lib/tickets';
import { AttachmentList, AttachmentPicker } from './Attachments';
import { useAttachmentUploads } from './useAttachmentUploads';
import { ticketsApi, useClock, useSupportStaff, useTemplates, useTicket, useTicketSide } from './api';
import { SlaText, TicketPriorityBadge, TicketStatusBadge } from './shared';
import './tickets.css';

export default function TicketPage() {
  const { id = '' } = useParams();
  const side = useTicketSide();
  const detail = useTicket(id, side);
  useTitle(detail.data ? `${detail.data.ticket.number}: ${detail.data.ticket.subject}` : 'Support ticket');

  const back = (
    <p className="breadcrumb">
      <Link to={PATHS.tickets}>
        <Icon name="back" size={18} /> {side === 'platform' ? 'Support tickets' : 'Support'}
      </Link>
    </p>
  );
  if (detail.isPending)
    return (
      <>
        {back}
        <Loading label="Loading the ticket…" />
      </>
    );
  if (detail.isError)
    return (
      <>
        {back}
        <PageHeader title="Support ticket" />
        {detail.error instanceof ApiError && detail.error.status === 404 ? (
          <EmptyState title="This ticket is not available">
            <p>It may have been raised by someone else in your business: managers see the tickets they raised themselves.</p>
          </EmptyState>
        ) : (
          <ErrorState error={detail.error} onRetry={() => void detail.refetch()} />
        )}
      </>
    );
  return (
    <>
      {back}
      <TicketView d={detail.data} side={side} />
    </>
  );
}

function TicketView({ d, side }: { d: TicketDetail; side: TicketSide }) {
  const fmt = useFormat();
  const now = useClock();
  const t = d.ticket;
  const platform = side === 'platform';
  return (
    <>
      <PageHeader
        title={t.subject}
        description={
          <>
            <span className="header-badges">
              <span className="code">{t.number}</span>
              <TicketStatusBadge status={t.status} />
              <TicketPriorityBadge priority={t.priority} />
              <span>{categoryLabel(t.category)}</span>
            </span>
            <span className="ticket-header-meta">
              <SlaText ticket={t} now={now} />
              <span>
                {t.assigned_name ? (
                  <>
                    With <strong>{t.assigned_name}</strong> (Karat support)
                  </>
                ) : (
                  'Not assigned yet'
                )}
              </span>
              {platform ? <span>{t.tenant_name}</span> : null}
            </span>
          </>
        }
        actions={<StatusActions d={d} side={side} now={now} />}
      />
      <div className="ticket-layout">
        <section className="card ticket-thread-card" aria-labelledby="ticket-conversation-title">
          <h2 id="ticket-conversation-title">Conversation</h2>
          <Conversation messages={d.messages} side={side} />
          {canReply(t.status) ? (
            <Composer ticket={t} side={side} />
          ) : (
            <p className="alert alert-info ticket-closed-note">
              <Icon name="alert" size={20} />
              <span>
                {platform
                  ? d.reopen_until
                    ? `This ticket is closed. The business can reopen it until ${fmt.dateTime(d.reopen_until)}.`
                    : 'This ticket is closed.'
                  : d.reopen_until && Date.parse(d.reopen_until) >= now
                    ? `This ticket is closed. To write again, reopen it (until ${fmt.dateTime(d.reopen_until)}).`
                    : 'This ticket is closed. If you need more help, raise a new ticket.'}
              </span>
            </p>
          )}
        </section>
        <div className="ticket-side">
          <Card title="Details">
            <dl className="details">
              {platform ? (
                <>
                  <dt>Business</dt>
                  <dd>
                    <Link to={`/platform/tenants/${encodeURIComponent(t.tenant_id)}`}>{t.tenant_name}</Link>
                  </dd>
                </>
              ) : null}
              <dt>Raised by</dt>
              <dd>{t.created_by_name}</dd>
              <dt>Raised</dt>
              <dd>
                <time dateTime={t.created_at}>{fmt.dateTime(t.created_at)}</time>
              </dd>
              <dt>About</dt>
              <dd>{categoryLabel(t.category)}</dd>
              <dt>Priority</dt>
              <dd>{priorityLabel(t.priority)}</dd>
              <dt>Status</dt>
              <dd>{statusLabel(t.status)}</dd>
              {t.resolved_at ? (
                <>
                  <dt>Resolved</dt>
                  <dd>
                    <time dateTime={t.resolved_at}>{fmt.dateTime(t.resolved_at)}</time>
                  </dd>
                </>
              ) : null}
              {t.closed_at ? (
                <>
                  <dt>Closed</dt>
                  <dd>
                    <time dateTime={t.closed_at}>{fmt.dateTime(t.closed_at)}</time>
                  </dd>
                </>
              ) : null}
              {d.reopen_until && !platform ? (
                <>
                  <dt>Can reopen until</dt>
                  <dd>
                    <time dateTime={d.reopen_until}>{fmt.dateTime(d.reopen_until)}</time>
                  </dd>
                </>
              ) : null}
            </dl>
          </Card>
          {platform ? <AssignCard key={t.assigned_to ?? 'nobody'} ticket={t} /> : null}
        </div>
      </div>
    </>
  );
}

// ---------------------------------------------------------------- conversation

function Conversation({ messages, side }: { messages: TicketMessage[]; side: TicketSide }) {
  return (
    <div role="log" aria-label="Messages, oldest first" aria-live="polite" aria-relevant="additions">
      <ol className="ticket-thread">
        {messages.map((m) => (
          <MessageItem key={m.id} m={m} side={side} />
        ))}
      </ol>
    </div>
  );
}

function MessageItem({ m, side }: { m: TicketMessage; side: TicketSide }) {
  const fmt = useFormat();
  const when = <time dateTime={m.created_at}>{fmt.dateTime(m.created_at)}</time>;
  if (m.kind === 'system')
    return (
      <li className="ticket-system">
        <p>
          {m.body} <span className="muted small">{when}</span>
        </p>
      </li>
    );
  const internal = m.kind === 'internal';
  const mine = m.from_platform === (side === 'platform');
  return (
    <li
      className={`ticket-msg${m.from_platform ? ' is-support' : ' is-customer'}${internal ? ' is-internal' : ''}${mine ? ' is-mine' : ''}`}
    >
      {internal ? (
        <p className="ticket-internal-label">
          <Icon name="eye-off" size={16} /> Internal note — not visible to the customer
        </p>
      ) : null}
      <p className="ticket-msg-head">
        <strong>{m.author_name ?? (m.from_platform ? 'Karat support' : 'Someone')}</strong>
        {m.from_platform && !internal ? <Badge tone="gold">Karat support</Badge> : null}
        <span className="muted small">{when}</span>
      </p>
      <p className="ticket-msg-body">{m.body}</p>
      <AttachmentList attachments={m.attachments} />
    </li>
  );
}

// ---------------------------------------------------------------- reply

function Composer({ ticket: t, side }: { ticket: TicketItem; side: TicketSide }) {
  const qc = useQueryClient();
  const platform = side === 'platform';
  const uploads = useAttachmentUploads(platform ? t.id : undefined);
  const [body, setBody] = useState('');
  const [internal, setInternal] = useState(false);
  const [missing, setMissing] = useState('');
  const [done, setDone] = useState('');
  const form = useRef<HTMLFormElement>(null);
  const send = useMutation({
    mutationFn: () => ticketsApi.reply(t.id, body.trim(), platform && internal, uploads.ids),
    onSuccess: async (m) => {
      setBody('');
      uploads.reset();
      setDone(m.kind === 'internal' ? 'Internal note added.' : 'Reply sent.');
      qc.setQueryData<TicketDetail>(TICKET_KEYS.one(t.id), (old) =>
        old && !old.messages.some((x) => x.id === m.id) ? { ...old, messages: [...old.messages, m] } : old,
      );
      await Promise.all([qc.invalidateQueries({ queryKey: TICKET_KEYS.one(t.id) }), qc.invalidateQueries({ queryKey: TICKET_KEYS.list })]);
    },
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setDone('');
    if (!body.trim()) {
      setMissing(internal ? 'Write the note first.' : 'Write your reply first.');
      form.current?.querySelector<HTMLTextAreaElement>('textarea[name="body"]')?.focus();
      return;
    }
    setMissing('');
    if (uploads.busy) return;
    send.mutate();
  };
  const fe = fieldErrorsOf(send.error);
  const banner =
    send.error instanceof ApiError &&
    send.error.status === 422 &&
    send.error.errors.length > 0 &&
    send.error.errors.every((x) => x.field === 'body')
      ? null
      : send.error;
  const label = internal ? 'Internal note' : platform ? `Reply to ${t.tenant_name}` : 'Your reply';
  return (
    <form
      ref={form}
      className={`form ticket-composer${internal ? ' is-internal' : ''}`}
      onSubmit={submit}
      noValidate
      aria-label={internal ? 'Add an internal note' : 'Reply'}
    >
      {platform ? (
        <div className="ticket-composer-tools">
          <CheckField
            name="internal"
            label="Write an internal note"
            hint="Only Karat support sees it; the business is not told."
            checked={internal}
            onChange={setInternal}
          />
          <TemplatePicker
            onInsert={(text) => {
              setBody((b) => withTemplate(b, text));
              form.current?.querySelector<HTMLTextAreaElement>('textarea[name="body"]')?.focus();
            }}
          />
        </div>
      ) : null}
      {internal ? (
        <p className="ticket-internal-label">
          <Icon name="eye-off" size={16} /> Internal note — not visible to the customer
        </p>
      ) : null}
      <TextAreaField
        label={label}
        name="body"
        value={body}
        onChange={(e) => {
          setBody(e.target.value);
          if (missing) setMissing('');
        }}
        maxLength={10_000}
        rows={5}
        error={missing || (fe.body ? sentence(fe.body) : undefined)}
      />
      <AttachmentPicker uploads={uploads} />
      <FormError error={banner} />
      <p className="visually-hidden" role="status" aria-live="polite">
        {done}
      </p>
      <div className="form-actions">
        <Button
          type="submit"
          variant={internal ? 'secondary' : 'primary'}
          icon={internal ? 'eye-off' : undefined}
          busy={send.isPending}
          disabled={uploads.busy}
        >
          {uploads.busy ? 'Waiting for uploads…' : internal ? 'Add internal note' : 'Send reply'}
        </Button>
      </div>
    </form>
  );
}

function TemplatePicker({ onInsert }: { onInsert: (text: string) => void }) {
  const templates = useTemplates();
  const [chosen, setChosen] = useState('');
  const list = templates.data ?? [];
  if (templates.isSuccess && list.length === 0)
    return (
      <p className="muted small ticket-template-picker">
        No response templates yet. <Link to={PATHS.ticketTemplates}>Add one</Link>
      </p>
    );
  return (
    <div className="ticket-template-picker">
      <SelectField
        label="Insert template"
        name="template"
        value={chosen}
        onChange={(e) => setChosen(e.target.value)}
        disabled={!templates.isSuccess}
        options={[
          { value: '', label: templates.isSuccess ? 'Choose a template…' : 'Loading templates…' },
          ...list.map((x) => ({ value: x.id, label: x.title })),
        ]}
      />
      <Button
        small
        disabled={!chosen}
        onClick={() => {
          const x = list.find((y) => y.id === chosen);
          if (!x) return;
          onInsert(x.body);
          setChosen('');
        }}
      >
        Insert
      </Button>
      <Link to={PATHS.ticketTemplates} className="small">
        Manage templates
      </Link>
    </div>
  );
}

// ---------------------------------------------------------------- status

function StatusActions({ d, side, now }: { d: TicketDetail; side: TicketSide; now: number }) {
  const actions = statusActions(d.ticket.status, side, d.reopen_until, now);
  const [chosen, setChosen] = useState<StatusAction | null>(null);
  if (actions.length === 0) return null;
  return (
    <>
      {actions.map((a) => (
        // Keyed by look too: a button that changes variant is a new one, not a colour fading through unreadable shades.
        <Button key={`${a.to}-${a.variant}`} variant={a.variant} onClick={() => setChosen(a)}>
          {a.label}
        </Button>
      ))}
      <Modal
        open={chosen !== null}
        onOpenChange={(o) => !o && setChosen(null)}
        title={chosen ? `${chosen.label}: ${d.ticket.number}` : 'Change status'}
        description={chosen?.hint}
      >
        {chosen ? <StatusForm ticket={d.ticket} action={chosen} onDone={() => setChosen(null)} /> : null}
      </Modal>
    </>
  );
}

function StatusForm({ ticket: t, action, onDone }: { ticket: TicketItem; action: StatusAction; onDone: () => void }) {
  const qc = useQueryClient();
  const toast = useToast();
  const [note, setNote] = useState('');
  const save = useMutation({
    mutationFn: () => ticketsApi.setStatus(t.id, action.to, note.trim() || null),
    onSuccess: async (d) => {
      qc.setQueryData(TICKET_KEYS.one(t.id), d);
      toast({ title: `${d.ticket.number}: ${statusLabel(d.ticket.status)}`, tone: 'success' });
      onDone();
      await qc.invalidateQueries({ queryKey: TICKET_KEYS.list });
    },
    // A 409 (someone else moved it meanwhile) or 403 says why here; the ticket is fetched again.
    onError: (err) => {
      if (err instanceof ApiError && (err.status === 409 || err.status === 403))
        void qc.invalidateQueries({ queryKey: TICKET_KEYS.one(t.id) });
    },
  });
  const fe = fieldErrorsOf(save.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <form className="form" onSubmit={submit} noValidate>
      <FormError error={save.error && !(save.error instanceof ApiError && save.error.status === 422 && fe.note) ? save.error : null} />
      <TextAreaField
        label="Note (optional)"
        name="note"
        value={note}
        onChange={(e) => setNote(e.target.value)}
        maxLength={1000}
        rows={3}
        hint="Added to the conversation with the status change."
        error={fe.note ? sentence(fe.note) : undefined}
      />
      <div className="form-actions">
        <Button variant="ghost" onClick={onDone}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" busy={save.isPending}>
          {action.label}
        </Button>
      </div>
    </form>
  );
}

// ---------------------------------------------------------------- assignment (platform)

function AssignCard({ ticket: t }: { ticket: TicketItem }) {
  const me = useMe();
  const qc = useQueryClient();
  const toast = useToast();
  const staff = useSupportStaff();
  const [to, setTo] = useState(t.assigned_to ?? '');
  const save = useMutation({
    mutationFn: (userId: string | null) => ticketsApi.assign(t.id, userId),
    onSuccess: async (d) => {
      qc.setQueryData(TICKET_KEYS.one(t.id), d);
      toast({
        title: d.ticket.assigned_name ? `Assigned to ${d.ticket.assigned_name}` : 'Unassigned',
        description: d.ticket.number,
        tone: 'success',
      });
      await qc.invalidateQueries({ queryKey: TICKET_KEYS.list });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(to || null);
  };
  const fe = fieldErrorsOf(save.error);
  const people = staff.data ?? [];
  // The current assignee stays a choice even if they are no longer in the staff list.
  const options = [
    { value: '', label: 'Nobody' },
    ...people.map((p) => ({ value: p.id, label: p.id === me.user.id ? `${p.name} (you)` : p.name })),
    ...(t.assigned_to && !people.some((p) => p.id === t.assigned_to)
      ? [{ value: t.assigned_to, label: t.assigned_name ?? 'Someone' }]
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
          onChange={(e) => setTo(e.target.value)}
          options={options}
          hint={staff.isError ? 'The list of Karat support staff could not be loaded.' : undefined}
          error={fe.user_id ? sentence(fe.user_id) : undefined}
        />
        <div className="form-actions">
          {t.assigned_to !== me.user.id ? (
            <Button onClick={() => save.mutate(me.user.id)} disabled={save.isPending}>
              Assign to me
            </Button>
          ) : null}
          <Button type="submit" variant="primary" busy={save.isPending} disabled={(t.assigned_to ?? '') === to}>
            Save
          </Button>
        </div>
      </form>
    </Card>
  );
}
