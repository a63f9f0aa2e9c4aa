// Files on a ticket: the control that chooses them (uploaded at once by
// useAttachmentUploads, so sending only names their ids), and a message's files — photos as thumbnails
// fetched with the bearer token, everything downloadable.
import { useEffect, useId, useRef, useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { describeError } from '../../api/problem';
import { Icon } from '../../components/Icon';
import { Modal } from '../../components/Modal';
import { useToast } from '../../components/toast';
import { formatBytes, saveBlob } from '../../lib/files';
import { ATTACHMENTS_PER_MESSAGE, ATTACHMENT_ACCEPT, isImage } from '../../lib/attachments';
import type { TicketAttachment } from '../../lib/tickets';
import { attachmentsApi } from './api';
import type { AttachmentUploads } from './useAttachmentUploads';

/** The "Attach files" control and the files chosen so far. */
export function AttachmentPicker({ uploads, label = 'Attach files' }: { uploads: AttachmentUploads; label?: string }) {
  const input = useRef<HTMLInputElement>(null);
  const hintId = useId();
  const full = uploads.items.length >= ATTACHMENTS_PER_MESSAGE;
  return (
    <div className="ticket-attach">
      {uploads.items.length > 0 ? (
        <ul className="ticket-files" aria-label="Attached files">
          {uploads.items.map((u) => (
            <li key={u.key} className="ticket-file">
              {u.state === 'uploading' ? <span className="spinner" aria-hidden="true" /> : <Icon name="file" size={18} />}
              <span className="ticket-file-name">{u.name}</span>
              <span className="muted small">{u.state === 'uploading' ? 'Uploading…' : formatBytes(u.size)}</span>
              <button
                type="button"
                className="icon-button"
                aria-label={`Remove ${u.name}`}
                onClick={() => uploads.remove(u.key)}
                disabled={u.state === 'uploading'}
              >
                <Icon name="x" size={18} />
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {full ? null : (
        <label className="btn btn-secondary btn-small file-button">
          <input
            ref={input}
            type="file"
            className="file-input"
            accept={ATTACHMENT_ACCEPT}
            multiple
            aria-describedby={hintId}
            onChange={(e) => {
              const files = Array.from(e.target.files ?? []);
              if (input.current) input.current.value = '';
              if (files.length) uploads.add(files);
            }}
          />
          <Icon name="upload" size={18} />
          {label}
        </label>
      )}
      <p className="field-hint" id={hintId}>
        Photos or screenshots (JPEG, PNG, WebP), PDFs and text files; up to {ATTACHMENTS_PER_MESSAGE} files of at most 10 MB.
      </p>
      {uploads.problems.length > 0 ? (
        <div className="field-error" role="alert">
          <Icon name="alert" size={16} />
          <span>
            {uploads.problems.map((p) => (
              <span key={p} className="ticket-problem">
                {p}
              </span>
            ))}
          </span>
        </div>
      ) : null}
      <p className="visually-hidden" role="status" aria-live="polite">
        {uploads.status}
      </p>
    </div>
  );
}

/** A photo attachment: fetched with the token as a blob, shown through an object URL revoked on unmount. */
function AttachmentImage({ a, alt, className }: { a: TicketAttachment; alt: string; className: string }) {
  const q = useQuery({
    queryKey: ['attachments', a.id],
    queryFn: ({ signal }) => attachmentsApi.get(a.id, signal).then((d) => d.blob),
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
  return <img ref={img} alt={alt} className={className} decoding="async" />;
}

/** A message's files: photos as thumbnails (open larger), every file downloadable. */
export function AttachmentList({ attachments }: { attachments: readonly TicketAttachment[] }) {
  const toast = useToast();
  const [viewing, setViewing] = useState<TicketAttachment | null>(null);
  const download = useMutation({
    mutationFn: (a: TicketAttachment) => attachmentsApi.get(a.id),
    onSuccess: (d, a) => saveBlob(d.blob, d.filename ?? a.file_name),
    onError: (err, a) => toast({ title: `${a.file_name} could not be downloaded`, description: describeError(err), tone: 'error' }),
  });
  if (attachments.length === 0) return null;
  return (
    <>
      <ul className="ticket-files" aria-label="Files">
        {attachments.map((a) => (
          <li key={a.id} className="ticket-file">
            {isImage(a.content_type) ? (
              <button type="button" className="photo-open ticket-thumb-button" onClick={() => setViewing(a)}>
                <AttachmentImage a={a} alt="" className="ticket-thumb" />
                <span className="visually-hidden">View {a.file_name}</span>
              </button>
            ) : (
              <Icon name="file" size={18} />
            )}
            <span className="ticket-file-name">{a.file_name}</span>
            <span className="muted small">{formatBytes(a.size)}</span>
            <button
              type="button"
              className="btn btn-ghost btn-small"
              onClick={() => download.mutate(a)}
              disabled={download.isPending && download.variables?.id === a.id}
            >
              <Icon name="download" size={18} />
              Download<span className="visually-hidden"> {a.file_name}</span>
            </button>
          </li>
        ))}
      </ul>
      <Modal open={viewing !== null} onOpenChange={(o) => !o && setViewing(null)} title={viewing?.file_name ?? 'File'}>
        {viewing ? <AttachmentImage a={viewing} alt={viewing.file_name} className="photo-large" /> : null}
      </Modal>
    </>
  );
}
