// A customer's appointments: book, confirm / complete / cancel / no-show, reschedule.
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { appointmentsApi } from '../../api/endpoints';
import type { Appointment, AppointmentStatus, Customer, Store } from '../../api/types';
import { useMe } from '../../auth/useAuth';
import { Badge, Button, Card, ChipGroup, ErrorState, FormError, Loading, SelectField, TextAreaField, TextField } from '../../components/ui';
import { Modal } from '../../components/Modal';
import { useToast } from '../../components/toast';
import { bannerError, fieldErrorsOf } from '../../lib/forms';
import { useFormat } from '../../lib/locale';
import { isoToZonedLocal, zonedLocalToIso } from '../../lib/format';
import { APPOINTMENT_STATUS_LABELS, sentence } from '../../lib/customers';
import { defaultStoreId, useStaff } from './hooks';

const PURPOSES = ['Bridal consultation', 'Design selection', 'Trial of a custom piece', 'Repair pickup', 'Valuation', 'Old gold exchange'];
const NEXT: Record<AppointmentStatus, AppointmentStatus[]> = {
  scheduled: ['confirmed', 'completed', 'cancelled', 'no_show'],
  confirmed: ['completed', 'cancelled', 'no_show'],
  completed: [],
  cancelled: [],
  no_show: [],
  rescheduled: [],
};

const toneOf = (s: AppointmentStatus) =>
  s === 'completed' ? 'good' : s === 'cancelled' || s === 'no_show' ? 'bad' : s === 'confirmed' ? 'gold' : 'neutral';

function serverErrors(error: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(fieldErrorsOf(error)).map(([k, v]) => [k, sentence(v)]));
}

export function AppointmentsCard({ customer, stores, storeById }: { customer: Customer; stores: Store[]; storeById: Map<string, Store> }) {
  const fmt = useFormat();
  const list = useQuery({
    queryKey: ['appointments', 'customer', customer.id],
    queryFn: () => appointmentsApi.list({ customer_id: customer.id, limit: 100 }),
  });
  const staff = useStaff();
  const [booking, setBooking] = useState(false);
  const [changing, setChanging] = useState<Appointment | null>(null);
  const [moving, setMoving] = useState<Appointment | null>(null);
  const items = list.data?.items ?? [];
  const open = items.filter((a) => a.status === 'scheduled' || a.status === 'confirmed');
  const past = items.filter((a) => !(a.status === 'scheduled' || a.status === 'confirmed'));

  const row = (a: Appointment, actions: boolean) => {
    const tz = storeById.get(a.store_id)?.time_zone;
    return (
      <li key={a.id} className="list-item">
        <div className="list-main">
          <p className="list-title">
            {a.purpose} <Badge tone={toneOf(a.status)}>{APPOINTMENT_STATUS_LABELS[a.status]}</Badge>
          </p>
          <p className="muted small">
            <time dateTime={a.scheduled_at}>{fmt.dateTime(a.scheduled_at, 'datetime', tz)}</time>
            {storeById.get(a.store_id) ? ` · ${storeById.get(a.store_id)?.name}` : ''}
            {a.staff_id ? ` · with ${staff.byId.get(a.staff_id)?.name ?? 'a colleague'}` : ''}
          </p>
          {a.notes ? <p className="small">{a.notes}</p> : null}
        </div>
        {actions ? (
          <div className="button-row">
            <Button small onClick={() => setChanging(a)}>
              Update status<span className="visually-hidden">: {a.purpose}</span>
            </Button>
            <Button small variant="ghost" onClick={() => setMoving(a)}>
              Reschedule<span className="visually-hidden">: {a.purpose}</span>
            </Button>
          </div>
        ) : null}
      </li>
    );
  };

  return (
    <Card
      title="Appointments"
      actions={
        <Button small variant="primary" icon="calendar" onClick={() => setBooking(true)}>
          Book
        </Button>
      }
    >
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        <p className="muted">No appointments booked.</p>
      ) : (
        <>
          {open.length > 0 ? (
            <ul className="list compact" aria-label="Upcoming appointments">
              {open.map((a) => row(a, true))}
            </ul>
          ) : (
            <p className="muted">No upcoming appointments.</p>
          )}
          {past.length > 0 ? (
            <details className="past-appointments">
              <summary>Past and closed ({past.length})</summary>
              <ul className="list compact" aria-label="Past appointments">
                {past.map((a) => row(a, false))}
              </ul>
            </details>
          ) : null}
        </>
      )}
      <Modal open={booking} onOpenChange={setBooking} title="Book an appointment" description={`For ${customer.name}.`}>
        {booking ? <BookForm customer={customer} stores={stores} onDone={() => setBooking(false)} /> : null}
      </Modal>
      <Modal
        open={changing !== null}
        onOpenChange={(o) => !o && setChanging(null)}
        title="Update appointment status"
        description={changing?.purpose}
      >
        {changing ? <StatusForm appointment={changing} onDone={() => setChanging(null)} /> : null}
      </Modal>
      <Modal
        open={moving !== null}
        onOpenChange={(o) => !o && setMoving(null)}
        title="Reschedule appointment"
        description="The old appointment is kept as “rescheduled” and a new one is booked."
      >
        {moving ? <RescheduleForm appointment={moving} store={storeById.get(moving.store_id)} onDone={() => setMoving(null)} /> : null}
      </Modal>
    </Card>
  );
}

