// Pieces shared by the segment screens: lazily loaded counts and a rule shown in words.
import { useEffect, useRef, useState } from 'react';
import type { Rule, Store } from '../../api/types';
import { useFormat } from '../../lib/locale';
import { describeRule, type RuleText } from '../../lib/segments';
import { useWholeMoney } from '../customers/hooks';
import { useSegmentCount } from './hooks';

/** Whether the element has been on screen (always true without IntersectionObserver). */
function useSeen<T extends Element>() {
  const ref = useRef<T>(null);
  const [seen, setSeen] = useState(() => typeof IntersectionObserver === 'undefined');
  useEffect(() => {
    const el = ref.current;
    if (seen || !el) return;
    const io = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) {
          setSeen(true);
          io.disconnect();
        }
      },
      { rootMargin: '200px' },
    );
    io.observe(el);
    return () => io.disconnect();
  }, [seen]);
  return { ref, seen };
}

/** A segment's member count, asked for once it scrolls into view. */
export function LazyCount({ id, days }: { id: string; days?: number }) {
  const fmt = useFormat();
  const { ref, seen } = useSeen<HTMLSpanElement>();
  const q = useSegmentCount(id, days, seen);
  return (
    <span ref={ref} className="segment-count">
      {q.isError ? (
        <span className="muted">Count unavailable</span>
      ) : q.data ? (
        <>
          <strong>{fmt.number(q.data.count)}</strong> {q.data.count === 1 ? 'customer' : 'customers'}
        </>
      ) : (
        <span className="muted">Counting…</span>
      )}
    </span>
  );
}

function RuleTextView({ t, root }: { t: RuleText; root?: boolean }) {
  if (t.kind === 'condition') {
    return (
      <span>
        {t.negate ? <span className="rule-not">NOT </span> : null}
        {t.text}
      </span>
    );
  }
  const list = (
    <>
      <span>
        {t.negate ? <span className="rule-not">NOT </span> : null}
        {t.children.length === 0
          ? t.mode === 'all'
            ? 'Every customer'
            : 'No customer'
          : `${root ? 'Customers who match' : 'Match'} ${t.mode === 'all' ? 'all' : 'any'} of:`}
      </span>
      {t.children.length > 0 ? (
        <ul className="rule-text">
          {t.children.map((c, i) => (
            <li key={i}>
              <RuleTextView t={c} />
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
  return root ? <div className="rule-view">{list}</div> : list;
}

/** A rule in words, nested as it is built. */
export function RuleView({ rule, stores }: { rule: Rule; stores: Store[] }) {
  const money = useWholeMoney();
  const t = describeRule(rule, { storeName: (id) => stores.find((s) => s.id === id)?.name, number: money });
  if (t.kind === 'condition') {
    return (
      <div className="rule-view">
        <RuleTextView t={t} />
      </div>
    );
  }
  return <RuleTextView t={t} root />;
}
