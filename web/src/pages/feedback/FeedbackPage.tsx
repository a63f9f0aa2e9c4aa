// Customer feedback: the report (CSAT, average, the 1–5 distribution,
// sentiment, by survey kind and by store, recent comments) over a date range;
// the surveys (waiting ones with their link to share, or "Record answer" when
// the customer answers in person or on a call); and team feedback. Business
// admins see every store, managers theirs. Everyone else in the business
// gives team feedback here. Live: a new answer refreshes the page.
import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../../api/problem';
import { useMe } from '../../auth/useAuth';
import {
  Badge,
  Button,
  Card,
  EmptyState,
  ErrorState,
  FormError,
  Loading,
  PageHeader,
  SelectField,
  TextAreaField,
  TextField,
} from '../../components/ui';
import { FilterPanel } from '../../components/FilterPanel';
import { LoadMore } from '../../components/LoadMore';
import { Modal } from '../../components/Modal';
import { useToast } from '../../components/toast';
import { sentence } from '../../lib/customers';
import {
  FEEDBACK_KEYS,
  FEEDBACK_KINDS,
  SENTIMENT_LABELS,
  SENTIMENT_TONES,
  averageText,
  csatPercent,
  distribution,
  feedbackFilterParams,
  feedbackFiltersFrom,
  feedbackListQuery,
  kindLabel,
  surveyUrl,
  type FeedbackFilters,
  type FeedbackItem,
  type RatingSummary,
} from '../../lib/feedback';
import { addDays, todayIn } from '../../lib/format';
import { fieldErrorsOf, formValues, useTitle } from '../../lib/forms';
import { useFormat } from '../../lib/locale';
import { PERMISSIONS, canReadFeedback } from '../../lib/nav';
import { useLiveMessage } from '../../realtime/useLiveMessage';
import { useRealtime } from '../../realtime/context';
import { useStores } from '../customers/hooks';
import { feedbackApi, type ReportParams } from './api';
import { RatingPicker, RatingStars } from './RatingPicker';
import './feedback.css';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export default function FeedbackPage() {
  const me = useMe();
  const reader = canReadFeedback(me.permissions, me.user.role);
  useTitle(reader ? 'Feedback' : 'Team feedback');
  if (!reader) return <TeamOnly />;
  return <FeedbackReportPage />;
}

/** For everyone who does not read results: team feedback only. */
function TeamOnly() {
  const [sent, setSent] = useState(false);
  return (
    <>
      <PageHeader
        title="Team feedback"
        description="Tell your managers how things are going at work. They see your name with it; customers never do."
      />
      <Card title={sent ? 'Thank you' : 'Give team feedback'} className="fb-team-card">
        {sent ? (
          <div role="status" className="form">
            <p>Your feedback was sent to your managers.</p>
            <div className="form-actions">
              <Button onClick={() => setSent(false)}>Give more feedback</Button>
            </div>
          </div>
        ) : (
          <TeamFeedbackForm onDone={() => setSent(true)} />
        )}
      </Card>
    </>
  );
}

function FeedbackReportPage() {
  const [teamOpen, setTeamOpen] = useState(false);
  const live = useLiveMessage('feedback', (ev) =>
    ev.kind === 'feedback.received' ? 'New feedback received: the report is updated.' : null,
  );
  return (
    <>
      <PageHeader
        title="Feedback"
        description="How customers rate their visits, purchases and the way their problems were resolved, and what your team says."
        actions={
          <Button icon="feedback" onClick={() => setTeamOpen(true)}>
            Give team feedback
          </Button>
        }
      />
      <p className="visually-hidden" role="status" aria-live="polite">
        {live}
      </p>
      <Report />
      <Surveys />
      <Modal
        open={teamOpen}
        onOpenChange={setTeamOpen}
        title="Give team feedback"
        description="How things are going at work. Business admins and managers read it with your name."
      >
        {teamOpen ? <TeamFeedbackForm onDone={() => setTeamOpen(false)} onCancel={() => setTeamOpen(false)} /> : null}
      </Modal>
    </>
  );
}

