// Raising a ticket with Karat support: what it is about, how urgent, what
// happened, and screenshots or files.
import { useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../../api/problem';
import { Button, ChipGroup, FormError, PageHeader, SelectField, TextAreaField, TextField } from '../../components/ui';
import { Icon } from '../../components/Icon';
import { useToast } from '../../components/toast';
import { sentence } from '../../lib/customers';
import { fieldErrorsOf, useTitle } from '../../lib/forms';
import { PATHS } from '../../lib/nav';
import {
  TICKET_CATEGORIES,
  TICKET_KEYS,
  TICKET_PRIORITIES,
  TICKET_PRIORITY_HINTS,
  TICKET_PRIORITY_LABELS,
  categoryLabel,
  type TicketCategory,
  type TicketPriority,
} from '../../lib/tickets';
import { AttachmentPicker } from './Attachments';
import { useAttachmentUploads } from './useAttachmentUploads';
import { ticketsApi } from './api';
import './tickets.css';

const FIELDS = ['subject', 'category', 'priority', 'body', 'attachment_ids'] as const;

export default function NewTicketPage() {
  useTitle('New support ticket');
  const qc = useQueryClient();
  const toast = useToast();
  const navigate = useNavigate();
  const uploads = useAttachmentUploads();
  const [subject, setSubject] = useState('');
  const [category, setCategory] = useState<TicketCategory | ''>('');
  const [priority, setPriority] = useState<TicketPriority>('normal');
  const [body, setBody] = useState('');
  const [missing, setMissing] = useState<Record<string, string>>({});
  const summary = useRef<HTMLDivElement>(null);
  // A field's "missing" message goes once something is filled in.
  const filled = (f: string) => setMissing((m) => (m[f] ? Object.fromEntries(Object.entries(m).filter(([k]) => k !== f)) : m));

  const create = useMutation({
    mutationFn: () =>
      ticketsApi.create({
        subject: subject.trim(),
        category: category as TicketCategory,
        priority,
        body: body.trim(),
        attachment_ids: uploads.ids,
      }),
    onSuccess: async (d) => {
      toast({ title: `Ticket ${d.ticket.number} raised`, description: 'Karat support will answer here.', tone: 'success' });
      qc.setQueryData(TICKET_KEYS.one(d.ticket.id), d);
      await qc.invalidateQueries({ queryKey: TICKET_KEYS.list });
      navigate(`${PATHS.tickets}/${encodeURIComponent(d.ticket.id)}`);
    },
    onError: () => summary.current?.focus(),
  });

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!subject.trim()) errs.subject = 'Say in a few words what it is about.';
    if (!category) errs.category = 'Choose what it is about.';
    if (!body.trim()) errs.body = 'Describe what happened, and what you expected.';
    setMissing(errs);
    if (Object.keys(errs).length > 0) {
      // The first field that needs attention, for keyboard and screen reader users.
      const first = FIELDS.find((f) => errs[f]);
      const el = first ? e.currentTarget.querySelector<HTMLElement>(`[name="${first}"]`) : null;
      el?.focus();
      return;
    }
    if (uploads.busy) return;
    create.mutate();
  };

  const server = fieldErrorsOf(create.error);
  const fe = (f: string): string | undefined => missing[f] ?? (server[f] ? sentence(server[f]) : undefined);
  const banner =
    create.error instanceof ApiError &&
    create.error.status === 422 &&
    create.error.errors.length > 0 &&
    create.error.errors.every((e) => (FIELDS as readonly string[]).includes(e.field))
      ? null
      : create.error;

  return (
    <>
      <p className="breadcrumb">
        <Link to={PATHS.tickets}>
          <Icon name="back" size={18} /> Support
        </Link>
      </p>
      <PageHeader title="New support ticket" description="Karat support answers on the ticket; you get a notification when they reply." />
      <form className="form card ticket-form" onSubmit={submit} noValidate aria-label="New support ticket">
        <div ref={summary} tabIndex={-1} className="error-summary-anchor">
          <FormError error={banner} />
          {create.error instanceof ApiError && create.error.status === 422 && !banner ? (
            <p className="alert alert-error" role="alert">
              <Icon name="alert" size={20} /> Some fields need attention.
            </p>
          ) : null}
        </div>
        <TextField
          label="Subject"
          name="subject"
          value={subject}
          onChange={(e) => {
            setSubject(e.target.value);
            filled('subject');
          }}
          maxLength={200}
          required
          autoComplete="off"
          hint="For example: “Import stops at row 120” or “Invoice for November is wrong”."
          error={fe('subject')}
        />
        <SelectField
          label="What is it about?"
          name="category"
          value={category}
          onChange={(e) => {
            setCategory(e.target.value as TicketCategory | '');
            filled('category');
          }}
          required
          options={[{ value: '', label: 'Choose…' }, ...TICKET_CATEGORIES.map((c) => ({ value: c, label: categoryLabel(c) }))]}
          error={fe('category')}
        />
        <ChipGroup
          legend="How urgent is it?"
          name="priority"
          value={priority}
          onChange={setPriority}
          options={TICKET_PRIORITIES.map((p) => ({ value: p, label: TICKET_PRIORITY_LABELS[p] }))}
          hint={TICKET_PRIORITY_HINTS[priority]}
          error={fe('priority')}
        />
        <TextAreaField
          label="What happened?"
          name="body"
          value={body}
          onChange={(e) => {
            setBody(e.target.value);
            filled('body');
          }}
          maxLength={10_000}
          rows={7}
          required
          hint="What you did, what you saw, and what you expected. Mention the store, customer or screen if it helps."
          error={fe('body')}
        />
        <div className="field" role="group" aria-labelledby="ticket-files-label">
          <span className="label" id="ticket-files-label">
            Screenshots and files (optional)
          </span>
          <AttachmentPicker uploads={uploads} />
          {fe('attachment_ids') ? (
            <p className="field-error">
              <Icon name="alert" size={16} /> {fe('attachment_ids')}
            </p>
          ) : null}
        </div>
        <div className="form-actions">
          <Link to={PATHS.tickets} className="btn btn-ghost">
            Cancel
          </Link>
          <Button type="submit" variant="primary" busy={create.isPending} disabled={uploads.busy}>
            {uploads.busy ? 'Waiting for uploads…' : 'Send to Karat support'}
          </Button>
        </div>
      </form>
    </>
  );
}
