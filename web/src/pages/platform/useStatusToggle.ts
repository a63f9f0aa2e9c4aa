import { useMutation, useQueryClient } from '@tanstack/react-query';
import { tenantsApi } from '../../api/endpoints';
import type { Tenant } from '../../api/types';
import { describeError } from '../../api/problem';
import { useToast } from '../../components/toast';

/** Suspends an active tenant or reactivates a suspended one. */
export function useStatusToggle(onDone: () => void) {
  const qc = useQueryClient();
  const toast = useToast();
  return useMutation({
    mutationFn: (t: Tenant) => tenantsApi.update(t.id, { status: t.status === 'active' ? 'suspended' : 'active' }),
    onSuccess: async (t) => {
      toast({ title: t.status === 'active' ? 'Tenant reactivated' : 'Tenant suspended', description: t.name, tone: 'success' });
      await qc.invalidateQueries({ queryKey: ['tenants'] });
      onDone();
    },
    onError: (e) => toast({ title: 'Could not change the tenant', description: describeError(e), tone: 'error' }),
  });
}