function useInvalidateAppointments() {
  const qc = useQueryClient();
  return async () => {
    await qc.invalidateQueries({ queryKey: ['appointments'] });
    await qc.invalidateQueries({ queryKey: ['customers', 'timeline'] });
  };
}

function BookForm({ customer, stores, onDone }: { customer: Customer; stores: Store[]; onDone: () => void }) {
  const me = useMe();
  const fmt = useFormat();
  const toast = useToast();
  const invalidate = useInvalidateAppointments();
  const usable = stores.filter((s) => s.active && (me.user.role === 'business_admin' || me.user.store_ids.includes(s.id)));
  const [storeId, setStoreId] = useState(
    usable.some((s) => s.id === customer.home_store_id) ? customer.home_store_id : defaultStoreId(usable, me.user.store_ids),
  );
  const store = stores.find((s) => s.id === storeId);
  const tz = store?.time_zone ?? fmt.settings.timeZone;
  const staff = useStaff(storeId || undefined);
  const [when, setWhen] = useState('');
  const [staffId, setStaffId] = useState(me.user.role === 'business_admin' ? '' : me.user.id);
  const [purpose, setPurpose] = useState('');
  const [notes, setNotes] = useState('');
  const [missing, setMissing] = useState<Record<string, string>>({});
  const save = useMutation({
    mutationFn: () =>
      appointmentsApi.create({
        customer_id: customer.id,
        store_id: storeId,
        staff_id: staffId || null,
        scheduled_at: zonedLocalToIso(when, tz),
        purpose: purpose.trim(),
        notes: notes.trim() || null,
      }),
    onSuccess: async (a) => {
      toast({
        title: 'Appointment booked',
        description: `${a.purpose} · ${fmt.dateTime(a.scheduled_at, 'datetime', tz)}`,
        tone: 'success',
      });
      await invalidate();
      onDone();
    },
  });
  const nowLocal = isoToZonedLocal(new Date().toISOString(), tz);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!storeId) errs.store_id = 'Choose a store.';
    if (!when) errs.scheduled_at = 'Choose a date and time.';
    else if (when <= nowLocal) errs.scheduled_at = 'Choose a time in the future.';
    if (!purpose.trim()) errs.purpose = 'Say what the appointment is for.';
    setMissing(errs);
    if (Object.keys(errs).length === 0) save.mutate();
  };
  const fe = { ...serverErrors(save.error), ...missing };
  return (
    <form className="form" onSubmit={submit} noValidate>
      <FormError error={bannerError(save.error, ['store_id', 'staff_id', 'scheduled_at', 'purpose', 'notes'])} />
      <SelectField
        label="Store"
        name="store_id"
        value={storeId}
        onChange={(e) => setStoreId(e.target.value)}
        options={[...(storeId ? [] : [{ value: '', label: 'Choose a store' }]), ...usable.map((s) => ({ value: s.id, label: s.name }))]}
        error={fe.store_id}
      />
      <TextField
        label="Date and time"
        name="scheduled_at"
        type="datetime-local"
        value={when}
        min={nowLocal}
        onChange={(e) => setWhen(e.target.value)}
        hint={`Time in ${tz}.`}
        error={fe.scheduled_at}
      />
      <TextField
        label="Purpose"
        name="purpose"
        value={purpose}
        list="appointment-purposes"
        onChange={(e) => setPurpose(e.target.value)}
        maxLength={200}
        autoComplete="off"
        error={fe.purpose}
      />
      <datalist id="appointment-purposes">
        {PURPOSES.map((p) => (
          <option key={p} value={p} />
        ))}
      </datalist>
      <SelectField
        label="Who will see them"
        name="staff_id"
        value={staffId}
        onChange={(e) => setStaffId(e.target.value)}
        options={[
          { value: '', label: 'Anyone at the store' },
          ...(staffId && !staff.staff.some((u) => u.id === staffId)
            ? [{ value: staffId, label: staffId === me.user.id ? me.user.name : 'Chosen colleague' }]
            : []),
          ...staff.staff.map((u) => ({ value: u.id, label: u.name })),
        ]}
        hint="They are reminded an hour before."
        error={fe.staff_id}
      />
      <TextAreaField
        label="Notes (optional)"
        name="notes"
        value={notes}
        onChange={(e) => setNotes(e.target.value)}
        maxLength={2000}
        error={fe.notes}
      />
      <div className="form-actions">
        <Button variant="ghost" onClick={onDone}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" busy={save.isPending}>
          Book appointment
        </Button>
      </div>
    </form>
  );
}

