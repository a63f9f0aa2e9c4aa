import { ApiClient } from './client';
import { TokenStore, type KeyValueStorage } from './tokens';

function browserStorage(): KeyValueStorage | null {
  try {
    return typeof window !== 'undefined' ? window.localStorage : null;
  } catch {
    return null;
  }
}

/** The app's token store and client (one per page). */
export const tokens = new TokenStore(browserStorage());
export const api = new ApiClient({ tokens });
