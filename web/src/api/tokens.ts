// Where credentials live: the access token only in memory (gone on reload),
// the refresh token in localStorage so a reload or a new tab can resume.

export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export const REFRESH_TOKEN_KEY = 'karat.refresh_token';

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  expires_in: number;
}

export class TokenStore {
  private access: string | null = null;
  private accessExpiresAt = 0;
  private readonly storage: KeyValueStorage | null;

  constructor(storage: KeyValueStorage | null) {
    this.storage = storage;
  }

  accessToken(): string | null {
    return this.access;
  }

  /** Milliseconds since epoch when the access token stops working (0 if none). */
  expiresAt(): number {
    return this.accessExpiresAt;
  }

  refreshToken(): string | null {
    try {
      return this.storage?.getItem(REFRESH_TOKEN_KEY) ?? null;
    } catch {
      return null; // storage can be unavailable (private mode, quota); act logged out
    }
  }

  set(pair: TokenPair, now: number = Date.now()): void {
    this.access = pair.access_token;
    this.accessExpiresAt = now + pair.expires_in * 1000;
    try {
      this.storage?.setItem(REFRESH_TOKEN_KEY, pair.refresh_token);
    } catch {
      // Without storage the session simply does not survive a reload.
    }
  }

  clear(): void {
    this.access = null;
    this.accessExpiresAt = 0;
    try {
      this.storage?.removeItem(REFRESH_TOKEN_KEY);
    } catch {
      // nothing to clear
    }
  }

  /** Forget only the in-memory access token (e.g. another tab logged out). */
  dropAccess(): void {
    this.access = null;
    this.accessExpiresAt = 0;
  }
}

/** An in-memory KeyValueStorage, for tests and for browsers without localStorage. */
export class MemoryStorage implements KeyValueStorage {
  private readonly map = new Map<string, string>();
  getItem(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.map.set(key, value);
  }
  removeItem(key: string): void {
    this.map.delete(key);
  }
}
