import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { storesApi } from '../api/endpoints';
import type { NewStore, Store, StorePatch } from '../api/types';
import { useMe } from '../auth/useAuth';
import { Badge, Button, EmptyState, ErrorState, FormError, Loading, PageHeader, SelectField, TextField } from '../components/ui';
import { bannerError, fieldErrorsOf, formValues, useTitle } from '../lib/forms';
import { Modal } from '../components/Modal';
import { LoadMore } from '../components/LoadMore';
import { Icon } from '../components/Icon';
import { useToast } from '../components/toast';
import { PERMISSIONS } from '../lib/nav';
import { usePaged } from '../lib/usePaged';
import { timeZoneOptions } from '../lib/timezones';
import { useFormat } from '../lib/locale';

const STORE_FIELDS = ['name', 'code', 'address', 'city', 'time_zone'];

export default function StoresPage() {
  const me = useMe();
  const canManage = me.permissions.includes(PERMISSIONS.storesManage);
  const title = canManage ? 'Stores' : 'My stores';
  useTitle(title);
  const fmt = useFormat();
  const [params, setParams] = useSearchParams();
  const creating = canManage && params.get('new') === '1';
  const [editing, setEditing] = useState<Store | null>(null);
  const list = usePaged(['stores', 'list'], (cursor) => storesApi.list({ cursor }));

  const setCreating = (open: boolean) => {
    const next = new URLSearchParams(params);
    if (open) next.set('new', '1');
    else next.delete('new');
    setParams(next, { replace: true });
  };

  return (
    <>
      <PageHeader
        title={title}
        description={canManage ? 'Your showrooms. Each store has its own code and time zone.' : 'The showrooms you work in.'}
        actions={
          canManage ? (
            <Button variant="primary" icon="plus" onClick={() => setCreating(true)}>
              New store
            </Button>
          ) : null
        }
      />
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : list.items.length === 0 ? (
        <EmptyState title={canManage ? 'No stores yet' : 'No stores assigned'}>
          <p>{canManage ? 'Add your first showroom to start adding staff to it.' : 'Ask your manager to add you to a store.'}</p>
        </EmptyState>
      ) : (
        <>
          <ul className="list" aria-label="Stores">
            {list.items.map((s) => (
              <li key={s.id} className="list-item">
                <Icon name="store" size={26} className="list-icon" />
                <div className="list-main">
                  <p className="list-title">
                    {s.name} <span className="code">{s.code}</span>
                  </p>
                  <p className="muted small">
                    {[s.address, s.city].filter(Boolean).join(', ') || 'No address'} · {s.time_zone} · added{' '}
                    {fmt.dateTime(s.created_at, 'date', s.time_zone)}
                  </p>
                </div>
                <Badge tone={s.active ? 'good' : 'bad'}>{s.active ? 'Active' : 'Inactive'}</Badge>
                {canManage ? (
                  <Button small onClick={() => setEditing(s)}>
                    Edit<span className="visually-hidden"> {s.name}</span>
                  </Button>
                ) : null}
              </li>
            ))}
          </ul>
          <LoadMore
            hasMore={list.hasNextPage}
            loading={list.isFetchingNextPage}
            onLoad={() => void list.fetchNextPage()}
            count={list.items.length}
            noun="stores"
          />
        </>
      )}
      {canManage ? (
        <>
          <Modal
            open={creating}
            onOpenChange={setCreating}
            title="New store"
            description="Add a showroom. Codes are short and unique, e.g. BLR-01."
          >
            <StoreForm onDone={() => setCreating(false)} defaultTimeZone={me.tenant?.time_zone} />
          </Modal>
          <Modal open={editing !== null} onOpenChange={(o) => !o && setEditing(null)} title={`Edit ${editing?.name ?? 'store'}`}>
            {editing ? <StoreForm store={editing} onDone={() => setEditing(null)} /> : null}
          </Modal>
        </>
      ) : null}
    </>
  );
}

function StoreForm({ store, onDone, defaultTimeZone }: { store?: Store; onDone: () => void; defaultTimeZone?: string | undefined }) {
  const qc = useQueryClient();
  const toast = useToast();
  const save = useMutation({
    mutationFn: async (v: { body: NewStore | StorePatch }) =>
      store ? storesApi.update(store.id, v.body as StorePatch) : storesApi.create(v.body as NewStore),
    onSuccess: async (s) => {
      toast({ title: store ? 'Store updated' : 'Store created', description: `${s.name} (${s.code})`, tone: 'success' });
      await qc.invalidateQueries({ queryKey: ['stores'] });
      onDone();
    },
  });
  const toggle = useMutation({
    mutationFn: (active: boolean) => storesApi.update(store?.id ?? '', { active }),
    onSuccess: async (s) => {
      toast({ title: s.active ? 'Store reactivated' : 'Store deactivated', description: s.name, tone: 'success' });
      await qc.invalidateQueries({ queryKey: ['stores'] });
      onDone();
    },
  });
  const [missing, setMissing] = useState<Record<string, string>>({});

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const v = formValues(e.currentTarget);
    const errs: Record<string, string> = {};
    if (!v.name) errs.name = 'Enter a name.';
    if (!v.code) errs.code = 'Enter a code.';
    setMissing(errs);
    if (!v.name || !v.code) return;
    // On edit an empty string clears a field; null would leave it unchanged.
    const empty = store ? '' : null;
    const body = {
      name: v.name,
      code: v.code,
      address: v.address ?? empty,
      city: v.city ?? empty,
      ...(v.time_zone ? { time_zone: v.time_zone } : {}),
    };
    save.mutate({ body });
  };
  const fe = { ...fieldErrorsOf(save.error), ...missing };

  return (
    <form onSubmit={onSubmit} noValidate className="form">
      <FormError error={bannerError(save.error, STORE_FIELDS) ?? toggle.error} />
      <TextField label="Name" name="name" required maxLength={120} defaultValue={store?.name} error={fe.name} autoComplete="off" />
      <TextField
        label="Code"
        name="code"
        required
        maxLength={20}
        defaultValue={store?.code}
        error={fe.code}
        autoComplete="off"
        autoCapitalize="characters"
        hint="Letters, digits and dashes."
      />
      <TextField
        label="Address"
        name="address"
        maxLength={300}
        defaultValue={store?.address ?? ''}
        error={fe.address}
        autoComplete="street-address"
      />
      <TextField label="City" name="city" maxLength={100} defaultValue={store?.city ?? ''} error={fe.city} autoComplete="address-level2" />
      <SelectField
        label="Time zone"
        name="time_zone"
        defaultValue={store?.time_zone ?? defaultTimeZone ?? 'Asia/Kolkata'}
        options={timeZoneOptions(store?.time_zone ?? defaultTimeZone)}
        error={fe.time_zone}
      />
      <div className="form-actions">
        {store ? (
          <Button
            variant={store.active ? 'danger' : 'secondary'}
            onClick={() => toggle.mutate(!store.active)}
            busy={toggle.isPending}
            className="push-left"
          >
            {store.active ? 'Deactivate store' : 'Reactivate store'}
          </Button>
        ) : null}
        <Button variant="ghost" onClick={onDone}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" busy={save.isPending}>
          {store ? 'Save changes' : 'Create store'}
        </Button>
      </div>
    </form>
  );
}
