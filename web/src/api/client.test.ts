import { describe, expect, it, vi } from 'vitest';
import { ApiClient, buildQuery, filenameFromDisposition, type LockFn } from './client';
import { ApiError } from './problem';
import { MemoryStorage, REFRESH_TOKEN_KEY, TokenStore } from './tokens';

const user = {
  id: 'u1',
  tenant_id: 't1',
  name: 'Asha',
  email: 'asha@demo.test',
  phone: null,
  role: 'sales_rep',
  store_ids: [],
  manager_id: null,
  active: true,
  created_at: '2026-01-01T00:00:00Z',
};

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json', ...headers },
  });
}

/**
 * A fake server: access tokens "A<n>" are valid only while current; refresh
 * tokens "R<n>" rotate on every use and the old one dies.
 */
function fakeServer(opts: { refreshDelay?: number; delays?: Record<string, number> } = {}) {
  let gen = 1;
  let validAccess = 'A1';
  let validRefresh: string | null = 'R1';
  const calls: { path: string; auth: string | null }[] = [];
  let refreshCalls = 0;
  const fetchFn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://x');
    const path = url.pathname.replace('/api/v1', '');
    const headers = (init?.headers ?? {}) as Record<string, string>;
    const auth = headers.Authorization ?? null;
    calls.push({ path, auth });
    if (path === '/auth/login') {
      return json(200, { access_token: validAccess, refresh_token: validRefresh, expires_in: 900, user });
    }
    if (path === '/auth/refresh') {
      refreshCalls++;
      const body = JSON.parse(String(init?.body)) as { refresh_token: string };
      if (opts.refreshDelay) await new Promise((r) => setTimeout(r, opts.refreshDelay));
      if (body.refresh_token !== validRefresh)
        return json(401, { type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'refresh token is no longer valid' });
      gen++;
      validAccess = `A${gen}`;
      validRefresh = `R${gen}`;
      return json(200, { access_token: validAccess, refresh_token: validRefresh, expires_in: 900, user });
    }
    if (path === '/auth/logout') return new Response(null, { status: 204 });
    const delay = opts.delays?.[path];
    if (delay) await new Promise((r) => setTimeout(r, delay));
    if (auth !== `Bearer ${validAccess}`) return json(401, { type: 'about:blank', title: 'Unauthorized', status: 401 });
    if (path.startsWith('/files/')) {
      return new Response('name,phone\r\n', {
        status: 200,
        headers: { 'Content-Type': 'text/csv', 'Content-Disposition': `attachment; filename="${path.slice(7)}.csv"` },
      });
    }
    return json(200, { path, ok: true });
  });
  return {
    fetchFn,
    calls,
    get refreshCalls() {
      return refreshCalls;
    },
    expireAccess() {
      validAccess = 'expired';
    },
    revokeRefresh() {
      validRefresh = null;
      validAccess = 'expired';
    },
    rotateElsewhere() {
      // Another tab refreshed: returns the token it got (which it stored).
      gen++;
      validAccess = `A${gen}`;
      validRefresh = `R${gen}`;
      return validRefresh;
    },
  };
}

const noLock: LockFn = (_n, fn) => fn();

function setup(opts: { refreshDelay?: number; delays?: Record<string, number>; lock?: LockFn } = {}) {
  const server = fakeServer(opts);
  const storage = new MemoryStorage();
  const tokens = new TokenStore(storage);
  const onAuthLost = vi.fn();
  const client = new ApiClient({ tokens, fetch: server.fetchFn as typeof fetch, lock: opts.lock ?? noLock, onAuthLost });
  return { server, storage, tokens, client, onAuthLost };
}

