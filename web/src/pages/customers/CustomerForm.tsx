// The whole customer profile as a form (create and full replace).
import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Link } from 'react-router';
import type { ConsentChannel, Customer, CustomerInput, Store } from '../../api/types';
import { ApiError } from '../../api/problem';
import { useMe } from '../../auth/useAuth';
import { Button, CheckField, ChipGroup, FormError, SelectField, TextAreaField, TextField } from '../../components/ui';
import { Icon } from '../../components/Icon';
import { Modal } from '../../components/Modal';
import {
  BUDGET_OPTIONS,
  CATEGORY_OPTIONS,
  CHANNELS,
  CHANNEL_LABELS,
  CUSTOMER_TYPE_OPTIONS,
  DEFAULT_CONSENT_SOURCE,
  GENDER_OPTIONS,
  MAX_FAMILY,
  MAX_PHONES,
  METAL_OPTIONS,
  PURITY_OPTIONS,
  RELATION_OPTIONS,
  SAVING_SCHEME_OPTIONS,
  STONE_OPTIONS,
  STYLE_OPTIONS,
  TIER_OPTIONS,
  blankFamilyMember,
  checkCustomerDraft,
  defaultConsentText,
  formErrorsFromServer,
  isCustomerFormField,
  toCustomerInput,
  type BuiltCustomerInput,
  type ConsentChange,
  type CustomerDraft,
  type FamilyDraft,
} from '../../lib/customers';
import { todayIn } from '../../lib/format';
import { useFormat } from '../../lib/locale';
import { CustomerPicker } from './shared';

const CONSENT_SOURCES = ['showroom form', 'phone call', 'website', 'WhatsApp message', 'email reply', 'paper form'];

/** Readable names of form fields for the error summary. */
function fieldName(key: string): string {
  const phone = /^phones\[(\d+)\]$/.exec(key);
  if (phone) return `Phone ${Number(phone[1]) + 1}`;
  const fam = /^family\[(\d+)\]\.(\w+)$/.exec(key);
  if (fam) return `Family member ${Number(fam[1]) + 1} (${fam[2]?.replace(/_/g, ' ')})`;
  const consent = /^consent\.(\w+)\.(\w+)$/.exec(key);
  if (consent) return `${CHANNEL_LABELS[consent[1] as ConsentChannel] ?? consent[1]} consent ${consent[2]}`;
  const names: Record<string, string> = {
    name: 'Name',
    phones: 'Phones',
    email: 'Email',
    birth_date: 'Birth date',
    anniversary: 'Anniversary',
    postal_code: 'Postal code',
    home_store_id: 'Home store',
    'preferences.ring_size': 'Ring size',
    preferences: 'Jewellery preferences',
  };
  return names[key] ?? key.replace(/[._]/g, ' ');
}

