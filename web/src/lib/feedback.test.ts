import { describe, expect, it } from 'vitest';
import {
  averageText,
  csatPercent,
  distribution,
  feedbackFilterParams,
  feedbackFiltersFrom,
  feedbackListQuery,
  kindLabel,
  ratingText,
  surveyUrl,
} from './feedback';

describe('report helpers', () => {
  it('gives the 5-to-1 distribution with shares', () => {
    expect(distribution({ r1: 1, r2: 0, r3: 1, r4: 2, r5: 6, responses: 10 })).toEqual([
      { rating: 5, count: 6, percent: 60 },
      { rating: 4, count: 2, percent: 20 },
      { rating: 3, count: 1, percent: 10 },
      { rating: 2, count: 0, percent: 0 },
      { rating: 1, count: 1, percent: 10 },
    ]);
    expect(distribution({ r1: 0, r2: 0, r3: 0, r4: 0, r5: 0, responses: 0 }).every((r) => r.percent === 0)).toBe(true);
  });

  it('reads CSAT and averages', () => {
    expect(csatPercent(0.8333)).toBe(83);
    expect(csatPercent(null)).toBeNull();
    expect(averageText(4.256)).toBe('4.3');
    expect(averageText(null)).toBe('—');
  });

  it('words ratings and kinds', () => {
    expect(ratingText(5)).toBe('5 out of 5 (Delighted)');
    expect(ratingText(1)).toBe('1 out of 5 (Very unhappy)');
    expect(kindLabel('team')).toBe('Team feedback');
    expect(kindLabel('new_kind')).toBe('new kind');
  });
});

describe('surveyUrl', () => {
  it('makes the absolute link of a survey path, and nothing else', () => {
    expect(surveyUrl('https://app.karat.test/', '/survey/abc_DEF-123')).toBe('https://app.karat.test/survey/abc_DEF-123');
    expect(surveyUrl('https://app.karat.test', null)).toBeNull();
    expect(surveyUrl('https://app.karat.test', '//evil.test/survey/x')).toBeNull();
    expect(surveyUrl('https://app.karat.test', '/survey/../admin')).toBeNull();
    expect(surveyUrl('https://app.karat.test', 'https://evil.test/survey/x')).toBeNull();
  });
});

describe('list filters', () => {
  it('round-trip through the URL, keeping the report’s dates', () => {
    const params = new URLSearchParams('from=2026-11-01&kind=visit&answered=no&store=s1');
    const f = feedbackFiltersFrom(params);
    expect(f).toEqual({ kind: 'visit', store_id: 's1', answered: 'no' });
    expect(feedbackFilterParams({ ...f, kind: '' }, params).toString()).toBe('from=2026-11-01&store=s1&answered=no');
    expect(feedbackFiltersFrom(new URLSearchParams('kind=party&answered=maybe'))).toEqual({ kind: '', store_id: '', answered: '' });
  });

  it('turns "answered" into the API’s boolean', () => {
    expect(feedbackListQuery({ kind: '', store_id: '', answered: 'no' })).toEqual({
      kind: undefined,
      store_id: undefined,
      answered: false,
    });
    expect(feedbackListQuery({ kind: 'team', store_id: 's', answered: 'yes' })).toEqual({ kind: 'team', store_id: 's', answered: true });
    expect(feedbackListQuery({ kind: '', store_id: '', answered: '' }).answered).toBeUndefined();
  });
});
