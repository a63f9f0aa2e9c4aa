import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/problem';
import {
  XLSX_TYPE,
  checkImportFile,
  checkPhotoFile,
  extensionOf,
  formatBytes,
  importContentType,
  importUploadError,
  photoContentType,
  photoUploadError,
  safeFilename,
} from './files';

describe('import files', () => {
  it('picks the Content-Type by extension, whatever the browser reports', () => {
    expect(importContentType('customers.csv')).toBe('text/csv');
    expect(importContentType('Customers 2026.CSV')).toBe('text/csv');
    expect(importContentType('export.xlsx')).toBe(XLSX_TYPE);
    expect(importContentType('crm.json')).toBe('application/json');
    expect(importContentType('old.xls')).toBeNull();
    expect(importContentType('notes.txt')).toBeNull();
    expect(importContentType('csv')).toBeNull();
    expect(extensionOf('a/b/c.tar.gz')).toBe('gz');
    expect(extensionOf('.hidden')).toBe('');
  });

  it('checks type, emptiness and size before uploading', () => {
    expect(checkImportFile({ name: 'a.csv', size: 100 })).toBeNull();
    expect(checkImportFile({ name: 'a.xls', size: 100 })).toMatch(/\.csv, \.xlsx/);
    expect(checkImportFile({ name: 'a.csv', size: 0 })).toMatch(/empty/);
    expect(checkImportFile({ name: 'a.csv', size: 21 * 1024 * 1024 })).toMatch(/21 MB.*20 MB/);
  });

  it('explains the server’s refusals', () => {
    expect(importUploadError(new ApiError({ status: 413, title: 'Too large' }))).toMatch(/larger than 20 MB/);
    expect(importUploadError(new ApiError({ status: 415, title: 'Unsupported' }))).toMatch(/\.csv, \.xlsx/);
    expect(
      importUploadError(
        new ApiError({
          status: 422,
          title: 'Invalid',
          errors: [{ field: 'file', message: 'is not UTF-8 text; in Excel use "Save as → CSV UTF-8"' }],
        }),
      ),
    ).toBe('The file is not UTF-8 text; in Excel use "Save as → CSV UTF-8".');
    expect(
      importUploadError(new ApiError({ status: 422, title: 'Invalid', errors: [{ field: 'filename', message: 'is too long' }] })),
    ).toBe('filename: is too long');
  });
});

describe('photos', () => {
  it('takes JPEG, PNG and WebP by type, or by extension when the type is missing', () => {
    expect(photoContentType({ name: 'x.jpg', type: 'image/jpeg' })).toBe('image/jpeg');
    expect(photoContentType({ name: 'IMG_1.HEIC', type: 'image/heic' })).toBeNull();
    expect(photoContentType({ name: 'ring.webp', type: '' })).toBe('image/webp');
    expect(photoContentType({ name: 'ring.JPEG', type: 'application/octet-stream' })).toBe('image/jpeg');
    expect(photoContentType({ name: 'scan.pdf', type: 'application/pdf' })).toBeNull();
    expect(photoContentType({ name: 'a', type: 'image/pjpeg' })).toBe('image/jpeg');
  });

  it('checks photos before uploading and explains refusals', () => {
    expect(checkPhotoFile({ name: 'a.png', type: 'image/png', size: 5 * 1024 * 1024 })).toBeNull();
    expect(checkPhotoFile({ name: 'a.png', type: 'image/png', size: 5 * 1024 * 1024 + 1 })).toMatch(/at most 5 MB/);
    expect(checkPhotoFile({ name: 'a.gif', type: 'image/gif', size: 10 })).toMatch(/JPEG, PNG or WebP/);
    expect(photoUploadError(new ApiError({ status: 409, title: 'Conflict', detail: 'An interest has at most 5 photos.' }))).toBe(
      'An interest has at most 5 photos.',
    );
    expect(photoUploadError(new ApiError({ status: 413, title: 'Too large' }))).toMatch(/5 MB/);
    expect(photoUploadError(new ApiError({ status: 415, title: 'Unsupported' }))).toMatch(/JPEG, PNG or WebP/);
    expect(
      photoUploadError(
        new ApiError({
          status: 422,
          title: 'Invalid',
          errors: [{ field: 'file', message: 'is not the JPEG, PNG or WebP image it claims to be' }],
        }),
      ),
    ).toBe('The file is not the JPEG, PNG or WebP image it claims to be.');
  });
});

describe('names and sizes', () => {
  it('formats sizes and makes safe file names', () => {
    expect(formatBytes(512)).toBe('512 bytes');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(20 * 1024 * 1024)).toBe('20 MB');
    expect(safeFilename('Chennai: VIPs / 2026')).toBe('chennai-vips-2026');
    expect(safeFilename('!!!')).toBe('export');
  });
});
