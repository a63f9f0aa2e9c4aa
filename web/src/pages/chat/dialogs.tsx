// Chat dialogs: a new channel, a new direct message, and a channel's details
// (rename, describe, archive, add and remove people, leave).
import { useId, useMemo, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, describeError } from '../../api/problem';
import type { User } from '../../api/types';
import { useMe } from '../../auth/useAuth';
import { Icon } from '../../components/Icon';
import { Modal } from '../../components/Modal';
import { Badge, Button, CheckField, EmptyState, ErrorState, FormError, Loading, TextAreaField, TextField } from '../../components/ui';
import { useToast } from '../../components/toast';
import { CHAT_KEYS, channelTitle, displayName, type Channel, type ChannelItem } from '../../lib/chat';
import { bannerError, fieldErrorsOf } from '../../lib/forms';
import { ROLE_LABELS } from '../../lib/roles';
import { PresenceDot } from '../../presence/PresenceDot';
import { usePresence } from '../../presence/context';
import { chatApi, useColleagues, type Colleague } from './data';

const matchesName = (u: { name: string }, q: string) => {
  const t = q.trim().toLowerCase();
  return (
    !t ||
    u.name
      .toLowerCase()
      .split(/\s+/)
      .some((w) => w.startsWith(t)) ||
    u.name.toLowerCase().startsWith(t)
  );
};

/** Colleagues to tick, with a filter (a fieldset of checkboxes). */
function PeoplePicker({
  legend,
  hint,
  people,
  value,
  onChange,
  error,
}: {
  legend: string;
  hint?: string;
  people: readonly Colleague[];
  value: readonly string[];
  onChange: (ids: string[]) => void;
  error?: string | undefined;
}) {
  const id = useId();
  const [filter, setFilter] = useState('');
  const shown = people.filter((u) => matchesName(u, filter));
  const toggle = (uid: string, on: boolean) => onChange(on ? [...value, uid] : value.filter((x) => x !== uid));
  return (
    <fieldset className={`field chat-people${error ? ' field-invalid' : ''}`} aria-describedby={`${id}-hint`}>
      <legend>{legend}</legend>
      <label className="visually-hidden" htmlFor={`${id}-filter`}>
        Filter people by name
      </label>
      <input
        id={`${id}-filter`}
        type="search"
        className="chat-people-filter"
        placeholder="Filter by name"
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
      />
      <div className="chat-people-list">
        {shown.length === 0 ? <p className="muted small">{people.length === 0 ? 'Nobody to add.' : 'Nobody by that name.'}</p> : null}
        {shown.map((u) => (
          <label key={u.id} className="check">
            <input type="checkbox" checked={value.includes(u.id)} onChange={(e) => toggle(u.id, e.target.checked)} />
            <span>
              {u.name}
              <span className="muted"> · {ROLE_LABELS[u.role]}</span>
            </span>
          </label>
        ))}
      </div>
      <p className="field-hint" id={`${id}-hint`}>
        {value.length === 0 ? (hint ?? 'Nobody chosen yet.') : `${value.length} ${value.length === 1 ? 'person' : 'people'} chosen.`}
      </p>
      {error ? (
        <p className="field-error">
          <Icon name="alert" size={16} /> {error}
        </p>
      ) : null}
    </fieldset>
  );
}

export function NewChannelDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  return (
    <Modal
      open={open}
      onOpenChange={onOpenChange}
      title="New channel"
      description="A channel for a team or a topic. Anyone in the business can find and join a public channel; a private one is only for the people in it."
    >
      {open ? <NewChannelForm onDone={() => onOpenChange(false)} /> : null}
    </Modal>
  );
}

