import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/problem';
import {
  Coalescer,
  DEFAULT_THRESHOLDS,
  assignError,
  assignSummary,
  canBecome,
  connectLevel,
  durationInWords,
  elapsedSeconds,
  formSnippet,
  formatClock,
  formatDuration,
  hhmm,
  joinWords,
  levelAbove,
  levelBelow,
  manualTargets,
  parseLanguages,
  percent,
  publicFormUrl,
  queueLevel,
  reportTotals,
  sentimentMix,
  sentimentText,
  settingsDraft,
  settingsInput,
  stateLevel,
  statusChanges,
  strictest,
  waitLevel,
  worst,
} from './wallboard';

const T = DEFAULT_THRESHOLDS;

describe('levels', () => {
  it('turns amber and red at or past the thresholds when higher is worse', () => {
    expect(levelAbove(9, 10, 30)).toBe('ok');
    expect(levelAbove(10, 10, 30)).toBe('amber');
    expect(levelAbove(29, 10, 30)).toBe('amber');
    expect(levelAbove(30, 10, 30)).toBe('red');
  });

  it('treats a threshold of 0 as switched off', () => {
    expect(levelAbove(0, 0, 0)).toBe('ok');
    expect(levelAbove(100, 0, 50)).toBe('red');
    expect(levelAbove(100, 20, 0)).toBe('amber');
  });

  it('turns amber and red below the thresholds when lower is worse', () => {
    expect(levelBelow(40, 40, 25)).toBe('ok');
    expect(levelBelow(39, 40, 25)).toBe('amber');
    expect(levelBelow(25, 40, 25)).toBe('amber');
    expect(levelBelow(24, 40, 25)).toBe('red');
  });

  it('picks the worst level', () => {
    expect(worst()).toBe('ok');
    expect(worst('ok', 'amber')).toBe('amber');
    expect(worst('red', 'amber', 'ok')).toBe('red');
  });

  it('judges waits in whole minutes, queues by depth', () => {
    expect(waitLevel(null, T)).toBe('ok');
    expect(waitLevel(9 * 60 + 59, T)).toBe('ok');
    expect(waitLevel(10 * 60, T)).toBe('amber');
    expect(waitLevel(31 * 60, T)).toBe('red');
    expect(queueLevel(19, T)).toBe('ok');
    expect(queueLevel(20, T)).toBe('amber');
    expect(queueLevel(50, T)).toBe('red');
  });

  it('judges connect rate only when there were calls', () => {
    expect(connectLevel(0, 0, T)).toBe('ok');
    expect(connectLevel(1, 10, T)).toBe('red');
    expect(connectLevel(3, 10, T)).toBe('amber');
    expect(connectLevel(4, 10, T)).toBe('ok');
  });

  it('watches only breaks and wrap-ups', () => {
    expect(stateLevel('break', 11 * 60, T)).toBe('amber');
    expect(stateLevel('wrap_up', 25 * 60, T)).toBe('red');
    expect(stateLevel('on_call', 60 * 60, T)).toBe('ok');
    expect(stateLevel('available', 60 * 60, T)).toBe('ok');
  });

  it('takes the strictest thresholds across stores', () => {
    const a = { ...T, queue_amber: 5, connect_amber_percent: 30 };
    const b = { ...T, queue_amber: 0, queue_red: 40, connect_amber_percent: 50 };
    const s = strictest([a, b], T);
    expect(s.queue_amber).toBe(5);
    expect(s.queue_red).toBe(40);
    expect(s.connect_amber_percent).toBe(50);
    expect(strictest([], T)).toBe(T);
  });
});

describe('time', () => {
  it('counts whole seconds since a moment, corrected for clock skew, never negative', () => {
    const since = '2026-11-27T10:00:00Z';
    const now = Date.parse('2026-11-27T10:02:05.900Z');
    expect(elapsedSeconds(since, now)).toBe(125);
    expect(elapsedSeconds(since, now, -5000)).toBe(120);
    expect(elapsedSeconds(since, Date.parse('2026-11-27T09:59:00Z'))).toBe(0);
    expect(elapsedSeconds(null, now)).toBe(0);
    expect(elapsedSeconds('nonsense', now)).toBe(0);
  });

  it('formats a ticking clock', () => {
    expect(formatClock(0)).toBe('0:00');
    expect(formatClock(5)).toBe('0:05');
    expect(formatClock(725)).toBe('12:05');
    expect(formatClock(3723)).toBe('1:02:03');
  });

  it('formats durations in short words and in full', () => {
    expect(formatDuration(40)).toBe('40 s');
    expect(formatDuration(725)).toBe('12 min');
    expect(formatDuration(3600)).toBe('1 h');
    expect(formatDuration(3900)).toBe('1 h 5 min');
    expect(durationInWords(0)).toBe('0 seconds');
    expect(durationInWords(61)).toBe('1 minute 1 second');
    expect(durationInWords(3720)).toBe('1 hour 2 minutes');
  });

  it('rounds percentages down like the server', () => {
    expect(percent(1, 3)).toBe(33);
    expect(percent(2, 3)).toBe(66);
    expect(percent(5, 0)).toBe(0);
  });
});

