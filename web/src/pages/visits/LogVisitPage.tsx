// "Log a visit": the showroom moment, built for a tablet on the counter and a
// phone in one hand — phone number first, then big chips, little typing.
import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { customersApi, visitsApi } from '../../api/endpoints';
import { ApiError } from '../../api/problem';
import type { Category, LeadSource, Metal, Outcome, Stone, Visit, VisitReason } from '../../api/types';
import { useMe } from '../../auth/useAuth';
import { Button, ChipGroup, FormError, PageHeader, TextAreaField, TextField } from '../../components/ui';
import { Icon } from '../../components/Icon';
import { useToast } from '../../components/toast';
import { useTitle } from '../../lib/forms';
import { PERMISSIONS } from '../../lib/nav';
import { useFormat } from '../../lib/locale';
import {
  CATEGORY_OPTIONS,
  LEAD_SOURCE_OPTIONS,
  METAL_OPTIONS,
  OUTCOME_OPTIONS,
  STONE_OPTIONS,
  REASON_OPTIONS,
  formatPhone,
  phoneLookupKey,
  sentence,
} from '../../lib/customers';
import {
  MAX_INTERESTS,
  blankInterest,
  checkVisitDraft,
  emptyVisitDraft,
  interestLabel,
  opensLead,
  toVisitInput,
  visitErrorKey,
  type InterestDraft,
  type VisitDraft,
} from '../../lib/visits';
import { defaultStoreId, refreshCustomers, useStores } from '../customers/hooks';
import { InterestPhotos } from './InterestPhotos';

type Lookup = 'idle' | 'checking' | 'found' | 'new' | 'invalid';

function currencySymbol(locale: string, currency: string): string {
  try {
    return (
      new Intl.NumberFormat(locale, { style: 'currency', currency }).formatToParts(0).find((p) => p.type === 'currency')?.value ?? currency
    );
  } catch {
    return currency;
  }
}

export default function LogVisitPage() {
  useTitle('Log a visit');
  const me = useMe();
  const qc = useQueryClient();
  const [params] = useSearchParams();
  const { stores, byId: storeById, isPending: storesPending, fetchStatus } = useStores();
  const usable = useMemo(
    () => stores.filter((s) => s.active && (me.user.role === 'business_admin' || me.user.store_ids.includes(s.id))),
    [stores, me.user.role, me.user.store_ids],
  );
  const startStore = defaultStoreId(usable, me.user.store_ids);
  const [done, setDone] = useState<{ visit: Visit; newCustomer: boolean } | null>(null);
  const [round, setRound] = useState(0);
  const doneRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (done) doneRef.current?.focus();
  }, [done]);

  if (done) {
    const store = storeById.get(done.visit.store_id);
    return (
      <>
        <PageHeader title="Log a visit" />
        <section className="card visit-done" aria-labelledby="visit-done-title">
          <p className="visit-done-icon" aria-hidden="true">
            <Icon name="check" size={36} />
          </p>
          <h2 id="visit-done-title" ref={doneRef} tabIndex={-1}>
            Visit logged
          </h2>
          <p>
            {done.visit.customer_name}
            {done.newCustomer ? ' (new customer)' : ''} · {done.visit.interests.length}{' '}
            {done.visit.interests.length === 1 ? 'interest' : 'interests'}
            {store ? ` · ${store.name}` : ''}
          </p>
          {done.visit.lead_id ? (
            <p className="alert alert-info lead-opened">
              <Icon name="phone" size={20} />
              {done.visit.lead_opened === false ? (
                <span>
                  <strong>Added to their open lead.</strong> The telecaller following up sees this visit.
                </span>
              ) : (
                <span>
                  <strong>Lead opened for telecalling.</strong> A telecaller will follow up.
                </span>
              )}
            </p>
          ) : null}
          <VisitPhotos
            visit={done.visit}
            onChanged={() => void qc.invalidateQueries({ queryKey: ['customers', 'timeline', done.visit.customer_id] })}
          />
          <div className="button-row visit-done-actions">
            <Button
              variant="primary"
              icon="plus"
              className="btn-large"
              onClick={() => {
                setDone(null);
                setRound((r) => r + 1);
              }}
            >
              Log another visit
            </Button>
            <Link to={`/customers/${done.visit.customer_id}`} className="btn btn-secondary btn-large">
              Open customer profile
            </Link>
          </div>
        </section>
      </>
    );
  }

  return (
    <>
      <PageHeader title="Log a visit" description="Start with the customer’s mobile number." />
      {storesPending && fetchStatus !== 'idle' ? null : (
        <VisitForm
          key={round}
          initialPhone={round === 0 ? (params.get('phone') ?? '') : ''}
          storeId={startStore}
          stores={usable}
          onDone={(visit, newCustomer) => setDone({ visit, newCustomer })}
        />
      )}
    </>
  );
}