function NewChannelForm({ onDone }: { onDone: () => void }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const colleagues = useColleagues();
  const [priv, setPriv] = useState(false);
  const [members, setMembers] = useState<string[]>([]);
  const [nameError, setNameError] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: chatApi.create,
    onSuccess: async (c) => {
      await qc.invalidateQueries({ queryKey: CHAT_KEYS.channels });
      qc.setQueryData(CHAT_KEYS.channel(c.id), c);
      onDone();
      void navigate(`/chat/${c.id}`);
    },
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const name = String(data.get('name') ?? '').trim();
    const description = String(data.get('description') ?? '').trim();
    if (!name) {
      setNameError('Give the channel a name.');
      return;
    }
    setNameError(null);
    create.mutate({ name, description: description || null, private: priv, member_ids: members });
  };
  const fields = fieldErrorsOf(create.error);
  const taken = create.error instanceof ApiError && create.error.status === 409 ? create.error.detail : null;
  return (
    <form className="form" onSubmit={submit} noValidate>
      <TextField label="Name" name="name" required maxLength={80} autoComplete="off" error={nameError ?? taken ?? fields.name} />
      <TextAreaField label="What it is for (optional)" name="description" maxLength={500} rows={2} error={fields.description} />
      <CheckField
        label="Private"
        name="private"
        checked={priv}
        onChange={setPriv}
        hint="Only the people you add see a private channel; it cannot be made public later."
      />
      {colleagues.isPending ? (
        <Loading label="Loading colleagues…" />
      ) : colleagues.isError ? (
        <ErrorState error={colleagues.error} onRetry={() => void colleagues.refetch()} />
      ) : (
        <PeoplePicker
          legend="Add people"
          hint={priv ? 'Add the people who should see it.' : 'Optional: others can join by themselves.'}
          people={colleagues.data}
          value={members}
          onChange={setMembers}
          error={fields.member_ids}
        />
      )}
      <FormError error={taken ? null : bannerError(create.error, ['name', 'description', 'member_ids'])} />
      <div className="form-actions">
        <Button variant="ghost" onClick={onDone}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" busy={create.isPending}>
          Create channel
        </Button>
      </div>
    </form>
  );
}

export function NewDirectDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  return (
    <Modal open={open} onOpenChange={onOpenChange} title="New message" description="Write to one colleague directly.">
      {open ? <NewDirectForm onDone={() => onOpenChange(false)} /> : null}
    </Modal>
  );
}