describe('agents', () => {
  it('announces status changes between snapshots', () => {
    const before = [
      { user_id: 'a', name: 'Rohit', status: 'available' },
      { user_id: 'b', name: 'Meena', status: 'on_call' },
    ];
    const after = [
      { user_id: 'a', name: 'Rohit', status: 'break' },
      { user_id: 'b', name: 'Meena', status: 'on_call' },
      { user_id: 'c', name: 'New', status: 'available' },
    ];
    expect(statusChanges(before, after)).toEqual(['Rohit is now on break']);
  });

  it('reads languages typed freely', () => {
    expect(parseLanguages('ta, en  Hindi;ta')).toEqual({ languages: ['ta', 'en', 'hindi'], error: null });
    expect(parseLanguages('')).toEqual({ languages: [], error: null });
    expect(parseLanguages('t').error).toMatch(/not a language/);
    expect(parseLanguages('aa bb cc dd ee ff gg hh ii jj kk').error).toBe('At most 10 languages.');
  });
});

describe('lead states', () => {
  it('mirrors the server state machine', () => {
    expect(canBecome('new', 'assigned')).toBe(true);
    expect(canBecome('new', 'contacted')).toBe(false);
    expect(canBecome('new', 'lost')).toBe(true);
    expect(canBecome('contacted', 'attempted')).toBe(false);
    expect(canBecome('converted', 'lost')).toBe(false);
  });

  it('offers only manual moves that the server accepts', () => {
    expect(manualTargets('new')).toEqual(['lost', 'not_interested', 'wrong_number', 'dnd']);
    expect(manualTargets('assigned')).toEqual([
      'attempted',
      'contacted',
      'follow_up',
      'qualified',
      'appointment_set',
      'converted',
      'lost',
      'not_interested',
      'wrong_number',
      'dnd',
    ]);
    expect(manualTargets('qualified')).toEqual([
      'follow_up',
      'appointment_set',
      'converted',
      'lost',
      'not_interested',
      'wrong_number',
      'dnd',
    ]);
    expect(manualTargets('lost')).toEqual([]);
  });

  it('summarises an assignment', () => {
    const names: Record<string, string> = { u1: 'Rohit Sharma', u2: 'Meena Pillai' };
    const nameOf = (id: string) => names[id];
    expect(assignSummary({ assigned: [{ lead_id: 'l1', user_id: 'u1' }], unassigned: [] }, nameOf)).toBe(
      '1 lead assigned to Rohit Sharma.',
    );
    expect(
      assignSummary(
        {
          assigned: [
            { lead_id: 'l1', user_id: 'u1' },
            { lead_id: 'l2', user_id: 'u2' },
            { lead_id: 'l3', user_id: 'u1' },
          ],
          unassigned: ['l4'],
        },
        nameOf,
      ),
    ).toBe(
      '3 leads assigned to Rohit Sharma (2) and Meena Pillai (1). 1 lead was not assigned: nobody else is online and under the cap, or the store assigns by hand. It stays where it was.',
    );
    expect(assignSummary({ assigned: [], unassigned: [] }, nameOf, 2)).toBe('2 leads were already theirs.');
    expect(assignSummary({ assigned: [], unassigned: [] }, nameOf)).toBe('Nothing changed.');
    expect(joinWords(['a', 'b', 'c'])).toBe('a, b and c');
  });
});

