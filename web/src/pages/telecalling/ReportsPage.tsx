// Telecalling reports: calls, connects, talk time, conversions, follow-ups
// and the sentiment mix per telecaller or per store over a date range; the
// same report downloads as CSV or JSON lines (fetched with the sign-in token
// and saved from a blob, like the customer export).
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { useMutation, useQuery } from '@tanstack/react-query';
import { ApiError } from '../../api/problem';
import {
  Button,
  Card,
  ChipGroup,
  EmptyState,
  ErrorState,
  FormError,
  Loading,
  PageHeader,
  SelectField,
  TextField,
} from '../../components/ui';
import { useToast } from '../../components/toast';
import { addDays, todayIn } from '../../lib/format';
import { saveBlob } from '../../lib/files';
import { useTitle } from '../../lib/forms';
import { useFormat } from '../../lib/locale';
import { durationInWords, formatDuration, percent, reportTotals, sentimentMix, sentimentText } from '../../lib/wallboard';
import { useStores } from '../customers/hooks';
import { TC_KEYS, telecallingApi, type ReportGroup, type ReportParams } from './board/api';
import { TelecallingLinks } from './board/shared';

const GROUPS: { value: ReportGroup; label: string }[] = [
  { value: 'telecaller', label: 'By telecaller' },
  { value: 'store', label: 'By store' },
];
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function paramsFrom(p: URLSearchParams, today: string): ReportParams {
  const from = p.get('from') ?? '';
  const to = p.get('to') ?? '';
  return {
    from: DAY.test(from) ? from : addDays(today, -6),
    to: DAY.test(to) ? to : today,
    group_by: p.get('group_by') === 'store' ? 'store' : 'telecaller',
    ...(p.get('store_id') ? { store_id: p.get('store_id') ?? '' } : {}),
  };
}

