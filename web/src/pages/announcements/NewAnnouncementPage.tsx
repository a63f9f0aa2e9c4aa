// Publishing an announcement: title and text, normal or urgent, pinned, who
// it is for (stores and roles; platform admins: every business, optionally by
// role; managers: some of their own stores), now or later, an optional end,
// and whether people must acknowledge it. Times are the user's wall clock.
import { useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../../api/problem';
import type { Role } from '../../api/types';
import { useMe } from '../../auth/useAuth';
import { Button, CheckField, ChipGroup, FormError, PageHeader, TextAreaField, TextField } from '../../components/ui';
import { Icon } from '../../components/Icon';
import { useToast } from '../../components/toast';
import {
  ANNOUNCEMENT_KEYS,
  AUDIENCE_ROLES,
  EMPTY_DRAFT,
  audienceText,
  buildAnnouncement,
  publisherOf,
  roleOption,
  type AnnouncementDraft,
  type AnnouncementPriority,
} from '../../lib/announcements';
import { sentence } from '../../lib/customers';
import { isoToZonedLocal } from '../../lib/format';
import { fieldErrorsOf, useTitle } from '../../lib/forms';
import { useFormat } from '../../lib/locale';
import { PATHS } from '../../lib/nav';
import { useStores } from '../customers/hooks';
import { announcementsApi } from './api';
import './announcements.css';

const FIELDS = ['title', 'body', 'priority', 'store_ids', 'roles', 'publish_at', 'expires_at'] as const;
const PRIORITIES: { value: AnnouncementPriority; label: string }[] = [
  { value: 'normal', label: 'Normal' },
  { value: 'urgent', label: 'Urgent' },
];

export default function NewAnnouncementPage() {
  useTitle('New announcement');
  const me = useMe();
  const fmt = useFormat();
  const qc = useQueryClient();
  const toast = useToast();
  const navigate = useNavigate();
  const publisher = publisherOf(me.user.role);
  const tz = fmt.settings.timeZone;
  const { stores, byId } = useStores();
  // Business admins address any active store; managers some of their own.
  const storeChoices = stores.filter((s) => s.active && (publisher === 'business' || me.user.store_ids.includes(s.id)));
  const [d, setD] = useState<AnnouncementDraft>(() => ({
    ...EMPTY_DRAFT,
    // A manager with one store announces to it.
    store_ids: publisher === 'stores' && me.user.store_ids.length === 1 ? [...me.user.store_ids] : [],
  }));
  const [missing, setMissing] = useState<Record<string, string>>({});
  const summary = useRef<HTMLDivElement>(null);
  const set = <K extends keyof AnnouncementDraft>(k: K, v: AnnouncementDraft[K]) => {
    setD((x) => ({ ...x, [k]: v }));
    setMissing((m) => (m[k] ? Object.fromEntries(Object.entries(m).filter(([f]) => f !== k)) : m));
  };

  const create = useMutation({
    mutationFn: (body: Parameters<typeof announcementsApi.create>[0]) => announcementsApi.create(body),
    onSuccess: async (a) => {
      toast({
        title: d.when === 'later' ? 'Announcement scheduled' : 'Announcement published',
        description: a.title,
        tone: 'success',
      });
      await qc.invalidateQueries({ queryKey: ANNOUNCEMENT_KEYS.root });
      navigate(`${PATHS.announcements}/${encodeURIComponent(a.id)}`);
    },
    onError: () => summary.current?.focus(),
  });

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const { errors, body } = buildAnnouncement(d, publisher, tz, new Date().getTime());
    setMissing(errors);
    if (!body) {
      const first = FIELDS.find((f) => errors[f]);
      e.currentTarget.querySelector<HTMLElement>(`[name="${first}"]`)?.focus();
      return;
    }
    create.mutate(body);
  };

  const server = fieldErrorsOf(create.error);
  const fe = (f: string): string | undefined => missing[f] ?? (server[f] ? sentence(server[f]) : undefined);
  const banner =
    create.error instanceof ApiError &&
    create.error.status === 422 &&
    create.error.errors.length > 0 &&
    create.error.errors.every((x) => (FIELDS as readonly string[]).includes(x.field))
      ? null
      : create.error;
  const nowLocal = isoToZonedLocal(new Date().toISOString(), tz);
  const who = audienceText({ platform: publisher === 'platform', store_ids: d.store_ids, roles: d.roles }, (id) => byId.get(id)?.name);

  return (
    <>
      <p className="breadcrumb">
        <Link to={`${PATHS.announcements}${me.tenant ? '?view=manage' : ''}`}>
          <Icon name="back" size={18} /> Announcements
        </Link>
      </p>
      <PageHeader
        title="New announcement"
        description={
          publisher === 'platform'
            ? 'A platform-wide announcement reaches every business on Karat, signed “Karat”.'
            : publisher === 'business'
              ? 'Reach the whole business, or only some stores or roles.'
              : 'Reach the people of your stores.'
        }
      />
      <form className="form card ann-form" onSubmit={submit} noValidate aria-label="New announcement">
        <div ref={summary} tabIndex={-1} className="error-summary-anchor">
          <FormError error={banner} />
          {create.error instanceof ApiError && create.error.status === 422 && !banner ? (
            <p className="alert alert-error" role="alert">
              <Icon name="alert" size={20} /> Some fields need attention.
            </p>
          ) : null}
        </div>
        <TextField
          label="Title"
          name="title"
          value={d.title}
          onChange={(e) => set('title', e.target.value)}
          maxLength={200}
          required
          autoComplete="off"
          hint="For example: “Gold rate revised from tomorrow” or “Store closed on Monday”."
          error={fe('title')}
        />
        <TextAreaField
          label="Message"
          name="body"
          value={d.body}
          onChange={(e) => set('body', e.target.value)}
          maxLength={5000}
          rows={6}
          required
          error={fe('body')}
        />
        <ChipGroup<AnnouncementPriority>
          legend="Priority"
          name="priority"
          options={PRIORITIES}
          value={d.priority}
          onChange={(v) => set('priority', v)}
          hint="Urgent ones show in red at the top of every page and are also sent as a notification."
          error={fe('priority')}
        />
        <CheckField
          name="pinned"
          label="Pin it"
          hint="Shown at the top of every page until each person dismisses it, and first in the list."
          checked={d.pinned}
          onChange={(v) => set('pinned', v)}
        />
        <CheckField
          name="requires_ack"
          label="Ask everyone to acknowledge it"
          hint="Each person confirms they have read it; you see who has and who has not."
          checked={d.requires_ack}
          onChange={(v) => set('requires_ack', v)}
        />
        <fieldset className="form-section">
          <legend className="form-section-title">Who it is for</legend>
          {publisher !== 'platform' ? (
            storeChoices.length > 0 ? (
              <ChipGroup<string>
                multiple
                legend={publisher === 'stores' ? 'Stores' : 'Stores (optional)'}
                name="store_ids"
                options={storeChoices.map((s) => ({ value: s.id, label: s.name }))}
                value={d.store_ids}
                onChange={(v) => set('store_ids', v)}
                hint={
                  publisher === 'stores'
                    ? 'Choose at least one of your stores.'
                    : 'None chosen: every store. Business admins always receive it.'
                }
                error={fe('store_ids')}
              />
            ) : (
              <p className="muted small">Loading stores…</p>
            )
          ) : null}
          <ChipGroup<Role>
            multiple
            legend="Roles (optional)"
            name="roles"
            options={AUDIENCE_ROLES.map(roleOption)}
            value={d.roles}
            onChange={(v) => set('roles', v)}
            hint="None chosen: every role."
            error={fe('roles')}
          />
          <p className="small" aria-live="polite">
            <strong>Who sees it:</strong> {who}.
          </p>
        </fieldset>
        <fieldset className="form-section">
          <legend className="form-section-title">When</legend>
          <ChipGroup<'now' | 'later'>
            legend="Publish"
            name="when"
            className="ann-when"
            options={[
              { value: 'now', label: 'Now' },
              { value: 'later', label: 'Later' },
            ]}
            value={d.when}
            onChange={(v) => set('when', v)}
          />
          {d.when === 'later' ? (
            <TextField
              label="Publish at"
              name="publish_at"
              type="datetime-local"
              value={d.publish_at}
              min={nowLocal}
              onChange={(e) => set('publish_at', e.target.value)}
              hint={`Your time (${tz}).`}
              error={fe('publish_at')}
            />
          ) : null}
          <TextField
            label="Ends (optional)"
            name="expires_at"
            type="datetime-local"
            value={d.expires_at}
            min={d.when === 'later' && d.publish_at ? d.publish_at : nowLocal}
            onChange={(e) => set('expires_at', e.target.value)}
            hint={`It disappears for everyone then. Your time (${tz}).`}
            error={fe('expires_at')}
          />
        </fieldset>
        <div className="form-actions">
          <Link to={PATHS.announcements} className="btn btn-ghost">
            Cancel
          </Link>
          <Button type="submit" variant="primary" icon="announcements" busy={create.isPending}>
            {d.when === 'later' ? 'Schedule' : 'Publish'}
          </Button>
        </div>
      </form>
    </>
  );
}
