// The customer's survey, opened from the link the store shared: no sign-in,
// outside the app shell (like the password pages). One question, a 1–5
// rating as big tappable stars, an optional comment, and a thank-you.
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useParams } from 'react-router';
import { useMutation, useQuery } from '@tanstack/react-query';
import { ApiError, describeError } from '../../api/problem';
import { Button, FormError, Loading, TextAreaField } from '../../components/ui';
import { Icon } from '../../components/Icon';
import { Logo } from '../../components/Logo';
import { sentence } from '../../lib/customers';
import { RATING_LABELS } from '../../lib/feedback';
import { fieldErrorsOf } from '../../lib/forms';
import { surveyApi } from './api';
import { RatingPicker } from './RatingPicker';
import './feedback.css';

export default function SurveyPage() {
  const { token = '' } = useParams();
  const survey = useQuery({
    queryKey: ['public-survey', token],
    queryFn: () => surveyApi.get(token),
    // Rate-limited per address: never ask again on its own.
    retry: false,
    refetchOnWindowFocus: false,
    staleTime: Infinity,
  });
  const [sent, setSent] = useState<number | null>(null);
  const [answeredMeanwhile, setAnsweredMeanwhile] = useState(false);
  const business = survey.data?.business;
  useEffect(() => {
    document.title = business ? `Your feedback for ${business}` : 'Your feedback';
  }, [business]);

  if (survey.isPending)
    return (
      <SurveyLayout>
        <Loading label="Opening the survey…" />
      </SurveyLayout>
    );
  if (survey.isError) {
    const err = survey.error;
    const status = err instanceof ApiError ? err.status : 0;
    return (
      <SurveyLayout>
        <Done
          title={
            status === 404 ? 'This survey link does not work' : status === 429 ? 'Please wait a moment' : 'The survey could not be opened'
          }
          icon="alert"
        >
          <p>
            {status === 404
              ? 'It may be incomplete or mistyped. Open the link from your message again, or ask the store for a new one.'
              : describeError(err)}
          </p>
          {status !== 404 ? (
            <Button variant="primary" onClick={() => void survey.refetch()}>
              Try again
            </Button>
          ) : null}
        </Done>
      </SurveyLayout>
    );
  }
  const s = survey.data;
  const place = s.store ? `${s.business} · ${s.store}` : s.business;
  if (sent !== null || s.answered || answeredMeanwhile)
    return (
      <SurveyLayout business={s.business}>
        <p className="survey-business">{place}</p>
        <Done title="Thank you!" icon="check">
          <p>
            {sent !== null
              ? `Your answer (${sent} out of 5, ${RATING_LABELS[sent] ?? ''}) reached ${s.business}.`
              : 'This survey has already been answered. Thank you for your time.'}
          </p>
        </Done>
      </SurveyLayout>
    );
  return (
    <SurveyLayout business={s.business}>
      <p className="survey-business">{place}</p>
      <h1 tabIndex={-1}>Your feedback</h1>
      <p className="auth-intro">It takes a few seconds, and helps {s.business} serve you better.</p>
      <SurveyForm token={token} question={s.question} onSent={setSent} onAnswered={() => setAnsweredMeanwhile(true)} />
    </SurveyLayout>
  );
}

function SurveyForm({
  token,
  question,
  onSent,
  onAnswered,
}: {
  token: string;
  question: string;
  onSent: (rating: number) => void;
  onAnswered: () => void;
}) {
  const [rating, setRating] = useState<number | null>(null);
  const [comment, setComment] = useState('');
  const [missing, setMissing] = useState('');
  const send = useMutation({
    mutationFn: () => surveyApi.answer(token, rating ?? 0, comment.trim() || null),
    onSuccess: () => onSent(rating ?? 0),
    onError: (err) => {
      // Answered meanwhile (another tab, or the store recorded it): the thank-you.
      if (err instanceof ApiError && err.status === 409) onAnswered();
    },
  });
  const fe = fieldErrorsOf(send.error);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (rating === null) {
      setMissing('Choose from 1 to 5 stars.');
      e.currentTarget.querySelector<HTMLInputElement>('input[name="rating"]')?.focus();
      return;
    }
    setMissing('');
    send.mutate();
  };
  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Survey">
      <RatingPicker
        large
        legend={question}
        name="rating"
        value={rating}
        onChange={(r) => {
          setRating(r);
          setMissing('');
        }}
        hint="1 star: very unhappy · 5 stars: delighted"
        error={missing || (fe.rating ? sentence(fe.rating) : undefined)}
      />
      <TextAreaField
        label="Anything you would like to tell us? (optional)"
        name="comment"
        value={comment}
        onChange={(e) => setComment(e.target.value)}
        maxLength={2000}
        rows={4}
        error={fe.comment ? sentence(fe.comment) : undefined}
      />
      <FormError error={send.error instanceof ApiError && send.error.status === 422 && (fe.rating || fe.comment) ? null : send.error} />
      <Button type="submit" variant="primary" className="btn-block btn-large" busy={send.isPending}>
        Send my answer
      </Button>
    </form>
  );
}

/** A finished state (thanks, or why the survey cannot be shown): announced, its heading focused. */
function Done({ title, icon, children }: { title: string; icon: 'check' | 'alert'; children: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, [title]);
  return (
    <div className="survey-done" role="status">
      <span className={`survey-done-icon${icon === 'alert' ? ' is-alert' : ''}`} aria-hidden="true">
        <Icon name={icon} size={32} />
      </span>
      <h1 ref={heading} tabIndex={-1}>
        {title}
      </h1>
      {children}
    </div>
  );
}

function SurveyLayout({ business, children }: { business?: string; children: ReactNode }) {
  return (
    <div className="auth-page">
      <main id="main" className="auth-main">
        <div className="auth-card">{children}</div>
        <p className="auth-footer">
          <Logo size={18} /> {business ? `Sent by ${business} with Karat` : 'Karat'}
        </p>
      </main>
    </div>
  );
}
