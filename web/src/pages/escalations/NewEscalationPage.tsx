// Raising an escalation: which customer (from their profile, or found here),
// what went wrong, how urgent (the time to resolve follows), which store and
// — for managers and business admins — who handles it (by default: me).
import { useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../../api/problem';
import { useMe } from '../../auth/useAuth';
import { Button, ChipGroup, FormError, PageHeader, SelectField, TextAreaField, TextField } from '../../components/ui';
import { Icon } from '../../components/Icon';
import { useToast } from '../../components/toast';
import { formatPhone, sentence } from '../../lib/customers';
import {
  ESCALATION_CATEGORIES,
  ESCALATION_KEYS,
  ESCALATION_PATHS,
  ESCALATION_PRIORITIES,
  PRIORITY_HINTS,
  PRIORITY_LABELS,
  categoryLabel,
  type EscalationCategory,
  type EscalationPriority,
} from '../../lib/escalations';
import { fieldErrorsOf, useTitle } from '../../lib/forms';
import { ROLE_LABELS } from '../../lib/roles';
import { defaultStoreId, useStores } from '../customers/hooks';
import { CustomerPicker } from '../customers/shared';
import { escalationsApi, useAssignees } from './api';
import './escalations.css';

const FIELDS = ['customer_id', 'subject', 'category', 'priority', 'description', 'store_id', 'assigned_to'] as const;

interface Picked {
  id: string;
  name: string;
  phone?: string;
  homeStoreId?: string;
}

export default function NewEscalationPage() {
  useTitle('Raise an escalation');
  const me = useMe();
  const qc = useQueryClient();
  const toast = useToast();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const { stores } = useStores();
  // Managers and business admins hand escalations to others; floor staff raise them for themselves.
  const canAssign = me.user.role === 'manager' || me.user.role === 'business_admin';
  const fromProfile: Picked | null = params.get('customer_id')
    ? {
        id: params.get('customer_id') ?? '',
        name: params.get('customer') ?? 'This customer',
        homeStoreId: params.get('store') ?? undefined,
      }
    : null;
  const [customer, setCustomer] = useState<Picked | null>(fromProfile);
  // Raised from a call with this customer (the console links here with the call).
  const callId = fromProfile ? params.get('call_id') : null;
  const [subject, setSubject] = useState('');
  const [category, setCategory] = useState<EscalationCategory | ''>('');
  const [priority, setPriority] = useState<EscalationPriority>('normal');
  const [description, setDescription] = useState('');
  const usable = stores.filter((s) => s.active && (me.user.role === 'business_admin' || me.user.store_ids.includes(s.id)));
  const homeUsable = customer?.homeStoreId && usable.some((s) => s.id === customer.homeStoreId) ? customer.homeStoreId : '';
  const [storeChoice, setStoreChoice] = useState('');
  const storeId = storeChoice || homeUsable || defaultStoreId(usable, me.user.store_ids);
  const [assignee, setAssignee] = useState('');
  const assignees = useAssignees(storeId, canAssign);
  const [missing, setMissing] = useState<Record<string, string>>({});
  const summary = useRef<HTMLDivElement>(null);
  const filled = (f: string) => setMissing((m) => (m[f] ? Object.fromEntries(Object.entries(m).filter(([k]) => k !== f)) : m));

  const create = useMutation({
    mutationFn: () =>
      escalationsApi.create({
        customer_id: customer?.id ?? '',
        call_id: callId && customer?.id === fromProfile?.id ? callId : null,
        subject: subject.trim(),
        description: description.trim() || null,
        category: category as EscalationCategory,
        priority,
        store_id: storeId || null,
        assigned_to: canAssign && assignee ? assignee : null,
      }),
    onSuccess: async (d) => {
      toast({
        title: 'Escalation raised',
        description: `${d.escalation.subject} · ${d.escalation.assigned_name ? `with ${d.escalation.assigned_name}` : 'not assigned'}`,
        tone: 'success',
      });
      qc.setQueryData(ESCALATION_KEYS.one(d.escalation.id), d);
      await qc.invalidateQueries({ queryKey: ESCALATION_KEYS.list });
      navigate(ESCALATION_PATHS.one(d.escalation.id));
    },
    onError: () => summary.current?.focus(),
  });

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!customer) errs.customer_id = 'Find the customer first.';
    if (!subject.trim()) errs.subject = 'Say in a few words what went wrong.';
    if (!category) errs.category = 'Choose what it is about.';
    setMissing(errs);
    if (Object.keys(errs).length > 0) {
      const first = FIELDS.find((f) => errs[f]);
      const el =
        first === 'customer_id'
          ? e.currentTarget.querySelector<HTMLElement>('input[type="search"]')
          : e.currentTarget.querySelector<HTMLElement>(`[name="${first}"]`);
      el?.focus();
      return;
    }
    create.mutate();
  };

  const server = fieldErrorsOf(create.error);
  const fe = (f: string): string | undefined => missing[f] ?? (server[f] ? sentence(server[f]) : undefined);
  const banner =
    create.error instanceof ApiError &&
    create.error.status === 422 &&
    create.error.errors.length > 0 &&
    create.error.errors.every((x) => (FIELDS as readonly string[]).includes(x.field))
      ? null
      : create.error;

  return (
    <>
      <p className="breadcrumb">
        {fromProfile ? (
          <Link to={`/customers/${encodeURIComponent(fromProfile.id)}`}>
            <Icon name="back" size={18} /> {fromProfile.name}
          </Link>
        ) : (
          <Link to={ESCALATION_PATHS.board}>
            <Icon name="back" size={18} /> Escalations
          </Link>
        )}
      </p>
      <PageHeader
        title="Raise an escalation"
        description="A customer’s problem the store must put right. It is yours unless you hand it on; past its time to resolve it goes to the store managers."
      />
      <form className="form card esc-form" onSubmit={submit} noValidate aria-label="Raise an escalation">
        <div ref={summary} tabIndex={-1} className="error-summary-anchor">
          <FormError error={banner} />
          {create.error instanceof ApiError && create.error.status === 422 && !banner ? (
            <p className="alert alert-error" role="alert">
              <Icon name="alert" size={20} /> Some fields need attention.
            </p>
          ) : null}
        </div>
        {customer ? (
          <div className="field-static">
            <span className="label" id="esc-customer-label">
              Customer
            </span>
            <div className="picked" role="group" aria-labelledby="esc-customer-label">
              <span>
                <strong>{customer.name}</strong> {customer.phone ? <span className="muted">{formatPhone(customer.phone)}</span> : null}
              </span>
              <Button small variant="ghost" onClick={() => setCustomer(null)}>
                Change<span className="visually-hidden"> customer</span>
              </Button>
            </div>
            {fe('customer_id') ? (
              <p className="field-error">
                <Icon name="alert" size={16} /> {fe('customer_id')}
              </p>
            ) : null}
          </div>
        ) : (
          <>
            <CustomerPicker
              label="Customer"
              hint="Search by name, phone or email (at least 2 letters)."
              onPick={(c) => {
                setCustomer({ id: c.id, name: c.name, phone: c.phone, homeStoreId: c.home_store_id });
                setStoreChoice('');
                filled('customer_id');
              }}
            />
            {fe('customer_id') ? (
              <p className="field-error">
                <Icon name="alert" size={16} /> {fe('customer_id')}
              </p>
            ) : null}
          </>
        )}
        <TextField
          label="Subject"
          name="subject"
          value={subject}
          onChange={(e) => {
            setSubject(e.target.value);
            filled('subject');
          }}
          maxLength={200}
          required
          autoComplete="off"
          hint="For example: “Clasp broke a week after purchase” or “Repair not ready on the promised day”."
          error={fe('subject')}
        />
        <SelectField
          label="What is it about?"
          name="category"
          value={category}
          onChange={(e) => {
            setCategory(e.target.value as EscalationCategory | '');
            filled('category');
          }}
          required
          options={[{ value: '', label: 'Choose…' }, ...ESCALATION_CATEGORIES.map((c) => ({ value: c, label: categoryLabel(c) }))]}
          error={fe('category')}
        />
        <ChipGroup<EscalationPriority>
          legend="How urgent is it?"
          name="priority"
          value={priority}
          onChange={setPriority}
          options={ESCALATION_PRIORITIES.map((p) => ({ value: p, label: PRIORITY_LABELS[p] }))}
          hint={PRIORITY_HINTS[priority]}
          error={fe('priority')}
        />
        <TextAreaField
          label="What happened? (optional)"
          name="description"
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          maxLength={5000}
          rows={5}
          hint="What the customer said, what was bought or repaired, and what they expect."
          error={fe('description')}
        />
        {usable.length > 1 ? (
          <SelectField
            label="Store"
            name="store_id"
            value={storeId}
            onChange={(e) => {
              setStoreChoice(e.target.value);
              setAssignee('');
            }}
            options={usable.map((s) => ({ value: s.id, label: s.id === homeUsable ? `${s.name} (customer’s home store)` : s.name }))}
            hint="The store that puts it right; its managers are told if it is not resolved in time."
            error={fe('store_id')}
          />
        ) : null}
        {canAssign ? (
          <SelectField
            label="Who handles it"
            name="assigned_to"
            value={assignee}
            onChange={(e) => setAssignee(e.target.value)}
            options={[
              { value: '', label: 'Me' },
              ...assignees.people
                .filter((p) => p.id !== me.user.id)
                .map((p) => ({ value: p.id, label: `${p.name} · ${ROLE_LABELS[p.role]}` })),
            ]}
            hint="They get a notification."
            error={fe('assigned_to')}
          />
        ) : null}
        <div className="form-actions">
          <Link to={fromProfile ? `/customers/${encodeURIComponent(fromProfile.id)}` : ESCALATION_PATHS.board} className="btn btn-ghost">
            Cancel
          </Link>
          <Button type="submit" variant="primary" icon="escalations" busy={create.isPending}>
            Raise escalation
          </Button>
        </div>
      </form>
    </>
  );
}
