// Import customers from a file: upload → match columns → check the report →
// import with live progress; past imports below (the import record).
import { useEffect, useId, useMemo, useRef, useState, type DragEvent } from 'react';
import { Link } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { importsApi } from '../../api/endpoints';
import { ApiError } from '../../api/problem';
import type { DateOrder, Import, Upload } from '../../api/types';
import { useMe } from '../../auth/useAuth';
import { Button, Card, CheckField, ChipGroup, FormError, PageHeader, SelectField } from '../../components/ui';
import { Icon } from '../../components/Icon';
import { sentence } from '../../lib/customers';
import { IMPORT_ACCEPT, checkImportFile, formatBytes, importContentType, importUploadError } from '../../lib/files';
import { useTitle } from '../../lib/forms';
import { useFormat } from '../../lib/locale';
import { PATHS } from '../../lib/nav';
import {
  DATE_ORDER_OPTIONS,
  assignColumn,
  fieldLabel,
  initialMapping,
  mappingProblems,
  sampleValues,
  toValidateInput,
  type Mapping,
} from '../../lib/imports';
import { defaultStoreId, useStores } from './hooks';
import { ImportCounts, ImportHistory, ImportProgress, ImportReportView } from './imports';

type Step = 'upload' | 'map' | 'check' | 'import';

const STEPS: { step: Step; label: string }[] = [
  { step: 'upload', label: 'Choose a file' },
  { step: 'map', label: 'Match columns' },
  { step: 'check', label: 'Check' },
  { step: 'import', label: 'Import' },
];

export default function ImportPage() {
  useTitle('Import customers');
  const [step, setStep] = useState<Step>('upload');
  const [upload, setUpload] = useState<Upload | null>(null);
  const [checked, setChecked] = useState<Import | null>(null);
  const [round, setRound] = useState(0);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const first = useRef(true);

  // Each step's heading takes focus, so screen readers announce where they are.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    headingRef.current?.focus();
  }, [step]);

  const restart = () => {
    setUpload(null);
    setChecked(null);
    setStep('upload');
    setRound((r) => r + 1);
  };
  const index = STEPS.findIndex((s) => s.step === step);
  const title = STEPS[index]?.label ?? '';

  return (
    <>
      <p className="breadcrumb">
        <Link to={PATHS.customers}>
          <Icon name="back" size={18} /> Customers
        </Link>
      </p>
      <PageHeader
        title="Import customers"
        description="Bring customers in from a spreadsheet or another CRM: CSV, Excel (.xlsx) or JSON. Nothing is saved until you confirm."
      />
      <ol className="steps" aria-label="Import steps">
        {STEPS.map((s, i) => (
          <li
            key={s.step}
            className={i < index ? 'is-done' : i === index ? 'is-current' : undefined}
            aria-current={i === index ? 'step' : undefined}
          >
            <span className="step-number" aria-hidden="true">
              {i < index ? <Icon name="check" size={18} /> : i + 1}
            </span>
            <span className="step-label">
              {s.label}
              {i < index ? <span className="visually-hidden"> (done)</span> : null}
            </span>
          </li>
        ))}
      </ol>
      <section className="card wizard-step" aria-labelledby="import-step-title">
        <h2 id="import-step-title" ref={headingRef} tabIndex={-1}>
          <span className="visually-hidden">
            Step {index + 1} of {STEPS.length}:{' '}
          </span>
          {title}
        </h2>
        {step === 'upload' ? (
          <UploadStep
            key={round}
            onUploaded={(u) => {
              setUpload(u);
              setChecked(null);
              setStep('map');
            }}
          />
        ) : null}
        {step === 'map' && upload ? (
          <MapStep
            upload={upload}
            previous={checked}
            onBack={restart}
            onChecked={(i) => {
              setChecked(i);
              setStep('check');
            }}
          />
        ) : null}
        {step === 'check' && checked ? (
          <CheckStep record={checked} onBack={() => setStep('map')} onStarted={() => setStep('import')} />
        ) : null}
        {step === 'import' && checked ? <ImportProgress id={checked.id} onAnother={restart} /> : null}
      </section>
      <Card title="Past imports" className="import-history">
        <ImportHistory />
      </Card>
    </>
  );
}

