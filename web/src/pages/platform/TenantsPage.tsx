import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { tenantsApi } from '../../api/endpoints';
import type { NewTenant, Tenant, TenantFilters, TenantPlan } from '../../api/types';
import { Badge, Button, EmptyState, ErrorState, FormError, Loading, PageHeader, SelectField, TextField } from '../../components/ui';
import { bannerError, fieldErrorsOf, formValues, useTitle } from '../../lib/forms';
import { ConfirmDialog, Modal } from '../../components/Modal';
import { LoadMore } from '../../components/LoadMore';
import { FilterPanel } from '../../components/FilterPanel';
import { useToast } from '../../components/toast';
import { usePaged } from '../../lib/usePaged';
import { useFormat } from '../../lib/locale';
import { timeZoneOptions } from '../../lib/timezones';
import { COUNTRIES, PLANS, slugify } from './tenants';
import { useStatusToggle } from './useStatusToggle';

export default function TenantsPage() {
  useTitle('Tenants');
  const fmt = useFormat();
  const [params, setParams] = useSearchParams();
  const status = params.get('status');
  const filters: TenantFilters = { q: params.get('q') ?? '', status: status === 'active' || status === 'suspended' ? status : '' };
  const list = usePaged(['tenants', 'list', filters], (cursor) => tenantsApi.list({ ...filters, cursor }));
  const creating = params.get('new') === '1';
  const [confirm, setConfirm] = useState<Tenant | null>(null);
  const status_ = useStatusToggle(() => setConfirm(null));

  const setParam = (k: string, v: string | null) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setParams(next, { replace: true });
  };
  const onFilter = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const v = formValues(e.currentTarget);
    const next = new URLSearchParams();
    if (v.q) next.set('q', v.q);
    if (v.status) next.set('status', v.status);
    setParams(next, { replace: true });
  };

  return (
    <>
      <PageHeader
        title="Tenants"
        description="Jewellery businesses on Karat."
        actions={
          <Button variant="primary" icon="plus" onClick={() => setParam('new', '1')}>
            New tenant
          </Button>
        }
      />
      <FilterPanel activeCount={[filters.q, filters.status].filter(Boolean).length}>
        <form className="filters" role="search" aria-label="Filter tenants" onSubmit={onFilter} key={params.toString()}>
          <TextField label="Search" name="q" type="search" defaultValue={filters.q} placeholder="Name or slug" />
          <SelectField
            label="Status"
            name="status"
            defaultValue={filters.status}
            options={[
              { value: '', label: 'Any status' },
              { value: 'active', label: 'Active' },
              { value: 'suspended', label: 'Suspended' },
            ]}
          />
          <div className="filters-actions">
            <Button type="submit" icon="search">
              Apply
            </Button>
          </div>
        </form>
      </FilterPanel>
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : list.items.length === 0 ? (
        <EmptyState title="No tenants match" />
      ) : (
        <>
          <ul className="list" aria-label="Tenants">
            {list.items.map((t) => (
              <li key={t.id} className="list-item">
                <div className="list-main">
                  <Link to={`/platform/tenants/${t.id}`} className="list-title">
                    {t.name}
                  </Link>
                  <p className="muted small">
                    {t.slug} · {t.country} · {t.currency} · {PLANS.find((p) => p.value === t.plan)?.label ?? t.plan} · since{' '}
                    {fmt.dateTime(t.created_at, 'date')}
                  </p>
                </div>
                <Badge tone={t.status === 'active' ? 'good' : 'bad'}>{t.status === 'active' ? 'Active' : 'Suspended'}</Badge>
                <Button small variant={t.status === 'active' ? 'danger' : 'secondary'} onClick={() => setConfirm(t)}>
                  {t.status === 'active' ? 'Suspend' : 'Reactivate'}
                  <span className="visually-hidden"> {t.name}</span>
                </Button>
              </li>
            ))}
          </ul>
          <LoadMore
            hasMore={list.hasNextPage}
            loading={list.isFetchingNextPage}
            onLoad={() => void list.fetchNextPage()}
            count={list.items.length}
            noun="tenants"
          />
        </>
      )}
      <Modal
        open={creating}
        onOpenChange={(o) => !o && setParam('new', null)}
        title="New tenant"
        description="A jewellery business. Add its first business admin next."
      >
        <TenantForm onCancel={() => setParam('new', null)} />
      </Modal>
      <ConfirmDialog
        open={confirm !== null}
        onOpenChange={(o) => !o && setConfirm(null)}
        title={confirm?.status === 'active' ? `Suspend ${confirm.name}?` : `Reactivate ${confirm?.name ?? ''}?`}
        description={
          confirm?.status === 'active'
            ? 'Its users will not be able to sign in until the tenant is reactivated. No data is deleted.'
            : 'Its users will be able to sign in again.'
        }
        confirmLabel={confirm?.status === 'active' ? 'Suspend tenant' : 'Reactivate tenant'}
        danger={confirm?.status === 'active'}
        busy={status_.isPending}
        onConfirm={() => confirm && status_.mutate(confirm)}
      />
    </>
  );
}