// ---------------------------------------------------------------- report

function reportParamsFrom(p: URLSearchParams, today: string): ReportParams {
  const from = p.get('from') ?? '';
  const to = p.get('to') ?? '';
  const store = p.get('report_store') ?? '';
  return {
    from: DAY.test(from) ? from : addDays(today, -29),
    to: DAY.test(to) ? to : today,
    ...(store ? { store_id: store } : {}),
  };
}

function useRefresh() {
  const { state } = useRealtime();
  return { refetchInterval: state === 'live' ? (false as const) : 30_000 };
}

function Report() {
  const fmt = useFormat();
  const today = todayIn(fmt.settings.timeZone);
  const [search, setSearch] = useSearchParams();
  const params = reportParamsFrom(search, today);
  const { stores } = useStores();
  const active = stores.filter((s) => s.active);
  const refresh = useRefresh();
  const report = useQuery({ queryKey: [...FEEDBACK_KEYS.report, params], queryFn: () => feedbackApi.report(params), ...refresh });
  const [draft, setDraft] = useState(params);
  const [seen, setSeen] = useState(search.toString());
  if (seen !== search.toString()) {
    setSeen(search.toString());
    setDraft(params);
  }
  const rangeError = draft.from && draft.to && draft.from > draft.to ? 'The end is before the start.' : undefined;
  const show = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (rangeError || !draft.from || !draft.to) return;
    const next = new URLSearchParams(search);
    next.set('from', draft.from);
    next.set('to', draft.to);
    if (draft.store_id) next.set('report_store', draft.store_id);
    else next.delete('report_store');
    setSearch(next, { replace: true });
  };
  const serverFields = report.error instanceof ApiError ? report.error.fieldErrors() : {};
  const d = report.data;
  const range = `${fmt.dateTime(`${params.from}T12:00:00Z`, 'date', 'UTC')} to ${fmt.dateTime(`${params.to}T12:00:00Z`, 'date', 'UTC')}`;
  return (
    <section aria-labelledby="fb-report-heading">
      <h2 id="fb-report-heading" className="visually-hidden">
        Report
      </h2>
      <form className="filters fb-dates" aria-label="Report dates" onSubmit={show} noValidate>
        <TextField
          label="From"
          name="from"
          type="date"
          value={draft.from}
          max={draft.to || today}
          onChange={(e) => setDraft((x) => ({ ...x, from: e.target.value }))}
          error={serverFields.from}
        />
        <TextField
          label="To"
          name="to"
          type="date"
          value={draft.to}
          min={draft.from || undefined}
          max={today}
          onChange={(e) => setDraft((x) => ({ ...x, to: e.target.value }))}
          error={rangeError ?? serverFields.to}
        />
        {active.length > 1 ? (
          <SelectField
            label="Store"
            name="report_store"
            value={draft.store_id ?? ''}
            onChange={(e) => setDraft((x) => ({ ...x, ...(e.target.value ? { store_id: e.target.value } : { store_id: undefined }) }))}
            options={[{ value: '', label: 'All my stores' }, ...active.map((s) => ({ value: s.id, label: s.name }))]}
          />
        ) : null}
        <div className="filters-actions">
          <Button type="submit" variant="primary" icon="search">
            Show
          </Button>
        </div>
      </form>
      {report.isPending ? (
        <Loading label="Counting ratings…" />
      ) : report.isError ? (
        <ErrorState error={report.error} onRetry={() => void report.refetch()} />
      ) : d ? (
        <>
          <Card title={`Customer satisfaction, ${range}`}>
            <dl className="fb-stats">
              <div>
                <dt>CSAT (4 or 5 stars)</dt>
                <dd>{csatPercent(d.customers.csat) === null ? '—' : `${csatPercent(d.customers.csat)}%`}</dd>
              </div>
              <div>
                <dt>Average rating</dt>
                <dd>
                  {averageText(d.customers.average, fmt.settings.locale)}
                  <span className="visually-hidden"> out of 5</span>
                </dd>
              </div>
              <div>
                <dt>Answers</dt>
                <dd>{fmt.number(d.customers.responses)}</dd>
              </div>
              <div>
                <dt>Waiting for an answer</dt>
                <dd>{fmt.number(d.waiting)}</dd>
              </div>
            </dl>
            {d.customers.responses === 0 ? (
              <p className="muted">No customer has answered a survey in these days yet.</p>
            ) : (
              <div className="fb-report-grid">
                <Distribution s={d.customers} />
                <div>
                  <h3>Sentiment</h3>
                  <p className="fb-sentiment">
                    <Badge tone="good">{fmt.number(d.customers.positive)} positive</Badge>
                    <Badge>{fmt.number(d.customers.neutral)} neutral</Badge>
                    <Badge tone="bad">{fmt.number(d.customers.negative)} negative</Badge>
                  </p>
                </div>
              </div>
            )}
          </Card>
          <div className="grid-2 fb-section">
            <SummaryTable id="fb-by-kind" caption="By survey kind" first="Kind" rows={d.by_kind} name={(s) => kindLabel(s.group)} />
            <SummaryTable id="fb-by-store" caption="By store (customers)" first="Store" rows={d.by_store} name={(s) => s.group} />
          </div>
          <Card title="Recent comments" className="fb-section">
            {d.recent.length === 0 ? (
              <p className="muted">No comments in these days.</p>
            ) : (
              <ul className="list compact" aria-label="Recent comments">
                {d.recent.map((f) => (
                  <li key={f.id} className="list-item fb-item">
                    <div className="list-main">
                      <p className="fb-item-head">
                        {f.rating ? <RatingStars rating={f.rating} /> : null}
                        <Badge>{kindLabel(f.kind)}</Badge>
                      </p>
                      {f.comment ? <p className="fb-comment">“{f.comment}”</p> : null}
                      <p className="muted small">
                        {f.kind === 'team' ? (f.from_name ?? 'A colleague') : (f.customer_name ?? 'A customer')}
                        {f.store_name ? ` · ${f.store_name}` : ''}
                        {f.responded_at ? (
                          <>
                            {' '}
                            · <time dateTime={f.responded_at}>{fmt.dateTime(f.responded_at)}</time>
                          </>
                        ) : null}
                      </p>
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </>
      ) : null}
    </section>
  );
}

function Distribution({ s }: { s: RatingSummary }) {
  const fmt = useFormat();
  const rows = distribution(s);
  return (
    <div className="table-scroll" role="region" aria-labelledby="fb-dist-caption" tabIndex={0}>
      <table className="data-table fb-table fb-dist">
        <caption id="fb-dist-caption">Ratings, 5 to 1</caption>
        <thead>
          <tr>
            <th scope="col">Rating</th>
            <th scope="col" className="num">
              Answers
            </th>
            <th scope="col" className="fb-bar-cell">
              Share
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.rating}>
              <th scope="row">
                <RatingStars rating={r.rating} />
              </th>
              <td className="num">{fmt.number(r.count)}</td>
              <td className="fb-bar-cell">
                <span className="fb-share">
                  <span className={`fb-bar${r.rating <= 2 ? ' is-low' : ''}`} aria-hidden="true">
                    <span style={{ width: `${r.percent}%` }} />
                  </span>
                  <span className="small">{r.percent}%</span>
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function SummaryTable({
  id,
  caption,
  first,
  rows,
  name,
}: {
  id: string;
  caption: string;
  first: string;
  rows: RatingSummary[];
  name: (s: RatingSummary) => string;
}) {
  const fmt = useFormat();
  return (
    <Card>
      {rows.length === 0 ? (
        <>
          <h2>{caption}</h2>
          <p className="muted">No answers in these days.</p>
        </>
      ) : (
        <div className="table-scroll" role="region" aria-labelledby={`${id}-caption`} tabIndex={0}>
          <table className="data-table fb-table">
            <caption id={`${id}-caption`}>{caption}</caption>
            <thead>
              <tr>
                <th scope="col">{first}</th>
                <th scope="col" className="num">
                  Answers
                </th>
                <th scope="col" className="num">
                  Average
                </th>
                <th scope="col" className="num">
                  CSAT
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((s) => (
                <tr key={`${s.group}-${s.store_id ?? ''}`}>
                  <th scope="row">{name(s)}</th>
                  <td className="num">{fmt.number(s.responses)}</td>
                  <td className="num">{averageText(s.average, fmt.settings.locale)}</td>
                  <td className="num">{csatPercent(s.csat) === null ? '—' : `${csatPercent(s.csat)}%`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

// ---------------------------------------------------------------- surveys

function Surveys() {
  const [search, setSearch] = useSearchParams();
  const filters = feedbackFiltersFrom(search);
  const q = feedbackListQuery(filters);
  const refresh = useRefresh();
  const list = useInfiniteQuery({
    queryKey: [...FEEDBACK_KEYS.list, q],
    queryFn: ({ pageParam }) => feedbackApi.list(q, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    ...refresh,
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const [answering, setAnswering] = useState<FeedbackItem | null>(null);
  const filtered = Boolean(filters.kind || filters.store_id || filters.answered);
  return (
    <section className="fb-section" aria-labelledby="fb-surveys-heading">
      <h2 id="fb-surveys-heading">Surveys and team feedback</h2>
      <SurveyFilters filters={filters} onApply={(f) => setSearch(feedbackFilterParams(f, search), { replace: true })} />
      {list.isPending ? (
        <Loading label="Loading feedback…" />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title={filtered ? 'Nothing matches' : 'No feedback yet'}>
          <p>
            {filtered
              ? 'Try fewer filters.'
              : 'Customers are asked after a visit is logged and when their escalation is resolved; their surveys appear here.'}
          </p>
        </EmptyState>
      ) : (
        <>
          <ul className="list fb-list" aria-label="Surveys and team feedback">
            {items.map((f) => (
              <FeedbackRow key={f.id} f={f} onAnswer={() => setAnswering(f)} />
            ))}
          </ul>
          <LoadMore
            hasMore={list.hasNextPage}
            loading={list.isFetchingNextPage}
            onLoad={() => void list.fetchNextPage()}
            count={items.length}
            noun="items"
            one="item"
          />
        </>
      )}
      <Modal
        open={answering !== null}
        onOpenChange={(o) => !o && setAnswering(null)}
        title={answering?.customer_name ? `Record ${answering.customer_name}’s answer` : 'Record the answer'}
        description="When the customer tells you in person or on a call. It counts like an answer through the link."
      >
        {answering ? <AnswerForm f={answering} onDone={() => setAnswering(null)} /> : null}
      </Modal>
    </section>
  );
}

function FeedbackRow({ f, onAnswer }: { f: FeedbackItem; onAnswer: () => void }) {
  const me = useMe();
  const fmt = useFormat();
  const toast = useToast();
  const url = surveyUrl(window.location.origin, f.link);
  const who =
    f.kind === 'team'
      ? (f.from_name ?? 'A colleague')
      : f.customer_name && f.customer_id && me.permissions.includes(PERMISSIONS.customersRead)
        ? null
        : (f.customer_name ?? 'A customer');
  const copy = async () => {
    if (!url) return;
    try {
      await navigator.clipboard.writeText(url);
      toast({ title: 'Survey link copied', description: url, tone: 'success' });
    } catch {
      toast({ title: 'Could not copy the link', description: `Copy it by hand: ${url}`, tone: 'error' });
    }
  };
  return (
    <li className="list-item fb-item">
      <div className="list-main">
        <p className="fb-item-head">
          {who === null ? (
            <Link to={`/customers/${encodeURIComponent(f.customer_id ?? '')}`} className="list-title">
              {f.customer_name}
            </Link>
          ) : (
            <span className="list-title">{who}</span>
          )}
          <Badge>{kindLabel(f.kind)}</Badge>
          {f.sentiment ? (
            <Badge tone={SENTIMENT_TONES[f.sentiment] ?? 'neutral'}>{SENTIMENT_LABELS[f.sentiment] ?? f.sentiment}</Badge>
          ) : null}
        </p>
        {f.rating ? (
          <p>
            <RatingStars rating={f.rating} />
          </p>
        ) : (
          <p className="small">Waiting for the customer’s answer.</p>
        )}
        {f.comment ? <p className="fb-comment">“{f.comment}”</p> : null}
        <p className="muted small">
          {f.store_name ? `${f.store_name} · ` : ''}
          {f.responded_at ? (
            <>
              answered <time dateTime={f.responded_at}>{fmt.dateTime(f.responded_at)}</time>
            </>
          ) : (
            <>
              asked <time dateTime={f.requested_at}>{fmt.dateTime(f.requested_at)}</time>
            </>
          )}
        </p>
      </div>
      {!f.responded_at && url ? (
        <div className="fb-actions">
          <Button small icon="file" onClick={() => void copy()}>
            Copy survey link<span className="visually-hidden"> for {f.customer_name ?? 'the customer'}</span>
          </Button>
          <a href={url} className="btn btn-ghost btn-small" target="_blank" rel="noopener noreferrer">
            Open survey<span className="visually-hidden"> for {f.customer_name ?? 'the customer'} (new tab)</span>
          </a>
          {me.permissions.includes(PERMISSIONS.customersRead) ? (
            <Button small variant="primary" onClick={onAnswer}>
              Record answer<span className="visually-hidden"> for {f.customer_name ?? 'the customer'}</span>
            </Button>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}

function SurveyFilters({ filters: f, onApply }: { filters: FeedbackFilters; onApply: (f: FeedbackFilters) => void }) {
  const { stores } = useStores();
  const active = stores.filter((s) => s.active);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const v = formValues(e.currentTarget);
    onApply(
      feedbackFiltersFrom(
        feedbackFilterParams({
          kind: (v.kind ?? '') as FeedbackFilters['kind'],
          store_id: v.store ?? '',
          answered: (v.answered ?? '') as FeedbackFilters['answered'],
        }),
      ),
    );
  };
  const count = [f.kind, f.store_id, f.answered].filter(Boolean).length;
  return (
    <FilterPanel activeCount={count}>
      <form className="filters" role="search" aria-label="Filter feedback" onSubmit={submit} key={JSON.stringify(f)}>
        <SelectField
          label="Kind"
          name="kind"
          defaultValue={f.kind}
          options={[{ value: '', label: 'All kinds' }, ...FEEDBACK_KINDS.map((k) => ({ value: k, label: kindLabel(k) }))]}
        />
        <SelectField
          label="Answered"
          name="answered"
          defaultValue={f.answered}
          options={[
            { value: '', label: 'Answered or not' },
            { value: 'no', label: 'Waiting for an answer' },
            { value: 'yes', label: 'Answered' },
          ]}
        />
        {active.length > 1 ? (
          <SelectField
            label="Store"
            name="store"
            defaultValue={f.store_id}
            options={[{ value: '', label: 'All my stores' }, ...active.map((s) => ({ value: s.id, label: s.name }))]}
          />
        ) : null}
        <div className="filters-actions">
          <Button type="submit" icon="search">
            Apply
          </Button>
        </div>
      </form>
    </FilterPanel>
  );
}

function AnswerForm({ f, onDone }: { f: FeedbackItem; onDone: () => void }) {
  const qc = useQueryClient();
  const toast = useToast();
  const [rating, setRating] = useState<number | null>(null);
  const [comment, setComment] = useState('');
  const [missing, setMissing] = useState('');
  const save = useMutation({
    mutationFn: () => feedbackApi.answer(f.id, rating ?? 0, comment.trim() || null),
    onSuccess: async () => {
      toast({ title: 'Answer recorded', description: f.customer_name ?? undefined, tone: 'success' });
      onDone();
      await qc.invalidateQueries({ queryKey: FEEDBACK_KEYS.root });
    },
    onError: (err) => {
      if (err instanceof ApiError && err.status === 409) void qc.invalidateQueries({ queryKey: FEEDBACK_KEYS.root });
    },
  });
  const fe = fieldErrorsOf(save.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (rating === null) {
      setMissing('Choose the customer’s rating.');
      return;
    }
    setMissing('');
    save.mutate();
  };
  return (
    <form className="form" onSubmit={submit} noValidate>
      <FormError error={save.error instanceof ApiError && save.error.status === 422 && (fe.rating || fe.comment) ? null : save.error} />
      <RatingPicker
        legend="The customer’s rating"
        name="rating"
        value={rating}
        onChange={(r) => {
          setRating(r);
          setMissing('');
        }}
        error={missing || (fe.rating ? sentence(fe.rating) : undefined)}
      />
      <TextAreaField
        label="What they said (optional)"
        name="comment"
        value={comment}
        onChange={(e) => setComment(e.target.value)}
        maxLength={2000}
        rows={3}
        error={fe.comment ? sentence(fe.comment) : undefined}
      />
      <div className="form-actions">
        <Button variant="ghost" onClick={onDone}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" icon="check" busy={save.isPending}>
          Record answer
        </Button>
      </div>
    </form>
  );
}

// ---------------------------------------------------------------- team feedback

function TeamFeedbackForm({ onDone, onCancel }: { onDone: () => void; onCancel?: () => void }) {
  const me = useMe();
  const qc = useQueryClient();
  const toast = useToast();
  const { stores } = useStores();
  const mine = stores.filter((s) => s.active && (me.user.role === 'business_admin' || me.user.store_ids.includes(s.id)));
  const [rating, setRating] = useState<number | null>(null);
  const [comment, setComment] = useState('');
  const [storeId, setStoreId] = useState('');
  const [missing, setMissing] = useState('');
  const save = useMutation({
    mutationFn: () => feedbackApi.team(rating ?? 0, comment.trim() || null, storeId || null),
    onSuccess: async () => {
      toast({ title: 'Thank you for your feedback', tone: 'success' });
      onDone();
      await qc.invalidateQueries({ queryKey: FEEDBACK_KEYS.root });
    },
  });
  const fe = fieldErrorsOf(save.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (rating === null) {
      setMissing('Choose a rating.');
      return;
    }
    setMissing('');
    save.mutate();
  };
  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Team feedback">
      <FormError error={save.error instanceof ApiError && save.error.status === 422 && Object.keys(fe).length > 0 ? null : save.error} />
      <RatingPicker
        legend="How are things at work?"
        name="team_rating"
        value={rating}
        onChange={(r) => {
          setRating(r);
          setMissing('');
        }}
        error={missing || (fe.rating ? sentence(fe.rating) : undefined)}
      />
      <TextAreaField
        label="What would make it better? (optional)"
        name="comment"
        value={comment}
        onChange={(e) => setComment(e.target.value)}
        maxLength={2000}
        rows={4}
        error={fe.comment ? sentence(fe.comment) : undefined}
      />
      {mine.length > 0 ? (
        <SelectField
          label="About a store (optional)"
          name="store_id"
          value={storeId}
          onChange={(e) => setStoreId(e.target.value)}
          options={[{ value: '', label: 'No particular store' }, ...mine.map((s) => ({ value: s.id, label: s.name }))]}
          error={fe.store_id ? sentence(fe.store_id) : undefined}
        />
      ) : null}
      <div className="form-actions">
        {onCancel ? (
          <Button variant="ghost" onClick={onCancel}>
            Cancel
          </Button>
        ) : null}
        <Button type="submit" variant="primary" icon="send" busy={save.isPending}>
          Send feedback
        </Button>
      </div>
    </form>
  );
}
