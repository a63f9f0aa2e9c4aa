// Files chosen for one ticket message: each uploads as soon as it is chosen
// (platform staff upload into the ticket's business), so sending only names
// the finished ones' ids.
import { useCallback, useMemo, useState } from 'react';
import { ATTACHMENTS_PER_MESSAGE, attachmentContentType, attachmentUploadError, checkAttachment } from '../../lib/attachments';
import type { TicketAttachment } from '../../lib/tickets';
import { attachmentsApi } from './api';

interface Upload {
  key: string;
  name: string;
  size: number;
  state: 'uploading' | 'done';
  attachment?: TicketAttachment;
}

let seq = 0;

/** Files chosen for one message: each uploads when chosen; `ids` are the finished ones. */
export function useAttachmentUploads(ticketId?: string) {
  const [items, setItems] = useState<Upload[]>([]);
  const [problems, setProblems] = useState<string[]>([]);
  const [status, setStatus] = useState('');

  const add = useCallback(
    (files: File[]) => {
      const room = ATTACHMENTS_PER_MESSAGE - items.length;
      const errors: string[] = [];
      const taken = files.slice(0, Math.max(0, room));
      if (files.length > taken.length) errors.push(`A message can carry at most ${ATTACHMENTS_PER_MESSAGE} files.`);
      const fresh: { upload: Upload; file: File; type: string }[] = [];
      for (const file of taken) {
        const problem = checkAttachment(file);
        const type = attachmentContentType(file);
        if (problem || !type) {
          errors.push(problem ?? `${file.name} cannot be attached.`);
          continue;
        }
        fresh.push({ upload: { key: `u${++seq}`, name: file.name, size: file.size, state: 'uploading' }, file, type });
      }
      setProblems(errors);
      if (fresh.length === 0) return;
      setStatus(`Uploading ${fresh.map((f) => f.upload.name).join(', ')}…`);
      setItems((x) => [...x, ...fresh.map((f) => f.upload)]);
      for (const { upload, file, type } of fresh) {
        attachmentsApi.upload(file, file.name, type, ticketId).then(
          (a) => {
            setItems((x) => x.map((i) => (i.key === upload.key ? { ...i, state: 'done', attachment: a } : i)));
            setStatus(`${upload.name} attached.`);
          },
          (err: unknown) => {
            setItems((x) => x.filter((i) => i.key !== upload.key));
            setProblems((p) => [...p, attachmentUploadError(err, upload.name)]);
            setStatus('');
          },
        );
      }
    },
    [items, ticketId],
  );

  const remove = useCallback(
    (key: string) => {
      const gone = items.find((i) => i.key === key);
      if (gone) setStatus(`${gone.name} removed.`);
      setItems((x) => x.filter((i) => i.key !== key));
    },
    [items],
  );

  const reset = useCallback(() => {
    setItems([]);
    setProblems([]);
    setStatus('');
  }, []);

  const ids = useMemo(() => items.flatMap((i) => (i.state === 'done' && i.attachment ? [i.attachment.id] : [])), [items]);
  const busy = items.some((i) => i.state === 'uploading');
  return { items, problems, status, ids, busy, add, remove, reset };
}

export type AttachmentUploads = ReturnType<typeof useAttachmentUploads>;
