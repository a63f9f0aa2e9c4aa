import { describe, expect, it } from 'vitest';
import {
  TC_KEYS,
  assignmentFor,
  checkDisposition,
  clock,
  currentLeadId,
  emptyDisposition,
  followUpDue,
  needsAppointment,
  needsFollowUp,
  parseDuration,
  priorityLabel,
  quickPicks,
  secondsSince,
  slaState,
  talkTime,
  toDispositionInput,
  transferOutcome,
  telecallingInvalidations,
  wrapUpClock,
  type DispositionDraft,
} from './telecalling';

const ev = (kind: string, payload: unknown, topic = 'telecalling') => ({ topic, kind, payload });

describe('live updates', () => {
  it('refreshes the console and the lead on lead events', () => {
    const keys = telecallingInvalidations(ev('lead.assigned', { lead: { id: 'l1', customer_id: 'c1' }, previous: null }));
    expect(keys).toEqual([TC_KEYS.console, TC_KEYS.lead('l1'), ['customers', 'timeline', 'c1']]);
  });

  it('refreshes the lead of a call or a transfer', () => {
    expect(telecallingInvalidations(ev('call.disposed', { call: { lead_id: 'l2' }, store_id: 's' }))).toEqual([
      TC_KEYS.console,
      TC_KEYS.lead('l2'),
    ]);
    expect(telecallingInvalidations(ev('transfer.accepted', { transfer: { lead_id: 'l3' } }))).toEqual([
      TC_KEYS.console,
      TC_KEYS.lead('l3'),
      TC_KEYS.transfers,
    ]);
  });

  it('refreshes a store’s calling rules when they change', () => {
    expect(telecallingInvalidations(ev('settings.updated', { store_id: 's1' }))).toContainEqual(TC_KEYS.settings('s1'));
    expect(telecallingInvalidations(ev('settings.updated', null))).toContainEqual(['telecalling', 'settings']);
  });

  it('follows status changes on the console only, and ignores other topics and odd payloads', () => {
    expect(telecallingInvalidations(ev('agent.status', { user_id: 'u', status: 'break' }))).toEqual([TC_KEYS.console]);
    expect(telecallingInvalidations(ev('lead.updated', 'nonsense'))).toEqual([TC_KEYS.console]);
    expect(telecallingInvalidations(ev('store.updated', { id: 's' }, 'stores'))).toEqual([]);
  });

  it('tells a telecaller when a lead comes to them or goes to someone else', () => {
    const lead = { id: 'l1', customer_name: 'Anita Rao', assigned_to: 'me' };
    expect(assignmentFor(ev('lead.assigned', { lead, previous: null }), 'me')).toEqual({
      change: 'gained',
      name: 'Anita Rao',
      leadId: 'l1',
    });
    expect(assignmentFor(ev('lead.assigned', { lead: { ...lead, assigned_to: 'other' }, previous: 'me' }), 'me')).toEqual({
      change: 'lost',
      name: 'Anita Rao',
      leadId: 'l1',
    });
    expect(assignmentFor(ev('lead.assigned', { lead: { ...lead, assigned_to: 'other' }, previous: null }), 'me')).toBeNull();
    expect(assignmentFor(ev('lead.updated', { lead }), 'me')).toBeNull();
  });
});

describe('clocks', () => {
  it('shows seconds as a clock and talk time in words', () => {
    expect(clock(0)).toBe('0:00');
    expect(clock(65)).toBe('1:05');
    expect(clock(3725)).toBe('1:02:05');
    expect(clock(-3)).toBe('0:00');
    expect(talkTime(75)).toBe('1 min');
    expect(talkTime(3900)).toBe('1 h 5 min');
  });

  it('counts the wrap-up down, then up as overdue', () => {
    const ended = '2026-11-27T10:00:00Z';
    const at = (s: number) => Date.parse(ended) + s * 1000;
    expect(secondsSince(ended, at(30))).toBe(30);
    expect(wrapUpClock(ended, 120, at(30))).toEqual({ overdue: false, seconds: 90 });
    expect(wrapUpClock(ended, 120, at(120))).toEqual({ overdue: false, seconds: 0 });
    expect(wrapUpClock(ended, 120, at(150))).toEqual({ overdue: true, seconds: 30 });
  });

  it('knows due follow-ups and missed call-by times', () => {
    const now = Date.parse('2026-11-27T10:00:00Z');
    expect(followUpDue({ follow_up_at: '2026-11-27T09:59:00Z' }, now)).toBe(true);
    expect(followUpDue({ follow_up_at: '2026-11-28T09:59:00Z' }, now)).toBe(false);
    expect(followUpDue({ follow_up_at: null }, now)).toBe(false);
    expect(slaState({ sla_due_at: '2026-11-27T10:30:00Z', sla_breached_at: null }, now)).toBe('due');
    expect(slaState({ sla_due_at: '2026-11-27T09:30:00Z', sla_breached_at: null }, now)).toBe('breached');
    expect(slaState({ sla_due_at: null, sla_breached_at: '2026-11-27T09:30:00Z' }, now)).toBe('breached');
    expect(slaState({ sla_due_at: null, sla_breached_at: null }, now)).toBeNull();
  });

  it('names priorities', () => {
    expect([1, 2, 3].map(priorityLabel)).toEqual(['High', 'Normal', 'Low']);
  });
});