describe('settings draft', () => {
  const saved = {
    rule: 'round_robin' as const,
    max_open_leads: 40,
    sla_minutes: 15,
    sticky_days: 4,
    retry_minutes: 20,
    max_attempts_per_day: 3,
    calling_start: '09:30:00',
    calling_end: '20:30:00',
    wrap_up_seconds: 120,
    thresholds: T,
  };

  it('round-trips saved settings into a request body', () => {
    const d = settingsDraft(saved);
    expect(d.calling_start).toBe('09:30');
    expect(d.thresholds.queue_red).toBe('50');
    const { input, errors } = settingsInput(d);
    expect(errors).toEqual({});
    expect(input).toEqual({ ...saved, calling_start: '09:30', calling_end: '20:30' });
  });

  it('names the fields that are not numbers or times, as the server would', () => {
    const d = settingsDraft(saved);
    const { input, errors } = settingsInput({
      ...d,
      sla_minutes: '1.5',
      calling_end: '25:00',
      thresholds: { ...d.thresholds, queue_red: '' },
    });
    expect(input).toBeNull();
    expect(errors).toEqual({
      sla_minutes: 'Enter a whole number.',
      calling_end: 'Enter a time such as 09:30.',
      'thresholds.queue_red': 'Enter a whole number.',
    });
  });

  it('cuts seconds off times', () => {
    expect(hhmm('07:05:00')).toBe('07:05');
    expect(hhmm('bad')).toBe('bad');
  });
});

describe('reports', () => {
  it('splits sentiment into percentages that add up to 100', () => {
    const m = sentimentMix({ positive: 1, neutral: 1, negative: 1 });
    expect(m.percents.positive + m.percents.neutral + m.percents.negative).toBe(100);
    expect(sentimentMix({ positive: 3, neutral: 1, negative: 0 }).percents).toEqual({ positive: 75, neutral: 25, negative: 0 });
    expect(sentimentMix({ positive: 0, neutral: 0, negative: 0 }).percents).toEqual({ positive: 0, neutral: 0, negative: 0 });
    expect(sentimentText(sentimentMix({ positive: 4, neutral: 1, negative: 0 }))).toBe('4 positive, 1 neutral, 0 negative');
    expect(sentimentText(sentimentMix({ positive: 0, neutral: 0, negative: 0 }))).toBe('No sentiment recorded');
  });

  it('adds up rows', () => {
    const row = { calls: 2, connects: 1, talk_seconds: 60, conversions: 1, follow_ups: 0, positive: 1, neutral: 0, negative: 1 };
    expect(reportTotals([row, row])).toEqual({
      calls: 4,
      connects: 2,
      talk_seconds: 120,
      conversions: 2,
      follow_ups: 0,
      positive: 2,
      neutral: 0,
      negative: 2,
    });
  });
});

describe('web forms', () => {
  it('builds the public URL', () => {
    expect(publicFormUrl('https://app.karat.example/', 'abc123')).toBe('https://app.karat.example/api/v1/public/lead-forms/abc123');
  });

  it('builds a plain form that posts JSON with the honeypot', () => {
    const html = formSnippet('https://k.example/api/v1/public/lead-forms/k1', 'Book a <visit>');
    expect(html).toContain("fetch('https://k.example/api/v1/public/lead-forms/k1'");
    expect(html).toContain("'Content-Type': 'application/json'");
    for (const name of ['name', 'phone', 'email', 'message', 'website']) expect(html).toContain(`name="${name}"`);
    expect(html).toContain('aria-hidden="true"');
    expect(html).toContain('Book a &lt;visit&gt;');
  });
});

describe('Coalescer', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fires once after a burst settles, and at the latest after the longest wait', () => {
    vi.useFakeTimers();
    const fire = vi.fn();
    const c = new Coalescer(fire, 300, 1000, () => Date.now());
    c.poke();
    vi.advanceTimersByTime(200);
    c.poke();
    vi.advanceTimersByTime(299);
    expect(fire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fire).toHaveBeenCalledTimes(1);

    // A steady stream every 200 ms still refreshes within the longest wait.
    for (let i = 0; i < 6; i++) {
      c.poke();
      vi.advanceTimersByTime(200);
    }
    expect(fire).toHaveBeenCalledTimes(2);
    c.cancel();
    vi.advanceTimersByTime(5000);
    expect(fire).toHaveBeenCalledTimes(2);
  });
});

describe('assignError', () => {
  it('explains the refusals of the assign endpoint', () => {
    expect(
      assignError(
        new ApiError({ status: 409, title: 'Conflict', detail: 'That would give this telecaller 41 open leads; the cap is 40.' }),
      ),
    ).toBe('That would give this telecaller 41 open leads; the cap is 40.');
    expect(
      assignError(
        new ApiError({
          status: 422,
          title: 'Invalid input',
          detail: 'user_id: this telecaller does not work at T. Nagar',
          errors: [{ field: 'user_id', message: 'this telecaller does not work at T. Nagar' }],
        }),
      ),
    ).toBe('Choose someone else: this telecaller does not work at T. Nagar.');
    expect(assignError(new ApiError({ status: 404, title: 'Not found' }))).toMatch(/no longer yours to assign/);
  });
});
