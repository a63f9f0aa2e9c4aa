// A 1–5 rating as big tappable stars: native radios in a fieldset, so arrow
// keys, Space and screen readers work as usual; each choice says its number
// and what it means ("5 out of 5, Delighted"), and the chosen one shows a
// tick, not only colour.
import { useId } from 'react';
import { Icon } from '../../components/Icon';
import { RATINGS, RATING_LABELS } from '../../lib/feedback';

export function RatingPicker({
  legend,
  name,
  value,
  onChange,
  hint,
  error,
  large,
}: {
  legend: string;
  name: string;
  value: number | null;
  onChange: (rating: number) => void;
  hint?: string;
  error?: string | undefined;
  /** The customer's survey: bigger still. */
  large?: boolean;
}) {
  const id = useId();
  const described = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
  return (
    <fieldset
      className={`field rating-picker${large ? ' rating-picker-large' : ''}${error ? ' field-invalid' : ''}`}
      aria-describedby={described}
    >
      <legend>{legend}</legend>
      <div className="rating-options">
        {RATINGS.map((r) => {
          const lit = value !== null && r <= value;
          const on = value === r;
          return (
            <label key={r} className={`rating-option${lit ? ' is-lit' : ''}${on ? ' is-on' : ''}`}>
              <input type="radio" className="rating-input" name={name} value={r} checked={on} onChange={() => onChange(r)} />
              <span className="rating-face">
                {on ? <Icon name="check" size={16} className="rating-tick" /> : null}
                <Icon name="feedback" size={large ? 32 : 24} className="rating-star" />
                <span className="rating-number">
                  {r}
                  <span className="visually-hidden"> out of 5,</span>
                </span>
                <span className="rating-label">{RATING_LABELS[r]}</span>
              </span>
            </label>
          );
        })}
      </div>
      <p className="rating-chosen" aria-hidden="true">
        {value !== null ? `${value} out of 5: ${RATING_LABELS[value] ?? ''}` : ''}
      </p>
      {hint && !error ? (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          <Icon name="alert" size={16} /> {error}
        </p>
      ) : null}
    </fieldset>
  );
}

/** A rating as text with stars beside it (the stars are decoration; the words are read). */
export function RatingStars({ rating }: { rating: number }) {
  return (
    <span className="rating-stars">
      <span aria-hidden="true" className="rating-stars-glyphs">
        {'★'.repeat(Math.max(0, Math.min(5, rating)))}
        <span className="rating-stars-empty">{'★'.repeat(Math.max(0, 5 - rating))}</span>
      </span>
      <span className="rating-stars-text">
        {rating}/5<span className="visually-hidden"> ({RATING_LABELS[rating] ?? ''})</span>
      </span>
    </span>
  );
}