describe('quick picks', () => {
  it('offers times in the store’s time zone', () => {
    // 22:10 in Kolkata on 26 Nov is 16:40 UTC.
    const now = Date.parse('2026-11-26T16:40:00Z');
    const picks = quickPicks(now, 'Asia/Kolkata');
    expect(picks.map((p) => p.label)).toEqual(['In 2 hours', 'Tomorrow 11:00', 'Tomorrow 17:00', 'In 2 days 11:00']);
    expect(picks[0]?.local).toBe('2026-11-27T00:15');
    expect(picks[1]?.local).toBe('2026-11-27T11:00');
    expect(picks[3]?.local).toBe('2026-11-28T11:00');
    // Just after midnight UTC it is still the 26th in New York.
    expect(quickPicks(Date.parse('2026-11-27T02:00:00Z'), 'America/New_York')[1]?.local).toBe('2026-11-27T11:00');
  });
});

describe('the disposition form', () => {
  const draft = (d: Partial<DispositionDraft>): DispositionDraft => ({ ...emptyDisposition(), ...d });
  const now = '2026-11-27T10:00';

  it('parses talk time as minutes or minutes and seconds', () => {
    expect(parseDuration('')).toBeNull();
    expect(parseDuration(' 4 ')).toBe(240);
    expect(parseDuration('4:30')).toBe(270);
    expect(parseDuration('4:75')).toBeNaN();
    expect(parseDuration('four')).toBeNaN();
  });

  it('asks for a call-back time for a call back or a follow-up, and a visit time for a revisit', () => {
    expect(needsFollowUp({ disposition: 'call_back', nextStep: 'none' })).toBe(true);
    expect(needsFollowUp({ disposition: 'connected', nextStep: 'follow_up' })).toBe(true);
    expect(needsFollowUp({ disposition: 'busy', nextStep: 'follow_up' })).toBe(false);
    expect(needsAppointment({ disposition: 'connected', nextStep: 'revisit' })).toBe(true);
    expect(needsAppointment({ disposition: 'no_answer', nextStep: 'revisit' })).toBe(false);
  });

  it('points at what is missing', () => {
    expect(checkDisposition(draft({}), now)).toEqual({ disposition: 'Choose how the call went.' });
    expect(checkDisposition(draft({ disposition: 'call_back' }), now)).toEqual({ follow_up_at: 'Say when to call back.' });
    expect(checkDisposition(draft({ disposition: 'call_back', followUpAt: '2026-11-27T09:00' }), now).follow_up_at).toBe(
      'Choose a time in the future.',
    );
    expect(checkDisposition(draft({ disposition: 'connected', nextStep: 'revisit' }), now)).toEqual({
      appointment_at: 'Say when the customer will visit.',
    });
    expect(checkDisposition(draft({ disposition: 'no_answer', duration: '300' }), now).duration_seconds).toBeDefined();
    expect(checkDisposition(draft({ disposition: 'no_answer', notes: 'x'.repeat(2001) }), now).notes).toBeDefined();
    expect(checkDisposition(draft({ disposition: 'connected', nextStep: 'qualified', duration: '4:30' }), now)).toEqual({});
  });

  it('builds the request: store times in UTC, only the fields the disposition uses', () => {
    expect(
      toDispositionInput(
        draft({ disposition: 'call_back', followUpAt: '2026-11-28T11:00', sentiment: 'positive', notes: ' Wants a quote ' }),
        'Asia/Kolkata',
      ),
    ).toEqual({
      disposition: 'call_back',
      next_step: null,
      sentiment: 'positive',
      duration_seconds: null,
      notes: 'Wants a quote',
      follow_up_at: '2026-11-28T05:30:00.000Z',
      appointment_at: null,
    });
    // A revisit step keeps its appointment; a stale call-back time is dropped.
    expect(
      toDispositionInput(
        draft({
          disposition: 'connected',
          nextStep: 'revisit',
          appointmentAt: '2026-11-29T16:00',
          followUpAt: '2026-11-28T11:00',
          duration: '3',
        }),
        'Asia/Kolkata',
      ),
    ).toMatchObject({ next_step: 'revisit', appointment_at: '2026-11-29T10:30:00.000Z', follow_up_at: null, duration_seconds: 180 });
    expect(() => toDispositionInput(draft({}), 'UTC')).toThrow();
  });
});

describe('the console', () => {
  it('shows the open call’s lead first, then the chosen one, then the served one', () => {
    const me = { lead_id: 'served' } as never;
    expect(currentLeadId({ open_call: { lead_id: 'calling' } as never, me }, 'chosen')).toBe('calling');
    expect(currentLeadId({ open_call: null, me }, 'chosen')).toBe('chosen');
    expect(currentLeadId({ open_call: null, me }, undefined)).toBe('served');
    // Dismissed (reassigned or closed): nothing, even if the server still names it.
    expect(currentLeadId({ open_call: null, me }, null)).toBeNull();
    expect(currentLeadId({ open_call: null, me: { lead_id: null } as never }, undefined)).toBeNull();
  });

  it('says how a transfer ended', () => {
    expect(transferOutcome({ status: 'accepted', to_name: 'Kavya', reason: null, appointment_id: 'a' })).toBe(
      'Kavya accepted and booked a visit.',
    );
    expect(transferOutcome({ status: 'rejected', to_name: 'Kavya', reason: 'Budget too low', appointment_id: null })).toBe(
      'Kavya returned it: “Budget too low”',
    );
    expect(transferOutcome({ status: 'pending', to_name: 'Kavya', reason: null, appointment_id: null })).toBe(
      'Waiting for Kavya to answer.',
    );
  });
});
