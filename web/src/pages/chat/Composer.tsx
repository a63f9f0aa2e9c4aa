// Writing a message (in a channel or a thread): Enter sends, Shift+Enter adds
// a line, "@" opens a list of colleagues to mention, files are checked and
// uploaded as soon as they are picked (or pasted), and every message carries
// its own Idempotency-Key so a retry never posts it twice.
import { useId, useRef, useState, type ClipboardEvent, type FormEvent, type KeyboardEvent, type RefObject } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError, describeError } from '../../api/problem';
import { Icon } from '../../components/Icon';
import {
  ATTACHMENT_ACCEPT,
  ATTACHMENTS_PER_MESSAGE,
  attachmentContentType,
  attachmentUploadError,
  checkAttachment,
} from '../../lib/attachments';
import {
  applyChatChange,
  insertMention,
  matchPeople,
  mentionAt,
  mentionIds,
  newMessageKey,
  type ChatAttachment,
  type ChatMessage,
} from '../../lib/chat';
import { formatBytes } from '../../lib/files';
import { chatApi } from './data';

export interface Person {
  id: string;
  name: string;
  /** Shown after the name in the mention list ("Store manager"). */
  detail?: string;
}

interface PendingFile {
  key: string;
  name: string;
  size: number;
  status: 'uploading' | 'ready' | 'failed';
  attachment?: ChatAttachment;
  error?: string;
}

const MAX_BODY = 4000;
let fileSeq = 0;

/** Why a message was not sent, in words (the server's own words when it says to slow down). */
function sendError(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 429) return `You are sending messages too fast. ${err.detail ?? 'Wait a moment and send again.'}`;
    const fields = err.fieldErrors();
    if (fields.mentions) return 'Someone you mentioned cannot see this conversation: remove the mention and send again.';
    if (fields.attachment_ids) return `The files could not be attached: ${fields.attachment_ids}.`;
    if (fields.parent_id) return 'This thread takes no more replies (its first message was deleted).';
  }
  return describeError(err);
}

