// One chat message: author, time, edited and deleted marks, the text with its
// mentions, attachments (pictures as thumbnails, other files as downloads),
// the thread's reply count, and Reply / Edit / Delete for those allowed.
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { describeError } from '../../api/problem';
import { Icon } from '../../components/Icon';
import { ConfirmDialog, Modal } from '../../components/Modal';
import { Button } from '../../components/ui';
import { useToast } from '../../components/toast';
import { isImage } from '../../lib/attachments';
import { applyChatChange, bodySegments, type ChatAttachment, type ChatMessage } from '../../lib/chat';
import { formatBytes, saveBlob } from '../../lib/files';
import { useFormat } from '../../lib/locale';
import { initials } from '../../lib/names';
import { chatApi } from './data';

/** A picture from the API: fetched with the bearer token as a blob, shown through an object URL revoked on unmount. */
function AttachmentImage({ a, className }: { a: ChatAttachment; className: string }) {
  const q = useQuery({
    queryKey: ['attachments', a.id],
    queryFn: ({ signal }) => chatApi.file(a.id, signal).then((d) => d.blob),
    // A file never changes.
    staleTime: Infinity,
    gcTime: 5 * 60_000,
  });
  const img = useRef<HTMLImageElement>(null);
  useEffect(() => {
    const el = img.current;
    if (!q.data || !el) return;
    const url = URL.createObjectURL(q.data);
    el.src = url;
    return () => {
      el.removeAttribute('src');
      URL.revokeObjectURL(url);
    };
  }, [q.data]);
  if (q.isError)
    return (
      <span className={`photo-missing ${className}`} role="img" aria-label={`${a.file_name} (could not be loaded)`}>
        <Icon name="alert" size={20} />
      </span>
    );
  if (!q.data)
    return (
      <span className={`photo-loading ${className}`} role="img" aria-label={`${a.file_name} (loading)`}>
        <span className="spinner" aria-hidden="true" />
      </span>
    );
  return <img ref={img} alt={a.file_name} className={className} decoding="async" />;
}

function useDownload() {
  const toast = useToast();
  return useMutation({
    mutationFn: (a: ChatAttachment) => chatApi.file(a.id).then((d) => saveBlob(d.blob, d.filename ?? a.file_name)),
    onError: (err) => toast({ title: 'The file could not be downloaded', description: describeError(err), tone: 'error' }),
  });
}

