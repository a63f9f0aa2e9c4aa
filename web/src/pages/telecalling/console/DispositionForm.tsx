// The disposition form: how the call went, what happens next and when. The
// next lead is served only after it is saved (forced wrap-up).
import { useRef, useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { Button, ChipGroup, FormError, TextAreaField, TextField } from '../../../components/ui';
import { bannerError, fieldErrorsOf } from '../../../lib/forms';
import { isoToZonedLocal } from '../../../lib/format';
import { sentence } from '../../../lib/customers';
import {
  DISPOSITION_OPTIONS,
  MAX_NOTES,
  NEXT_STEP_OPTIONS,
  SENTIMENT_OPTIONS,
  checkDisposition,
  emptyDisposition,
  needsAppointment,
  needsFollowUp,
  toDispositionInput,
  type CallItem,
  type DispositionDraft,
  type DispositionResult,
} from '../../../lib/telecalling';
import { DateTimePick } from './DateTimePick';
import { telecallingApi } from './data';

const FIELDS = ['disposition', 'next_step', 'sentiment', 'duration_seconds', 'notes', 'follow_up_at', 'appointment_at'];

export function DispositionForm({
  call,
  timeZone,
  storeName,
  onSaved,
}: {
  call: CallItem;
  timeZone: string;
  storeName: string | undefined;
  onSaved: (r: DispositionResult) => void;
}) {
  const [draft, setDraft] = useState<DispositionDraft>(emptyDisposition);
  const [missing, setMissing] = useState<Record<string, string>>({});
  const formRef = useRef<HTMLFormElement>(null);
  const save = useMutation({
    mutationFn: () => telecallingApi.dispose(call.id, toDispositionInput(draft, timeZone)),
    onSuccess: onSaved,
  });
  const set = <K extends keyof DispositionDraft>(k: K, v: DispositionDraft[K]) => setDraft((d) => ({ ...d, [k]: v }));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errs = checkDisposition(draft, isoToZonedLocal(new Date().toISOString(), timeZone));
    setMissing(errs);
    if (Object.keys(errs).length > 0) {
      // Take the keyboard (and the screen reader) to the first thing to fix.
      requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('.field-invalid input, .field-invalid textarea')?.focus());
      return;
    }
    save.mutate();
  };

  const server = Object.fromEntries(Object.entries(fieldErrorsOf(save.error)).map(([k, v]) => [k, sentence(v)]));
  const fe: Record<string, string | undefined> = { ...server, ...missing };
  const connected = draft.disposition === 'connected';

  return (
    <form ref={formRef} className="form disposition-form" onSubmit={submit} noValidate aria-label="Disposition">
      <FormError error={bannerError(save.error, FIELDS)} />
      <ChipGroup
        legend="How did the call go?"
        name="disposition"
        options={DISPOSITION_OPTIONS}
        value={draft.disposition}
        onChange={(v) => set('disposition', v)}
        error={fe.disposition}
        large
      />
      {connected ? (
        <ChipGroup
          legend="Next step"
          name="next_step"
          options={NEXT_STEP_OPTIONS}
          value={draft.nextStep}
          onChange={(v) => set('nextStep', v)}
          error={fe.next_step}
          hint="Qualified leads can then be passed to a sales rep."
        />
      ) : null}
      {needsFollowUp(draft) ? (
        <DateTimePick
          label="Call back at"
          name="follow_up_at"
          value={draft.followUpAt}
          onChange={(v) => set('followUpAt', v)}
          timeZone={timeZone}
          storeName={storeName}
          error={fe.follow_up_at}
        />
      ) : null}
      {needsAppointment(draft) ? (
        <DateTimePick
          label="Store visit at"
          name="appointment_at"
          value={draft.appointmentAt}
          onChange={(v) => set('appointmentAt', v)}
          timeZone={timeZone}
          storeName={storeName}
          error={fe.appointment_at}
        />
      ) : null}
      <ChipGroup
        legend="How did they sound? (optional)"
        name="sentiment"
        options={SENTIMENT_OPTIONS}
        value={draft.sentiment}
        onChange={(v) => set('sentiment', v)}
        error={fe.sentiment}
      />
      <TextField
        label="Talk time (optional)"
        name="duration"
        value={draft.duration}
        onChange={(e) => set('duration', e.target.value)}
        inputMode="text"
        autoComplete="off"
        className="field-short"
        hint="Minutes (4) or minutes and seconds (4:30). Empty: the time from Call to Hang up."
        error={fe.duration_seconds}
      />
      <TextAreaField
        label="Notes (optional)"
        name="notes"
        value={draft.notes}
        onChange={(e) => set('notes', e.target.value)}
        maxLength={MAX_NOTES}
        rows={3}
        hint="What they want, budget, family occasions, best time to call."
        error={fe.notes}
      />
      <div className="form-actions">
        <Button type="submit" variant="primary" icon="check" busy={save.isPending}>
          Save disposition
        </Button>
      </div>
    </form>
  );
}
