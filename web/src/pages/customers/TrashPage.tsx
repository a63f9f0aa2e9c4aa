import { Link } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { customersApi } from '../../api/endpoints';
import { Button, EmptyState, ErrorState, FormError, Loading, PageHeader } from '../../components/ui';
import { Icon } from '../../components/Icon';
import { LoadMore } from '../../components/LoadMore';
import { useToast } from '../../components/toast';
import { useTitle } from '../../lib/forms';
import { PATHS } from '../../lib/nav';
import { usePaged } from '../../lib/usePaged';
import { useFormat } from '../../lib/locale';
import { initials } from '../../lib/names';
import { formatPhone } from '../../lib/customers';
import { TierBadge } from './shared';
import { refreshCustomers, useStores } from './hooks';

export default function TrashPage() {
  useTitle('Trash');
  const fmt = useFormat();
  const qc = useQueryClient();
  const toast = useToast();
  const { byId: storeById } = useStores();
  const list = usePaged(['customers', 'trash'], (cursor) => customersApi.trashed({ cursor }));
  const restore = useMutation({
    mutationFn: (id: string) => customersApi.restore(id),
    onSuccess: async (c) => {
      toast({ title: 'Customer restored', description: c.name, tone: 'success' });
      qc.setQueryData(['customers', 'one', c.id], c);
      await refreshCustomers(qc, [c.id]);
    },
  });

  return (
    <>
      <p className="breadcrumb">
        <Link to={PATHS.customers}>
          <Icon name="back" size={18} /> Customers
        </Link>
      </p>
      <PageHeader
        title="Trash"
        description="Customers moved to the trash. Restore one to bring back their profile and timeline; the trash is emptied after your business’s retention period."
      />
      <FormError error={restore.error} />
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : list.items.length === 0 ? (
        <EmptyState title="The trash is empty">
          <p>Customers you move to the trash appear here.</p>
        </EmptyState>
      ) : (
        <>
          <ul className="list" aria-label="Customers in the trash">
            {list.items.map((c) => (
              <li key={c.id} className="list-item is-inactive">
                <span className="avatar" aria-hidden="true">
                  {initials(c.name)}
                </span>
                <div className="list-main">
                  <p className="list-title">
                    {c.name} <TierBadge tier={c.tier} />
                  </p>
                  <p className="muted small">
                    <span className="nowrap">{formatPhone(c.phone)}</span>
                    {c.city ? ` · ${c.city}` : ''}
                    {storeById.get(c.home_store_id) ? ` · ${storeById.get(c.home_store_id)?.name}` : ''}
                    {c.deleted_at ? ` · trashed ${fmt.dateTime(c.deleted_at, 'date')}` : ''}
                  </p>
                </div>
                <Button
                  small
                  icon="restore"
                  busy={restore.isPending && restore.variables === c.id}
                  disabled={restore.isPending}
                  onClick={() => restore.mutate(c.id)}
                >
                  Restore<span className="visually-hidden"> {c.name}</span>
                </Button>
              </li>
            ))}
          </ul>
          <LoadMore
            hasMore={list.hasNextPage}
            loading={list.isFetchingNextPage}
            onLoad={() => void list.fetchNextPage()}
            count={list.items.length}
            noun="customers"
            one="customer"
          />
        </>
      )}
    </>
  );
}