export function Attachments({ items }: { items: readonly ChatAttachment[] }) {
  const [viewing, setViewing] = useState<ChatAttachment | null>(null);
  const download = useDownload();
  if (items.length === 0) return null;
  const pictures = items.filter((a) => isImage(a.content_type));
  const files = items.filter((a) => !isImage(a.content_type));
  return (
    <div className="chat-attachments">
      {pictures.length > 0 ? (
        <ul className="chat-pictures" aria-label="Pictures">
          {pictures.map((a) => (
            <li key={a.id}>
              <button type="button" className="chat-picture" onClick={() => setViewing(a)} aria-label={`View ${a.file_name}`}>
                <AttachmentImage a={a} className="chat-thumb" />
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {files.length > 0 ? (
        <ul className="chat-file-links" aria-label="Files">
          {files.map((a) => (
            <li key={a.id}>
              <button
                type="button"
                className="chat-file-link"
                onClick={() => download.mutate(a)}
                aria-busy={(download.isPending && download.variables?.id === a.id) || undefined}
              >
                <Icon name="file" size={20} />
                <span className="chat-file-name">{a.file_name}</span>
                <span className="muted small">
                  {formatBytes(a.size)}
                  <span className="visually-hidden">, download</span>
                </span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <Modal open={viewing !== null} onOpenChange={(o) => !o && setViewing(null)} title={viewing?.file_name ?? 'Picture'}>
        {viewing ? (
          <>
            <AttachmentImage a={viewing} className="photo-large" />
            <div className="form-actions">
              <Button icon="download" onClick={() => download.mutate(viewing)} busy={download.isPending}>
                Download
              </Button>
            </div>
          </>
        ) : null}
      </Modal>
    </div>
  );
}

export interface MessageItemProps {
  m: ChatMessage;
  myId: string;
  /** May delete others' messages (channel admin, or a manager in a store channel). */
  moderator: boolean;
  /** Names to highlight as "@Name" mentions. */
  names: readonly string[];
  /** Shows the replies button and "Reply" (not for a message inside a thread). */
  onOpenThread?: (m: ChatMessage) => void;
  onDelete: (m: ChatMessage) => void;
  /** The first message of a thread, shown on top of its replies. */
  root?: boolean;
}

export function MessageItem({ m, myId, moderator, names, onOpenThread, onDelete, root }: MessageItemProps) {
  const fmt = useFormat();
  const qc = useQueryClient();
  const headId = useId();
  const mine = m.author_id === myId;
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(m.body);
  const [editError, setEditError] = useState<string | null>(null);
  const editRef = useRef<HTMLTextAreaElement>(null);
  const editButton = useRef<HTMLButtonElement>(null);

  const edit = useMutation({
    mutationFn: (body: string) => chatApi.edit(m.id, body),
    onSuccess: (updated) => {
      applyChatChange(qc, { type: 'updated', message: updated }, myId);
      setEditing(false);
      setEditError(null);
      requestAnimationFrame(() => editButton.current?.focus());
    },
    onError: (err) => setEditError(describeError(err)),
  });

  useEffect(() => {
    if (editing) {
      const el = editRef.current;
      el?.focus();
      el?.setSelectionRange(el.value.length, el.value.length);
    }
  }, [editing]);

  const startEdit = () => {
    setDraft(m.body);
    setEditError(null);
    setEditing(true);
  };
  const cancelEdit = () => {
    setEditing(false);
    setEditError(null);
    requestAnimationFrame(() => editButton.current?.focus());
  };
  const saveEdit = () => {
    const body = draft.trim();
    if (!body) {
      setEditError('Write something, or delete the message instead.');
      return;
    }
    if (body === m.body) {
      cancelEdit();
      return;
    }
    edit.mutate(body);
  };
  const onEditKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      cancelEdit();
    } else if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      saveEdit();
    }
  };

  const when = fmt.dateTime(m.created_at, 'time');
  const full = fmt.dateTime(m.created_at, 'datetime');
  const canDelete = !m.deleted && (mine || moderator);
  const canEdit = !m.deleted && mine;
  const segments = bodySegments(m.body, names);

  return (
    <li className={`chat-msg${mine ? ' is-mine' : ''}${m.deleted ? ' is-deleted' : ''}${root ? ' is-root' : ''}`}>
      <span className="avatar avatar-small chat-avatar" aria-hidden="true">
        {initials(m.author_name)}
      </span>
      <div className="chat-msg-main">
        <p className="chat-msg-head" id={headId}>
          <span className="chat-msg-author">{m.author_name}</span>{' '}
          <time dateTime={m.created_at} title={full} className="muted small">
            <span className="visually-hidden">{full}</span>
            <span aria-hidden="true">{when}</span>
          </time>
          {m.edited_at && !m.deleted ? <span className="muted small chat-edited"> (edited)</span> : null}
        </p>
        {m.deleted ? (
          <p className="chat-msg-body chat-deleted">
            <Icon name="trash" size={16} /> This message was deleted.
          </p>
        ) : editing ? (
          <div className="chat-edit">
            <label className="visually-hidden" htmlFor={`${headId}-edit`}>
              Edit your message
            </label>
            <textarea
              id={`${headId}-edit`}
              ref={editRef}
              rows={2}
              value={draft}
              maxLength={4000}
              aria-describedby={`${headId}-edit-hint${editError ? ` ${headId}-edit-error` : ''}`}
              aria-invalid={editError ? true : undefined}
              onChange={(e) => setDraft(e.target.value)}
              onKeyDown={onEditKey}
            />
            <p className="field-hint" id={`${headId}-edit-hint`}>
              Enter saves · Escape cancels
            </p>
            {editError ? (
              <p className="field-error" id={`${headId}-edit-error`} role="alert">
                <Icon name="alert" size={16} /> {editError}
              </p>
            ) : null}
            <div className="button-row">
              <Button small variant="primary" onClick={saveEdit} busy={edit.isPending}>
                Save
              </Button>
              <Button small variant="ghost" onClick={cancelEdit}>
                Cancel
              </Button>
            </div>
          </div>
        ) : segments.length > 0 ? (
          <p className="chat-msg-body">
            {segments.map((s, i) =>
              s.mention ? (
                <span key={i} className="chat-mention">
                  {s.text}
                </span>
              ) : (
                s.text
              ),
            )}
          </p>
        ) : null}
        {!m.deleted ? <Attachments items={m.attachments} /> : null}
        {onOpenThread && m.reply_count > 0 ? (
          <button type="button" className="chat-replies" onClick={() => onOpenThread(m)}>
            <Icon name="chat" size={16} />
            {m.reply_count} {m.reply_count === 1 ? 'reply' : 'replies'}
            {m.last_reply_at ? <span className="muted small"> · last {fmt.relative(m.last_reply_at)}</span> : null}
            <span className="visually-hidden">, open the thread</span>
          </button>
        ) : null}
        {!editing && (canEdit || canDelete || (onOpenThread && !m.deleted)) ? (
          <div className="chat-msg-actions">
            {onOpenThread && !m.deleted ? (
              <button
                type="button"
                className="chat-action"
                onClick={() => onOpenThread(m)}
                aria-label={`Reply in thread to ${m.author_name}`}
              >
                <Icon name="chat" size={16} />
                <span aria-hidden="true">Reply</span>
              </button>
            ) : null}
            {canEdit ? (
              <button type="button" ref={editButton} className="chat-action" onClick={startEdit} aria-label="Edit your message">
                <Icon name="edit" size={16} />
                <span aria-hidden="true">Edit</span>
              </button>
            ) : null}
            {canDelete ? (
              <button
                type="button"
                className="chat-action chat-action-danger"
                onClick={() => onDelete(m)}
                aria-label={mine ? 'Delete your message' : `Delete ${m.author_name}’s message`}
              >
                <Icon name="trash" size={16} />
                <span aria-hidden="true">Delete</span>
              </button>
            ) : null}
          </div>
        ) : null}
      </div>
    </li>
  );
}

/** Asks before deleting a message (for everyone; the audit log keeps its text), then deletes it. */
export function DeleteMessageDialog({
  message,
  myId,
  onClose,
  onDeleted,
}: {
  message: ChatMessage | null;
  myId: string;
  onClose: () => void;
  onDeleted: () => void;
}) {
  const qc = useQueryClient();
  const toast = useToast();
  const remove = useMutation({
    mutationFn: (m: ChatMessage) => chatApi.remove(m.id),
    onSuccess: (_, m) => {
      applyChatChange(qc, { type: 'deleted', messageId: m.id, channelId: m.channel_id, parentId: m.parent_id ?? null }, myId);
      onClose();
      onDeleted();
    },
    onError: (err) => {
      onClose();
      toast({ title: 'The message was not deleted', description: describeError(err), tone: 'error' });
    },
  });
  return (
    <ConfirmDialog
      open={message !== null}
      onOpenChange={(o) => {
        if (!o) onClose();
      }}
      title="Delete this message?"
      description={
        message && message.author_id !== myId
          ? `${message.author_name}’s message is removed for everyone; the audit log keeps its text.`
          : 'It is removed for everyone; the audit log keeps its text.'
      }
      confirmLabel="Delete message"
      danger
      busy={remove.isPending}
      onConfirm={() => message && remove.mutate(message)}
    />
  );
}
