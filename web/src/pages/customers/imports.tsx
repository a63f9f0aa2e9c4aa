// Pieces of the customer import screens: the validation report, live progress
// of a running import, and the list of past imports (the import record).
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { importsApi } from '../../api/endpoints';
import type { Import } from '../../api/types';
import { useMe } from '../../auth/useAuth';
import { Badge, EmptyState, ErrorState, Loading } from '../../components/ui';
import { Icon } from '../../components/Icon';
import { LoadMore } from '../../components/LoadMore';
import { useFormat } from '../../lib/locale';
import { usePaged } from '../../lib/usePaged';
import { PATHS, PERMISSIONS } from '../../lib/nav';
import { useRealtime } from '../../realtime/context';
import {
  fieldLabel,
  furthest,
  groupByRow,
  isFinished,
  parseImportEvent,
  percent,
  progressOf,
  reportOf,
  statusLabel,
  statusTone,
  type Progress,
} from '../../lib/imports';
import { useStaff } from './hooks';

/** The counts of a checked import as a definition list. */
export function ImportCounts({ record }: { record: Import }) {
  const fmt = useFormat();
  const finished = record.status === 'done';
  return (
    <dl className="import-counts">
      <div>
        <dt>Rows in the file</dt>
        <dd>{fmt.number(record.total_rows)}</dd>
      </div>
      <div className="count-good">
        <dt>{finished ? 'Imported' : 'Ready to import'}</dt>
        <dd>{fmt.number(finished ? record.imported_rows : record.valid_rows)}</dd>
      </div>
      <div className={record.invalid_rows > 0 ? 'count-bad' : undefined}>
        <dt>With problems</dt>
        <dd>{fmt.number(record.invalid_rows)}</dd>
      </div>
      <div className={record.duplicate_rows > 0 ? 'count-warn' : undefined}>
        <dt>Duplicates</dt>
        <dd>{fmt.number(record.duplicate_rows)}</dd>
      </div>
      {finished && record.skipped_rows > 0 ? (
        <div className="count-warn">
          <dt>Skipped while importing</dt>
          <dd>{fmt.number(record.skipped_rows)}</dd>
        </div>
      ) : null}
    </dl>
  );
}

