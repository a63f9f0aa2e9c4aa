// A store's telecalling settings: how leads are assigned, caps, SLA, sticky
// ownership, retries, calling hours, wrap-up and the wallboard's amber/red
// thresholds (each 422 message next to its field); and the store's web forms
// with their public URL and an HTML snippet to paste into a website.
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, describeError } from '../../api/problem';
import { useMe } from '../../auth/useAuth';
import {
  Badge,
  Button,
  Card,
  ChipGroup,
  EmptyState,
  ErrorState,
  FormError,
  Loading,
  PageHeader,
  SelectField,
  TextAreaField,
  TextField,
} from '../../components/ui';
import { Icon } from '../../components/Icon';
import { ConfirmDialog } from '../../components/Modal';
import { useToast } from '../../components/toast';
import { useTitle } from '../../lib/forms';
import { useFormat } from '../../lib/locale';
import {
  ASSIGN_RULES,
  type SETTINGS_NUMBER_FIELDS,
  formSnippet,
  publicFormUrl,
  settingsDraft,
  settingsInput,
  type SettingsDraft,
} from '../../lib/wallboard';
import { defaultStoreId, useStores } from '../customers/hooks';
import { TC_KEYS, telecallingApi, type AssignRule, type LeadForm, type TelecallingSettings, type Thresholds } from './board/api';
import { TelecallingLinks } from './board/shared';

export default function TelecallingSettingsPage() {
  useTitle('Telecalling settings');
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const stores = useStores();
  const active = stores.stores.filter((s) => s.active);
  const storeId = params.get('store') || defaultStoreId(active, me.user.store_ids);
  const store = active.find((s) => s.id === storeId);
  const settings = useQuery({
    queryKey: TC_KEYS.settings(storeId),
    queryFn: () => telecallingApi.settings(storeId),
    enabled: storeId !== '',
  });

  return (
    <>
      <PageHeader
        title="Telecalling settings"
        description="How each store hands out leads, when telecallers may call, and when the wallboard warns you."
      />
      <TelecallingLinks />
      {active.length > 1 ? (
        <div className="wb-toolbar">
          <SelectField
            label="Store"
            name="store"
            value={storeId}
            onChange={(e) => {
              const next = new URLSearchParams(params);
              next.set('store', e.target.value);
              setParams(next, { replace: true });
            }}
            options={active.map((s) => ({ value: s.id, label: s.name }))}
          />
        </div>
      ) : null}
      {stores.isPending ? (
        <Loading />
      ) : stores.isError ? (
        <ErrorState error={stores.error} onRetry={() => void stores.refetch()} />
      ) : !storeId ? (
        <EmptyState title="No store to set up">
          <p>Telecalling settings belong to a store; you are not assigned to one.</p>
        </EmptyState>
      ) : settings.isPending ? (
        <Loading label="Loading settings…" />
      ) : settings.isError ? (
        <ErrorState error={settings.error} onRetry={() => void settings.refetch()} />
      ) : (
        <>
          <SettingsForm key={storeId} storeId={storeId} storeName={store?.name ?? 'this store'} initial={settings.data} />
          <WebForms key={`forms-${storeId}`} storeId={storeId} storeName={store?.name ?? 'this store'} />
        </>
      )}
    </>
  );
}

const FIELD_NAMES: Record<string, string> = {
  rule: 'How leads are assigned',
  max_open_leads: 'Open leads per telecaller',
  sla_minutes: 'Call new leads within',
  sticky_days: 'Sticky owner',
  retry_minutes: 'Retry after no answer',
  max_attempts_per_day: 'Calls per lead per day',
  calling_start: 'Calling from',
  calling_end: 'Calling until',
  wrap_up_seconds: 'Wrap-up time',
  'thresholds.wait_amber_minutes': 'Oldest waiting lead, amber',
  'thresholds.wait_red_minutes': 'Oldest waiting lead, red',
  'thresholds.queue_amber': 'Queue depth, amber',
  'thresholds.queue_red': 'Queue depth, red',
  'thresholds.connect_amber_percent': 'Connect rate, amber',
  'thresholds.connect_red_percent': 'Connect rate, red',
  'thresholds.state_amber_minutes': 'Break or wrap-up, amber',
  'thresholds.state_red_minutes': 'Break or wrap-up, red',
};

