// Customer feedback on the web: CSAT surveys (after a visit, a purchase or a
// resolved escalation), team feedback and the report — the shapes (from the
// generated schema), their words, and small pure helpers for the rating
// distribution, survey links and the list filters. Unit-tested.
import type { components } from '../api/schema';

type Schemas = components['schemas'];

export type FeedbackItem = Schemas['FeedbackItem'];
export type FeedbackReport = Schemas['FeedbackReport'];
export type RatingSummary = Schemas['RatingSummary'];
export type Survey = Schemas['Survey'];
export type RatingInput = Schemas['RatingInput'];

export type FeedbackKind = 'visit' | 'purchase' | 'escalation' | 'team';

/** Query keys of the feedback screens (the real-time effects refresh them). */
export const FEEDBACK_KEYS = {
  root: ['feedback'] as const,
  list: ['feedback', 'list'] as const,
  report: ['feedback', 'report'] as const,
};

export const FEEDBACK_KINDS: readonly FeedbackKind[] = ['visit', 'purchase', 'escalation', 'team'];

export const KIND_LABELS: Record<FeedbackKind, string> = {
  visit: 'Visit',
  purchase: 'Purchase',
  escalation: 'Escalation',
  team: 'Team feedback',
};

const isKind = (v: string): v is FeedbackKind => (FEEDBACK_KINDS as readonly string[]).includes(v);
export const kindLabel = (k: string) => (isKind(k) ? KIND_LABELS[k] : k.replace(/_/g, ' '));

export const SENTIMENT_LABELS: Record<string, string> = { positive: 'Positive', neutral: 'Neutral', negative: 'Negative' };
export const SENTIMENT_TONES: Record<string, 'good' | 'neutral' | 'bad'> = { positive: 'good', neutral: 'neutral', negative: 'bad' };

/** What each rating means, 1 to 5. */
export const RATING_LABELS: Record<number, string> = {
  1: 'Very unhappy',
  2: 'Unhappy',
  3: 'Okay',
  4: 'Happy',
  5: 'Delighted',
};
export const RATINGS = [1, 2, 3, 4, 5] as const;

/** "4 out of 5 (Happy)". */
export function ratingText(rating: number): string {
  const label = RATING_LABELS[rating];
  return `${rating} out of 5${label ? ` (${label})` : ''}`;
}

// ---------------------------------------------------------------- report

export interface DistributionRow {
  rating: number;
  count: number;
  /** Whole percent of the responses (0 when there are none). */
  percent: number;
}

/** The 5-to-1 distribution of a summary, with shares. */
export function distribution(s: Pick<RatingSummary, 'r1' | 'r2' | 'r3' | 'r4' | 'r5' | 'responses'>): DistributionRow[] {
  const counts: Record<number, number> = { 1: s.r1, 2: s.r2, 3: s.r3, 4: s.r4, 5: s.r5 };
  const total = s.responses > 0 ? s.responses : s.r1 + s.r2 + s.r3 + s.r4 + s.r5;
  return [5, 4, 3, 2, 1].map((rating) => {
    const count = counts[rating] ?? 0;
    return { rating, count, percent: total > 0 ? Math.round((count / total) * 100) : 0 };
  });
}

/** CSAT (share of 4s and 5s) as a whole percent, or null without answers. */
export function csatPercent(csat: number | null | undefined): number | null {
  return typeof csat === 'number' && Number.isFinite(csat) ? Math.round(csat * 100) : null;
}

/** An average rating with one decimal ("4.3"), or "—". */
export function averageText(average: number | null | undefined, locale = 'en-IN'): string {
  return typeof average === 'number' && Number.isFinite(average)
    ? new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(average)
    : '—';
}

// ---------------------------------------------------------------- survey links

/**
 * The absolute address of a survey link the server gives as a path
 * ("/survey/<token>"), on this app's origin; null for anything else.
 */
export function surveyUrl(origin: string, link: string | null | undefined): string | null {
  if (!link || !/^\/survey\/[A-Za-z0-9_-]{1,100}$/.test(link)) return null;
  return `${origin.replace(/\/+$/, '')}${link}`;
}

// ---------------------------------------------------------------- list filters

export interface FeedbackFilters {
  kind: FeedbackKind | '';
  store_id: string;
  /** '' any, 'yes' answered, 'no' waiting. */
  answered: '' | 'yes' | 'no';
}

export function feedbackFiltersFrom(params: URLSearchParams): FeedbackFilters {
  const k = params.get('kind') ?? '';
  const a = params.get('answered') ?? '';
  return {
    kind: isKind(k) ? k : '',
    store_id: params.get('store') ?? '',
    answered: a === 'yes' || a === 'no' ? a : '',
  };
}

/** The filters as URL parameters, keeping `others` (the report's dates) as they are. */
export function feedbackFilterParams(f: FeedbackFilters, others: URLSearchParams = new URLSearchParams()): URLSearchParams {
  const out = new URLSearchParams(others);
  for (const k of ['kind', 'store', 'answered']) out.delete(k);
  if (f.kind) out.set('kind', f.kind);
  if (f.store_id) out.set('store', f.store_id);
  if (f.answered) out.set('answered', f.answered);
  return out;
}

export function feedbackListQuery(f: FeedbackFilters) {
  return {
    kind: f.kind || undefined,
    store_id: f.store_id || undefined,
    answered: f.answered === 'yes' ? true : f.answered === 'no' ? false : undefined,
  };
}
