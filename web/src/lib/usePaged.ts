import { keepPreviousData, useInfiniteQuery, type QueryKey } from '@tanstack/react-query';
import type { Page } from '../api/types';

/**
 * A cursor-paged list with "load more": pages are appended in order. With
 * `keepPrevious` the last results stay on screen while a new search loads.
 */
export function usePaged<T>(key: QueryKey, load: (cursor: string | null) => Promise<Page<T>>, enabled = true, keepPrevious = false) {
  const q = useInfiniteQuery({
    queryKey: key,
    queryFn: ({ pageParam }) => load(pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    enabled,
    placeholderData: keepPrevious ? keepPreviousData : undefined,
  });
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  return { ...q, items };
}