function StatusForm({ appointment, onDone }: { appointment: Appointment; onDone: () => void }) {
  const toast = useToast();
  const invalidate = useInvalidateAppointments();
  const choices = NEXT[appointment.status];
  const [status, setStatus] = useState<AppointmentStatus | ''>('');
  const [notes, setNotes] = useState('');
  const [missing, setMissing] = useState('');
  const save = useMutation({
    mutationFn: () => appointmentsApi.setStatus(appointment.id, status as AppointmentStatus, notes.trim() || null),
    onSuccess: async (a) => {
      toast({ title: `Appointment ${APPOINTMENT_STATUS_LABELS[a.status].toLowerCase()}`, description: a.purpose, tone: 'success' });
      await invalidate();
      onDone();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!status) {
      setMissing('Choose the new status.');
      return;
    }
    setMissing('');
    save.mutate();
  };
  return (
    <form className="form" onSubmit={submit} noValidate>
      <FormError error={bannerError(save.error, ['notes'])} />
      <p className="muted">
        Now: <Badge tone={toneOf(appointment.status)}>{APPOINTMENT_STATUS_LABELS[appointment.status]}</Badge>
      </p>
      <ChipGroup<AppointmentStatus>
        legend="New status"
        name="status"
        large
        options={choices.map((c) => ({ value: c, label: APPOINTMENT_STATUS_LABELS[c] }))}
        value={status}
        onChange={setStatus}
        error={missing || undefined}
      />
      <TextAreaField
        label="Notes (optional)"
        name="notes"
        value={notes}
        onChange={(e) => setNotes(e.target.value)}
        maxLength={2000}
        error={serverErrors(save.error).notes}
      />
      <div className="form-actions">
        <Button variant="ghost" onClick={onDone}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" busy={save.isPending}>
          Save status
        </Button>
      </div>
    </form>
  );
}

function RescheduleForm({ appointment, store, onDone }: { appointment: Appointment; store: Store | undefined; onDone: () => void }) {
  const fmt = useFormat();
  const toast = useToast();
  const invalidate = useInvalidateAppointments();
  const tz = store?.time_zone ?? fmt.settings.timeZone;
  const staff = useStaff(appointment.store_id);
  const [when, setWhen] = useState(isoToZonedLocal(appointment.scheduled_at, tz));
  const [staffId, setStaffId] = useState(appointment.staff_id ?? '');
  const [missing, setMissing] = useState('');
  const save = useMutation({
    mutationFn: () => appointmentsApi.reschedule(appointment.id, zonedLocalToIso(when, tz), staffId || null),
    onSuccess: async (a) => {
      toast({ title: 'Appointment rescheduled', description: fmt.dateTime(a.scheduled_at, 'datetime', tz), tone: 'success' });
      await invalidate();
      onDone();
    },
  });
  const nowLocal = isoToZonedLocal(new Date().toISOString(), tz);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!when || when <= nowLocal) {
      setMissing('Choose a time in the future.');
      return;
    }
    setMissing('');
    save.mutate();
  };
  const fe = serverErrors(save.error);
  return (
    <form className="form" onSubmit={submit} noValidate>
      <FormError error={bannerError(save.error, ['scheduled_at', 'staff_id'])} />
      <p className="muted">
        Now: {fmt.dateTime(appointment.scheduled_at, 'datetime', tz)} · {appointment.purpose}
      </p>
      <TextField
        label="New date and time"
        name="scheduled_at"
        type="datetime-local"
        value={when}
        min={nowLocal}
        onChange={(e) => setWhen(e.target.value)}
        hint={`Time in ${tz}.`}
        error={missing || fe.scheduled_at}
      />
      <SelectField
        label="Who will see them"
        name="staff_id"
        value={staffId}
        onChange={(e) => setStaffId(e.target.value)}
        options={[
          { value: '', label: appointment.staff_id ? 'Keep the same person' : 'Anyone at the store' },
          ...staff.staff.map((u) => ({ value: u.id, label: u.name })),
        ]}
        error={fe.staff_id}
      />
      <div className="form-actions">
        <Button variant="ghost" onClick={onDone}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" busy={save.isPending}>
          Reschedule
        </Button>
      </div>
    </form>
  );
}
