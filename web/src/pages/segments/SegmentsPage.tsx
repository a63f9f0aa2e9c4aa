// Segments: the built-in ones (tiers, new, at risk, occasions, lovers of
// gold or diamonds) and the tenant's own, each with a live member count.
import { Link } from 'react-router';
import type { Segment } from '../../api/types';
import { Card, EmptyState, ErrorState, Loading, PageHeader } from '../../components/ui';
import { Icon } from '../../components/Icon';
import { useTitle } from '../../lib/forms';
import { PATHS } from '../../lib/nav';
import { takesDays } from '../../lib/segments';
import { useSegments } from './hooks';
import { LazyCount } from './shared';

export default function SegmentsPage() {
  useTitle('Segments');
  const segments = useSegments();
  const builtins = segments.data?.filter((s) => s.builtin) ?? [];
  const saved = segments.data?.filter((s) => !s.builtin) ?? [];

  return (
    <>
      <PageHeader
        title="Segments"
        description="Customers grouped by rules, for campaigns and follow-ups. Counts are as of now."
        actions={
          <Link to={PATHS.newSegment} className="btn btn-primary">
            <Icon name="plus" size={20} /> New segment
          </Link>
        }
      />
      {segments.isPending ? (
        <Loading />
      ) : segments.isError ? (
        <ErrorState error={segments.error} onRetry={() => void segments.refetch()} />
      ) : (
        <div className="segments-columns">
          <Card title="Your segments">
            {saved.length === 0 ? (
              <EmptyState title="No segments of your own yet">
                <p>Build one from customer details, purchases, occasions and consent — for example “Chennai, not DND”.</p>
                <Link to={PATHS.newSegment} className="btn btn-secondary">
                  <Icon name="plus" size={20} /> New segment
                </Link>
              </EmptyState>
            ) : (
              <SegmentList items={saved} label="Your segments" />
            )}
          </Card>
          <Card title="Built-in">
            <SegmentList items={builtins} label="Built-in segments" />
          </Card>
        </div>
      )}
    </>
  );
}

function SegmentList({ items, label }: { items: Segment[]; label: string }) {
  return (
    <ul className="list segment-list" aria-label={label}>
      {items.map((s) => (
        <li key={s.id} className="list-item">
          <Icon name="segments" size={22} className="list-icon" />
          <div className="list-main">
            <Link to={`${PATHS.segments}/${encodeURIComponent(s.id)}`} className="list-title">
              {s.name}
            </Link>
            {s.description ? <p className="muted small">{s.description}</p> : null}
            {s.auto_tag || takesDays(s.id) ? (
              <p className="small segment-meta">
                {s.auto_tag ? (
                  <span className="tag tag-auto" title="Kept on every member">
                    <span className="visually-hidden">Tags members: </span>
                    {s.auto_tag}
                  </span>
                ) : null}
                {takesDays(s.id) ? <span className="muted">Next 7 days</span> : null}
              </p>
            ) : null}
          </div>
          <LazyCount id={s.id} />
        </li>
      ))}
    </ul>
  );
}
