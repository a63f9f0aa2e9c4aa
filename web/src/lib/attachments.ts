// Files attached to chat messages (POST /attachments): which types the server
// takes and with which Content-Type, the checks made before uploading, and
// what its refusals mean. Unit-tested.
import { ApiError, describeError } from '../api/problem';
import { extensionOf, formatBytes } from './files';

/** The most one file may weigh (the server answers 413 above it). */
export const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;
/** Files one message can carry. */
export const ATTACHMENTS_PER_MESSAGE = 5;

const TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  jfif: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  pdf: 'application/pdf',
  txt: 'text/plain',
};
const ALLOWED = new Set(Object.values(TYPES));

/** What the file input offers (types for phones, extensions for desktop pickers). */
export const ATTACHMENT_ACCEPT = 'image/jpeg,image/png,image/webp,application/pdf,text/plain,.jpg,.jpeg,.png,.webp,.pdf,.txt';

/** The Content-Type to upload a file with (the browser's type first, else its extension); null when not accepted. */
export function attachmentContentType(file: { name: string; type: string }): string | null {
  const declared = file.type.toLowerCase().split(';')[0]?.trim() ?? '';
  if (ALLOWED.has(declared)) return declared;
  if (declared === 'image/jpg' || declared === 'image/pjpeg') return 'image/jpeg';
  if (declared !== '' && declared !== 'application/octet-stream') return null;
  return TYPES[extensionOf(file.name)] ?? null;
}

/** Why this file cannot be attached (checked before uploading), or null. */
export function checkAttachment(file: { name: string; size: number; type: string }): string | null {
  if (!attachmentContentType(file)) return `“${file.name}” cannot be attached: choose a JPEG, PNG or WebP image, a PDF or a text file.`;
  if (file.size === 0) return `“${file.name}” is empty.`;
  if (file.size > ATTACHMENT_MAX_BYTES) return `“${file.name}” is ${formatBytes(file.size)}; files can be at most 10 MB.`;
  return null;
}

/** What went wrong with an upload, in words (413, 415, 422, anything else). */
export function attachmentUploadError(err: unknown, name: string): string {
  if (err instanceof ApiError) {
    if (err.status === 413) return `“${name}” is larger than 10 MB.`;
    if (err.status === 415) return `“${name}” is not a type Karat accepts: JPEG, PNG or WebP images, PDFs and text files.`;
    if (err.status === 422) {
      const e = err.errors.find((x) => x.field === 'file');
      return e ? `“${name}” ${e.message.replace(/\.$/, '')}.` : describeError(err);
    }
  }
  return describeError(err);
}

/** Whether an attachment is shown as a picture. */
export function isImage(contentType: string): boolean {
  return contentType === 'image/jpeg' || contentType === 'image/png' || contentType === 'image/webp';
}