describe('ApiClient auth', () => {
  it('keeps the access token in memory and the refresh token in storage', async () => {
    const { client, tokens, storage } = setup();
    await client.login('asha@demo.test', 'pw');
    expect(tokens.accessToken()).toBe('A1');
    expect(storage.getItem(REFRESH_TOKEN_KEY)).toBe('R1');
    expect(JSON.stringify([...Object.values(storage)])).not.toContain('A1');
  });

  it('sends the bearer token', async () => {
    const { client, server } = setup();
    await client.login('a', 'b');
    await client.get('/me');
    expect(server.calls.at(-1)).toEqual({ path: '/me', auth: 'Bearer A1' });
  });

  it('refreshes once on 401, rotates the refresh token and retries', async () => {
    const { client, server, storage } = setup();
    await client.login('a', 'b');
    server.expireAccess();
    const res = await client.get<{ ok: boolean }>('/stores');
    expect(res.ok).toBe(true);
    expect(server.refreshCalls).toBe(1);
    expect(storage.getItem(REFRESH_TOKEN_KEY)).toBe('R2');
    expect(server.calls.map((c) => c.path)).toEqual(['/auth/login', '/stores', '/auth/refresh', '/stores']);
  });

  it('shares one refresh between concurrent requests', async () => {
    const { client, server } = setup({ refreshDelay: 20 });
    await client.login('a', 'b');
    server.expireAccess();
    const results = await Promise.all([client.get('/a'), client.get('/b'), client.get('/c'), client.get('/d')]);
    expect(results).toHaveLength(4);
    expect(server.refreshCalls).toBe(1);
  });

  it('does not refresh again for a 401 that arrives after another request refreshed', async () => {
    const { client, server } = setup({ delays: { '/slow': 40 } });
    await client.login('a', 'b');
    server.expireAccess();
    // Both leave with the old token; /fast's 401 triggers the refresh, which is
    // over before /slow's 401 arrives — /slow must just retry with the new token.
    const [slow, fast] = await Promise.all([client.get<{ ok: boolean }>('/slow'), client.get<{ ok: boolean }>('/fast')]);
    expect(slow.ok && fast.ok).toBe(true);
    expect(server.refreshCalls).toBe(1);
  });

  it('reports auth lost and clears tokens when the refresh token is dead', async () => {
    const { client, server, tokens, onAuthLost } = setup();
    await client.login('a', 'b');
    server.revokeRefresh();
    await expect(client.get('/stores')).rejects.toMatchObject({ status: 401 });
    expect(onAuthLost).toHaveBeenCalledTimes(1);
    expect(tokens.accessToken()).toBeNull();
    expect(tokens.refreshToken()).toBeNull();
  });

  it('concurrent requests with a dead session all fail and refresh only once', async () => {
    const { client, server } = setup({ refreshDelay: 10 });
    await client.login('a', 'b');
    server.revokeRefresh();
    const results = await Promise.allSettled([client.get('/a'), client.get('/b'), client.get('/c')]);
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(server.refreshCalls).toBe(1);
  });

  it('bootstraps an access token from a stored refresh token (after a reload)', async () => {
    const { server, storage } = setup();
    storage.setItem(REFRESH_TOKEN_KEY, 'R1');
    const tokens = new TokenStore(storage);
    const client = new ApiClient({ tokens, fetch: server.fetchFn as typeof fetch, lock: noLock });
    const res = await client.get<{ ok: boolean }>('/me');
    expect(res.ok).toBe(true);
    expect(server.calls.map((c) => c.path)).toEqual(['/auth/refresh', '/me']);
  });

  it('uses the token another tab rotated in when its own is already dead', async () => {
    const { client, server, storage } = setup();
    await client.login('a', 'b');
    // The other tab refreshed and stored its new token; ours (R1) is dead now.
    const fresh = server.rotateElsewhere();
    storage.setItem(REFRESH_TOKEN_KEY, fresh);
    server.expireAccess();
    const res = await client.get<{ ok: boolean }>('/me');
    expect(res.ok).toBe(true);
  });

  it('serialises refreshes through the lock and re-reads the token inside it', async () => {
    const order: string[] = [];
    let chain = Promise.resolve();
    const lock: LockFn = (name, fn) => {
      const run = chain.then(() => {
        order.push(name);
        return fn();
      });
      chain = run.then(
        () => undefined,
        () => undefined,
      );
      return run;
    };
    const { client, server } = setup({ lock });
    await client.login('a', 'b');
    server.expireAccess();
    await client.get('/x');
    expect(order).toEqual(['karat-auth-refresh']);
  });

  it('keeps the session on a network error during refresh', async () => {
    const tokens = new TokenStore(new MemoryStorage());
    tokens.set({ access_token: 'old', refresh_token: 'R1', expires_in: 900 });
    const fetchFn = vi.fn(async (input: RequestInfo | URL) => {
      if (String(input).endsWith('/auth/refresh')) throw new TypeError('Failed to fetch');
      return json(401, { title: 'Unauthorized', status: 401 });
    });
    const onAuthLost = vi.fn();
    const client = new ApiClient({ tokens, fetch: fetchFn as typeof fetch, lock: noLock, onAuthLost });
    await expect(client.get('/me')).rejects.toMatchObject({ status: 0, type: 'network' });
    expect(onAuthLost).not.toHaveBeenCalled();
    expect(tokens.refreshToken()).toBe('R1');
  });

  it('does not try to refresh for unauthenticated calls such as login', async () => {
    const tokens = new TokenStore(new MemoryStorage());
    const fetchFn = vi.fn(async () =>
      json(401, { type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'Wrong email or password.' }),
    );
    const client = new ApiClient({ tokens, fetch: fetchFn as typeof fetch, lock: noLock });
    const err = await client.login('a', 'b').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).detail).toBe('Wrong email or password.');
    expect(fetchFn).toHaveBeenCalledTimes(1);
  });

  it('logout revokes the refresh token on the server and forgets it locally', async () => {
    const { client, server, tokens } = setup();
    await client.login('a', 'b');
    await client.logout();
    expect(server.calls.at(-1)?.path).toBe('/auth/logout');
    expect(tokens.accessToken()).toBeNull();
    expect(tokens.refreshToken()).toBeNull();
  });

  it('parses 204 as undefined and problem bodies as ApiError', async () => {
    const tokens = new TokenStore(new MemoryStorage());
    tokens.set({ access_token: 'A', refresh_token: 'R', expires_in: 900 });
    const fetchFn = vi
      .fn()
      .mockResolvedValueOnce(new Response(null, { status: 204 }))
      .mockResolvedValueOnce(
        json(422, {
          type: 'https://karat/validation',
          title: 'Invalid',
          status: 422,
          errors: [{ field: 'code', message: 'already used' }],
        }),
      );
    const client = new ApiClient({ tokens, fetch: fetchFn as typeof fetch, lock: noLock });
    await expect(client.delete('/auth/sessions/1')).resolves.toBeUndefined();
    const err = (await client.post('/stores', {}).catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(422);
    expect(err.fieldErrors()).toEqual({ code: 'already used' });
  });
});