export function CustomerForm({
  initial,
  customer,
  stores,
  busy,
  error,
  onSubmit,
  onCancel,
  submitLabel,
}: {
  initial: CustomerDraft;
  /** The customer being edited (for the consent on record). */
  customer?: Customer;
  stores: Store[];
  busy: boolean;
  error: unknown;
  onSubmit: (input: CustomerInput, built: BuiltCustomerInput) => void;
  onCancel: () => void;
  submitLabel: string;
}) {
  const me = useMe();
  const fmt = useFormat();
  const today = todayIn(fmt.settings.timeZone);
  const [d, setD] = useState<CustomerDraft>(initial);
  // After a first attempt to save, the form's own checks follow the edits.
  const [tried, setTried] = useState(false);
  const [sent, setSent] = useState<BuiltCustomerInput | null>(null);
  const [linking, setLinking] = useState<number | null>(null);
  const summaryRef = useRef<HTMLDivElement>(null);
  const business = me.tenant?.name ?? 'us';

  const set = <K extends keyof CustomerDraft>(k: K, v: CustomerDraft[K]) => setD((x) => ({ ...x, [k]: v }));
  const setPhone = (i: number, v: string) => setD((x) => ({ ...x, phones: x.phones.map((p, j) => (j === i ? v : p)) }));
  const setFamily = (i: number, patch: Partial<FamilyDraft>) =>
    setD((x) => ({ ...x, family: x.family.map((f, j) => (j === i ? { ...f, ...patch } : f)) }));
  const setConsent = (ch: ConsentChannel, change: ConsentChange) =>
    setD((x) => {
      const c = x.consent[ch];
      const was = x.consent[ch].change;
      // Suggest the standard wording for the new choice unless it was edited.
      const standard = was ? defaultConsentText(ch, business, was === 'granted') : '';
      const text = change ? (c.text && c.text !== standard ? c.text : defaultConsentText(ch, business, change === 'granted')) : c.text;
      return { ...x, consent: { ...x.consent, [ch]: { change, source: c.source || DEFAULT_CONSENT_SOURCE, text } } };
    });
  const setConsentField = (ch: ConsentChannel, k: 'source' | 'text', v: string) =>
    setD((x) => ({ ...x, consent: { ...x.consent, [ch]: { ...x.consent[ch], [k]: v } } }));

  const server = error instanceof ApiError && sent ? formErrorsFromServer(error.errors, sent) : {};
  const local = tried ? checkCustomerDraft(d, today) : {};
  const fe: Record<string, string> = { ...server, ...local };
  const unplaced = error instanceof ApiError ? Object.keys(server).filter((k) => !isCustomerFormField(k, d)) : [];
  const placed = Object.keys(fe).filter((k) => isCustomerFormField(k, d));
  // A duplicate phone is shown with a link to the existing customer instead.
  const duplicateOf = error instanceof ApiError && error.status === 409 ? error.existingId : null;
  const banner = error && !(error instanceof ApiError && error.status === 422 && unplaced.length === 0) && !duplicateOf ? error : null;

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const errs = checkCustomerDraft(d, today);
    setTried(true);
    if (Object.keys(errs).length > 0) {
      requestAnimationFrame(() => summaryRef.current?.focus());
      return;
    }
    const built = toCustomerInput(d);
    setSent(built);
    onSubmit(built.input, built);
  };

  return (
    <form className="form customer-form" onSubmit={submit} noValidate aria-label={submitLabel}>
      <div ref={summaryRef} tabIndex={-1} className="error-summary-anchor">
        {duplicateOf ? (
          <div className="alert alert-error" role="alert">
            <Icon name="alert" size={20} />
            <div>
              <p>{error instanceof ApiError ? (error.detail ?? 'This phone number belongs to another customer.') : null}</p>
              <p>
                <Link to={`/customers/${duplicateOf}`}>Open existing customer</Link>
              </p>
            </div>
          </div>
        ) : null}
        <FormError error={banner} />
        {placed.length > 0 ? (
          <div className="alert alert-error" role="alert">
            <Icon name="alert" size={20} />
            <div>
              <p>
                Check {placed.length === 1 ? 'this field' : 'these fields'}: {placed.map(fieldName).join(', ')}.
              </p>
            </div>
          </div>
        ) : null}
      </div>

      <Section title="Identity">
        <TextField
          label="Full name"
          name="name"
          value={d.name}
          onChange={(e) => set('name', e.target.value)}
          required
          maxLength={120}
          autoComplete="off"
          error={fe.name}
        />
        <fieldset className="field phones-group">
          <legend>Phone numbers</legend>
          <p className="field-hint">The first is the main number. Up to {MAX_PHONES}; national numbers get your country code.</p>
          {d.phones.map((p, i) => (
            <div key={i} className="row-with-action">
              <TextField
                label={i === 0 ? 'Main phone' : `Phone ${i + 1}`}
                name={`phones[${i}]`}
                type="tel"
                inputMode="tel"
                autoComplete="off"
                value={p}
                onChange={(e) => setPhone(i, e.target.value)}
                maxLength={32}
                error={fe[`phones[${i}]`]}
              />
              {d.phones.length > 1 ? (
                <button
                  type="button"
                  className="icon-button"
                  aria-label={`Remove phone ${i + 1}`}
                  onClick={() =>
                    set(
                      'phones',
                      d.phones.filter((_, j) => j !== i),
                    )
                  }
                >
                  <Icon name="x" size={20} />
                </button>
              ) : null}
            </div>
          ))}
          {fe.phones ? (
            <p className="field-error">
              <Icon name="alert" size={16} /> {fe.phones}
            </p>
          ) : null}
          {d.phones.length < MAX_PHONES ? (
            <div>
              <Button small icon="plus" onClick={() => set('phones', [...d.phones, ''])}>
                Add a phone
              </Button>
            </div>
          ) : null}
        </fieldset>
        <TextField
          label="Email"
          name="email"
          type="email"
          inputMode="email"
          autoComplete="off"
          value={d.email}
          onChange={(e) => set('email', e.target.value)}
          maxLength={254}
          error={fe.email}
        />
        <div className="form-row">
          <SelectField
            label="Gender"
            name="gender"
            value={d.gender}
            onChange={(e) => set('gender', e.target.value as CustomerDraft['gender'])}
            options={[{ value: '', label: 'Not given' }, ...GENDER_OPTIONS]}
            error={fe.gender}
          />
          <SelectField
            label="Customer type"
            name="customer_type"
            value={d.customer_type}
            onChange={(e) => set('customer_type', e.target.value as CustomerDraft['customer_type'])}
            options={CUSTOMER_TYPE_OPTIONS}
            error={fe.customer_type}
          />
        </div>
        <div className="form-row">
          <TextField
            label="Birth date"
            name="birth_date"
            type="date"
            max={today}
            value={d.birth_date}
            onChange={(e) => set('birth_date', e.target.value)}
            error={fe.birth_date}
          />
          <TextField
            label="Anniversary"
            name="anniversary"
            type="date"
            max={today}
            value={d.anniversary}
            onChange={(e) => set('anniversary', e.target.value)}
            error={fe.anniversary}
          />
        </div>
        <div className="form-row">
          <TextField
            label="Preferred language"
            name="language"
            value={d.language}
            onChange={(e) => set('language', e.target.value)}
            maxLength={40}
            list="customer-languages"
            autoComplete="off"
            error={fe.language}
          />
          <datalist id="customer-languages">
            {['English', 'Hindi', 'Kannada', 'Tamil', 'Telugu', 'Malayalam', 'Marathi', 'Gujarati', 'Bengali', 'Punjabi'].map((l) => (
              <option key={l} value={l} />
            ))}
          </datalist>
          <TextField
            label="Community (optional)"
            name="community"
            value={d.community}
            onChange={(e) => set('community', e.target.value)}
            maxLength={60}
            autoComplete="off"
            hint="Only for festival greetings."
            error={fe.community}
          />
        </div>
      </Section>

      <Section title="Address">
        <TextField
          label="Address"
          name="address"
          value={d.address}
          onChange={(e) => set('address', e.target.value)}
          maxLength={500}
          autoComplete="off"
          error={fe.address}
        />
        <div className="form-row">
          <TextField
            label="Area"
            name="area"
            value={d.area}
            onChange={(e) => set('area', e.target.value)}
            maxLength={100}
            autoComplete="off"
            error={fe.area}
          />
          <TextField
            label="City"
            name="city"
            value={d.city}
            onChange={(e) => set('city', e.target.value)}
            maxLength={100}
            autoComplete="off"
            error={fe.city}
          />
          <TextField
            label="Postal code"
            name="postal_code"
            inputMode="numeric"
            value={d.postal_code}
            onChange={(e) => set('postal_code', e.target.value)}
            maxLength={12}
            autoComplete="off"
            error={fe.postal_code}
          />
        </div>
      </Section>

      <Section title="Jewellery profile">
        {fe.preferences ? (
          <p className="field-error">
            <Icon name="alert" size={16} /> {fe.preferences}
          </p>
        ) : null}
        <ChipGroup legend="Metals" name="metals" multiple options={METAL_OPTIONS} value={d.metals} onChange={(v) => set('metals', v)} />
        <ChipGroup
          legend="Purity"
          name="purities"
          multiple
          options={PURITY_OPTIONS}
          value={d.purities}
          onChange={(v) => set('purities', v)}
        />
        <ChipGroup legend="Stones" name="stones" multiple options={STONE_OPTIONS} value={d.stones} onChange={(v) => set('stones', v)} />
        <ChipGroup
          legend="Categories"
          name="categories"
          multiple
          options={CATEGORY_OPTIONS}
          value={d.categories}
          onChange={(v) => set('categories', v)}
        />
        <ChipGroup legend="Style" name="styles" multiple options={STYLE_OPTIONS} value={d.styles} onChange={(v) => set('styles', v)} />
        <div className="form-row">
          <TextField
            label="Ring size"
            name="ring_size"
            value={d.ring_size}
            onChange={(e) => set('ring_size', e.target.value)}
            maxLength={10}
            autoComplete="off"
            hint="Indian size, e.g. 14."
            error={fe['preferences.ring_size']}
          />
          <SelectField
            label="Budget"
            name="budget_band"
            value={d.budget_band}
            onChange={(e) => set('budget_band', e.target.value as CustomerDraft['budget_band'])}
            options={[{ value: '', label: 'Not known' }, ...BUDGET_OPTIONS]}
            error={fe.budget_band}
          />
          <SelectField
            label="Saving scheme"
            name="saving_scheme"
            value={d.saving_scheme}
            onChange={(e) => set('saving_scheme', e.target.value as CustomerDraft['saving_scheme'])}
            options={[{ value: '', label: 'Not known' }, ...SAVING_SCHEME_OPTIONS]}
          />
        </div>
      </Section>

      <Section title="Tier, tags and store">
        <div className="form-row">
          <SelectField
            label="Tier"
            name="tier"
            value={d.tier}
            onChange={(e) => set('tier', e.target.value as CustomerDraft['tier'])}
            options={TIER_OPTIONS}
            error={fe.tier}
          />
          <SelectField
            label="Home store"
            name="home_store_id"
            value={d.home_store_id}
            onChange={(e) => set('home_store_id', e.target.value)}
            options={[
              ...(d.home_store_id && !stores.some((s) => s.id === d.home_store_id)
                ? [{ value: d.home_store_id, label: 'Another store' }]
                : []),
              ...(d.home_store_id ? [] : [{ value: '', label: 'Choose a store' }]),
              ...stores.filter((s) => s.active || s.id === d.home_store_id).map((s) => ({ value: s.id, label: s.name })),
            ]}
            error={fe.home_store_id}
          />
        </div>
        <TextField
          label="Tags"
          name="tags"
          value={d.tags}
          onChange={(e) => set('tags', e.target.value)}
          autoComplete="off"
          hint="Separate tags with commas, e.g. bridal, diwali buyer."
          error={fe.tags}
        />
        <CheckField
          label="Do not disturb (DND)"
          name="dnd"
          checked={d.dnd}
          onChange={(v) => set('dnd', v)}
          hint="Never call or message this customer, whatever their consent."
        />
      </Section>

      <Section title="Consent">
        <p className="muted small">
          Record consent only as the customer gave it. Channels you leave as they are keep their record{customer ? '' : ' (“never asked”)'}.
        </p>
        {CHANNELS.map((ch) => {
          const current = customer?.consent[ch] ?? null;
          const c = d.consent[ch];
          return (
            <div key={ch} className="consent-edit">
              <ChipGroup<ConsentChange>
                legend={`${CHANNEL_LABELS[ch]}`}
                name={`consent-${ch}`}
                hint={
                  current
                    ? `On record: ${current.granted ? 'granted' : 'withdrawn'} ${fmt.dateTime(current.at, 'date')} (${current.source}).`
                    : 'On record: never asked.'
                }
                options={[
                  { value: '', label: current ? 'Keep as is' : 'Not asked' },
                  { value: 'granted', label: 'Granted' },
                  { value: 'withdrawn', label: 'Withdrawn' },
                ]}
                value={c.change}
                onChange={(v) => setConsent(ch, v)}
              />
              {c.change ? (
                <div className="consent-details">
                  <TextField
                    label={`${CHANNEL_LABELS[ch]}: where it was captured`}
                    name={`consent.${ch}.source`}
                    value={c.source}
                    list="consent-sources"
                    onChange={(e) => setConsentField(ch, 'source', e.target.value)}
                    maxLength={60}
                    autoComplete="off"
                    error={fe[`consent.${ch}.source`]}
                  />
                  <TextAreaField
                    label={`${CHANNEL_LABELS[ch]}: wording shown to the customer`}
                    name={`consent.${ch}.text`}
                    value={c.text}
                    rows={2}
                    onChange={(e) => setConsentField(ch, 'text', e.target.value)}
                    maxLength={500}
                    error={fe[`consent.${ch}.text`]}
                  />
                </div>
              ) : null}
            </div>
          );
        })}
        <datalist id="consent-sources">
          {CONSENT_SOURCES.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
      </Section>

      <Section title="Family and occasions">
        <p className="muted small">Birthdays, anniversaries and weddings in the family are the best reasons to call.</p>
        {fe.family ? (
          <p className="field-error">
            <Icon name="alert" size={16} /> {fe.family}
          </p>
        ) : null}
        {d.family.map((f, i) => (
          <fieldset key={f.key} className="family-edit">
            <legend>Family member {i + 1}</legend>
            <div className="form-row">
              <TextField
                label="Name"
                name={`family[${i}].name`}
                value={f.name}
                onChange={(e) => setFamily(i, { name: e.target.value })}
                maxLength={120}
                autoComplete="off"
                error={fe[`family[${i}].name`]}
              />
              <SelectField
                label="Relation"
                name={`family[${i}].relation`}
                value={f.relation}
                onChange={(e) => setFamily(i, { relation: e.target.value as FamilyDraft['relation'] })}
                options={RELATION_OPTIONS}
              />
            </div>
            <div className="form-row">
              <TextField
                label="Birthday"
                name={`family[${i}].birth_date`}
                type="date"
                value={f.birth_date}
                onChange={(e) => setFamily(i, { birth_date: e.target.value })}
                error={fe[`family[${i}].birth_date`]}
              />
              <TextField
                label="Anniversary"
                name={`family[${i}].anniversary`}
                type="date"
                value={f.anniversary}
                onChange={(e) => setFamily(i, { anniversary: e.target.value })}
                error={fe[`family[${i}].anniversary`]}
              />
              <TextField
                label="Wedding date"
                name={`family[${i}].wedding_date`}
                type="date"
                value={f.wedding_date}
                onChange={(e) => setFamily(i, { wedding_date: e.target.value })}
                hint="Can be upcoming."
                error={fe[`family[${i}].wedding_date`]}
              />
            </div>
            <div className="family-link">
              {f.linked_customer_id ? (
                <p className="small">
                  <Icon name="customers" size={18} /> Linked to{' '}
                  <Link to={`/customers/${f.linked_customer_id}`}>{f.linked_name || 'their customer record'}</Link>
                </p>
              ) : (
                <p className="muted small">Not linked to a customer record.</p>
              )}
              <div className="button-row">
                <Button small onClick={() => setLinking(i)}>
                  {f.linked_customer_id ? 'Change link' : 'Link to a customer'}
                  <span className="visually-hidden"> for family member {i + 1}</span>
                </Button>
                {f.linked_customer_id ? (
                  <Button small variant="ghost" onClick={() => setFamily(i, { linked_customer_id: '', linked_name: '' })}>
                    Unlink<span className="visually-hidden"> family member {i + 1}</span>
                  </Button>
                ) : null}
                <Button
                  small
                  variant="ghost"
                  icon="x"
                  onClick={() =>
                    set(
                      'family',
                      d.family.filter((_, j) => j !== i),
                    )
                  }
                >
                  Remove<span className="visually-hidden"> family member {i + 1}</span>
                </Button>
              </div>
              {fe[`family[${i}].linked_customer_id`] ? (
                <p className="field-error">
                  <Icon name="alert" size={16} /> {fe[`family[${i}].linked_customer_id`]}
                </p>
              ) : null}
            </div>
          </fieldset>
        ))}
        {d.family.length < MAX_FAMILY ? (
          <div>
            <Button small icon="plus" onClick={() => set('family', [...d.family, blankFamilyMember()])}>
              Add a family member
            </Button>
          </div>
        ) : null}
      </Section>

      <div className="form-actions sticky-actions">
        <Button variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" busy={busy}>
          {submitLabel}
        </Button>
      </div>

      <Modal
        open={linking !== null}
        onOpenChange={(o) => !o && setLinking(null)}
        title="Link a family member"
        description="Find the family member’s own customer record."
      >
        <CustomerPicker
          label="Find a customer"
          excludeId={customer?.id}
          actionLabel="Link"
          onPick={(c) => {
            if (linking !== null) {
              const f = d.family[linking];
              setFamily(linking, { linked_customer_id: c.id, linked_name: c.name, name: f?.name.trim() ? f.name : c.name });
            }
            setLinking(null);
          }}
        />
      </Modal>
    </form>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <fieldset className="card form-section">
      <legend className="form-section-title">{title}</legend>
      <div className="form">{children}</div>
    </fieldset>
  );
}