function TenantForm({ onCancel }: { onCancel: () => void }) {
  const qc = useQueryClient();
  const toast = useToast();
  const navigate = useNavigate();
  const [country, setCountry] = useState(COUNTRIES[0]!);
  const [slug, setSlug] = useState('');
  const [slugTouched, setSlugTouched] = useState(false);
  const [missing, setMissing] = useState<Record<string, string>>({});
  const create = useMutation({
    mutationFn: (body: NewTenant) => tenantsApi.create(body),
    onSuccess: async (t) => {
      toast({ title: 'Tenant created', description: `${t.name}. Now add its first business admin.`, tone: 'success' });
      await qc.invalidateQueries({ queryKey: ['tenants'] });
      navigate(`/platform/tenants/${t.id}`);
    },
  });

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const v = formValues(e.currentTarget);
    const errs: Record<string, string> = {};
    if (!v.name) errs.name = 'Enter the business name.';
    if (!v.slug) errs.slug = 'Enter a slug.';
    setMissing(errs);
    if (!v.name || !v.slug) return;
    create.mutate({
      name: v.name,
      slug: v.slug,
      country: v.country ?? country.code,
      currency: v.currency ?? country.currency,
      time_zone: v.time_zone ?? country.time_zone,
      locale: v.locale ?? country.locale,
      plan: (v.plan as TenantPlan | undefined) ?? 'trial',
    });
  };
  const fe = { ...fieldErrorsOf(create.error), ...missing };

  return (
    <form onSubmit={onSubmit} noValidate className="form">
      <FormError error={bannerError(create.error, ['name', 'slug', 'country', 'currency', 'time_zone', 'locale', 'plan'])} />
      <TextField
        label="Business name"
        name="name"
        required
        maxLength={120}
        error={fe.name}
        autoComplete="off"
        onChange={(e) => !slugTouched && setSlug(slugify(e.target.value))}
      />
      <TextField
        label="Slug"
        name="slug"
        required
        maxLength={48}
        value={slug}
        onChange={(e) => {
          setSlugTouched(true);
          setSlug(e.target.value);
        }}
        hint="Lowercase letters, digits and dashes; used in URLs."
        error={fe.slug}
        autoComplete="off"
      />
      <SelectField
        label="Country"
        name="country"
        value={country.code}
        onChange={(e) => setCountry(COUNTRIES.find((c) => c.code === e.target.value) ?? country)}
        options={COUNTRIES.map((c) => ({ value: c.code, label: c.name }))}
        error={fe.country}
      />
      <div className="form-row" key={`row-${country.code}`}>
        <TextField
          label="Currency"
          name="currency"
          defaultValue={country.currency}
          maxLength={3}
          error={fe.currency}
          autoCapitalize="characters"
        />
        <TextField label="Locale" name="locale" defaultValue={country.locale} maxLength={20} error={fe.locale} />
      </div>
      <SelectField
        key={`tz-${country.code}`}
        label="Time zone"
        name="time_zone"
        defaultValue={country.time_zone}
        options={timeZoneOptions(country.time_zone)}
        error={fe.time_zone}
      />
      <SelectField label="Plan" name="plan" defaultValue="trial" options={PLANS} error={fe.plan} />
      <div className="form-actions">
        <Button variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" busy={create.isPending}>
          Create tenant
        </Button>
      </div>
    </form>
  );
}
