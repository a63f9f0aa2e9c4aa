import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/problem';
import { ATTACHMENT_MAX_BYTES, attachmentContentType, attachmentUploadError, checkAttachment, isImage } from './attachments';

describe('chat attachments', () => {
  it('picks the Content-Type from the browser, else from the extension', () => {
    expect(attachmentContentType({ name: 'a.png', type: 'image/png' })).toBe('image/png');
    expect(attachmentContentType({ name: 'a', type: 'image/jpg' })).toBe('image/jpeg');
    expect(attachmentContentType({ name: 'notes.txt', type: 'text/plain;charset=utf-8' })).toBe('text/plain');
    expect(attachmentContentType({ name: 'Quote.PDF', type: '' })).toBe('application/pdf');
    expect(attachmentContentType({ name: 'photo.webp', type: 'application/octet-stream' })).toBe('image/webp');
    expect(attachmentContentType({ name: 'a.gif', type: 'image/gif' })).toBeNull();
    expect(attachmentContentType({ name: 'a.docx', type: '' })).toBeNull();
  });

  it('checks type, emptiness and size before uploading', () => {
    expect(checkAttachment({ name: 'a.png', type: 'image/png', size: 100 })).toBeNull();
    expect(checkAttachment({ name: 'a.gif', type: 'image/gif', size: 100 })).toMatch(/cannot be attached/);
    expect(checkAttachment({ name: 'a.pdf', type: 'application/pdf', size: 0 })).toMatch(/empty/);
    expect(checkAttachment({ name: 'a.pdf', type: 'application/pdf', size: ATTACHMENT_MAX_BYTES + 1 })).toMatch(/10 MB/);
  });

  it('explains the server’s refusals', () => {
    expect(attachmentUploadError(new ApiError({ status: 413, title: 'Too large' }), 'a.pdf')).toMatch(/larger than 10 MB/);
    expect(attachmentUploadError(new ApiError({ status: 415, title: 'Unsupported' }), 'a.pdf')).toMatch(/JPEG, PNG or WebP/);
    expect(
      attachmentUploadError(
        new ApiError({ status: 422, title: 'Invalid', errors: [{ field: 'file', message: 'is not the image/png file it claims to be' }] }),
        'a.png',
      ),
    ).toBe('“a.png” is not the image/png file it claims to be.');
    expect(attachmentUploadError(new ApiError({ status: 429, title: 'Too many', detail: 'Slow down.' }), 'a.png')).toBe('Slow down.');
  });

  it('shows pictures as pictures', () => {
    expect(isImage('image/png')).toBe(true);
    expect(isImage('application/pdf')).toBe(false);
  });
});
