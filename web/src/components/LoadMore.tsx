import { Button } from './ui';

export function LoadMore({
  hasMore,
  loading,
  onLoad,
  count,
  noun,
  one,
}: {
  hasMore: boolean;
  loading: boolean;
  onLoad: () => void;
  count: number;
  noun: string;
  /** The noun for a count of one ("customer"); defaults to `noun`. */
  one?: string;
}) {
  return (
    <div className="load-more">
      <p className="muted small" role="status" aria-live="polite">
        Showing {count} {count === 1 ? (one ?? noun) : noun}
        {hasMore ? '' : count === 0 ? '' : ' — that is all'}
      </p>
      {hasMore ? (
        <Button onClick={onLoad} busy={loading}>
          Load more
        </Button>
      ) : null}
    </div>
  );
}
