// The one HTTP client: JSON in and out, bearer auth, problem+json errors and
// transparent token refresh. On a 401 it refreshes once (all concurrent
// requests share that one refresh, and tabs take turns through a Web Lock so a
// rotated refresh token is never used twice), then retries the request once.
import type { LoginResponse } from './types';
import { ApiError, networkError, problemFromResponse } from './problem';
import type { TokenStore } from './tokens';

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Sent as JSON, or as it is (a File or Blob) when `contentType` is given. */
  body?: unknown;
  /** The Content-Type of a raw body (an uploaded file); without it the body is JSON. */
  contentType?: string;
  query?: Record<string, QueryValue>;
  /** Extra request headers (e.g. Idempotency-Key). */
  headers?: Record<string, string>;
  /** Send the bearer token and refresh on 401 (default true). */
  auth?: boolean;
  signal?: AbortSignal;
}

export type LockFn = <T>(name: string, fn: () => Promise<T>) => Promise<T>;

export interface ApiClientOptions {
  tokens: TokenStore;
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Serialises refreshes across tabs; defaults to navigator.locks when present. */
  lock?: LockFn;
  /** Called once a session cannot be refreshed any more. */
  onAuthLost?: () => void;
  /** Called after every successful login or refresh. */
  onTokens?: (res: LoginResponse) => void;
}

const REFRESH_LOCK = 'karat-auth-refresh';

export function defaultLock(): LockFn {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (locks && typeof locks.request === 'function') {
    return <T>(name: string, fn: () => Promise<T>) => locks.request(name, () => fn()) as Promise<T>;
  }
  return <T>(_name: string, fn: () => Promise<T>) => fn();
}

