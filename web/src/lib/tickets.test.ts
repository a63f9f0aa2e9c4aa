import { describe, expect, it } from 'vitest';
import { activeFilterCount, canReply, slaState, statusActions, ticketFilterParams, ticketFiltersFrom, withTemplate } from './tickets';

const NOW = Date.parse('2026-11-27T10:00:00Z');
const moves = (status: string, side: 'platform' | 'tenant', reopenUntil: string | null = null) =>
  statusActions(status, side, reopenUntil, NOW).map((a) => a.to);

describe('statusActions', () => {
  it('offers platform staff start, resolve and close, following the machine', () => {
    expect(moves('open', 'platform')).toEqual(['in_progress', 'resolved']);
    expect(moves('in_progress', 'platform')).toEqual(['resolved']);
    expect(moves('resolved', 'platform', '2026-12-05T00:00:00Z')).toEqual(['closed']);
    // Reopening is the business's move, never support's.
    expect(moves('closed', 'platform', '2026-12-05T00:00:00Z')).toEqual([]);
  });

  it('offers the business close and reopen only once resolved, and reopen only within the window', () => {
    expect(moves('open', 'tenant')).toEqual([]);
    expect(moves('in_progress', 'tenant')).toEqual([]);
    expect(moves('resolved', 'tenant', '2026-12-05T00:00:00Z')).toEqual(['closed', 'open']);
    expect(moves('closed', 'tenant', '2026-12-05T00:00:00Z')).toEqual(['open']);
    expect(moves('resolved', 'tenant', '2026-11-20T00:00:00Z')).toEqual(['closed']);
    expect(moves('closed', 'tenant', '2026-11-20T00:00:00Z')).toEqual([]);
    expect(moves('closed', 'tenant', null)).toEqual([]);
  });

  it('keeps replies to tickets that are not closed', () => {
    expect(canReply('open')).toBe(true);
    expect(canReply('resolved')).toBe(true);
    expect(canReply('closed')).toBe(false);
  });
});

describe('slaState', () => {
  const t = (status: string, due: string, breached: string | null = null) => ({ status, sla_due_at: due, sla_breached_at: breached });
  it('is breached when the server says so, or when an open ticket is past due', () => {
    expect(slaState(t('open', '2026-11-27T09:00:00Z', '2026-11-27T09:00:01Z'), NOW)).toBe('breached');
    expect(slaState(t('in_progress', '2026-11-27T09:00:00Z'), NOW)).toBe('breached');
    expect(slaState(t('closed', '2026-11-27T09:00:00Z', '2026-11-27T09:00:01Z'), NOW)).toBe('breached');
  });
  it('is met once resolved in time, and due while open before the time', () => {
    expect(slaState(t('resolved', '2026-11-27T09:00:00Z'), NOW)).toBe('met');
    expect(slaState(t('open', '2026-11-27T11:00:00Z'), NOW)).toBe('due');
  });
});

describe('ticket filters', () => {
  it('reads known values from the URL and drops the rest', () => {
    const p = new URLSearchParams('q=%20ST-2026%20&status=open&category=nope&priority=urgent&breached=1&tenant=t1&mine=1');
    expect(ticketFiltersFrom(p, 'platform')).toEqual({
      q: 'ST-2026',
      status: 'open',
      category: '',
      priority: 'urgent',
      breached: true,
      tenant_id: 't1',
      mine: true,
    });
    // A business never filters by tenant or assignee.
    const tenant = ticketFiltersFrom(p, 'tenant');
    expect(tenant.tenant_id).toBe('');
    expect(tenant.mine).toBe(false);
    expect(activeFilterCount(tenant)).toBe(4);
  });

  it('writes filters back into the same URL', () => {
    const f = ticketFiltersFrom(new URLSearchParams('status=resolved&mine=1'), 'platform');
    expect(ticketFilterParams(f).toString()).toBe('status=resolved&mine=1');
    expect(ticketFilterParams({}).toString()).toBe('');
  });
});

describe('withTemplate', () => {
  it('fills an empty reply and follows a written one', () => {
    expect(withTemplate('', ' Hello ')).toBe('Hello');
    expect(withTemplate('Hi Priya,  \n', 'Thanks.')).toBe('Hi Priya,\n\nThanks.');
  });
});
