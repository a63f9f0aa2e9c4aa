import { useMemo } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { customersApi } from '../../api/endpoints';
import type { CustomerInput } from '../../api/types';
import { useMe } from '../../auth/useAuth';
import { ErrorState, Loading, PageHeader } from '../../components/ui';
import { Icon } from '../../components/Icon';
import { useToast } from '../../components/toast';
import { useTitle } from '../../lib/forms';
import { PATHS } from '../../lib/nav';
import { draftFromCustomer, emptyCustomerDraft } from '../../lib/customers';
import { CustomerForm } from './CustomerForm';
import { defaultStoreId, refreshCustomers, useStores } from './hooks';

/** /customers/new */
export function NewCustomerPage() {
  useTitle('New customer');
  const me = useMe();
  const qc = useQueryClient();
  const toast = useToast();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const stores = useStores();
  const save = useMutation({
    mutationFn: (input: CustomerInput) => customersApi.create(input),
    onSuccess: async (c) => {
      toast({ title: 'Customer created', description: c.name, tone: 'success' });
      qc.setQueryData(['customers', 'one', c.id], c);
      await refreshCustomers(qc);
      navigate(`/customers/${c.id}`);
    },
  });
  const phone = params.get('phone') ?? '';
  const initial = useMemo(() => {
    const d = emptyCustomerDraft(defaultStoreId(stores.stores, me.user.store_ids));
    if (phone) d.phones = [phone];
    return d;
  }, [stores.stores, me.user.store_ids, phone]);

  return (
    <>
      <p className="breadcrumb">
        <Link to={PATHS.customers}>
          <Icon name="back" size={18} /> Customers
        </Link>
      </p>
      <PageHeader title="New customer" description="Only name and one phone number are required; add the rest as you learn it." />
      {stores.isPending && stores.fetchStatus !== 'idle' ? (
        <Loading />
      ) : (
        <CustomerForm
          key={initial.home_store_id}
          initial={initial}
          stores={stores.stores}
          busy={save.isPending}
          error={save.error}
          onSubmit={(input) => save.mutate(input)}
          onCancel={() => navigate(PATHS.customers)}
          submitLabel="Create customer"
        />
      )}
    </>
  );
}

/** /customers/:id/edit */
export function EditCustomerPage() {
  const { id = '' } = useParams();
  const qc = useQueryClient();
  const toast = useToast();
  const navigate = useNavigate();
  const stores = useStores();
  const customer = useQuery({
    queryKey: ['customers', 'one', id],
    queryFn: () => customersApi.get(id),
    // Every opening of a profile is read from the server, so the access log sees it;
    // coming back to the tab is not a new view.
    refetchOnMount: 'always',
    refetchOnWindowFocus: false,
  });
  useTitle(customer.data ? `Edit ${customer.data.name}` : 'Edit customer');
  const save = useMutation({
    mutationFn: (input: CustomerInput) => customersApi.replace(id, input),
    onSuccess: async (c) => {
      toast({ title: 'Changes saved', description: c.name, tone: 'success' });
      qc.setQueryData(['customers', 'one', id], c);
      await refreshCustomers(qc, [id]);
      navigate(`/customers/${c.id}`);
    },
  });
  const initial = useMemo(() => (customer.data ? draftFromCustomer(customer.data) : null), [customer.data]);

  return (
    <>
      <p className="breadcrumb">
        <Link to={`/customers/${id}`}>
          <Icon name="back" size={18} /> {customer.data?.name ?? 'Customer'}
        </Link>
      </p>
      <PageHeader title={customer.data ? `Edit ${customer.data.name}` : 'Edit customer'} />
      {customer.isPending ? (
        <Loading />
      ) : customer.isError ? (
        <ErrorState error={customer.error} onRetry={() => void customer.refetch()} />
      ) : customer.data.limited ? (
        <ErrorState
          error={new Error('You see only the details needed to call this customer, so you cannot edit them.')}
          title="Not editable"
        />
      ) : initial ? (
        <CustomerForm
          key={customer.data.updated_at}
          initial={initial}
          customer={customer.data}
          stores={stores.stores}
          busy={save.isPending}
          error={save.error}
          onSubmit={(input) => save.mutate(input)}
          onCancel={() => navigate(`/customers/${id}`)}
          submitLabel="Save changes"
        />
      ) : null}
    </>
  );
}
