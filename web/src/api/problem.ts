// RFC 9457 problem+json parsing and human-readable error messages.

export interface FieldError {
  field: string;
  message: string;
}

/** An error response from the API, or a failure to reach it (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail: string | null;
  readonly requestId: string | null;
  readonly errors: FieldError[];
  /** Seconds to wait, from Retry-After on 429/503. */
  readonly retryAfter: number | null;
  /** For a duplicate (409): the id of the record that already exists. */
  readonly existingId: string | null;

  constructor(init: {
    status: number;
    type?: string;
    title: string;
    detail?: string | null;
    requestId?: string | null;
    errors?: FieldError[];
    retryAfter?: number | null;
    existingId?: string | null;
  }) {
    super(init.detail ?? init.title);
    this.name = 'ApiError';
    this.status = init.status;
    this.type = init.type ?? 'about:blank';
    this.title = init.title;
    this.detail = init.detail ?? null;
    this.requestId = init.requestId ?? null;
    this.errors = init.errors ?? [];
    this.retryAfter = init.retryAfter ?? null;
    this.existingId = init.existingId ?? null;
  }

  /** Field errors keyed by field name (first message per field wins). */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.errors) {
      if (!(e.field in out)) out[e.field] = e.message;
    }
    return out;
  }
}

const STATUS_TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Not signed in',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Conflict',
  422: 'Some fields need attention',
  429: 'Too many attempts',
  500: 'Server error',
  502: 'Server unavailable',
  503: 'Service unavailable',
  504: 'Server timed out',
};

function str(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v : null;
}

/** Parses a Retry-After header (delta-seconds or HTTP date) into whole seconds. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/** Builds an ApiError from a decoded body; tolerates bodies that are not problems. */
export function problemFromBody(status: number, body: unknown, headers?: { get(name: string): string | null }): ApiError {
  const obj = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const errors: FieldError[] = Array.isArray(obj.errors)
    ? obj.errors.flatMap((e: unknown) => {
        if (!e || typeof e !== 'object') return [];
        const r = e as Record<string, unknown>;
        const field = str(r.field) ?? '';
        const message = str(r.message);
        return message ? [{ field, message }] : [];
      })
    : [];
  return new ApiError({
    status,
    type: str(obj.type) ?? 'about:blank',
    title: str(obj.title) ?? STATUS_TITLES[status] ?? `Request failed (${status})`,
    detail: str(obj.detail),
    requestId: str(obj.request_id) ?? headers?.get('x-request-id') ?? null,
    errors,
    retryAfter: parseRetryAfter(headers?.get('retry-after') ?? null),
    existingId: str(obj.existing_id),
  });
}

/** Reads a failed Response into an ApiError. Never throws. */
export async function problemFromResponse(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    const text = await res.text();
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  return problemFromBody(res.status, body, res.headers);
}

/** The error for a request that never got an HTTP response. */
export function networkError(cause: unknown): ApiError {
  const err = new ApiError({
    status: 0,
    type: 'network',
    title: 'Cannot reach Karat',
    detail: 'Check your connection and try again.',
  });
  (err as { cause?: unknown }).cause = cause;
  return err;
}

/** One sentence for a toast or an error banner. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 429 && err.retryAfter != null) {
      const base = err.detail ?? 'Too many attempts.';
      return `${base} Try again in ${formatWait(err.retryAfter)}.`;
    }
    if (err.detail) return err.detail;
    if (err.errors.length > 0) {
      return err.errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('; ');
    }
    return err.title;
  }
  if (err instanceof Error && err.message) return err.message;
  return 'Something went wrong.';
}

function formatWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