export function Composer({
  channelId,
  parentId = null,
  label,
  placeholder,
  people,
  myId,
  onTyping,
  onSent,
  inputRef,
}: {
  channelId: string;
  /** Replies go into this message's thread. */
  parentId?: string | null;
  /** The text box's label ("Message #sales-team"). */
  label: string;
  placeholder: string;
  /** Who can be mentioned here. */
  people: readonly Person[];
  myId: string;
  /** Called on every keystroke (the typing signal is throttled by the caller). */
  onTyping?: () => void;
  onSent?: (m: ChatMessage) => void;
  inputRef?: RefObject<HTMLTextAreaElement | null>;
}) {
  const qc = useQueryClient();
  const id = useId();
  const ownRef = useRef<HTMLTextAreaElement>(null);
  const box = inputRef ?? ownRef;
  const fileInput = useRef<HTMLInputElement>(null);
  const [text, setText] = useState('');
  const [picked, setPicked] = useState<{ id: string; name: string }[]>([]);
  const [files, setFiles] = useState<PendingFile[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [mention, setMention] = useState<{ start: number; query: string } | null>(null);
  const [active, setActive] = useState(0);
  // One key per message: kept across retries, replaced once it is sent.
  const key = useRef<string | null>(null);

  const matches = mention ? matchPeople(people, mention.query) : [];
  const open = mention !== null && matches.length > 0;
  const listId = `${id}-mentions`;
  const optionId = (i: number) => `${id}-mention-${i}`;

  const send = useMutation({
    mutationFn: (v: { body: string; mentions: string[]; attachment_ids: string[] }) => {
      key.current ??= newMessageKey();
      return chatApi.send(channelId, { ...v, parent_id: parentId }, key.current);
    },
    onSuccess: (m) => {
      key.current = null;
      applyChatChange(qc, { type: 'created', message: m }, myId);
      setText('');
      setPicked([]);
      setFiles([]);
      setError(null);
      setMention(null);
      setStatus(parentId ? 'Reply sent.' : 'Message sent.');
      onSent?.(m);
    },
    onError: (err) => setError(sendError(err)),
  });

  const uploading = files.some((f) => f.status === 'uploading');
  const ready = files.filter((f) => f.status === 'ready' && f.attachment);

  const submit = (fromKeyboard: boolean) => {
    if (send.isPending) return;
    const body = text.trim();
    if (!body && ready.length === 0) {
      if (!fromKeyboard) setError('Write a message or attach a file.');
      return;
    }
    if (body.length > MAX_BODY) {
      setError(`A message can be at most ${MAX_BODY} characters (this one has ${body.length}).`);
      return;
    }
    if (uploading) {
      setError('Wait until the files have finished uploading.');
      return;
    }
    setError(null);
    send.mutate({ body, mentions: mentionIds(body, picked), attachment_ids: ready.map((f) => f.attachment?.id ?? '') });
  };

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    submit(false);
  };

  const followCaret = (el: HTMLTextAreaElement) => {
    const next = mentionAt(el.value, el.selectionStart ?? el.value.length);
    if (next?.start === mention?.start && next?.query === mention?.query) return;
    setMention(next);
    setActive(0);
  };

  const pick = (p: { id: string; name: string }) => {
    const el = box.current;
    if (!el || !mention) return;
    const r = insertMention(text, mention.start, el.selectionStart ?? text.length, p.name);
    setText(r.text);
    setPicked((l) => (l.some((x) => x.id === p.id) ? l : [...l, p]));
    setMention(null);
    setStatus(`${p.name} mentioned.`);
    requestAnimationFrame(() => {
      el.focus();
      el.setSelectionRange(r.caret, r.caret);
    });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (open) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const step = e.key === 'ArrowDown' ? 1 : -1;
        setActive((a) => (a + step + matches.length) % matches.length);
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        const p = matches[active] ?? matches[0];
        if (p) {
          e.preventDefault();
          pick(p);
          return;
        }
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        setMention(null);
        return;
      }
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      submit(true);
    }
  };

  const addFiles = (list: readonly File[]) => {
    if (list.length === 0) return;
    const problems: string[] = [];
    const room = ATTACHMENTS_PER_MESSAGE - files.filter((f) => f.status !== 'failed').length;
    const accepted: { file: File; pending: PendingFile; type: string }[] = [];
    for (const file of list) {
      const why = checkAttachment(file);
      const type = attachmentContentType(file);
      if (why || !type) {
        problems.push(why ?? `“${file.name}” cannot be attached.`);
        continue;
      }
      if (accepted.length >= room) {
        problems.push(`A message can carry at most ${ATTACHMENTS_PER_MESSAGE} files; “${file.name}” was left out.`);
        continue;
      }
      accepted.push({ file, type, pending: { key: `f${++fileSeq}`, name: file.name, size: file.size, status: 'uploading' } });
    }
    setError(problems.length > 0 ? problems.join(' ') : null);
    if (accepted.length === 0) return;
    setFiles((f) => [...f, ...accepted.map((a) => a.pending)]);
    setStatus(`Uploading ${accepted.length === 1 ? `“${accepted[0]?.file.name}”` : `${accepted.length} files`}…`);
    for (const { file, type, pending } of accepted) {
      chatApi.upload(file, file.name, type).then(
        (attachment) => {
          setFiles((l) => l.map((f) => (f.key === pending.key ? { ...f, status: 'ready', attachment } : f)));
          setStatus(`“${file.name}” is attached.`);
        },
        (err: unknown) => {
          const why = attachmentUploadError(err, file.name);
          setFiles((l) => l.map((f) => (f.key === pending.key ? { ...f, status: 'failed', error: why } : f)));
          setStatus('');
        },
      );
    }
  };

  const onPaste = (e: ClipboardEvent<HTMLTextAreaElement>) => {
    const pasted = Array.from(e.clipboardData.files);
    if (pasted.length === 0) return;
    e.preventDefault();
    addFiles(pasted);
  };

  const removeFile = (f: PendingFile) => {
    setFiles((l) => l.filter((x) => x.key !== f.key));
    setStatus(`“${f.name}” removed.`);
    box.current?.focus();
  };

  return (
    <form className="chat-composer" onSubmit={onSubmit} noValidate aria-label={parentId ? 'Reply' : 'New message'}>
      {open ? (
        <ul className="chat-mentions" role="listbox" id={listId} aria-label="Colleagues to mention">
          {matches.map((p, i) => (
            <li
              key={p.id}
              id={optionId(i)}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'is-active' : undefined}
              onMouseDown={(e) => {
                // Keep the focus in the text box, then pick.
                e.preventDefault();
                pick(p);
              }}
            >
              <span className="chat-mention-name">{p.name}</span>
              {p.detail ? <span className="muted small"> · {p.detail}</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
      {files.length > 0 ? (
        <ul className="chat-pending" aria-label="Files to send">
          {files.map((f) => (
            <li key={f.key} className={`chat-pending-file is-${f.status}`}>
              {f.status === 'uploading' ? (
                <span className="spinner" aria-hidden="true" />
              ) : (
                <Icon name={f.status === 'failed' ? 'alert' : 'file'} size={18} />
              )}
              <span className="chat-file-name">{f.name}</span>
              <span className="muted small">
                {f.status === 'uploading' ? 'Uploading…' : f.status === 'failed' ? (f.error ?? 'Upload failed') : formatBytes(f.size)}
              </span>
              <button
                type="button"
                className="icon-button chat-pending-remove"
                aria-label={`Remove “${f.name}”`}
                onClick={() => removeFile(f)}
              >
                <Icon name="x" size={16} />
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <div className="chat-compose-row">
        <label className={`btn btn-ghost file-button chat-attach${uploading ? ' is-busy' : ''}`} title="Attach files">
          <input
            ref={fileInput}
            type="file"
            className="file-input"
            multiple
            accept={ATTACHMENT_ACCEPT}
            onChange={(e) => {
              addFiles(Array.from(e.target.files ?? []));
              e.target.value = '';
            }}
          />
          <Icon name="upload" size={20} />
          <span className="visually-hidden">Attach files (images, PDF or text, up to 10 MB each)</span>
        </label>
        <label className="visually-hidden" htmlFor={`${id}-text`}>
          {label}
        </label>
        <textarea
          id={`${id}-text`}
          ref={box}
          className="chat-input"
          rows={1}
          value={text}
          placeholder={placeholder}
          maxLength={MAX_BODY + 200}
          aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
          aria-invalid={error ? true : undefined}
          aria-autocomplete="list"
          aria-controls={open ? listId : undefined}
          aria-activedescendant={open ? optionId(active) : undefined}
          onChange={(e) => {
            setText(e.target.value);
            followCaret(e.target);
            if (e.target.value.trim()) onTyping?.();
          }}
          onSelect={(e) => followCaret(e.currentTarget)}
          onBlur={() => setMention(null)}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
        />
        <button type="submit" className="btn btn-primary chat-send" disabled={send.isPending} aria-busy={send.isPending || undefined}>
          {send.isPending ? <span className="spinner" aria-hidden="true" /> : <Icon name="send" size={20} />}
          <span className="chat-send-label">Send</span>
        </button>
      </div>
      <p className="field-hint chat-hint" id={`${id}-hint`}>
        Enter sends · Shift+Enter for a new line · @ to mention someone
      </p>
      {error ? (
        <p className="field-error" id={`${id}-error`} role="alert">
          <Icon name="alert" size={16} /> {error}
        </p>
      ) : null}
      <p className="visually-hidden" role="status" aria-live="polite">
        {open
          ? `${matches.length} ${matches.length === 1 ? 'colleague matches' : 'colleagues match'}; use the arrow keys and Enter to mention.`
          : status}
      </p>
    </form>
  );
}