const THRESHOLD_GROUPS: { legend: string; hint: string; amber: keyof Thresholds; red: keyof Thresholds; unit: string }[] = [
  {
    legend: 'Oldest waiting lead',
    hint: 'A store tile turns amber, then red, when its oldest uncalled lead has waited this long.',
    amber: 'wait_amber_minutes',
    red: 'wait_red_minutes',
    unit: 'minutes',
  },
  {
    legend: 'Queue depth',
    hint: 'Leads waiting to be called at the store. 0 switches a warning off.',
    amber: 'queue_amber',
    red: 'queue_red',
    unit: 'leads',
  },
  {
    legend: 'Connect rate',
    hint: 'Lower is worse: a tile turns amber, then red, when fewer calls than this connect.',
    amber: 'connect_amber_percent',
    red: 'connect_red_percent',
    unit: '%',
  },
  {
    legend: 'Break or wrap-up',
    hint: 'A telecaller’s tile turns amber, then red, after this long on a break or in wrap-up.',
    amber: 'state_amber_minutes',
    red: 'state_red_minutes',
    unit: 'minutes',
  },
];

function SettingsForm({ storeId, storeName, initial }: { storeId: string; storeName: string; initial: TelecallingSettings }) {
  const toast = useToast();
  const qc = useQueryClient();
  const fmt = useFormat();
  const [d, setD] = useState<SettingsDraft>(() => settingsDraft(initial));
  const [local, setLocal] = useState<Record<string, string>>({});
  const save = useMutation({
    mutationFn: (body: Parameters<typeof telecallingApi.saveSettings>[1]) => telecallingApi.saveSettings(storeId, body),
    onSuccess: async (saved) => {
      qc.setQueryData(TC_KEYS.settings(storeId), saved);
      toast({ title: 'Settings saved', description: storeName, tone: 'success' });
      await qc.invalidateQueries({ queryKey: ['telecalling', 'wallboard'] });
    },
  });
  const server = save.error instanceof ApiError ? save.error.fieldErrors() : {};
  const fe: Record<string, string> = { ...server, ...local };
  const placed = Object.keys(fe).filter((k) => k in FIELD_NAMES);
  const unplaced = save.error instanceof ApiError && save.error.status === 422 && Object.keys(server).some((k) => !(k in FIELD_NAMES));
  const banner = save.error && (!(save.error instanceof ApiError) || save.error.status !== 422 || unplaced) ? save.error : null;

  const set = <K extends keyof SettingsDraft>(k: K, v: SettingsDraft[K]) => setD((x) => ({ ...x, [k]: v }));
  const setT = (k: keyof Thresholds, v: string) => setD((x) => ({ ...x, thresholds: { ...x.thresholds, [k]: v } }));
  const rule = ASSIGN_RULES.find((r) => r.value === d.rule);

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const { input, errors } = settingsInput(d);
    setLocal(errors);
    if (!input) return;
    save.reset();
    save.mutate(input);
  };

  return (
    <Card title={`Assignment and calling at ${storeName}`}>
      <form className="form" onSubmit={submit} noValidate aria-label="Telecalling settings">
        <p className="muted small">Last changed {fmt.dateTime(initial.updated_at)}.</p>
        <ChipGroup<AssignRule>
          legend="How new leads are assigned"
          name="rule"
          options={ASSIGN_RULES.map((r) => ({ value: r.value, label: r.label }))}
          value={d.rule}
          onChange={(v) => set('rule', v)}
          hint={`${rule?.hint ?? ''} Leads only go to telecallers who are online and not on a break or leave; a number called recently goes back to the same telecaller.`}
          error={fe.rule}
        />
        <div className="form-row">
          {NUMBER_FIELDS.map((f) => (
            <TextField
              key={f.key}
              label={`${f.label} (${f.unit})`}
              name={f.key}
              inputMode="numeric"
              value={d[f.key]}
              onChange={(e) => set(f.key, e.target.value)}
              hint={f.hint}
              error={fe[f.key]}
              autoComplete="off"
            />
          ))}
        </div>
        <fieldset className="tc-threshold">
          <legend>Calling hours (the store’s local time)</legend>
          <p className="field-hint">Calls cannot be started outside these hours; retries are scheduled inside them.</p>
          <div className="form-row">
            <TextField
              label="Calling from"
              name="calling_start"
              type="time"
              value={d.calling_start}
              onChange={(e) => set('calling_start', e.target.value)}
              error={fe.calling_start}
            />
            <TextField
              label="Calling until"
              name="calling_end"
              type="time"
              value={d.calling_end}
              onChange={(e) => set('calling_end', e.target.value)}
              error={fe.calling_end}
            />
          </div>
        </fieldset>
        <h3>Wallboard warnings</h3>
        {THRESHOLD_GROUPS.map((g) => (
          <fieldset key={g.legend} className="tc-threshold">
            <legend>{g.legend}</legend>
            <p className="field-hint">{g.hint}</p>
            <div className="form-row">
              <TextField
                label={`Amber at (${g.unit})`}
                name={g.amber}
                inputMode="numeric"
                value={d.thresholds[g.amber]}
                onChange={(e) => setT(g.amber, e.target.value)}
                error={fe[`thresholds.${g.amber}`]}
                autoComplete="off"
              />
              <TextField
                label={`Red at (${g.unit})`}
                name={g.red}
                inputMode="numeric"
                value={d.thresholds[g.red]}
                onChange={(e) => setT(g.red, e.target.value)}
                error={fe[`thresholds.${g.red}`]}
                autoComplete="off"
              />
            </div>
          </fieldset>
        ))}
        {placed.length > 0 ? (
          <div className="alert alert-error" role="alert">
            <Icon name="alert" size={20} />
            <div>
              <p>
                Check {placed.length === 1 ? 'this field' : 'these fields'}: {placed.map((k) => FIELD_NAMES[k] ?? k).join(', ')}.
              </p>
            </div>
          </div>
        ) : null}
        <FormError error={banner} />
        <div className="form-actions">
          <Button type="submit" variant="primary" icon="check" busy={save.isPending}>
            Save settings
          </Button>
        </div>
      </form>
    </Card>
  );
}

