import { describe, expect, it } from 'vitest';
import { ApiError, describeError, networkError, parseRetryAfter, problemFromBody, problemFromResponse } from './problem';

describe('problem+json parsing', () => {
  it('reads all RFC 9457 fields', async () => {
    const res = new Response(
      JSON.stringify({
        type: 'https://karat.app/problems/validation',
        title: 'Validation failed',
        status: 422,
        detail: 'Some fields are invalid.',
        request_id: 'req-123',
        errors: [
          { field: 'new_password', message: 'is too common' },
          { field: 'new_password', message: 'second message ignored' },
          { field: 'email', message: 'is not an email' },
        ],
      }),
      { status: 422, headers: { 'Content-Type': 'application/problem+json' } },
    );
    const err = await problemFromResponse(res);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(422);
    expect(err.type).toBe('https://karat.app/problems/validation');
    expect(err.title).toBe('Validation failed');
    expect(err.detail).toBe('Some fields are invalid.');
    expect(err.requestId).toBe('req-123');
    expect(err.fieldErrors()).toEqual({ new_password: 'is too common', email: 'is not an email' });
    expect(describeError(err)).toBe('Some fields are invalid.');
  });

  it('keeps the existing record of a duplicate', () => {
    const err = problemFromBody(409, {
      type: 'urn:karat:problem:duplicate',
      title: 'Already exists',
      status: 409,
      detail: '+919876500001 already belongs to another customer.',
      existing_id: '01a219b5-cbcf-70fd-90b7-af2a041724b6',
    });
    expect(err.existingId).toBe('01a219b5-cbcf-70fd-90b7-af2a041724b6');
    expect(problemFromBody(409, { title: 'Conflict' }).existingId).toBeNull();
  });

  it('survives a non-JSON body (e.g. a proxy error page)', async () => {
    const err = await problemFromResponse(new Response('<html>Bad gateway</html>', { status: 502 }));
    expect(err.status).toBe(502);
    expect(err.title).toBe('Server unavailable');
    expect(err.detail).toBeNull();
    expect(describeError(err)).toBe('Server unavailable');
  });

  it('survives an empty body and falls back to the request id header', async () => {
    const err = await problemFromResponse(new Response(null, { status: 404, headers: { 'x-request-id': 'abc' } }));
    expect(err.title).toBe('Not found');
    expect(err.requestId).toBe('abc');
  });

  it('ignores malformed errors[] entries', () => {
    const err = problemFromBody(422, {
      title: 'x',
      errors: [null, 3, { field: 'a' }, { field: 'b', message: 'bad' }, { message: 'global' }],
    });
    expect(err.errors).toEqual([
      { field: 'b', message: 'bad' },
      { field: '', message: 'global' },
    ]);
    expect(describeError(err)).toBe('b: bad; global');
  });

  it('uses detail over title, and a generic title for unknown statuses', () => {
    expect(describeError(problemFromBody(418, {}))).toBe('Request failed (418)');
    expect(describeError(problemFromBody(403, { title: 'Forbidden', detail: 'Managers only.' }))).toBe('Managers only.');
  });

  it('explains throttling with Retry-After', () => {
    const err = problemFromBody(
      429,
      { title: 'Too many requests', detail: 'Too many sign-in attempts.' },
      new Headers({ 'Retry-After': '120' }),
    );
    expect(err.retryAfter).toBe(120);
    expect(describeError(err)).toBe('Too many sign-in attempts. Try again in 2 minutes.');
    const short = problemFromBody(429, {}, new Headers({ 'Retry-After': '1' }));
    expect(describeError(short)).toBe('Too many attempts. Try again in 1 second.');
  });

  it('parses Retry-After dates', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });

  it('describes network failures and plain errors', () => {
    expect(describeError(networkError(new TypeError('Failed to fetch')))).toBe('Check your connection and try again.');
    expect(describeError(new Error('boom'))).toBe('boom');
    expect(describeError('weird')).toBe('Something went wrong.');
  });
});