export default function ReportsPage() {
  useTitle('Telecalling reports');
  const fmt = useFormat();
  const toast = useToast();
  const today = todayIn(fmt.settings.timeZone);
  const [search, setSearch] = useSearchParams();
  const params = paramsFrom(search, today);
  const { stores } = useStores();
  const active = stores.filter((s) => s.active);

  // The form edits a draft; "Show" puts it in the address (and so in the query).
  const [draft, setDraft] = useState(params);
  const [seen, setSeen] = useState(search.toString());
  if (seen !== search.toString()) {
    setSeen(search.toString());
    setDraft(params);
  }
  const rangeError = draft.from && draft.to && draft.from > draft.to ? 'The end is before the start.' : undefined;

  const report = useQuery({
    queryKey: [...TC_KEYS.report, params],
    queryFn: () => telecallingApi.report(params),
  });
  const download = useMutation({
    mutationFn: (format: 'csv' | 'jsonl') => telecallingApi.downloadReport(params, format),
    onSuccess: ({ blob, filename }, format) => {
      const name = filename ?? `telecalling-${params.group_by}-${params.from}-${params.to}.${format}`;
      saveBlob(blob, name);
      toast({ title: 'Report downloaded', description: name, tone: 'success' });
    },
  });

  const show = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (rangeError || !draft.from || !draft.to) return;
    const next = new URLSearchParams();
    next.set('from', draft.from);
    next.set('to', draft.to);
    next.set('group_by', draft.group_by);
    if (draft.store_id) next.set('store_id', draft.store_id);
    setSearch(next, { replace: true });
  };

  const serverFields = report.error instanceof ApiError ? report.error.fieldErrors() : {};
  const rows = report.data?.rows ?? [];
  const totals = reportTotals(rows);
  const storeName = params.store_id ? active.find((s) => s.id === params.store_id)?.name : null;
  const caption = `${params.group_by === 'store' ? 'Calls by store' : 'Calls by telecaller'}, ${fmt.dateTime(`${params.from}T12:00:00Z`, 'date', 'UTC')} to ${fmt.dateTime(
    `${params.to}T12:00:00Z`,
    'date',
    'UTC',
  )}${storeName ? `, ${storeName}` : ''}`;

  return (
    <>
      <PageHeader title="Telecalling reports" description="Calls with a saved disposition, counted on the days they were made." />
      <TelecallingLinks />
      <form className="filters" aria-label="Report" onSubmit={show} noValidate>
        <TextField
          label="From"
          name="from"
          type="date"
          value={draft.from}
          max={draft.to || today}
          onChange={(e) => setDraft((d) => ({ ...d, from: e.target.value }))}
          error={serverFields.from}
        />
        <TextField
          label="To"
          name="to"
          type="date"
          value={draft.to}
          min={draft.from || undefined}
          max={today}
          onChange={(e) => setDraft((d) => ({ ...d, to: e.target.value }))}
          error={rangeError ?? serverFields.to}
        />
        {active.length > 1 ? (
          <SelectField
            label="Store"
            name="store_id"
            value={draft.store_id ?? ''}
            onChange={(e) => setDraft((d) => ({ ...d, store_id: e.target.value || undefined }))}
            options={[{ value: '', label: 'All my stores' }, ...active.map((s) => ({ value: s.id, label: s.name }))]}
          />
        ) : null}
        <ChipGroup<ReportGroup>
          legend="Rows"
          name="group_by"
          options={GROUPS}
          value={draft.group_by}
          onChange={(v) => setDraft((d) => ({ ...d, group_by: v }))}
        />
        <div className="filters-actions">
          <Button type="submit" variant="primary" icon="search">
            Show
          </Button>
        </div>
      </form>
      <Card
        title="Report"
        className="manage-card tc-report-card"
        actions={
          <div className="button-row">
            <Button small icon="download" busy={download.isPending && download.variables === 'csv'} onClick={() => download.mutate('csv')}>
              Download CSV
            </Button>
            <Button
              small
              icon="download"
              busy={download.isPending && download.variables === 'jsonl'}
              onClick={() => download.mutate('jsonl')}
            >
              Download JSON lines
            </Button>
          </div>
        }
      >
        <FormError error={download.error} />
        {report.isPending ? (
          <Loading label="Counting calls…" />
        ) : report.isError ? (
          <ErrorState error={report.error} onRetry={() => void report.refetch()} />
        ) : rows.length === 0 ? (
          <EmptyState title="No calls in these days">
            <p>Choose other dates or another store.</p>
          </EmptyState>
        ) : (
          <div className="table-scroll" role="region" aria-labelledby="report-caption" tabIndex={0}>
            <table className="data-table tc-report-table">
              <caption id="report-caption">{caption}</caption>
              <thead>
                <tr>
                  <th scope="col">{params.group_by === 'store' ? 'Store' : 'Telecaller'}</th>
                  <th scope="col" className="num">
                    Calls
                  </th>
                  <th scope="col" className="num">
                    Connects
                  </th>
                  <th scope="col" className="num">
                    Connect rate
                  </th>
                  <th scope="col" className="num">
                    Talk time
                  </th>
                  <th scope="col" className="num">
                    Conversions
                  </th>
                  <th scope="col" className="num">
                    Follow-ups
                  </th>
                  <th scope="col">Sentiment</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <ReportLine key={r.id} name={r.name} row={r} />
                ))}
              </tbody>
              {rows.length > 1 ? (
                <tfoot>
                  <ReportLine name="Total" row={totals} />
                </tfoot>
              ) : null}
            </table>
          </div>
        )}
      </Card>
    </>
  );
}

function ReportLine({ name, row: r }: { name: string; row: ReturnType<typeof reportTotals> }) {
  const fmt = useFormat();
  const mix = sentimentMix(r);
  return (
    <tr>
      <th scope="row">{name}</th>
      <td className="num">{fmt.number(r.calls)}</td>
      <td className="num">{fmt.number(r.connects)}</td>
      <td className="num">{r.calls > 0 ? `${percent(r.connects, r.calls)}%` : '—'}</td>
      <td className="num" title={durationInWords(r.talk_seconds)}>
        {formatDuration(r.talk_seconds)}
      </td>
      <td className="num">{fmt.number(r.conversions)}</td>
      <td className="num">{fmt.number(r.follow_ups)}</td>
      <td className="sentiment">
        {sentimentText(mix)}
        {mix.total > 0 ? (
          <span className="sentiment-bar" aria-hidden="true">
            <span className="sentiment-positive" style={{ width: `${mix.percents.positive}%` }} />
            <span className="sentiment-neutral" style={{ width: `${mix.percents.neutral}%` }} />
            <span className="sentiment-negative" style={{ width: `${mix.percents.negative}%` }} />
          </span>
        ) : null}
      </td>
    </tr>
  );
}