export function buildQuery(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.append(key, String(value));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

export class ApiClient {
  private readonly tokens: TokenStore;
  private readonly baseUrl: string;
  private readonly fetchFn: typeof fetch;
  private readonly lock: LockFn;
  private onAuthLost: (() => void) | undefined;
  private onTokens: ((res: LoginResponse) => void) | undefined;
  private refreshing: Promise<boolean> | null = null;

  constructor(opts: ApiClientOptions) {
    this.tokens = opts.tokens;
    this.baseUrl = opts.baseUrl ?? '/api/v1';
    // Bind: calling window.fetch with another `this` throws "Illegal invocation".
    const f = opts.fetch ?? globalThis.fetch;
    this.fetchFn = (input, init) => f(input, init);
    this.lock = opts.lock ?? defaultLock();
    this.onAuthLost = opts.onAuthLost;
    this.onTokens = opts.onTokens;
  }

  setHandlers(h: { onAuthLost?: () => void; onTokens?: (res: LoginResponse) => void }): void {
    this.onAuthLost = h.onAuthLost;
    this.onTokens = h.onTokens;
  }

  hasSession(): boolean {
    return this.tokens.accessToken() !== null || this.tokens.refreshToken() !== null;
  }

  get<T>(path: string, query?: Record<string, QueryValue>, signal?: AbortSignal): Promise<T> {
    return this.request<T>(path, { query, signal });
  }
  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>(path, { method: 'POST', body });
  }
  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>(path, { method: 'PUT', body });
  }
  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>(path, { method: 'PATCH', body });
  }
  delete<T = void>(path: string): Promise<T> {
    return this.request<T>(path, { method: 'DELETE' });
  }

  /** Sends a file or blob as the request body with its own Content-Type (uploads). */
  upload<T>(path: string, body: Blob, contentType: string, query?: Record<string, QueryValue>): Promise<T> {
    return this.request<T>(path, { method: 'POST', body, contentType, query });
  }

  /**
   * Fetches a file with the bearer token (exports, photos): an <a href> or
   * <img src> cannot send it. The file name comes from Content-Disposition.
   */
  async download(path: string, query?: Record<string, QueryValue>, signal?: AbortSignal): Promise<Download> {
    const res = await this.fetchAuthed(path, { query, signal });
    const blob = await res.blob();
    return { blob, filename: filenameFromDisposition(res.headers.get('content-disposition')) };
  }

  async request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.fetchAuthed(path, opts);
    return (await readBody(res)) as T;
  }

  /** A successful response, after at most one refresh-and-retry on 401; anything else throws an ApiError. */
  private async fetchAuthed(path: string, opts: RequestOptions): Promise<Response> {
    const auth = opts.auth ?? true;
    if (auth && this.tokens.accessToken() === null && this.tokens.refreshToken() !== null) {
      // After a reload only the refresh token is left: get an access token first.
      await this.refresh();
    }
    const used = auth ? this.tokens.accessToken() : null;
    let res = await this.send(path, opts, used);
    if (res.status === 401 && auth) {
      // Another request may already have refreshed while this one was in flight.
      const current = this.tokens.accessToken();
      const refreshed = current !== null && current !== used ? true : await this.refresh();
      if (!refreshed) {
        this.authLost();
        throw await problemFromResponse(res);
      }
      res = await this.send(path, opts, this.tokens.accessToken());
      if (res.status === 401) {
        this.tokens.clear();
        this.authLost();
      }
    }
    if (!res.ok) throw await problemFromResponse(res);
    return res;
  }

  /**
   * Exchanges the refresh token for a new pair. Concurrent callers share one
   * attempt. Resolves false when the session is definitely over (tokens are then
   * cleared); rejects on network or server errors, leaving tokens in place.
   */
  refresh(): Promise<boolean> {
    if (!this.refreshing) {
      this.refreshing = this.lock(REFRESH_LOCK, () => this.doRefresh()).finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  private async doRefresh(): Promise<boolean> {
    // Read inside the lock: another tab may have rotated the token meanwhile.
    const token = this.tokens.refreshToken();
    if (!token) {
      this.tokens.dropAccess();
      return false;
    }
    const res = await this.send('/auth/refresh', { method: 'POST', body: { refresh_token: token } }, null);
    if (res.ok) {
      const body = (await res.json()) as LoginResponse;
      this.tokens.set(body);
      this.onTokens?.(body);
      return true;
    }
    if (res.status === 400 || res.status === 401 || res.status === 403) {
      const latest = this.tokens.refreshToken();
      if (latest && latest !== token) {
        // Without Web Locks, another tab can win the race; its token is ours now.
        return this.doRefresh();
      }
      this.tokens.clear();
      return false;
    }
    throw await problemFromResponse(res);
  }

  async login(email: string, password: string): Promise<LoginResponse> {
    const body = await this.request<LoginResponse>('/auth/login', {
      method: 'POST',
      body: { email, password },
      auth: false,
    });
    this.tokens.set(body);
    this.onTokens?.(body);
    return body;
  }

  /** Revokes the refresh token on the server (best effort) and forgets all tokens. */
  async logout(): Promise<void> {
    const token = this.tokens.refreshToken();
    this.tokens.clear();
    if (!token) return;
    try {
      await this.request<void>('/auth/logout', {
        method: 'POST',
        body: { refresh_token: token },
        auth: false,
      });
    } catch {
      // The local session is gone either way; the server token expires by itself.
    }
  }

  private authLost(): void {
    this.onAuthLost?.();
  }

  private async send(path: string, opts: RequestOptions, token: string | null): Promise<Response> {
    const headers: Record<string, string> = { ...opts.headers, Accept: 'application/json, application/problem+json' };
    const raw = opts.contentType !== undefined;
    if (opts.body !== undefined) headers['Content-Type'] = raw ? (opts.contentType as string) : 'application/json';
    if (token) headers.Authorization = `Bearer ${token}`;
    try {
      return await this.fetchFn(`${this.baseUrl}${path}${buildQuery(opts.query)}`, {
        method: opts.method ?? 'GET',
        headers,
        body: opts.body === undefined ? undefined : raw ? (opts.body as BodyInit) : JSON.stringify(opts.body),
        signal: opts.signal,
        credentials: 'same-origin',
      });
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') throw e;
      throw networkError(e);
    }
  }
}

/** A downloaded file and the name the server suggests for it. */
export interface Download {
  blob: Blob;
  filename: string | null;
}

/** The file name in a Content-Disposition header (`filename*=UTF-8''…` preferred), or null. */
export function filenameFromDisposition(header: string | null): string | null {
  if (!header) return null;
  let name = '';
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (star?.[1]) {
    try {
      name = decodeURIComponent(star[1].trim());
    } catch {
      name = '';
    }
  }
  if (!name) {
    const plain = /filename\s*=\s*(?:"([^"]*)"|([^;]+))/.exec(header);
    name = (plain?.[1] ?? plain?.[2] ?? '').trim();
  }
  // Never a path: only the last segment.
  const base = (name.split(/[\\/]/).pop() ?? '').trim();
  return base === '' ? null : base;
}

async function readBody(res: Response): Promise<unknown> {
  // 202 Accepted may carry the record it accepted (e.g. an import that started).
  if (res.status === 204) return undefined;
  const text = await res.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError({ status: res.status, title: 'Unexpected response from server' });
  }
}
