import { describe, expect, it } from 'vitest';
import {
  ESCALATION_PATHS,
  activeFilterCount,
  escalationFilterParams,
  escalationFiltersFrom,
  levelLabel,
  listQuery,
  slaState,
  slaTone,
  statusMoves,
} from './escalations';

const NOW = Date.parse('2026-11-26T10:00:00Z');
const e = (over: Partial<{ status: string; sla_due_at: string; created_at: string; level: number }> = {}) => ({
  status: 'open',
  created_at: '2026-11-25T10:00:00Z',
  sla_due_at: '2026-11-27T10:00:00Z',
  level: 0,
  ...over,
});

describe('statusMoves', () => {
  it('offers only the machine’s moves', () => {
    expect(statusMoves('open').map((m) => m.to)).toEqual(['in_progress', 'resolved']);
    expect(statusMoves('in_progress').map((m) => m.to)).toEqual(['resolved']);
    expect(statusMoves('resolved').map((m) => m.to)).toEqual(['closed', 'in_progress']);
    expect(statusMoves('closed')).toEqual([]);
    expect(statusMoves('weird')).toEqual([]);
  });

  it('asks for a resolution only to resolve', () => {
    for (const s of ['open', 'in_progress', 'resolved']) {
      for (const m of statusMoves(s)) expect(m.needsResolution).toBe(m.to === 'resolved');
    }
  });
});

describe('SLA', () => {
  it('is ok, soon (last quarter, at least an hour), overdue or done', () => {
    expect(slaState(e(), NOW)).toBe('ok');
    // 48 h window: the last 12 h are "soon".
    expect(slaState(e({ sla_due_at: '2026-11-26T21:00:00Z', created_at: '2026-11-24T21:00:00Z' }), NOW)).toBe('soon');
    // 4 h window: the last hour.
    expect(slaState(e({ created_at: '2026-11-26T07:00:00Z', sla_due_at: '2026-11-26T11:30:00Z' }), NOW)).toBe('ok');
    expect(slaState(e({ created_at: '2026-11-26T07:00:00Z', sla_due_at: '2026-11-26T10:45:00Z' }), NOW)).toBe('soon');
    expect(slaState(e({ sla_due_at: '2026-11-26T09:00:00Z' }), NOW)).toBe('overdue');
    expect(slaState(e({ status: 'resolved', sla_due_at: '2026-11-26T09:00:00Z' }), NOW)).toBe('done');
  });

  it('turns red when overdue or escalated, amber when close', () => {
    expect(slaTone(e(), NOW)).toBe('neutral');
    expect(slaTone(e({ level: 1 }), NOW)).toBe('bad');
    expect(slaTone(e({ sla_due_at: '2026-11-26T09:00:00Z' }), NOW)).toBe('bad');
    expect(slaTone(e({ sla_due_at: '2026-11-26T10:30:00Z' }), NOW)).toBe('warn');
    expect(slaTone(e({ status: 'closed', level: 2 }), NOW)).toBe('neutral');
  });

  it('names the levels', () => {
    expect(levelLabel(0)).toBe('With the assignee');
    expect(levelLabel(1)).toBe('Escalated to the store managers');
    expect(levelLabel(2)).toBe('Escalated to the business admins');
  });
});

describe('paths', () => {
  it('links a customer’s profile to the form, with their home store', () => {
    expect(ESCALATION_PATHS.forCustomer('c1', 'Ananya Bhat & Co', 's1')).toBe(
      '/escalations/new?customer_id=c1&customer=Ananya+Bhat+%26+Co&store=s1',
    );
    expect(ESCALATION_PATHS.forCustomer('c1', 'A')).toBe('/escalations/new?customer_id=c1&customer=A');
    expect(ESCALATION_PATHS.one('e/1')).toBe('/escalations/e%2F1');
  });
});

describe('board filters', () => {
  it('round-trip through the URL and ignore unknown values', () => {
    const f = escalationFiltersFrom(new URLSearchParams('store=s1&priority=urgent&mine=1&escalated=1&closed=1'));
    expect(f).toEqual({ store_id: 's1', priority: 'urgent', mine: true, escalated: true, closed: true });
    expect(escalationFilterParams(f).toString()).toBe('store=s1&priority=urgent&mine=1&escalated=1&closed=1');
    expect(activeFilterCount(f)).toBe(5);
    const none = escalationFiltersFrom(new URLSearchParams('priority=asap&mine=yes'));
    expect(none).toEqual({ store_id: '', priority: '', mine: false, escalated: false, closed: false });
    expect(activeFilterCount(none)).toBe(0);
  });

  it('only narrows the query with what is set', () => {
    expect(listQuery(escalationFiltersFrom(new URLSearchParams()), 'open')).toEqual({
      status: 'open',
      store_id: undefined,
      priority: undefined,
      mine: undefined,
      escalated: undefined,
    });
    expect(listQuery(escalationFiltersFrom(new URLSearchParams('mine=1&store=s1')), 'resolved')).toMatchObject({
      status: 'resolved',
      store_id: 's1',
      mine: true,
    });
  });
});
