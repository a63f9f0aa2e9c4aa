import { createContext } from 'react';
import type { Me } from '../api/types';

export type AuthStatus = 'loading' | 'anonymous' | 'authenticated' | 'unreachable';

export interface AuthValue {
  status: AuthStatus;
  me: Me | null;
  /** Why the user is anonymous: their session ran out, or they logged out. */
  endedBy: 'expired' | 'logout' | null;
  login(email: string, password: string): Promise<Me>;
  logout(): Promise<void>;
  reloadMe(): Promise<void>;
  retry(): void;
}

export const AuthContext = createContext<AuthValue | null>(null);