function NewDirectForm({ onDone }: { onDone: () => void }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const colleagues = useColleagues();
  const presence = usePresence();
  const id = useId();
  const [filter, setFilter] = useState('');
  const open = useMutation({
    mutationFn: (u: Colleague) => chatApi.direct(u.id),
    onSuccess: async (c) => {
      await qc.invalidateQueries({ queryKey: CHAT_KEYS.channels });
      onDone();
      void navigate(`/chat/${c.id}`);
    },
  });
  const shown = (colleagues.data ?? []).filter((u) => matchesName(u, filter));
  return (
    <div className="form">
      <div className="field">
        <label htmlFor={`${id}-filter`}>Find a colleague</label>
        <input id={`${id}-filter`} type="search" value={filter} onChange={(e) => setFilter(e.target.value)} autoComplete="off" />
      </div>
      {colleagues.isPending ? (
        <Loading label="Loading colleagues…" />
      ) : colleagues.isError ? (
        <ErrorState error={colleagues.error} onRetry={() => void colleagues.refetch()} />
      ) : shown.length === 0 ? (
        <p className="muted">{filter ? 'Nobody by that name.' : 'No colleagues to write to yet.'}</p>
      ) : (
        <ul className="list compact chat-person-list" aria-label="Colleagues">
          {shown.map((u) => {
            const status = presence.statusOf(u.id);
            return (
              <li key={u.id} className="list-item">
                <button
                  type="button"
                  className="chat-person"
                  onClick={() => open.mutate(u)}
                  disabled={open.isPending}
                  aria-busy={(open.isPending && open.variables?.id === u.id) || undefined}
                >
                  <span className="chat-person-name">{u.name}</span>
                  <span className="muted small">{ROLE_LABELS[u.role]}</span>
                  {status ? <PresenceDot status={status} /> : null}
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <FormError error={open.error} />
    </div>
  );
}

export function ChannelDetailsDialog({
  open,
  onOpenChange,
  channelId,
  listed,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  channelId: string;
  listed: ChannelItem | undefined;
}) {
  const me = useMe();
  const channel = useQuery({ queryKey: CHAT_KEYS.channel(channelId), queryFn: () => chatApi.channel(channelId), enabled: open });
  const c = channel.data;
  const title = c ? channelTitle({ kind: c.kind, name: displayName(c, me.user.id, listed) }) : 'Channel';
  return (
    <Modal open={open} onOpenChange={onOpenChange} title={`About ${title}`}>
      {!open ? null : channel.isPending ? (
        <Loading />
      ) : channel.isError ? (
        <ErrorState error={channel.error} onRetry={() => void channel.refetch()} />
      ) : (
        <ChannelDetails channel={channel.data} title={title} onClose={() => onOpenChange(false)} />
      )}
    </Modal>
  );
}

function ChannelDetails({ channel: c, title, onClose }: { channel: Channel; title: string; onClose: () => void }) {
  const me = useMe();
  const qc = useQueryClient();
  const toast = useToast();
  const navigate = useNavigate();
  const custom = c.kind === 'custom';
  const manage = custom && c.admin;
  const colleagues = useColleagues(manage && !c.archived);
  const [adding, setAdding] = useState<string[]>([]);
  const [confirm, setConfirm] = useState<'leave' | 'archive' | null>(null);
  const [nameError, setNameError] = useState<string | null>(null);
  const membersTitle = useId();

  const refresh = async (next?: Channel) => {
    if (next) qc.setQueryData(CHAT_KEYS.channel(c.id), next);
    await qc.invalidateQueries({ queryKey: CHAT_KEYS.channels });
  };

  const save = useMutation({
    mutationFn: (patch: { name: string; description: string | null }) => chatApi.update(c.id, patch),
    onSuccess: async (next) => {
      await refresh(next);
      toast({ title: 'Channel saved', tone: 'success' });
    },
  });
  const archive = useMutation({
    mutationFn: (archived: boolean) => chatApi.update(c.id, { archived }),
    onSuccess: async (next, archived) => {
      await refresh(next);
      toast({ title: archived ? `${title} is archived` : `${title} is active again`, tone: 'success' });
      setConfirm(null);
      if (archived) {
        onClose();
        void navigate('/chat');
      }
    },
  });
  const add = useMutation({
    mutationFn: (ids: string[]) => chatApi.addMembers(c.id, ids),
    onSuccess: async (next) => {
      setAdding([]);
      await refresh(next);
      toast({ title: 'People added', tone: 'success' });
    },
  });
  const remove = useMutation({
    mutationFn: (userId: string) => chatApi.removeMember(c.id, userId),
    onSuccess: async (_, userId) => {
      if (userId === me.user.id) {
        setConfirm(null);
        await refresh();
        qc.removeQueries({ queryKey: CHAT_KEYS.channel(c.id) });
        toast({ title: `You left ${title}`, tone: 'success' });
        onClose();
        void navigate('/chat');
        return;
      }
      await qc.invalidateQueries({ queryKey: CHAT_KEYS.channel(c.id) });
    },
    onError: (err) => toast({ title: 'That did not work', description: describeError(err), tone: 'error' }),
  });

  const memberIds = useMemo(() => new Set(c.members.map((m) => m.user_id)), [c.members]);
  const addable = (colleagues.data ?? []).filter((u) => !memberIds.has(u.id));
  const fields = fieldErrorsOf(save.error);
  const taken = save.error instanceof ApiError && save.error.status === 409 ? save.error.detail : null;

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const name = String(data.get('name') ?? '').trim();
    const description = String(data.get('description') ?? '').trim();
    if (!name) {
      setNameError('Give the channel a name.');
      return;
    }
    setNameError(null);
    save.mutate({ name, description: description || null });
  };

  return (
    <div className="chat-details">
      <dl className="details">
        <dt>Kind</dt>
        <dd>
          {c.kind === 'store'
            ? 'Store channel: everyone who works at the store is in it.'
            : c.kind === 'direct'
              ? 'Direct messages between two people.'
              : c.private
                ? 'Private channel: only its members see it.'
                : 'Public channel: anyone in the business can join.'}
        </dd>
        {c.description && !manage ? (
          <>
            <dt>About</dt>
            <dd>{c.description}</dd>
          </>
        ) : null}
        {c.archived ? (
          <>
            <dt>Status</dt>
            <dd>
              <Badge tone="warn">Archived</Badge>
            </dd>
          </>
        ) : null}
      </dl>

      {manage && !c.archived ? (
        <form className="form chat-details-section" onSubmit={submit} noValidate aria-label="Name and description">
          <TextField
            label="Name"
            name="name"
            defaultValue={c.name}
            required
            maxLength={80}
            autoComplete="off"
            error={nameError ?? taken ?? fields.name}
          />
          <TextAreaField
            label="What it is for"
            name="description"
            defaultValue={c.description ?? ''}
            maxLength={500}
            rows={2}
            error={fields.description}
          />
          <FormError error={taken ? null : bannerError(save.error, ['name', 'description'])} />
          <div className="form-actions">
            <Button type="submit" busy={save.isPending}>
              Save name and description
            </Button>
          </div>
        </form>
      ) : null}

      <section className="chat-details-section" aria-labelledby={membersTitle}>
        <h3 id={membersTitle}>
          {c.kind === 'store' ? 'People who have opened it' : 'People'} ({c.members.length})
        </h3>
        {c.members.length === 0 ? (
          <EmptyState title="Nobody yet" />
        ) : (
          <ul className="list compact chat-member-list">
            {c.members.map((m) => (
              <li key={m.user_id} className="list-item">
                <div className="list-main">
                  <p className="list-title">
                    {m.name}
                    {m.user_id === me.user.id ? <span className="muted"> (you)</span> : null}
                  </p>
                  <p className="muted small">
                    {ROLE_LABELS[m.role as User['role']] ?? m.role}
                    {m.is_admin && custom ? ' · channel admin' : ''}
                  </p>
                </div>
                {manage && !c.archived && m.user_id !== me.user.id ? (
                  <Button
                    small
                    variant="ghost"
                    icon="x"
                    onClick={() => remove.mutate(m.user_id)}
                    busy={remove.isPending && remove.variables === m.user_id}
                    aria-label={`Remove ${m.name} from ${title}`}
                  >
                    Remove
                  </Button>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </section>

      {manage && !c.archived ? (
        <section className="chat-details-section" aria-label="Add people">
          {colleagues.isPending ? (
            <Loading label="Loading colleagues…" />
          ) : colleagues.isError ? (
            <ErrorState error={colleagues.error} onRetry={() => void colleagues.refetch()} />
          ) : (
            <>
              <PeoplePicker legend="Add people" people={addable} value={adding} onChange={setAdding} />
              <FormError error={add.error} />
              <div className="form-actions">
                <Button icon="plus" disabled={adding.length === 0} busy={add.isPending} onClick={() => add.mutate(adding)}>
                  Add {adding.length > 0 ? adding.length : ''} {adding.length === 1 ? 'person' : 'people'}
                </Button>
              </div>
            </>
          )}
        </section>
      ) : null}

      {custom && (c.member || manage) ? (
        <section className="chat-details-section chat-details-danger" aria-label="Leave or archive">
          {confirm ? (
            <div className="alert alert-error" role="alert">
              <Icon name="alert" size={20} />
              <div>
                <p>
                  {confirm === 'leave'
                    ? c.private
                      ? `Leave ${title}? It is private: someone in it has to add you back.`
                      : `Leave ${title}? You can join it again at any time.`
                    : `Archive ${title}? Nobody can write in it any more; its messages stay readable.`}
                </p>
                <div className="button-row">
                  <Button
                    small
                    variant="danger"
                    busy={confirm === 'leave' ? remove.isPending : archive.isPending}
                    onClick={() => (confirm === 'leave' ? remove.mutate(me.user.id) : archive.mutate(true))}
                  >
                    {confirm === 'leave' ? 'Leave channel' : 'Archive channel'}
                  </Button>
                  <Button small variant="ghost" onClick={() => setConfirm(null)}>
                    Cancel
                  </Button>
                </div>
              </div>
            </div>
          ) : (
            <div className="button-row">
              {c.member ? (
                <Button variant="ghost" icon="logout" onClick={() => setConfirm('leave')}>
                  Leave channel
                </Button>
              ) : null}
              {manage ? (
                c.archived ? (
                  <Button icon="restore" busy={archive.isPending} onClick={() => archive.mutate(false)}>
                    Make active again
                  </Button>
                ) : (
                  <Button variant="ghost" icon="trash" onClick={() => setConfirm('archive')}>
                    Archive channel
                  </Button>
                )
              ) : null}
            </div>
          )}
          <FormError error={archive.error} />
        </section>
      ) : null}
    </div>
  );
}
