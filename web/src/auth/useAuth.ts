import { useContext } from 'react';
import { AuthContext, type AuthValue } from './context';
import type { Me } from '../api/types';

export function useAuth(): AuthValue {
  const v = useContext(AuthContext);
  if (!v) throw new Error('useAuth outside AuthProvider');
  return v;
}

/** The signed-in user; only for components rendered inside RequireAuth. */
export function useMe(): Me {
  const { me } = useAuth();
  if (!me) throw new Error('useMe without a signed-in user');
  return me;
}

export function useHasPermission(permission: string): boolean {
  const { me } = useAuth();
  return me?.permissions.includes(permission) ?? false;
}