/** The validation report: invalid rows and duplicates, by row number as a spreadsheet shows it. */
export function ImportReportView({ record }: { record: Import }) {
  const me = useMe();
  const fmt = useFormat();
  const canOpen = me.permissions.includes(PERMISSIONS.customersRead);
  const report = reportOf(record);
  const invalid = groupByRow(report.invalid);
  const duplicates = groupByRow(report.duplicates);
  return (
    <div className="import-report">
      {invalid.length > 0 ? (
        <section aria-labelledby={`invalid-${record.id}`}>
          <h3 id={`invalid-${record.id}`}>Rows with problems ({fmt.number(record.invalid_rows)})</h3>
          <ul className="list compact report-list" aria-label="Rows with problems">
            {invalid.map((r) => (
              <li key={r.row} className="list-item">
                <span className="report-row">Row {r.row}</span>
                <ul className="report-problems">
                  {r.problems.map((p, i) => (
                    <li key={i}>
                      <strong>{fieldLabel(p.field)}</strong> {p.reason}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
          {report.invalid.length > 0 && invalid.length < record.invalid_rows ? (
            <p className="muted small">The first {fmt.number(invalid.length)} rows with problems are listed.</p>
          ) : null}
        </section>
      ) : null}
      {duplicates.length > 0 ? (
        <section aria-labelledby={`dups-${record.id}`}>
          <h3 id={`dups-${record.id}`}>Duplicates ({fmt.number(record.duplicate_rows)})</h3>
          <ul className="list compact report-list" aria-label="Duplicate rows">
            {duplicates.map((r) => (
              <li key={r.row} className="list-item">
                <span className="report-row">Row {r.row}</span>
                <ul className="report-problems">
                  {r.problems.map((p, i) => (
                    <li key={i}>
                      <strong>{fieldLabel(p.field)}</strong> {p.reason}
                      {p.existingId && canOpen ? (
                        <>
                          {' '}
                          <Link to={`/customers/${p.existingId}`}>
                            Open existing customer<span className="visually-hidden"> (row {r.row})</span>
                          </Link>
                        </>
                      ) : null}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
          {duplicates.length < record.duplicate_rows ? (
            <p className="muted small">The first {fmt.number(duplicates.length)} duplicates are listed.</p>
          ) : null}
        </section>
      ) : null}
      {invalid.length === 0 && duplicates.length === 0 ? (
        <p className="alert alert-info">
          <Icon name="check" size={20} /> Every row can be imported.
        </p>
      ) : (
        <p className="muted small">
          Rows with problems and duplicates are not imported. Fix them in your file and import it again; rows already imported are then
          reported as duplicates.
        </p>
      )}
    </div>
  );
}

/**
 * A running (or finished) import: live progress from `import.progress` events
 * to the person importing, and a poll every 2 s as a fallback until it is done.
 */
export function ImportProgress({ id, initial, onAnother }: { id: string; initial?: Import; onAnother?: () => void }) {
  const realtime = useRealtime();
  const qc = useQueryClient();
  const fmt = useFormat();
  const [live, setLive] = useState<Progress | null>(null);
  const [finished, setFinished] = useState<{ imported: number; skipped: number } | null>(null);
  const q = useQuery({
    queryKey: ['imports', 'one', id],
    queryFn: () => importsApi.get(id),
    ...(initial ? { initialData: initial, initialDataUpdatedAt: 0 } : {}),
    refetchInterval: (query) => (query.state.data && isFinished(query.state.data.status) ? false : 2000),
  });

  useEffect(
    () =>
      realtime.subscribe((ev) => {
        const e = parseImportEvent(ev);
        if (!e || e.id !== id) return;
        if (e.kind === 'progress') setLive((p) => furthest(p, { done: e.done, total: e.total }));
        else {
          setFinished({ imported: e.imported, skipped: e.skipped });
          void qc.invalidateQueries({ queryKey: ['imports', 'one', id] });
        }
      }),
    [realtime, id, qc],
  );

  if (q.isPending) return <Loading label="Loading the import…" />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  const rec = q.data;
  const failed = rec.status === 'failed';
  const done = rec.status === 'done' || (finished !== null && !failed);
  const progress = done ? { done: rec.valid_rows, total: rec.valid_rows } : (furthest(progressOf(rec), live) ?? progressOf(rec));
  const pct = done ? 100 : percent(progress);
  const imported = rec.status === 'done' ? rec.imported_rows : (finished?.imported ?? rec.imported_rows);
  const skipped = rec.status === 'done' ? rec.skipped_rows : (finished?.skipped ?? rec.skipped_rows);

  return (
    <div className="import-progress">
      <div
        className={`progress${failed ? ' is-failed' : done ? ' is-done' : ''}`}
        role="progressbar"
        aria-label="Import progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        aria-valuetext={`${pct}%: ${fmt.number(progress.done)} of ${fmt.number(progress.total)} rows`}
      >
        <div className="progress-bar" style={{ width: `${pct}%` }} />
      </div>
      <p className="progress-text" aria-hidden="true">
        {pct}% · {fmt.number(progress.done)} of {fmt.number(progress.total)} rows
      </p>
      <div role="status" aria-live="polite">
        {failed ? (
          <div className="alert alert-error">
            <Icon name="alert" size={20} />
            <div>
              <p>
                <strong>The import stopped.</strong> {rec.error ?? 'Try again or contact support.'}
              </p>
              <p>{fmt.number(rec.imported_rows)} imported before it stopped.</p>
            </div>
          </div>
        ) : done ? (
          <div className="alert alert-success import-finished">
            <Icon name="check" size={20} />
            <p>
              <strong>Import finished:</strong> {fmt.number(imported)} imported
              {skipped > 0 ? `, ${fmt.number(skipped)} skipped (their phone was added meanwhile)` : ''}.
            </p>
          </div>
        ) : (
          <p className="muted">
            <span className="spinner" aria-hidden="true" /> Importing in the background — you can leave this page; the import record below
            keeps its progress.
          </p>
        )}
      </div>
      {done || failed ? (
        <div className="button-row">
          <Link to={PATHS.customers} className="btn btn-primary">
            <Icon name="customers" size={20} /> Open the customer list
          </Link>
          {onAnother ? (
            <button type="button" className="btn btn-secondary" onClick={onAnother}>
              <Icon name="upload" size={20} /> Import another file
            </button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

function countsLine(i: Import, n: (x: number) => string): string {
  if (i.status === 'done' || i.status === 'importing' || i.status === 'failed') {
    const parts = [`${n(i.imported_rows)} imported`];
    if (i.skipped_rows) parts.push(`${n(i.skipped_rows)} skipped`);
    if (i.invalid_rows) parts.push(`${n(i.invalid_rows)} with problems`);
    if (i.duplicate_rows) parts.push(`${n(i.duplicate_rows)} duplicates`);
    return parts.join(' · ');
  }
  if (i.status === 'validated') return `${n(i.valid_rows)} of ${n(i.total_rows)} rows ready to import`;
  return `${n(i.total_rows)} rows, columns not matched yet`;
}

/** Past imports, newest first: file, who and when, status and counts. */
export function ImportHistory() {
  const me = useMe();
  const fmt = useFormat();
  const { byId } = useStaff();
  const list = usePaged(['imports', 'list'], (cursor) => importsApi.list({ cursor }));
  if (list.isPending) return <Loading label="Loading past imports…" />;
  if (list.isError) return <ErrorState error={list.error} onRetry={() => void list.refetch()} />;
  if (list.items.length === 0)
    return (
      <EmptyState title="No imports yet">
        <p>Files you import are listed here with what happened to each row.</p>
      </EmptyState>
    );
  const who = (id: string) => (id === me.user.id ? 'you' : (byId.get(id)?.name ?? 'a colleague'));
  return (
    <>
      <ul className="list import-list" aria-label="Past imports">
        {list.items.map((i) => (
          <li key={i.id} className="list-item">
            <Icon name="file" size={22} className="list-icon" />
            <div className="list-main">
              <Link to={`${PATHS.imports}/${i.id}`} className="list-title">
                {i.filename}
              </Link>
              <p className="muted small">
                By {who(i.created_by)} · <time dateTime={i.created_at}>{fmt.dateTime(i.created_at)}</time>
              </p>
              <p className="small">{countsLine(i, fmt.number)}</p>
            </div>
            <Badge tone={statusTone(i.status)}>{statusLabel(i.status)}</Badge>
          </li>
        ))}
      </ul>
      <LoadMore
        hasMore={list.hasNextPage}
        loading={list.isFetchingNextPage}
        onLoad={() => void list.fetchNextPage()}
        count={list.items.length}
        noun="imports"
        one="import"
      />
    </>
  );
}
