// Response templates for Karat support: canned answers inserted into a reply
// ("Insert template" on a ticket) and edited there before sending.
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Card, EmptyState, ErrorState, FormError, Loading, PageHeader, TextAreaField, TextField } from '../../components/ui';
import { ConfirmDialog } from '../../components/Modal';
import { Icon } from '../../components/Icon';
import { useToast } from '../../components/toast';
import { describeError } from '../../api/problem';
import { sentence } from '../../lib/customers';
import { bannerError, fieldErrorsOf, useTitle } from '../../lib/forms';
import { useFormat } from '../../lib/locale';
import { PATHS } from '../../lib/nav';
import { TICKET_KEYS, type TicketTemplate } from '../../lib/tickets';
import { ticketsApi, useTemplates } from './api';
import './tickets.css';

export default function TemplatesPage() {
  useTitle('Response templates');
  const templates = useTemplates();
  const qc = useQueryClient();
  const toast = useToast();
  const fmt = useFormat();
  const [deleting, setDeleting] = useState<TicketTemplate | null>(null);
  const remove = useMutation({
    mutationFn: (t: TicketTemplate) => ticketsApi.deleteTemplate(t.id),
    onSuccess: async (_, t) => {
      toast({ title: 'Template deleted', description: t.title, tone: 'success' });
      setDeleting(null);
      await qc.invalidateQueries({ queryKey: TICKET_KEYS.templates });
    },
    onError: (err) => {
      setDeleting(null);
      toast({ title: 'The template was not deleted', description: describeError(err), tone: 'error' });
    },
  });

  return (
    <>
      <p className="breadcrumb">
        <Link to={PATHS.tickets}>
          <Icon name="back" size={18} /> Support tickets
        </Link>
      </p>
      <PageHeader
        title="Response templates"
        description="Answers Karat support gives often. Insert one into a reply and adjust it before sending."
      />
      <div className="grid-2">
        <Card title="Templates">
          {templates.isPending ? (
            <Loading />
          ) : templates.isError ? (
            <ErrorState error={templates.error} onRetry={() => void templates.refetch()} />
          ) : templates.data.length === 0 ? (
            <EmptyState title="No templates yet">
              <p>Add the first one with the form.</p>
            </EmptyState>
          ) : (
            <ul className="list compact" aria-label="Response templates">
              {templates.data.map((t) => (
                <li key={t.id} className="list-item">
                  <div className="list-main">
                    <p className="list-title">{t.title}</p>
                    <p className="small ticket-template-body">{t.body}</p>
                    <p className="muted small">Added {fmt.dateTime(t.created_at, 'date')}</p>
                  </div>
                  <Button small variant="ghost" icon="trash" onClick={() => setDeleting(t)}>
                    Delete<span className="visually-hidden"> {t.title}</span>
                  </Button>
                </li>
              ))}
            </ul>
          )}
        </Card>
        <NewTemplateCard />
      </div>
      <ConfirmDialog
        open={deleting !== null}
        onOpenChange={(o) => !o && setDeleting(null)}
        title={`Delete “${deleting?.title ?? ''}”?`}
        description="Replies already sent with it stay as they are."
        confirmLabel="Delete template"
        danger
        busy={remove.isPending}
        onConfirm={() => deleting && remove.mutate(deleting)}
      />
    </>
  );
}

function NewTemplateCard() {
  const qc = useQueryClient();
  const toast = useToast();
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [missing, setMissing] = useState<Record<string, string>>({});
  const create = useMutation({
    mutationFn: () => ticketsApi.createTemplate(title.trim(), body.trim()),
    onSuccess: async (t) => {
      toast({ title: 'Template added', description: t.title, tone: 'success' });
      setTitle('');
      setBody('');
      await qc.invalidateQueries({ queryKey: TICKET_KEYS.templates });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!title.trim()) errs.title = 'Give the template a short title.';
    if (!body.trim()) errs.body = 'Write the answer.';
    setMissing(errs);
    if (Object.keys(errs).length === 0) create.mutate();
  };
  const server = fieldErrorsOf(create.error);
  const fe = (f: string) => missing[f] ?? (server[f] ? sentence(server[f]) : undefined);
  return (
    <Card title="New template">
      <form className="form" onSubmit={submit} noValidate aria-label="New template">
        <FormError error={bannerError(create.error, ['title', 'body'])} />
        <TextField
          label="Title"
          name="title"
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          maxLength={120}
          error={fe('title')}
          autoComplete="off"
          hint="Only Karat support sees it, in the template list."
        />
        <TextAreaField
          label="Answer"
          name="body"
          value={body}
          onChange={(e) => setBody(e.target.value)}
          maxLength={10_000}
          rows={6}
          error={fe('body')}
        />
        <div className="form-actions">
          <Button type="submit" variant="primary" icon="plus" busy={create.isPending}>
            Add template
          </Button>
        </div>
      </form>
    </Card>
  );
}
