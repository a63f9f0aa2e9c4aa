import { describe, expect, it } from 'vitest';
import { cacheable, classify } from './rules';

const origin = 'https://karat.example';
const req = (url: string, extra: { method?: string; mode?: string } = {}) => ({
  method: extra.method ?? 'GET',
  mode: extra.mode ?? 'cors',
  url: url.startsWith('http') ? url : `${origin}${url}`,
  origin,
});

describe('service worker routing', () => {
  it('never handles the API, including docs and the OpenAPI document', () => {
    expect(classify(req('/api/v1/me'))).toBe('network');
    expect(classify(req('/api/v1/stores?cursor=x'))).toBe('network');
    expect(classify(req('/api/openapi.json'))).toBe('network');
    expect(classify(req('/api/docs', { mode: 'navigate' }))).toBe('network');
    expect(classify(req('/api'))).toBe('network');
  });

  it('leaves non-GET and cross-origin requests alone', () => {
    expect(classify(req('/assets/app.js', { method: 'POST' }))).toBe('network');
    expect(classify(req('https://cdn.example/x.js'))).toBe('network');
  });

  it('serves the app shell for navigations', () => {
    expect(classify(req('/', { mode: 'navigate' }))).toBe('shell');
    expect(classify(req('/admin/users?role=manager', { mode: 'navigate' }))).toBe('shell');
  });

  it('caches static assets only', () => {
    expect(classify(req('/assets/index-abc123.js'))).toBe('cache-first');
    expect(classify(req('/icons/icon-192.png'))).toBe('cache-first');
    expect(classify(req('/manifest.webmanifest'))).toBe('cache-first');
    expect(classify(req('/vendor/redoc.standalone.js'))).toBe('network');
    expect(classify(req('/sw.js'))).toBe('network');
    expect(classify(req('/apiary/x.js'))).toBe('network');
  });

  it('stores only complete same-origin successes', () => {
    expect(cacheable({ ok: true, status: 200, type: 'basic' })).toBe(true);
    expect(cacheable({ ok: true, status: 206, type: 'basic' })).toBe(false);
    expect(cacheable({ ok: false, status: 404, type: 'basic' })).toBe(false);
    expect(cacheable({ ok: false, status: 0, type: 'opaque' })).toBe(false);
  });
});