describe('files', () => {
  function signedIn(fetchFn: ReturnType<typeof vi.fn>) {
    const tokens = new TokenStore(new MemoryStorage());
    tokens.set({ access_token: 'A', refresh_token: 'R', expires_in: 900 });
    return new ApiClient({ tokens, fetch: fetchFn as unknown as typeof fetch, lock: noLock });
  }

  it('uploads a file as the raw body with its own Content-Type', async () => {
    const fetchFn = vi.fn().mockResolvedValueOnce(json(201, { id: 'i1' }));
    const client = signedIn(fetchFn);
    const file = new Blob(['Customer Name,Mobile No\n'], { type: 'application/vnd.ms-excel' });
    await expect(client.upload('/customers/imports', file, 'text/csv', { filename: 'a b.csv' })).resolves.toEqual({ id: 'i1' });
    const [url, init] = fetchFn.mock.calls[0] as [string, RequestInit];
    expect(url).toBe('/api/v1/customers/imports?filename=a+b.csv');
    expect(init.method).toBe('POST');
    expect(init.body).toBe(file);
    expect((init.headers as Record<string, string>)['Content-Type']).toBe('text/csv');
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer A');
  });

  it('sends extra headers (an Idempotency-Key) with a JSON body', async () => {
    const fetchFn = vi.fn().mockResolvedValueOnce(json(201, { id: 'm1' }));
    const client = signedIn(fetchFn);
    await client.request('/chat/channels/c1/messages', { method: 'POST', body: { body: 'hi' }, headers: { 'Idempotency-Key': 'k1' } });
    const [, init] = fetchFn.mock.calls[0] as [string, RequestInit];
    const headers = init.headers as Record<string, string>;
    expect(headers['Idempotency-Key']).toBe('k1');
    expect(headers['Content-Type']).toBe('application/json');
    expect(headers.Authorization).toBe('Bearer A');
  });

  it('downloads a file with the bearer token, refreshing once on 401, with the server’s file name', async () => {
    const { client, server } = setup();
    await client.login('a', 'b');
    server.expireAccess();
    const d = await client.download('/files/segment-vip', { channel: 'sms' });
    expect(await d.blob.text()).toBe('name,phone\r\n');
    expect(d.filename).toBe('segment-vip.csv');
    expect(server.calls.map((c) => c.path)).toEqual(['/auth/login', '/files/segment-vip', '/auth/refresh', '/files/segment-vip']);
    expect(server.calls.at(-1)?.auth).toBe('Bearer A2');
  });

  it('turns a failed download into an ApiError', async () => {
    const fetchFn = vi.fn().mockResolvedValueOnce(json(403, { title: 'Forbidden', status: 403, detail: 'Not allowed here.' }));
    const err = (await signedIn(fetchFn)
      .download('/customers/export')
      .catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(403);
  });

  it('reads the body of a 202 (an import that started)', async () => {
    const fetchFn = vi.fn().mockResolvedValueOnce(json(202, { id: 'i1', status: 'importing' }));
    await expect(signedIn(fetchFn).post('/customers/imports/i1/confirm')).resolves.toEqual({ id: 'i1', status: 'importing' });
  });

  it('reads file names from Content-Disposition, never a path', () => {
    expect(filenameFromDisposition('attachment; filename="segment-vip.csv"')).toBe('segment-vip.csv');
    expect(filenameFromDisposition('attachment; filename=customers.jsonl')).toBe('customers.jsonl');
    expect(filenameFromDisposition('attachment; filename="x.csv"; filename*=UTF-8\'\'gr%C3%BCn%20list.csv')).toBe('grün list.csv');
    expect(filenameFromDisposition('attachment; filename="../../etc/passwd"')).toBe('passwd');
    expect(filenameFromDisposition('attachment')).toBeNull();
    expect(filenameFromDisposition(null)).toBeNull();
  });
});

describe('buildQuery', () => {
  it('drops empty values and encodes the rest', () => {
    expect(buildQuery({ q: 'a b', role: '', cursor: null, limit: 25, active: false, x: undefined })).toBe('?q=a+b&limit=25&active=false');
    expect(buildQuery({})).toBe('');
    expect(buildQuery(undefined)).toBe('');
  });
});