const NUMBER_FIELDS: { key: (typeof SETTINGS_NUMBER_FIELDS)[number]; label: string; unit: string; hint: string }[] = [
  {
    key: 'max_open_leads',
    label: 'Open leads per telecaller',
    unit: 'leads',
    hint: 'Nobody is given more than this, by hand or automatically.',
  },
  { key: 'sla_minutes', label: 'Call new leads within', unit: 'minutes', hint: 'Then the lead goes to someone else.' },
  {
    key: 'sticky_days',
    label: 'Sticky owner',
    unit: 'days',
    hint: 'A number called within this many days goes back to the same telecaller. 0: off.',
  },
  { key: 'retry_minutes', label: 'Retry after no answer', unit: 'minutes', hint: 'Within calling hours.' },
  { key: 'max_attempts_per_day', label: 'Calls per lead per day', unit: 'calls', hint: 'Attempts allowed each day.' },
  {
    key: 'wrap_up_seconds',
    label: 'Wrap-up time',
    unit: 'seconds',
    hint: 'After a call; longer shows as overdue on the wallboard.',
  },
];

function WebForms({ storeId, storeName }: { storeId: string; storeName: string }) {
  const toast = useToast();
  const qc = useQueryClient();
  const fmt = useFormat();
  const forms = useQuery({ queryKey: TC_KEYS.forms, queryFn: telecallingApi.forms });
  const mine = (forms.data ?? []).filter((f) => f.store_id === storeId);
  const [name, setName] = useState('');
  const [tried, setTried] = useState(false);
  const [removing, setRemoving] = useState<LeadForm | null>(null);
  const create = useMutation({
    mutationFn: () => telecallingApi.createForm(storeId, name.trim()),
    onSuccess: async (f) => {
      toast({ title: 'Web form created', description: `${f.name}: paste its HTML into your website.`, tone: 'success' });
      setName('');
      setTried(false);
      await qc.invalidateQueries({ queryKey: TC_KEYS.forms });
    },
  });
  const remove = useMutation({
    mutationFn: (f: LeadForm) => telecallingApi.removeForm(f.id),
    onSuccess: async (_, f) => {
      setRemoving(null);
      toast({ title: 'Web form switched off', description: `${f.name} no longer accepts enquiries.`, tone: 'success' });
      await qc.invalidateQueries({ queryKey: TC_KEYS.forms });
    },
    onError: (err) => {
      setRemoving(null);
      toast({ title: 'The web form was not switched off', description: describeError(err), tone: 'error' });
    },
  });
  const nameError =
    (tried && !name.trim() ? 'Give the form a name.' : undefined) ??
    (create.error instanceof ApiError ? create.error.fieldErrors().name : undefined);
  const banner = create.error instanceof ApiError && create.error.status === 422 && create.error.fieldErrors().name ? null : create.error;

  return (
    <Card title={`Web forms of ${storeName}`} className="manage-card">
      <p className="muted">
        Enquiries from your website become leads at this store and are assigned like any other. Each form has its own address; switch a form
        off to stop it at once.
      </p>
      <form
        className="form"
        noValidate
        aria-label="New web form"
        onSubmit={(e) => {
          e.preventDefault();
          setTried(true);
          if (name.trim()) create.mutate();
        }}
      >
        <div className="tc-inline-form">
          <TextField
            label="New form’s name"
            name="form-name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            maxLength={100}
            placeholder="e.g. Website enquiry"
            autoComplete="off"
            error={nameError}
          />
          <Button type="submit" icon="plus" busy={create.isPending}>
            Create web form
          </Button>
        </div>
        <FormError error={banner} />
      </form>
      {forms.isPending ? (
        <Loading label="Loading web forms…" />
      ) : forms.isError ? (
        <ErrorState error={forms.error} onRetry={() => void forms.refetch()} />
      ) : mine.length === 0 ? (
        <p className="muted">No web forms yet.</p>
      ) : (
        <ul className="list compact" aria-label="Web forms">
          {mine.map((f) => (
            <li key={f.id} className="list-item tc-form-item">
              <div className="list-main">
                <p className="list-title">
                  {f.name} {f.active ? <Badge tone="good">On</Badge> : <Badge>Switched off</Badge>}
                </p>
                <p className="muted small">Created {fmt.dateTime(f.created_at, 'date')}</p>
              </div>
              {f.active ? (
                <>
                  <FormEndpoint form={f} />
                  <div>
                    <Button small variant="danger" icon="x" onClick={() => setRemoving(f)}>
                      Switch off<span className="visually-hidden"> {f.name}</span>
                    </Button>
                  </div>
                </>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      <ConfirmDialog
        open={removing !== null}
        onOpenChange={(o) => (o ? undefined : setRemoving(null))}
        title={`Switch off “${removing?.name ?? ''}”?`}
        description="Enquiries sent to its address are refused from now on. Leads it already created stay."
        confirmLabel="Switch off"
        danger
        busy={remove.isPending}
        onConfirm={() => removing && remove.mutate(removing)}
      />
    </Card>
  );
}

function FormEndpoint({ form }: { form: LeadForm }) {
  const toast = useToast();
  const url = publicFormUrl(window.location.origin, form.key);
  const snippet = formSnippet(url);
  const copy = (what: string, text: string) => {
    const done = () => toast({ title: `${what} copied`, tone: 'success' });
    const failed = () => toast({ title: `${what} was not copied`, description: 'Select the text and copy it by hand.', tone: 'error' });
    if (navigator.clipboard?.writeText) void navigator.clipboard.writeText(text).then(done, failed);
    else failed();
  };
  return (
    <div className="tc-form-item tc-form-endpoint">
      <div className="field-static">
        <span className="label" id={`form-url-${form.id}`}>
          Address to post enquiries to
        </span>
        <code className="tc-code" aria-labelledby={`form-url-${form.id}`}>
          {url}
        </code>
      </div>
      <div className="button-row">
        <Button small icon="note" onClick={() => copy('Address', url)}>
          Copy address<span className="visually-hidden"> of {form.name}</span>
        </Button>
        <Button small icon="note" onClick={() => copy('HTML', snippet)}>
          Copy HTML<span className="visually-hidden"> of {form.name}</span>
        </Button>
      </div>
      <details>
        <summary>Show the HTML for your website</summary>
        <div className="tc-snippet">
          <TextAreaField
            label={`HTML form for ${form.name}`}
            name={`snippet-${form.id}`}
            value={snippet}
            readOnly
            rows={12}
            hint="A plain form that posts JSON with fetch: name, phone, email and message, plus a hidden “website” field that only bots fill in (their enquiries are dropped)."
          />
        </div>
      </details>
    </div>
  );
}
