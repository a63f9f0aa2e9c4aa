// Photos of one interest (the piece a customer looked at): thumbnails fetched
// with the bearer token as blobs (object URLs, revoked when no longer shown),
// and for staff who log visits an "Add photo" control (the phone's camera)
// and delete.
import { useEffect, useRef, useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { photosApi } from '../../api/endpoints';
import { describeError } from '../../api/problem';
import { Icon } from '../../components/Icon';
import { ConfirmDialog, Modal } from '../../components/Modal';
import { useToast } from '../../components/toast';
import { PHOTOS_PER_INTEREST, PHOTO_ACCEPT, checkPhotoFile, photoContentType, photoUploadError } from '../../lib/files';

/** An image from the API: fetched as a blob, shown through an object URL that is revoked on unmount. */
export function PhotoImage({ id, alt, className }: { id: string; alt: string; className?: string }) {
  const q = useQuery({
    queryKey: ['photos', id],
    queryFn: ({ signal }) => photosApi.get(id, signal).then((d) => d.blob),
    // A photo never changes; only a delete makes it go away.
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
      <span className={`photo-missing${className ? ` ${className}` : ''}`} role="img" aria-label={`${alt} (could not be loaded)`}>
        <Icon name="alert" size={20} />
      </span>
    );
  if (!q.data)
    return (
      <span className={`photo-loading${className ? ` ${className}` : ''}`} role="img" aria-label={`${alt} (loading)`}>
        <span className="spinner" aria-hidden="true" />
      </span>
    );
  return <img ref={img} alt={alt} className={className} decoding="async" />;
}

export function InterestPhotos({
  interestId,
  photos,
  label,
  canEdit,
  onChanged,
}: {
  interestId: string;
  photos: readonly string[];
  /** The interest in words ("Necklace sets in gold, design NS-204"), for alt text and labels. */
  label: string;
  canEdit: boolean;
  /** After a photo was added or deleted (e.g. refresh the timeline). */
  onChanged?: () => void;
}) {
  const toast = useToast();
  const [ids, setIds] = useState<string[]>(() => [...photos]);
  // A newer list from the server (e.g. the timeline refetched) replaces ours.
  const incoming = photos.join(',');
  const [seen, setSeen] = useState(incoming);
  if (incoming !== seen) {
    setSeen(incoming);
    setIds([...photos]);
  }
  const [problem, setProblem] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [viewing, setViewing] = useState<number | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);

  const upload = useMutation({
    mutationFn: (file: File) => photosApi.upload(interestId, file, photoContentType(file) ?? file.type),
    onSuccess: (p) => {
      setIds((x) => (x.includes(p.id) ? x : [...x, p.id]));
      setProblem(null);
      setStatus(`Photo added to ${label}.`);
      onChanged?.();
    },
    onError: (err) => {
      setStatus('');
      setProblem(photoUploadError(err));
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => photosApi.remove(id),
    onSuccess: (_, id) => {
      setIds((x) => x.filter((p) => p !== id));
      setDeleting(null);
      setStatus(`Photo deleted from ${label}.`);
      onChanged?.();
    },
    onError: (err) => {
      setDeleting(null);
      toast({ title: 'The photo was not deleted', description: describeError(err), tone: 'error' });
    },
  });

  const pick = (file: File | undefined) => {
    if (input.current) input.current.value = '';
    if (!file) return;
    const p = checkPhotoFile(file);
    setProblem(p);
    setStatus('');
    if (!p) upload.mutate(file);
  };

  if (ids.length === 0 && !canEdit) return null;
  const full = ids.length >= PHOTOS_PER_INTEREST;
  const alt = (i: number) => `Photo ${i + 1} of ${label}`;

  return (
    <div className="interest-photos">
      {ids.length > 0 ? (
        <ul className="photo-list" aria-label={`Photos of ${label}`}>
          {ids.map((id, i) => (
            <li key={id} className="photo-item">
              <button type="button" className="photo-open" onClick={() => setViewing(i)}>
                <PhotoImage id={id} alt={alt(i)} className="photo-thumb" />
              </button>
              {canEdit ? (
                <button
                  type="button"
                  className="icon-button photo-delete"
                  aria-label={`Delete photo ${i + 1} of ${label}`}
                  onClick={() => setDeleting(id)}
                >
                  <Icon name="trash" size={18} />
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {canEdit ? (
        full ? (
          <p className="muted small">{PHOTOS_PER_INTEREST} photos is the most for one interest.</p>
        ) : (
          <label className={`btn btn-secondary btn-small file-button${upload.isPending ? ' is-busy' : ''}`}>
            <input
              ref={input}
              type="file"
              className="file-input"
              accept={PHOTO_ACCEPT}
              capture="environment"
              disabled={upload.isPending}
              onChange={(e) => pick(e.target.files?.[0])}
            />
            {upload.isPending ? <span className="spinner" aria-hidden="true" /> : <Icon name="camera" size={18} />}
            {upload.isPending ? 'Uploading…' : 'Add photo'}
            <span className="visually-hidden"> of {label}</span>
          </label>
        )
      ) : null}
      {problem ? (
        <p className="field-error" role="alert">
          <Icon name="alert" size={16} /> {problem}
        </p>
      ) : null}
      <p className="visually-hidden" role="status" aria-live="polite">
        {status}
      </p>
      <Modal
        open={viewing !== null}
        onOpenChange={(o) => {
          if (!o) setViewing(null);
        }}
        title={viewing !== null ? alt(viewing) : 'Photo'}
      >
        {viewing !== null && ids[viewing] ? <PhotoImage id={ids[viewing]} alt={alt(viewing)} className="photo-large" /> : null}
      </Modal>
      <ConfirmDialog
        open={deleting !== null}
        onOpenChange={(o) => {
          if (!o) setDeleting(null);
        }}
        title="Delete this photo?"
        description={`It is removed from ${label} for everyone.`}
        confirmLabel="Delete photo"
        danger
        busy={remove.isPending}
        onConfirm={() => deleting && remove.mutate(deleting)}
      />
    </div>
  );
}
