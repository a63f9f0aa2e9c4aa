// Components shared by the customer, visit and access-log screens.
import { useId, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { customersApi } from '../../api/endpoints';
import type { CustomerSummary, Tier } from '../../api/types';
import { Badge, ErrorState } from '../../components/ui';
import { Icon } from '../../components/Icon';
import { TIER_LABELS, formatPhone } from '../../lib/customers';
import { useDebounced } from '../../lib/useDebounced';

export function TierBadge({ tier }: { tier: Tier }) {
  if (tier === 'general') return null;
  return (
    <Badge tone="gold">
      <span className="visually-hidden">Tier: </span>
      {TIER_LABELS[tier]}
    </Badge>
  );
}

export function DndBadge() {
  return (
    <span className="badge badge-bad" title="Do not disturb: never call or message">
      DND<span className="visually-hidden"> (do not disturb)</span>
    </span>
  );
}

/**
 * Finds a customer by name or phone and hands the chosen one back. Used to
 * pick a duplicate to merge, a family member's own record and access-log filters.
 */
export function CustomerPicker({
  label,
  hint,
  excludeId,
  onPick,
  actionLabel = 'Choose',
}: {
  label: string;
  hint?: string;
  excludeId?: string;
  onPick: (c: CustomerSummary) => void;
  actionLabel?: string;
}) {
  const id = useId();
  const [text, setText] = useState('');
  const q = useDebounced(text.trim(), 300);
  const results = useQuery({
    queryKey: ['customers', 'picker', q],
    queryFn: () => customersApi.list({ q, limit: 8 }),
    enabled: q.length >= 2,
  });
  const items = (results.data?.items ?? []).filter((c) => c.id !== excludeId);
  return (
    <div className="picker">
      <div className="field">
        <label htmlFor={id}>{label}</label>
        <input
          id={id}
          type="search"
          value={text}
          onChange={(e) => setText(e.target.value)}
          autoComplete="off"
          placeholder="Name, phone or email"
          aria-describedby={hint ? `${id}-hint` : undefined}
        />
        {hint ? (
          <p className="field-hint" id={`${id}-hint`}>
            {hint}
          </p>
        ) : null}
      </div>
      <p className="visually-hidden" role="status" aria-live="polite">
        {q.length >= 2 && results.data ? `${items.length} ${items.length === 1 ? 'match' : 'matches'}` : ''}
      </p>
      {q.length >= 2 ? (
        results.isError ? (
          <ErrorState error={results.error} onRetry={() => void results.refetch()} title="Search failed" />
        ) : results.isPending ? (
          <p className="muted small">Searching…</p>
        ) : items.length === 0 ? (
          <p className="muted small">No customer matches “{q}”.</p>
        ) : (
          <ul className="list compact picker-results" aria-label={`Matches for ${q}`}>
            {items.map((c) => (
              <li key={c.id} className="list-item">
                <div className="list-main">
                  <p className="list-title">{c.name}</p>
                  <p className="muted small">
                    {formatPhone(c.phone)}
                    {c.city ? ` · ${c.city}` : ''}
                  </p>
                </div>
                <button type="button" className="btn btn-secondary btn-small" onClick={() => onPick(c)}>
                  <Icon name="check" size={18} />
                  {actionLabel}
                  <span className="visually-hidden"> {c.name}</span>
                </button>
              </li>
            ))}
          </ul>
        )
      ) : null}
    </div>
  );
}
