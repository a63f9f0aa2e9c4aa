// Files people pick or download: which Content-Type an upload is sent with,
// checks made before sending, what the server's refusals mean, and saving a
// fetched blob.
import { ApiError, describeError } from '../api/problem';

export const IMPORT_MAX_BYTES = 20 * 1024 * 1024;
export const PHOTO_MAX_BYTES = 5 * 1024 * 1024;
/** Photos an interest can hold (the server refuses a sixth with 409). */
export const PHOTOS_PER_INTEREST = 5;

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const IMPORT_TYPES: Record<string, string> = {
  csv: 'text/csv',
  xlsx: XLSX_TYPE,
  json: 'application/json',
};

/** What the import file input offers (extensions for desktop pickers, types for phones). */
export const IMPORT_ACCEPT = '.csv,.xlsx,.json,text/csv,application/json,' + XLSX_TYPE;
export const PHOTO_ACCEPT = 'image/jpeg,image/png,image/webp';

export const EXPORT_FORMATS: { value: 'csv' | 'json'; label: string }[] = [
  { value: 'csv', label: 'CSV (Excel, Sheets)' },
  { value: 'json', label: 'JSON lines' },
];

/** "Customers.2026.CSV" → "csv"; no extension → "". */
export function extensionOf(filename: string): string {
  const base = filename.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

/**
 * The Content-Type to upload an import file with, chosen by its extension
 * (browsers report CSV as text/csv, application/vnd.ms-excel or nothing at
 * all, so the name is the reliable part). Null: not a file we can import.
 */
export function importContentType(filename: string): string | null {
  return IMPORT_TYPES[extensionOf(filename)] ?? null;
}

const PHOTO_TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  jfif: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
};

/** The Content-Type of a photo (the browser's type first, else its extension); null when not JPEG, PNG or WebP. */
export function photoContentType(file: { name: string; type: string }): string | null {
  const declared = file.type.toLowerCase();
  if (declared === 'image/jpeg' || declared === 'image/png' || declared === 'image/webp') return declared;
  if (declared === 'image/jpg' || declared === 'image/pjpeg') return 'image/jpeg';
  if (declared !== '' && declared !== 'application/octet-stream') return null;
  return PHOTO_TYPES[extensionOf(file.name)] ?? null;
}

/** Why this file cannot be imported (checked before uploading), or null. */
export function checkImportFile(file: { name: string; size: number }): string | null {
  if (!importContentType(file.name)) return 'Choose a .csv, .xlsx (Excel) or .json file.';
  if (file.size === 0) return 'This file is empty.';
  if (file.size > IMPORT_MAX_BYTES)
    return `This file is ${formatBytes(file.size)}; the most Karat imports at once is 20 MB. Split it into smaller files.`;
  return null;
}

/** Why this photo cannot be added (checked before uploading), or null. */
export function checkPhotoFile(file: { name: string; size: number; type: string }): string | null {
  if (!photoContentType(file)) return 'Choose a JPEG, PNG or WebP photo.';
  if (file.size === 0) return 'This photo is empty.';
  if (file.size > PHOTO_MAX_BYTES) return `This photo is ${formatBytes(file.size)}; photos can be at most 5 MB.`;
  return null;
}

function fileFieldMessage(err: ApiError): string | null {
  const e = err.errors.find((x) => x.field === 'file') ?? null;
  return e ? `The file ${e.message.replace(/\.$/, '')}.` : null;
}

/** What went wrong with an import upload, in words (413, 415, 422 on `file`, anything else). */
export function importUploadError(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 413) return 'The file is larger than 20 MB. Split it into smaller files and import them one by one.';
    if (err.status === 415) return 'Karat imports .csv, .xlsx (Excel) and .json files only.';
    if (err.status === 422) return fileFieldMessage(err) ?? describeError(err);
    if (err.status === 403) return 'Your role cannot import customers.';
  }
  return describeError(err);
}

/** What went wrong with a photo upload, in words (413, 415, 422, 409, anything else). */
export function photoUploadError(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 413) return 'The photo is larger than 5 MB. Take it again at a lower resolution.';
    if (err.status === 415) return 'Photos must be JPEG, PNG or WebP images.';
    if (err.status === 422) return fileFieldMessage(err) ?? 'This file is not a JPEG, PNG or WebP image.';
    if (err.status === 409) return err.detail ?? 'An interest can have at most 5 photos.';
    if (err.status === 404) return 'This interest is no longer available (the visit or customer may have been removed).';
  }
  return describeError(err);
}

/** 1536 → "1.5 KB"; 20971520 → "20 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ['KB', 'MB', 'GB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const shown = v >= 10 || Number.isInteger(v) ? Math.round(v).toString() : v.toFixed(1);
  return `${shown} ${units[i]}`;
}

/** "Customers: Chennai / VIP" → "customers-chennai-vip". */
export function safeFilename(text: string): string {
  const s = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s.slice(0, 60) || 'export';
}

/**
 * Saves a blob as a file: a temporary download link on an object URL (the
 * request needed the bearer token, so a plain link cannot fetch it).
 */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoked after the browser has started the download.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}
