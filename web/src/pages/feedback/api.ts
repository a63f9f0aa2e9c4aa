// Typed calls for feedback: the report, surveys and team feedback (signed in),
// and the customer's survey by its link (no sign-in).
import { api } from '../../api';
import type { Page } from '../../api/types';
import type { FeedbackItem, FeedbackReport, Survey, feedbackListQuery } from '../../lib/feedback';

const enc = encodeURIComponent;

export interface ReportParams {
  from: string;
  to: string;
  store_id?: string;
}

export const feedbackApi = {
  list: (q: ReturnType<typeof feedbackListQuery>, cursor: string | null, limit = 25) =>
    api.get<Page<FeedbackItem>>('/feedback', { ...q, cursor, limit }),
  report: (p: ReportParams) => api.get<FeedbackReport>('/feedback/report', { ...p }),
  /** Staff record the customer's answer, given in person or on a call. */
  answer: (id: string, rating: number, comment: string | null) =>
    api.post<FeedbackItem>(`/feedback/${enc(id)}/answer`, { rating, comment }),
  team: (rating: number, comment: string | null, storeId: string | null) =>
    api.post<FeedbackItem>('/feedback/team', { rating, comment, store_id: storeId }),
};

/** The public survey: no sign-in, no token refresh. */
export const surveyApi = {
  get: (token: string) => api.request<Survey>(`/public/surveys/${enc(token)}`, { auth: false }),
  answer: (token: string, rating: number, comment: string | null) =>
    api.request<void>(`/public/surveys/${enc(token)}`, { method: 'POST', body: { rating, comment }, auth: false }),
};
