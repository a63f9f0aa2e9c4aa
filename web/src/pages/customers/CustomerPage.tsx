import { useState, type FormEvent, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { customersApi } from '../../api/endpoints';
import { ApiError } from '../../api/problem';
import type { Customer, CustomerSummary } from '../../api/types';
import { useMe } from '../../auth/useAuth';
import { Badge, Button, Card, ErrorState, FormError, Loading, PageHeader, TextAreaField } from '../../components/ui';
import { Icon } from '../../components/Icon';
import { ConfirmDialog, Modal } from '../../components/Modal';
import { useToast } from '../../components/toast';
import { fieldErrorsOf, useTitle } from '../../lib/forms';
import { PATHS, PERMISSIONS, canReadAccessLog } from '../../lib/nav';
import { useFormat } from '../../lib/locale';
import {
  BUDGET_LABELS,
  CATEGORY_LABELS,
  CHANNELS,
  CHANNEL_LABELS,
  CUSTOMER_TYPE_LABELS,
  GENDER_LABELS,
  METAL_LABELS,
  PURITY_LABELS,
  RELATION_LABELS,
  SAVING_SCHEME_LABELS,
  STONE_LABELS,
  STYLE_LABELS,
  formatPhone,
  labelOf,
  sentence,
  telHref,
} from '../../lib/customers';
import { ESCALATION_PATHS } from '../../lib/escalations';
import { AppointmentsCard } from './Appointments';
import { Timeline } from './Timeline';
import { CustomerPicker, DndBadge, TierBadge } from './shared';
import { refreshCustomers, useStores, useWholeMoney } from './hooks';

export default function CustomerPage() {
  const { id = '' } = useParams();
  const me = useMe();
  const can = (p: string) => me.permissions.includes(p);
  const { stores, byId: storeById } = useStores();
  const customer = useQuery({
    queryKey: ['customers', 'one', id],
    queryFn: () => customersApi.get(id),
    // Every opening of a profile is read from the server, so the access log sees it;
    // coming back to the tab is not a new view.
    refetchOnMount: 'always',
    refetchOnWindowFocus: false,
  });
  useTitle(customer.data?.name ?? 'Customer');

  const back = (
    <p className="breadcrumb">
      <Link to={PATHS.customers}>
        <Icon name="back" size={18} /> Customers
      </Link>
    </p>
  );
  if (customer.isPending)
    return (
      <>
        {back}
        <Loading />
      </>
    );
  if (customer.isError)
    return (
      <>
        {back}
        <PageHeader title="Customer" />
        <ErrorState
          error={customer.error}
          onRetry={() => void customer.refetch()}
          title={customer.error instanceof ApiError && customer.error.status === 404 ? 'This customer is not available' : undefined}
        />
        {customer.error instanceof ApiError && customer.error.status === 404 ? (
          <p className="muted center">They may have been moved to the trash or merged into another record, or are not in your stores.</p>
        ) : null}
      </>
    );

  const c = customer.data;
  const limited = c.limited;
  const canWrite = can(PERMISSIONS.customersWrite) && !limited;
  const canVisit = can(PERMISSIONS.visitsLog);
  const canDelete = can(PERMISSIONS.customersDelete) && !limited;
  const home = storeById.get(c.home_store_id);

  return (
    <>
      {back}
      <PageHeader
        title={c.name}
        description={
          <span className="header-badges">
            <TierBadge tier={c.tier} />
            {c.dnd ? <DndBadge /> : null}
            {home ? <span>Home store: {home.name}</span> : null}
          </span>
        }
        actions={
          <>
            {canVisit ? (
              <Link to={`${PATHS.logVisit}?phone=${encodeURIComponent(c.phones[0] ?? '')}`} className="btn btn-primary">
                <Icon name="visit" size={20} /> Log a visit
              </Link>
            ) : null}
            {canWrite ? (
              <Link to={`/customers/${c.id}/edit`} className="btn btn-secondary">
                <Icon name="edit" size={20} /> Edit
              </Link>
            ) : null}
            {can(PERMISSIONS.escalationsManage) ? (
              <Link to={ESCALATION_PATHS.forCustomer(c.id, c.name, c.home_store_id)} className="btn btn-secondary">
                <Icon name="escalations" size={20} /> Raise escalation
              </Link>
            ) : null}
            {canReadAccessLog(me.permissions, me.user.role) ? (
              <Link
                to={`${PATHS.accessLog}?customer_id=${encodeURIComponent(c.id)}&customer=${encodeURIComponent(c.name)}`}
                className="btn btn-ghost"
              >
                <Icon name="access" size={20} /> Who viewed
              </Link>
            ) : null}
          </>
        }
      />
      {limited ? (
        <div className="alert alert-info limited-note" role="note">
          <Icon name="shield" size={20} />
          <p>You see the details needed to call this customer. Ask a manager for anything else.</p>
        </div>
      ) : null}
      <div className="grid-2 profile-grid">
        <ContactCard c={c} />
        {!limited ? <PreferencesCard c={c} /> : null}
        <ConsentCard c={c} />
        {!limited ? <FamilyCard c={c} /> : null}
        {canVisit ? <AppointmentsCard customer={c} stores={stores} storeById={storeById} /> : null}
      </div>
      <section className="timeline-section" aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">Timeline</h2>
        {canWrite ? <NoteForm customerId={c.id} /> : null}
        <Timeline customerId={c.id} storeById={storeById} />
      </section>
      {canDelete ? <ManageCard c={c} /> : null}
    </>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  if (children === null || children === undefined || children === '' || (Array.isArray(children) && children.length === 0)) return null;
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

function ContactCard({ c }: { c: Customer }) {
  const fmt = useFormat();
  const money = useWholeMoney();
  const address = [c.address, c.area, c.city, c.postal_code].filter(Boolean).join(', ');
  return (
    <Card title="Contact">
      <ul className="phone-list" aria-label="Phone numbers">
        {c.phones.map((p, i) => (
          <li key={p}>
            <a href={telHref(p)} className="btn btn-secondary phone-link">
              <Icon name="phone" size={20} />
              <span>
                {i === 0 ? <span className="visually-hidden">Call main number </span> : <span className="visually-hidden">Call </span>}
                {formatPhone(p)}
              </span>
            </a>
            {i === 0 && c.phones.length > 1 ? <span className="muted small"> main</span> : null}
          </li>
        ))}
      </ul>
      {c.dnd ? (
        <p className="dnd-note">
          <Icon name="alert" size={18} /> Do not disturb: do not call or message for marketing.
        </p>
      ) : null}
      <dl className="details">
        <Row label="Email">{c.email ? <a href={`mailto:${c.email}`}>{c.email}</a> : null}</Row>
        <Row label="Address">{address}</Row>
        <Row label="Gender">{c.gender ? GENDER_LABELS[c.gender] : null}</Row>
        <Row label="Birthday">{c.birth_date ? fmt.dateTime(`${c.birth_date}T12:00:00Z`, 'date', 'UTC') : null}</Row>
        <Row label="Anniversary">{c.anniversary ? fmt.dateTime(`${c.anniversary}T12:00:00Z`, 'date', 'UTC') : null}</Row>
        <Row label="Language">{c.language}</Row>
        <Row label="Community">{c.community}</Row>
        <Row label="Type">{c.customer_type !== 'individual' ? CUSTOMER_TYPE_LABELS[c.customer_type] : null}</Row>
        <Row label="Lifetime value">{!c.limited ? money(c.lifetime_value) : null}</Row>
        <Row label="Last purchase">{c.last_purchase_at ? fmt.dateTime(c.last_purchase_at, 'date') : null}</Row>
        <Row label="Tags">
          {c.tags.length > 0 ? (
            <ul className="tag-list" aria-label="Tags">
              {c.tags.map((t) => (
                <li key={t} className="tag">
                  {t}
                </li>
              ))}
            </ul>
          ) : null}
        </Row>
        <Row label="Rule tags">
          {(c.auto_tags ?? []).length > 0 ? (
            <ul className="tag-list" aria-label="Tags kept by segment rules">
              {c.auto_tags.map((t) => (
                <li key={t} className="tag tag-auto" title="Kept by a segment rule">
                  {t}
                </li>
              ))}
            </ul>
          ) : null}
        </Row>
        <Row label="Customer since">{fmt.dateTime(c.created_at, 'date')}</Row>
      </dl>
    </Card>
  );
}

function PreferencesCard({ c }: { c: Customer }) {
  const p = c.preferences;
  const list = (labels: Record<string, string>, values: readonly string[] | undefined) =>
    values && values.length > 0 ? values.map((v) => labelOf(labels, v)).join(', ') : null;
  const any =
    (p?.metals.length ?? 0) + (p?.purities.length ?? 0) + (p?.stones.length ?? 0) + (p?.categories.length ?? 0) + (p?.styles.length ?? 0) >
      0 ||
    p?.ring_size ||
    p?.saving_scheme ||
    c.budget_band;
  return (
    <Card title="Jewellery preferences">
      {any ? (
        <dl className="details">
          <Row label="Metals">{list(METAL_LABELS, p?.metals)}</Row>
          <Row label="Purity">{list(PURITY_LABELS, p?.purities)}</Row>
          <Row label="Stones">{list(STONE_LABELS, p?.stones)}</Row>
          <Row label="Categories">{list(CATEGORY_LABELS, p?.categories)}</Row>
          <Row label="Style">{list(STYLE_LABELS, p?.styles)}</Row>
          <Row label="Ring size">{p?.ring_size}</Row>
          <Row label="Budget">{c.budget_band ? BUDGET_LABELS[c.budget_band] : null}</Row>
          <Row label="Saving scheme">{p?.saving_scheme ? SAVING_SCHEME_LABELS[p.saving_scheme] : null}</Row>
        </dl>
      ) : (
        <p className="muted">Nothing recorded yet. Metals, purity, stones and styles they like go here.</p>
      )}
    </Card>
  );
}

function ConsentCard({ c }: { c: Customer }) {
  const fmt = useFormat();
  return (
    <Card title="Consent">
      <ul className="consent-list">
        {CHANNELS.map((ch) => {
          const r = c.consent[ch] ?? null;
          return (
            <li key={ch} className="consent-item">
              <p className="list-title">
                {CHANNEL_LABELS[ch]}{' '}
                {r ? <Badge tone={r.granted ? 'good' : 'bad'}>{r.granted ? 'Granted' : 'Withdrawn'}</Badge> : <Badge>Never asked</Badge>}
              </p>
              {r ? (
                <>
                  <p className="muted small">
                    <time dateTime={r.at}>{fmt.dateTime(r.at)}</time> · {r.source}
                  </p>
                  <blockquote className="consent-text">{r.text}</blockquote>
                </>
              ) : null}
            </li>
          );
        })}
      </ul>
      {c.dnd ? <p className="muted small">DND is on: no calls or messages, whatever the consent above.</p> : null}
    </Card>
  );
}

function FamilyCard({ c }: { c: Customer }) {
  const fmt = useFormat();
  const day = (d: string | null | undefined) => (d ? fmt.dateTime(`${d}T12:00:00Z`, 'date', 'UTC') : null);
  return (
    <Card title="Family and occasions">
      {c.family.length === 0 ? (
        <p className="muted">No family members recorded.</p>
      ) : (
        <ul className="list compact" aria-label="Family members">
          {c.family.map((f, i) => (
            <li key={`${f.name}-${i}`} className="list-item">
              <div className="list-main">
                <p className="list-title">
                  {f.linked_customer_id ? <Link to={`/customers/${f.linked_customer_id}`}>{f.name}</Link> : f.name}{' '}
                  <span className="muted">· {RELATION_LABELS[f.relation]}</span>
                </p>
                <p className="muted small">
                  {[
                    f.birth_date ? `Birthday ${day(f.birth_date)}` : null,
                    f.anniversary ? `Anniversary ${day(f.anniversary)}` : null,
                    f.wedding_date ? `Wedding ${day(f.wedding_date)}` : null,
                  ]
                    .filter(Boolean)
                    .join(' · ') || 'No dates recorded'}
                </p>
              </div>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function NoteForm({ customerId }: { customerId: string }) {
  const qc = useQueryClient();
  const toast = useToast();
  const [body, setBody] = useState('');
  const [missing, setMissing] = useState('');
  const save = useMutation({
    mutationFn: () => customersApi.addNote(customerId, body.trim()),
    onSuccess: async () => {
      setBody('');
      toast({ title: 'Note added', tone: 'success' });
      await qc.invalidateQueries({ queryKey: ['customers', 'timeline', customerId] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!body.trim()) {
      setMissing('Write the note first.');
      return;
    }
    setMissing('');
    save.mutate();
  };
  const fe = fieldErrorsOf(save.error);
  return (
    <form className="form note-form" onSubmit={submit} noValidate>
      <FormError error={save.error && !fe.body ? save.error : null} />
      <TextAreaField
        label="Add a note"
        name="body"
        value={body}
        rows={2}
        onChange={(e) => setBody(e.target.value)}
        maxLength={4000}
        hint="Colleagues see it on the timeline (telecallers do not)."
        error={missing || (fe.body ? sentence(fe.body) : undefined)}
      />
      <div className="form-actions">
        <Button type="submit" variant="primary" icon="note" busy={save.isPending}>
          Add note
        </Button>
      </div>
    </form>
  );
}

function ManageCard({ c }: { c: Customer }) {
  const qc = useQueryClient();
  const toast = useToast();
  const navigate = useNavigate();
  const [confirmTrash, setConfirmTrash] = useState(false);
  const [merging, setMerging] = useState(false);
  const [duplicate, setDuplicate] = useState<CustomerSummary | null>(null);
  const trash = useMutation({
    mutationFn: () => customersApi.trash(c.id),
    onSuccess: async () => {
      toast({ title: 'Moved to the trash', description: `${c.name} can be restored from the trash.`, tone: 'success' });
      qc.removeQueries({ queryKey: ['customers', 'one', c.id] });
      await refreshCustomers(qc);
      navigate(PATHS.customers);
    },
  });
  const merge = useMutation({
    mutationFn: (dupId: string) => customersApi.merge(c.id, dupId),
    onSuccess: async (after, dupId) => {
      toast({
        title: 'Customers merged',
        description: `${duplicate?.name ?? 'The duplicate'} is now part of ${after.name}.`,
        tone: 'success',
      });
      qc.setQueryData(['customers', 'one', c.id], after);
      qc.removeQueries({ queryKey: ['customers', 'one', dupId] });
      await refreshCustomers(qc, [c.id]);
      await qc.invalidateQueries({ queryKey: ['appointments'] });
      setMerging(false);
      setDuplicate(null);
    },
  });
  const closeMerge = (o: boolean) => {
    if (!o) {
      setMerging(false);
      setDuplicate(null);
      merge.reset();
    }
  };
  return (
    <Card title="Duplicates and trash" className="manage-card">
      <p className="muted small">Merge a duplicate record of this person into this one, or move this customer to the trash.</p>
      <div className="button-row">
        <Button icon="merge" onClick={() => setMerging(true)}>
          Merge a duplicate
        </Button>
        <Button variant="danger" icon="trash" onClick={() => setConfirmTrash(true)}>
          Move to trash
        </Button>
      </div>
      <FormError error={trash.error} />
      <ConfirmDialog
        open={confirmTrash}
        onOpenChange={setConfirmTrash}
        title={`Move ${c.name} to the trash?`}
        description="They disappear from lists and searches. You can restore them from the trash until it is emptied."
        confirmLabel="Move to trash"
        danger
        busy={trash.isPending}
        onConfirm={() => trash.mutate()}
      />
      <Modal
        open={merging}
        onOpenChange={closeMerge}
        title="Merge a duplicate"
        description={`Find the other record of ${c.name}. Its visits, leads, appointments, notes, phones and family move here; it goes to the trash.`}
      >
        {duplicate ? (
          <div className="form">
            <FormError error={merge.error} />
            <div className="alert alert-info">
              <Icon name="merge" size={20} />
              <p>
                Merge <strong>{duplicate.name}</strong> ({formatPhone(duplicate.phone)}) into <strong>{c.name}</strong>? This cannot be
                undone.
              </p>
            </div>
            <div className="form-actions">
              <Button variant="ghost" onClick={() => setDuplicate(null)}>
                Choose another
              </Button>
              <Button variant="danger" busy={merge.isPending} onClick={() => merge.mutate(duplicate.id)}>
                Merge into {c.name}
              </Button>
            </div>
          </div>
        ) : (
          <CustomerPicker label="Find the duplicate" excludeId={c.id} actionLabel="Merge" onPick={setDuplicate} />
        )}
      </Modal>
    </Card>
  );
}
