// One import's record: who uploaded which file when, how it was read, its
// counts and report, and its progress while it runs.
import { Link, useParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { importsApi } from '../../api/endpoints';
import { ApiError } from '../../api/problem';
import { useMe } from '../../auth/useAuth';
import { Badge, Button, Card, ErrorState, FormError, Loading, PageHeader } from '../../components/ui';
import { Icon } from '../../components/Icon';
import { useTitle } from '../../lib/forms';
import { useFormat } from '../../lib/locale';
import { PATHS } from '../../lib/nav';
import { fieldLabel, statusLabel, statusTone } from '../../lib/imports';
import { useStaff, useStores } from './hooks';
import { ImportCounts, ImportProgress, ImportReportView } from './imports';

export default function ImportRecordPage() {
  const { id = '' } = useParams();
  const me = useMe();
  const fmt = useFormat();
  const qc = useQueryClient();
  const { byId: storeById } = useStores();
  const { byId: userById } = useStaff();
  const q = useQuery({ queryKey: ['imports', 'one', id], queryFn: () => importsApi.get(id) });
  const confirm = useMutation({
    mutationFn: () => importsApi.confirm(id),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ['imports'] });
    },
  });
  useTitle(q.data?.filename ?? 'Import');

  const back = (
    <p className="breadcrumb">
      <Link to={PATHS.importCustomers}>
        <Icon name="back" size={18} /> Import customers
      </Link>
    </p>
  );
  if (q.isPending)
    return (
      <>
        {back}
        <Loading />
      </>
    );
  if (q.isError)
    return (
      <>
        {back}
        <PageHeader title="Import" />
        <ErrorState
          error={q.error}
          onRetry={() => void q.refetch()}
          title={q.error instanceof ApiError && q.error.status === 404 ? 'This import is not available' : undefined}
        />
      </>
    );

  const i = q.data;
  const mapping = Object.entries((i.mapping ?? {}) as Record<string, string>).filter(([, f]) => f);
  const running = i.status === 'importing' || i.status === 'done' || i.status === 'failed';
  return (
    <>
      {back}
      <PageHeader
        title={i.filename}
        description={
          <span className="header-badges">
            <Badge tone={statusTone(i.status)}>{statusLabel(i.status)}</Badge>
            <span>
              By {i.created_by === me.user.id ? 'you' : (userById.get(i.created_by)?.name ?? 'a colleague')} ·{' '}
              <time dateTime={i.created_at}>{fmt.dateTime(i.created_at)}</time>
            </span>
          </span>
        }
      />
      <div className="grid-2">
        <Card title="What happened">
          {i.status === 'uploaded' ? (
            <p>The columns of this file were never matched, so nothing was checked or imported. Upload it again to continue.</p>
          ) : (
            <ImportCounts record={i} />
          )}
          {running ? <ImportProgress id={i.id} initial={i} /> : null}
          {i.status === 'validated' ? (
            <>
              <FormError error={confirm.error} />
              <Button
                variant="primary"
                icon="upload"
                busy={confirm.isPending}
                disabled={i.valid_rows === 0}
                onClick={() => confirm.mutate()}
              >
                Import {fmt.number(i.valid_rows)} {i.valid_rows === 1 ? 'customer' : 'customers'}
              </Button>
            </>
          ) : null}
        </Card>
        <Card title="How the file was read">
          <dl className="details">
            <dt>Format</dt>
            <dd>{i.format.toUpperCase()}</dd>
            <dt>Home store</dt>
            <dd>{i.home_store_id ? (storeById.get(i.home_store_id)?.name ?? 'A store') : 'Not chosen'}</dd>
            <dt>Dates</dt>
            <dd>
              {i.date_order === 'mdy' ? 'Month first (12-31-1990)' : i.date_order === 'dmy' ? 'Day first (31-12-1990)' : 'Not chosen'}
            </dd>
            {i.finished_at ? (
              <>
                <dt>Finished</dt>
                <dd>
                  <time dateTime={i.finished_at}>{fmt.dateTime(i.finished_at)}</time>
                </dd>
              </>
            ) : null}
          </dl>
          {mapping.length > 0 ? (
            <ul className="list compact" aria-label="Columns imported">
              {mapping.map(([column, field]) => (
                <li key={column} className="list-item">
                  <span>
                    “{column}” → <strong>{fieldLabel(field)}</strong>
                  </span>
                </li>
              ))}
            </ul>
          ) : null}
        </Card>
      </div>
      {i.report ? (
        <Card title="Report" className="manage-card">
          <ImportReportView record={i} />
        </Card>
      ) : null}
    </>
  );
}