function UploadStep({ onUploaded }: { onUploaded: (u: Upload) => void }) {
  const id = useId();
  const qc = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const upload = useMutation({
    mutationFn: (f: File) => importsApi.upload(f, f.name, importContentType(f.name) ?? 'text/csv'),
    onSuccess: async (u) => {
      await qc.invalidateQueries({ queryKey: ['imports', 'list'] });
      onUploaded(u);
    },
  });

  const choose = (f: File | null) => {
    upload.reset();
    setFile(f);
    setProblem(f ? checkImportFile(f) : null);
  };
  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    setDragging(false);
    const f = e.dataTransfer.files[0];
    if (f) choose(f);
  };
  const error = problem ?? (upload.error ? importUploadError(upload.error) : null);

  return (
    <div className="form">
      <div
        className={`drop-zone${dragging ? ' is-dragging' : ''}${error ? ' field-invalid' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <Icon name="upload" size={32} />
        <div className="field">
          <label htmlFor={id}>Customer file</label>
          <input
            id={id}
            type="file"
            accept={IMPORT_ACCEPT}
            onChange={(e) => choose(e.target.files?.[0] ?? null)}
            aria-invalid={error ? true : undefined}
            aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
          />
          <p className="field-hint" id={`${id}-hint`}>
            CSV, Excel (.xlsx) or JSON, up to 20 MB. The first row names the columns. You can also drop the file here.
          </p>
        </div>
      </div>
      {file && !error ? (
        <p className="chosen-file">
          <Icon name="file" size={20} /> {file.name} · {formatBytes(file.size)}
        </p>
      ) : null}
      {error ? (
        <p className="alert alert-error" id={`${id}-error`} role="alert">
          <Icon name="alert" size={20} /> {error}
        </p>
      ) : null}
      <div className="button-row">
        <Button
          variant="primary"
          icon="upload"
          disabled={!file || problem !== null}
          busy={upload.isPending}
          onClick={() => file && upload.mutate(file)}
        >
          Upload and continue
        </Button>
      </div>
    </div>
  );
}

function MapStep({
  upload,
  previous,
  onBack,
  onChecked,
}: {
  upload: Upload;
  previous: Import | null;
  onBack: () => void;
  onChecked: (i: Import) => void;
}) {
  const me = useMe();
  const fmt = useFormat();
  const headers = upload.import.headers;
  const { stores, isPending: storesPending } = useStores();
  const usable = useMemo(
    () => stores.filter((s) => s.active && (me.user.role === 'business_admin' || me.user.store_ids.includes(s.id))),
    [stores, me.user.role, me.user.store_ids],
  );
  const [mapping, setMapping] = useState<Mapping>(() => {
    const saved = previous?.mapping as Mapping | null | undefined;
    return saved
      ? { ...initialMapping(headers, {}, upload.fields), ...saved }
      : initialMapping(headers, upload.suggested_mapping, upload.fields);
  });
  const [storeId, setStoreId] = useState<string>(previous?.home_store_id ?? '');
  const [order, setOrder] = useState<DateOrder>(previous?.date_order === 'mdy' ? 'mdy' : 'dmy');
  const [moved, setMoved] = useState('');
  const [tried, setTried] = useState(false);
  const chosenStore = storeId || defaultStoreId(usable, me.user.store_ids);

  const qc = useQueryClient();
  const validate = useMutation({
    mutationFn: () => importsApi.validate(upload.import.id, toValidateInput(mapping, chosenStore, order)),
    onSuccess: (i) => {
      void qc.invalidateQueries({ queryKey: ['imports', 'list'] });
      onChecked(i);
    },
  });

  const server: Record<string, string> = {};
  if (validate.error instanceof ApiError) {
    for (const e of validate.error.errors) if (!(e.field in server)) server[e.field] = sentence(e.message);
  }
  const local = tried ? mappingProblems(mapping) : {};
  const fe = { ...server, ...local };
  const known = (k: string) => k === 'mapping' || k === 'home_store_id' || k === 'date_order' || k.startsWith('mapping.');
  const banner =
    validate.error && !(validate.error instanceof ApiError && validate.error.status === 422 && Object.keys(server).every(known))
      ? validate.error
      : null;

  const fieldOptions = [{ value: '', label: 'Skip this column' }, ...upload.fields.map((f) => ({ value: f, label: fieldLabel(f) }))];
  const matched = headers.filter((h) => mapping[h]).length;

  const submit = () => {
    setTried(true);
    validate.reset();
    if (Object.keys(mappingProblems(mapping)).length > 0) return;
    validate.mutate();
  };

  return (
    <div className="form">
      <p>
        <strong>{upload.import.filename}</strong>: {fmt.number(upload.import.total_rows)} rows, {headers.length} columns. We matched{' '}
        {matched} of them; check each column. Columns set to “Skip” are not imported.
      </p>
      {fe.mapping ? (
        <p className="alert alert-error" role="alert">
          <Icon name="alert" size={20} /> {fe.mapping}
        </p>
      ) : null}
      <ul className="mapping-list" aria-label="Columns of the file">
        {headers.map((h, i) => {
          const samples = sampleValues(headers, upload.preview, h);
          const suggested = upload.suggested_mapping[h];
          return (
            <li key={`${i}:${h}`} className="mapping-row">
              <SelectField
                label={h.trim() ? `Column “${h}”` : `Column ${i + 1} (no name)`}
                name={`map-${h}`}
                value={mapping[h] ?? ''}
                options={fieldOptions}
                hint={samples.length > 0 ? `e.g. ${samples.join(' · ')}` : 'Empty in the first rows.'}
                error={fe[`mapping.${h}`]}
                onChange={(e) => {
                  const { mapping: next, cleared } = assignColumn(mapping, h, e.target.value);
                  setMapping(next);
                  setMoved(cleared ? `${fieldLabel(e.target.value)} moved from “${cleared}” to “${h}”; “${cleared}” is now skipped.` : '');
                }}
              />
              {suggested && mapping[h] === suggested ? <span className="badge badge-good mapping-suggested">Suggested</span> : null}
            </li>
          );
        })}
      </ul>
      <p className="visually-hidden" role="status" aria-live="polite">
        {moved}
      </p>
      {moved ? <p className="muted small">{moved}</p> : null}

      {upload.preview.length > 0 ? (
        <div className="table-scroll" role="region" aria-labelledby="import-preview-caption" tabIndex={0}>
          <table className="data-table">
            <caption id="import-preview-caption">First rows of the file</caption>
            <thead>
              <tr>
                <th scope="col">Row</th>
                {headers.map((h, i) => (
                  <th key={`${i}:${h}`} scope="col">
                    {h.trim() ? h : `Column ${i + 1}`}
                    <span className="th-field">{mapping[h] ? fieldLabel(mapping[h]) : 'Skipped'}</span>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {upload.preview.map((row, i) => (
                <tr key={i}>
                  <th scope="row">{i + 2}</th>
                  {headers.map((h, j) => (
                    <td key={`${j}:${h}`} className={mapping[h] ? undefined : 'is-skipped'}>
                      {row[j] ?? ''}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}

      <div className="form-row">
        {usable.length > 1 ? (
          <SelectField
            label="Home store of the imported customers"
            name="home_store_id"
            value={chosenStore}
            options={usable.map((s) => ({ value: s.id, label: s.name }))}
            onChange={(e) => setStoreId(e.target.value)}
            error={fe.home_store_id}
          />
        ) : (
          <p className="field-static">
            <span className="label">Home store</span> {usable[0]?.name ?? (storesPending ? 'Loading…' : 'None')}
          </p>
        )}
      </div>
      {usable.length === 0 && !storesPending ? (
        <p className="alert alert-error" role="alert">
          <Icon name="alert" size={20} /> You are not assigned to a store, so you cannot import customers yet.
        </p>
      ) : null}
      <ChipGroup<DateOrder>
        legend="How dates are written in the file"
        name="date_order"
        options={DATE_ORDER_OPTIONS}
        value={order}
        onChange={setOrder}
        error={fe.date_order}
      />
      <FormError error={banner} />
      <div className="button-row">
        <Button variant="ghost" icon="back" onClick={onBack}>
          Choose another file
        </Button>
        <Button variant="primary" icon="check" busy={validate.isPending} disabled={!chosenStore} onClick={submit}>
          Check the file
        </Button>
      </div>
    </div>
  );
}

function CheckStep({ record, onBack, onStarted }: { record: Import; onBack: () => void; onStarted: () => void }) {
  const fmt = useFormat();
  const qc = useQueryClient();
  const [leads, setLeads] = useState(false);
  const confirm = useMutation({
    mutationFn: () => importsApi.confirm(record.id, leads),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ['imports', 'list'] });
      onStarted();
    },
  });
  return (
    <div className="form">
      <ImportCounts record={record} />
      <ImportReportView record={record} />
      <CheckField
        name="create_leads"
        label="Open a lead for each new customer"
        hint="The telecallers of the import's store get them to call back (enquiry lists, exhibition contacts)."
        checked={leads}
        onChange={setLeads}
      />
      <FormError error={confirm.error} />
      <div className="button-row">
        <Button variant="ghost" icon="back" onClick={onBack}>
          Back to the columns
        </Button>
        <Button
          variant="primary"
          icon="upload"
          busy={confirm.isPending}
          disabled={record.valid_rows === 0}
          onClick={() => confirm.mutate()}
        >
          {record.valid_rows === 0
            ? 'Nothing to import'
            : `Import ${fmt.number(record.valid_rows)} ${record.valid_rows === 1 ? 'customer' : 'customers'}`}
        </Button>
      </div>
    </div>
  );
}
