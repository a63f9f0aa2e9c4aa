// "New lead": a phone enquiry or a referral entered by hand for a customer
// found with the customer search. A customer with an open lead gets a 409
// that links to it.
import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../../../api/problem';
import type { CustomerSummary, Store } from '../../../api/types';
import { Button, ChipGroup, FormError, SelectField, TextAreaField } from '../../../components/ui';
import { Icon } from '../../../components/Icon';
import { Modal } from '../../../components/Modal';
import { useToast } from '../../../components/toast';
import { formatPhone } from '../../../lib/customers';
import { fieldErrorsOf } from '../../../lib/forms';
import { CustomerPicker } from '../../customers/shared';
import { TC_KEYS, TC_PATHS, telecallingApi } from './api';

type Priority = '1' | '2' | '3';
const PRIORITIES: { value: Priority; label: string }[] = [
  { value: '1', label: 'High' },
  { value: '2', label: 'Normal' },
  { value: '3', label: 'Low' },
];
const FIELDS = ['customer_id', 'store_id', 'priority', 'note'];

export function NewLeadDialog({
  open,
  onOpenChange,
  stores,
  defaultStoreId,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  stores: Store[];
  defaultStoreId: string;
}) {
  return (
    <Modal
      open={open}
      onOpenChange={onOpenChange}
      title="New lead"
      description="For a phone enquiry or a referral. The lead goes to a telecaller at once when the store’s rule allows."
    >
      {open ? <NewLeadForm stores={stores} defaultStoreId={defaultStoreId} onClose={() => onOpenChange(false)} /> : null}
    </Modal>
  );
}

function NewLeadForm({ stores, defaultStoreId, onClose }: { stores: Store[]; defaultStoreId: string; onClose: () => void }) {
  const toast = useToast();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [customer, setCustomer] = useState<CustomerSummary | null>(null);
  const [storeId, setStoreId] = useState(defaultStoreId);
  const [priority, setPriority] = useState<Priority>('2');
  const [note, setNote] = useState('');
  const [tried, setTried] = useState(false);

  const create = useMutation({
    mutationFn: () =>
      telecallingApi.createLead({
        customer_id: customer?.id ?? '',
        store_id: storeId,
        priority: Number(priority),
        note: note.trim() || null,
      }),
    onSuccess: async (lead) => {
      toast({
        title: 'Lead created',
        description: lead.assignee_name
          ? `${lead.customer_name}: assigned to ${lead.assignee_name}.`
          : `${lead.customer_name}: waiting for a telecaller.`,
        tone: 'success',
      });
      await qc.invalidateQueries({ queryKey: TC_KEYS.root });
      onClose();
      void navigate(TC_PATHS.lead(lead.id));
    },
  });

  const err = create.error;
  const existing = err instanceof ApiError && err.status === 409 ? err.existingId : null;
  const fe = fieldErrorsOf(err);
  const missing = tried && !customer ? 'Choose the customer.' : undefined;
  const banner =
    err && !existing && !(err instanceof ApiError && err.status === 422 && err.errors.every((e) => FIELDS.includes(e.field))) ? err : null;

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setTried(true);
    if (!customer || !storeId) return;
    create.mutate();
  };

  return (
    <form className="form" onSubmit={submit} noValidate aria-label="New lead">
      {customer ? (
        <div className="field-static">
          <span className="label" id="new-lead-customer">
            Customer
          </span>
          <div className="picked" role="group" aria-labelledby="new-lead-customer">
            <span>
              <strong>{customer.name}</strong> <span className="muted">{formatPhone(customer.phone)}</span>
            </span>
            <Button small variant="ghost" onClick={() => setCustomer(null)}>
              Change<span className="visually-hidden"> customer</span>
            </Button>
          </div>
        </div>
      ) : (
        <>
          <CustomerPicker label="Customer" hint="Search by name, phone or email (at least 2 letters)." onPick={setCustomer} />
          {missing || fe.customer_id ? (
            <p className="field-error" role="alert">
              <Icon name="alert" size={16} /> {missing ?? fe.customer_id}
            </p>
          ) : null}
        </>
      )}
      {stores.length > 1 ? (
        <SelectField
          label="Store"
          name="store_id"
          value={storeId}
          onChange={(e) => setStoreId(e.target.value)}
          options={stores.map((s) => ({ value: s.id, label: s.name }))}
          error={fe.store_id}
        />
      ) : null}
      <ChipGroup<Priority>
        legend="Priority"
        name="priority"
        options={PRIORITIES}
        value={priority}
        onChange={setPriority}
        error={fe.priority}
      />
      <TextAreaField
        label="Note (optional)"
        name="note"
        value={note}
        onChange={(e) => setNote(e.target.value)}
        maxLength={1000}
        hint="What the customer asked about; the telecaller sees it."
        error={fe.note}
      />
      {existing ? (
        <div className="alert alert-error" role="alert">
          <Icon name="alert" size={20} />
          <div>
            <p>{err instanceof ApiError ? (err.detail ?? 'This customer already has an open lead.') : null}</p>
            <p>
              <Link to={TC_PATHS.lead(existing)} onClick={onClose}>
                Open the existing lead
              </Link>
            </p>
          </div>
        </div>
      ) : null}
      <FormError error={banner} />
      <div className="form-actions">
        <Button variant="ghost" onClick={onClose}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" icon="plus" busy={create.isPending}>
          Create lead
        </Button>
      </div>
    </form>
  );
}
