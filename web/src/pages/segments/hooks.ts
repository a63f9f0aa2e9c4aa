// Data hooks of the segment screens.
import { useQuery } from '@tanstack/react-query';
import { segmentsApi } from '../../api/endpoints';

/** Built-in and saved segments (one request; there is no single-segment read). */
export function useSegments() {
  return useQuery({ queryKey: ['segments', 'list'], queryFn: segmentsApi.list });
}

/** How many customers are in a segment now (`days`: look-ahead of birthdays and anniversaries). */
export function useSegmentCount(id: string, days: number | undefined, enabled = true) {
  return useQuery({
    queryKey: ['segments', 'count', id, days ?? null],
    queryFn: () => segmentsApi.count(id, days),
    enabled,
    staleTime: 60_000,
  });
}