/** "Add photo" for each interest of a visit just logged (optional: a phone photo of the piece). */
function VisitPhotos({ visit, onChanged }: { visit: Visit; onChanged: () => void }) {
  const interests = visit.interests.filter((i): i is typeof i & { id: string } => typeof i.id === 'string');
  if (interests.length === 0) return null;
  return (
    <section className="visit-photos" aria-labelledby="visit-photos-title">
      <h3 id="visit-photos-title">Photos of what they looked at (optional)</h3>
      <ul className="visit-photo-list">
        {interests.map((it, i) => {
          const label = interestLabel(it);
          return (
            <li key={it.id}>
              <p className="list-title">
                {interests.length > 1 ? `${i + 1}. ` : ''}
                {label}
              </p>
              <InterestPhotos interestId={it.id} photos={it.photos ?? []} label={label} canEdit onChanged={onChanged} />
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function VisitForm({
  initialPhone,
  storeId,
  stores,
  onDone,
}: {
  initialPhone: string;
  storeId: string;
  stores: { id: string; name: string }[];
  onDone: (v: Visit, newCustomer: boolean) => void;
}) {
  const me = useMe();
  const fmt = useFormat();
  const qc = useQueryClient();
  const toast = useToast();
  const phoneId = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const [d, setD] = useState<VisitDraft>(() => ({ ...emptyVisitDraft(storeId), phone: initialPhone }));
  // After a first attempt to save, what is missing is re-checked as it is fixed.
  const [tried, setTried] = useState(false);
  const country = me.tenant?.country ?? 'IN';
  const key = phoneLookupKey(d.phone, country);
  const typedDigits = d.phone.replace(/\D/g, '').length;

  const lookup = useQuery({
    queryKey: ['customers', 'by-phone', key],
    queryFn: ({ signal }) => customersApi.byPhone(key ?? '', signal),
    enabled: key !== null,
    retry: false,
    staleTime: 30_000,
  });
  const notFound = lookup.error instanceof ApiError && lookup.error.status === 404;
  const status: Lookup =
    key === null
      ? typedDigits >= 10
        ? 'invalid'
        : 'idle'
      : lookup.isFetching && !lookup.data && !notFound
        ? 'checking'
        : lookup.data
          ? 'found'
          : notFound
            ? 'new'
            : lookup.isError
              ? 'invalid'
              : 'checking';
  const match = status === 'found' ? (lookup.data ?? null) : null;

  const restore = useMutation({
    mutationFn: (id: string) => customersApi.restore(id),
    onSuccess: async (c) => {
      toast({ title: 'Customer restored', description: c.name, tone: 'success' });
      await refreshCustomers(qc, [c.id]);
    },
  });

  const save = useMutation({
    mutationFn: (draft: VisitDraft) => visitsApi.create(toVisitInput(draft)),
    onSuccess: async (v, draft) => {
      await refreshCustomers(qc, [v.customer_id]);
      // A purchase changes the profile (lifetime value, last purchase).
      await qc.invalidateQueries({ queryKey: ['customers', 'one', v.customer_id] });
      await qc.invalidateQueries({ queryKey: ['visits'] });
      onDone(v, draft.match === null);
    },
  });

  const set = <K extends keyof VisitDraft>(k: K, v: VisitDraft[K]) => setD((x) => ({ ...x, [k]: v }));
  const setInterest = (i: number, patch: Partial<InterestDraft>) =>
    setD((x) => ({ ...x, interests: x.interests.map((it, j) => (j === i ? { ...it, ...patch } : it)) }));

  const newCustomer = status === 'new';
  const server: Record<string, string> = {};
  if (save.error instanceof ApiError) {
    for (const e of save.error.errors) {
      const k = visitErrorKey(e.field, newCustomer);
      if (!(k in server)) server[k] = sentence(e.message);
    }
  }
  const local = tried ? checkVisitDraft({ ...d, match }, status) : {};
  const fe = { ...server, ...local };
  const duplicateOf = save.error instanceof ApiError && save.error.status === 409 ? save.error.existingId : null;
  const known = (k: string) =>
    ['phone', 'name', 'city', 'store_id', 'reason', 'lead_source', 'notes', 'interests'].includes(k) ||
    /^interests\[\d+\]\.(category|metal|stone|outcome|expected_value|design_number|note)$/.test(k);
  const banner =
    save.error && !duplicateOf && !(save.error instanceof ApiError && save.error.status === 422 && Object.keys(server).every(known))
      ? save.error
      : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const draft = { ...d, match };
    const errs = checkVisitDraft(draft, status);
    setTried(true);
    if (Object.keys(errs).length > 0) {
      requestAnimationFrame(() => {
        const first = formRef.current?.querySelector<HTMLElement>('.field-invalid');
        first?.scrollIntoView({ block: 'center' });
        first?.querySelector<HTMLElement>('input, textarea, select')?.focus({ preventScroll: true });
      });
      return;
    }
    save.mutate(draft);
  };

  const symbol = currencySymbol(fmt.settings.locale, fmt.settings.currency);
  const leadAhead = opensLead(d) && d.interests.every((i) => i.outcome !== '');

  return (
    <form ref={formRef} className="form visit-form" onSubmit={submit} noValidate aria-label="Log a visit">
      <section className="card visit-step" aria-labelledby="step-customer">
        <h2 id="step-customer">
          <span className="step-number" aria-hidden="true">
            1
          </span>{' '}
          Customer
        </h2>
        <div className={`field phone-field${fe.phone ? ' field-invalid' : ''}`}>
          <label htmlFor={phoneId}>Mobile number</label>
          <input
            id={phoneId}
            type="tel"
            inputMode="tel"
            autoComplete="off"
            className="input-large"
            value={d.phone}
            maxLength={32}
            onChange={(e) => set('phone', e.target.value)}
            placeholder={country === 'IN' ? '98765 43210' : '+1 415 555 0123'}
            aria-invalid={fe.phone ? true : undefined}
            aria-describedby={`${phoneId}-status`}
          />
          <div id={`${phoneId}-status`} role="status" aria-live="polite" className="lookup-status">
            {fe.phone ? (
              <p className="field-error">
                <Icon name="alert" size={16} /> {fe.phone}
              </p>
            ) : status === 'checking' ? (
              <p className="muted">
                <span className="spinner" aria-hidden="true" /> Looking up {formatPhone(key ?? '')}…
              </p>
            ) : status === 'invalid' ? (
              <p className="field-hint">
                {country === 'IN'
                  ? 'Indian mobile numbers have 10 digits and start with 6, 7, 8 or 9.'
                  : 'Check the number, with its country code.'}
              </p>
            ) : status === 'idle' ? (
              <p className="field-hint">We check it as soon as the number is complete.</p>
            ) : null}
          </div>
        </div>
        {status === 'found' && match ? (
          <div className={`match-card${match.deleted_at ? ' is-trashed' : ''}`}>
            <span className="avatar" aria-hidden="true">
              <Icon name="customers" size={22} />
            </span>
            <div className="list-main">
              <p className="list-title">
                {match.deleted_at ? 'In the trash: ' : 'Returning customer: '}
                {match.name}
              </p>
              <p className="muted small">{formatPhone(key ?? '')}</p>
              {match.deleted_at ? (
                <p className="small">
                  {me.permissions.includes(PERMISSIONS.customersDelete)
                    ? 'Restore them to log this visit.'
                    : 'This customer was moved to the trash. Ask a manager to restore them before logging the visit.'}
                </p>
              ) : null}
            </div>
            {match.deleted_at && me.permissions.includes(PERMISSIONS.customersDelete) ? (
              <Button icon="restore" busy={restore.isPending} onClick={() => restore.mutate(match.id)}>
                Restore
              </Button>
            ) : !match.deleted_at ? (
              <Link to={`/customers/${match.id}`} className="btn btn-ghost btn-small">
                View profile
              </Link>
            ) : null}
          </div>
        ) : null}
        <FormError error={restore.error} />
        {status === 'new' ? (
          <div className="new-customer">
            <p className="match-new">
              <Icon name="plus" size={20} /> New customer — {formatPhone(key ?? '')} is not on record yet.
            </p>
            <TextField
              label="Customer name"
              name="name"
              value={d.name}
              onChange={(e) => set('name', e.target.value)}
              autoComplete="off"
              autoCapitalize="words"
              maxLength={120}
              className="field-large"
              error={fe.name}
            />
            <TextField
              label="City (optional)"
              name="city"
              value={d.city}
              onChange={(e) => set('city', e.target.value)}
              autoComplete="off"
              maxLength={100}
              className="field-large"
              error={fe.city}
            />
          </div>
        ) : null}
      </section>

      <section className="card visit-step" aria-labelledby="step-visit">
        <h2 id="step-visit">
          <span className="step-number" aria-hidden="true">
            2
          </span>{' '}
          The visit
        </h2>
        {stores.length > 1 ? (
          <ChipGroup
            legend="Store"
            name="store_id"
            large
            options={stores.map((s) => ({ value: s.id, label: s.name }))}
            value={d.store_id}
            onChange={(v) => set('store_id', v)}
            error={fe.store_id}
          />
        ) : stores.length === 1 ? (
          <p className="field-static">
            <span className="label">Store</span> {stores[0]?.name}
          </p>
        ) : (
          <p className="alert alert-error" role="alert">
            You are not assigned to a store, so you cannot log visits yet. Ask your manager.
          </p>
        )}
        <ChipGroup<VisitReason>
          legend="Why did they come in?"
          name="reason"
          large
          options={REASON_OPTIONS}
          value={d.reason}
          onChange={(v) => set('reason', v)}
          error={fe.reason}
        />
        <ChipGroup<LeadSource>
          legend="How did they hear of you?"
          name="lead_source"
          large
          options={LEAD_SOURCE_OPTIONS}
          value={d.lead_source}
          onChange={(v) => set('lead_source', v)}
          error={fe.lead_source}
        />
      </section>

      <section className="card visit-step" aria-labelledby="step-interests">
        <h2 id="step-interests">
          <span className="step-number" aria-hidden="true">
            3
          </span>{' '}
          What they looked at
        </h2>
        {fe.interests ? (
          <p className="field-error">
            <Icon name="alert" size={16} /> {fe.interests}
          </p>
        ) : null}
        {d.interests.map((it, i) => (
          <fieldset key={it.key} className="interest-card">
            <legend>Interest {i + 1}</legend>
            <ChipGroup<Category>
              legend="Category"
              name={`${it.key}-category`}
              large
              options={CATEGORY_OPTIONS}
              value={it.category}
              onChange={(v) => setInterest(i, { category: v })}
              error={fe[`interests[${i}].category`]}
            />
            <div className="form-row">
              <TextField
                label="Design number (optional)"
                name={`${it.key}-design`}
                value={it.design_number}
                onChange={(e) => setInterest(i, { design_number: e.target.value })}
                autoComplete="off"
                autoCapitalize="characters"
                maxLength={60}
                className="field-large"
                error={fe[`interests[${i}].design_number`]}
              />
              <TextField
                label={`Expected value, ${symbol} (optional)`}
                name={`${it.key}-value`}
                value={it.expected_value}
                onChange={(e) => setInterest(i, { expected_value: e.target.value })}
                inputMode="numeric"
                autoComplete="off"
                maxLength={16}
                className="field-large"
                error={fe[`interests[${i}].expected_value`]}
              />
            </div>
            <ChipGroup<Outcome>
              legend="Outcome"
              name={`${it.key}-outcome`}
              large
              options={OUTCOME_OPTIONS}
              value={it.outcome}
              onChange={(v) => setInterest(i, { outcome: v })}
              error={fe[`interests[${i}].outcome`]}
            />
            <details className="interest-more" open={Boolean(it.metal || it.stone || it.note) || undefined}>
              <summary>More details: metal, stone, note</summary>
              <div className="interest-more-body">
                <ChipGroup<Metal | ''>
                  legend="Metal"
                  name={`${it.key}-metal`}
                  options={[{ value: '', label: 'Not noted' }, ...METAL_OPTIONS]}
                  value={it.metal}
                  onChange={(v) => setInterest(i, { metal: v })}
                  error={fe[`interests[${i}].metal`]}
                />
                <ChipGroup<Stone | ''>
                  legend="Main stone"
                  name={`${it.key}-stone`}
                  options={[{ value: '', label: 'None / not noted' }, ...STONE_OPTIONS]}
                  value={it.stone}
                  onChange={(v) => setInterest(i, { stone: v })}
                  error={fe[`interests[${i}].stone`]}
                />
                <TextField
                  label="Note (optional)"
                  name={`${it.key}-note`}
                  value={it.note}
                  onChange={(e) => setInterest(i, { note: e.target.value })}
                  autoComplete="off"
                  maxLength={1000}
                  error={fe[`interests[${i}].note`]}
                />
              </div>
            </details>
            {d.interests.length > 1 ? (
              <div>
                <Button
                  small
                  variant="ghost"
                  icon="x"
                  onClick={() =>
                    set(
                      'interests',
                      d.interests.filter((_, j) => j !== i),
                    )
                  }
                >
                  Remove interest {i + 1}
                </Button>
              </div>
            ) : null}
          </fieldset>
        ))}
        {d.interests.length < MAX_INTERESTS ? (
          <Button icon="plus" className="btn-large" onClick={() => set('interests', [...d.interests, blankInterest()])}>
            Add another interest
          </Button>
        ) : null}
      </section>

      <section className="card visit-step" aria-labelledby="step-notes">
        <h2 id="step-notes">
          <span className="step-number" aria-hidden="true">
            4
          </span>{' '}
          Notes
        </h2>
        <TextAreaField
          label="Anything else to remember (optional)"
          name="notes"
          value={d.notes}
          onChange={(e) => set('notes', e.target.value)}
          maxLength={2000}
          error={fe.notes}
        />
      </section>

      {duplicateOf ? (
        <div className="alert alert-error" role="alert">
          <Icon name="alert" size={20} />
          <div>
            <p>{save.error instanceof ApiError ? save.error.detail : null}</p>
            <p>
              <Link to={`/customers/${duplicateOf}`}>Open existing customer</Link>
            </p>
          </div>
        </div>
      ) : null}
      <FormError error={banner} />
      {Object.keys(fe).length > 0 && !banner && !duplicateOf ? (
        <p className="alert alert-error" role="alert">
          <Icon name="alert" size={20} /> Some answers are missing or need a fix — see the highlighted fields above.
        </p>
      ) : null}
      {leadAhead ? (
        <p className="alert alert-info">
          <Icon name="phone" size={20} /> Nothing was purchased, so a lead opens for telecalling (unless they already have an open one).
        </p>
      ) : null}
      <Button type="submit" variant="primary" icon="check" className="btn-large btn-block" busy={save.isPending}>
        Save visit
      </Button>
    </form>
  );
}
