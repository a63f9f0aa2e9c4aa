import type { AuditEntry } from '../../api/types';
import { useFormat } from '../../lib/locale';
import { auditPhrase, changeRows, showValue } from '../../lib/audit';

export function AuditList({ entries, compact }: { entries: AuditEntry[]; compact?: boolean }) {
  const fmt = useFormat();
  return (
    <ul className={`list audit-list${compact ? ' compact' : ''}`} aria-label="Audit entries">
      {entries.map((e) => (
        <li key={e.id} className="list-item audit-item">
          <div className="list-main">
            <p className="list-title">
              <span className="audit-actor">{e.actor_name ?? (e.actor_id ? 'Unknown user' : 'System')}</span>{' '}
              <span className="audit-action">{auditPhrase(e)}</span>
            </p>
            <p className="muted small">
              <time dateTime={e.created_at}>{fmt.dateTime(e.created_at)}</time>
              {!compact ? (
                <>
                  {' · '}
                  <span className="audit-kind">
                    {e.entity}.{e.action}
                  </span>
                  {e.ip ? ` · ${e.ip}` : ''}
                </>
              ) : null}
            </p>
            {!compact ? <AuditDetails entry={e} /> : null}
          </div>
        </li>
      ))}
    </ul>
  );
}

function AuditDetails({ entry }: { entry: AuditEntry }) {
  const rows = changeRows(entry.changes);
  const hasChanges = entry.changes != null && (rows === null || rows.length > 0);
  if (!hasChanges && !entry.entity_id && !entry.request_id && !entry.user_agent) return null;
  return (
    <details className="audit-changes">
      <summary>Details</summary>
      <dl className="details small">
        {entry.entity_id ? (
          <>
            <dt>{entry.entity} id</dt>
            <dd>
              <code>{entry.entity_id}</code>
            </dd>
          </>
        ) : null}
        {entry.request_id ? (
          <>
            <dt>Request</dt>
            <dd>
              <code>{entry.request_id}</code>
            </dd>
          </>
        ) : null}
        {entry.user_agent ? (
          <>
            <dt>Device</dt>
            <dd>{entry.user_agent}</dd>
          </>
        ) : null}
      </dl>
      {hasChanges ? (
        rows ? (
          <table className="changes-table">
            <caption className="visually-hidden">Changed fields</caption>
            <thead>
              <tr>
                <th scope="col">Field</th>
                {rows.some((r) => 'from' in r) ? <th scope="col">Before</th> : null}
                <th scope="col">{rows.some((r) => 'from' in r) ? 'After' : 'Value'}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.field}>
                  <th scope="row">{r.field}</th>
                  {'from' in r ? <td>{showValue(r.from)}</td> : rows.some((x) => 'from' in x) ? <td /> : null}
                  <td>{showValue(r.to)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <pre>{JSON.stringify(entry.changes, null, 2)}</pre>
        )
      ) : null}
    </details>
  );
}
