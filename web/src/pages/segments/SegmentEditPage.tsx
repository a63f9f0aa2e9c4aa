// Build or change a saved segment: name, description, an optional tag kept on
// its members, and the rule — with a live count of who matches as you edit.
import { useMemo, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { segmentsApi } from '../../api/endpoints';
import { ApiError } from '../../api/problem';
import type { Segment, SegmentInput } from '../../api/types';
import { Button, EmptyState, ErrorState, FormError, Loading, PageHeader, TextAreaField, TextField } from '../../components/ui';
import { Icon } from '../../components/Icon';
import { useToast } from '../../components/toast';
import { sentence } from '../../lib/customers';
import { useTitle } from '../../lib/forms';
import { useFormat } from '../../lib/locale';
import { PATHS } from '../../lib/nav';
import { useDebounced } from '../../lib/useDebounced';
import {
  autoTagProblem,
  buildRule,
  draftFromRule,
  emptyRuleDraft,
  ruleErrorsFromServer,
  suggestTag,
  type GroupDraft,
} from '../../lib/segments';
import { useStores } from '../customers/hooks';
import { useSegments } from './hooks';
import { RuleEditor } from './RuleEditor';

export function NewSegmentPage() {
  useTitle('New segment');
  const segments = useSegments();
  if (segments.isPending) return <Loading />;
  return <SegmentForm existing={null} all={segments.data ?? []} />;
}

export function EditSegmentPage() {
  const { id = '' } = useParams();
  const segments = useSegments();
  const segment = segments.data?.find((s) => s.id === id);
  useTitle(segment ? `Edit ${segment.name}` : 'Edit segment');
  if (segments.isPending) return <Loading />;
  if (segments.isError) return <ErrorState error={segments.error} onRetry={() => void segments.refetch()} />;
  if (!segment || segment.builtin)
    return (
      <>
        <PageHeader title="Edit segment" />
        <EmptyState title={segment ? 'Built-in segments cannot be changed' : 'This segment is not available'}>
          <p>
            <Link to={PATHS.segments}>Back to segments</Link>
          </p>
        </EmptyState>
      </>
    );
  return <SegmentForm key={segment.id} existing={segment} all={segments.data ?? []} />;
}

const FORM_FIELDS = ['name', 'description', 'auto_tag'];

function SegmentForm({ existing, all }: { existing: Segment | null; all: Segment[] }) {
  const fmt = useFormat();
  const toast = useToast();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const { stores } = useStores();
  const formRef = useRef<HTMLFormElement>(null);
  const [name, setName] = useState(existing?.name ?? '');
  const [description, setDescription] = useState(existing?.description ?? '');
  const [autoTag, setAutoTag] = useState(existing?.auto_tag ?? '');
  const [root, setRoot] = useState<GroupDraft>(() => (existing ? draftFromRule(existing.rule) : emptyRuleDraft()));
  const [tried, setTried] = useState(false);

  const built = useMemo(() => buildRule(root), [root]);
  const ruleJson = JSON.stringify(built.rule);
  const complete = Object.keys(built.errors).length === 0;
  // Counted once editing pauses, and only for a rule the server can read.
  const settled = useDebounced(complete ? ruleJson : '', 400);
  const preview = useQuery({
    queryKey: ['segments', 'preview', settled],
    queryFn: () => segmentsApi.preview(JSON.parse(settled)),
    enabled: settled !== '',
    placeholderData: keepPreviousData,
    retry: false,
    staleTime: 15_000,
  });

  const others = all.filter((s) => s.id !== existing?.id);
  const reserved = all.filter((s) => s.builtin && s.auto_tag).map((s) => s.auto_tag as string);
  const tag = autoTag.trim().toLowerCase();

  const save = useMutation({
    mutationFn: (body: SegmentInput) => (existing ? segmentsApi.update(existing.id, body) : segmentsApi.create(body)),
    onSuccess: async (seg) => {
      toast({ title: existing ? 'Segment saved' : 'Segment created', description: seg.name, tone: 'success' });
      await qc.invalidateQueries({ queryKey: ['segments'] });
      void navigate(`${PATHS.segments}/${encodeURIComponent(seg.id)}`, { replace: true });
    },
  });

  // What to fix: checked here first, then what the server said.
  const local: Record<string, string> = {};
  if (tried) {
    if (!name.trim()) local.name = 'Enter a name for the segment.';
    else if (others.some((s) => s.name.trim().toLowerCase() === name.trim().toLowerCase())) local.name = 'Another segment has this name.';
    const tp = autoTagProblem(autoTag, reserved);
    if (tp) local.auto_tag = tp;
    else if (tag && others.some((s) => s.auto_tag === tag)) local.auto_tag = 'Another segment keeps this tag.';
    Object.assign(local, built.errors);
  }
  const server: Record<string, string> = {};
  if (save.error instanceof ApiError) {
    for (const e of save.error.errors) if (FORM_FIELDS.includes(e.field) && !(e.field in server)) server[e.field] = sentence(e.message);
    Object.assign(server, ruleErrorsFromServer(save.error.errors, built.paths));
  }
  const previewErrors =
    preview.error instanceof ApiError && settled === ruleJson ? ruleErrorsFromServer(preview.error.errors, built.paths) : {};
  const fe: Record<string, string> = { ...previewErrors, ...server, ...local };
  const conflict = save.error instanceof ApiError && save.error.status === 409;
  const explained = save.error instanceof ApiError && save.error.status === 422 && Object.keys(server).length > 0;
  const banner = save.error && !conflict && !explained ? save.error : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    save.reset();
    const problems =
      !name.trim() ||
      autoTagProblem(autoTag, reserved) !== null ||
      others.some((s) => s.name.trim().toLowerCase() === name.trim().toLowerCase()) ||
      (tag !== '' && others.some((s) => s.auto_tag === tag)) ||
      !complete;
    if (problems) {
      requestAnimationFrame(() => {
        const first = formRef.current?.querySelector<HTMLElement>('.field-invalid');
        first?.scrollIntoView({ block: 'center' });
        first?.querySelector<HTMLElement>('input, textarea, select')?.focus({ preventScroll: true });
      });
      return;
    }
    save.mutate({ name: name.trim(), description: description.trim() || null, rule: built.rule, auto_tag: tag || null });
  };

  const count = preview.data;
  return (
    <>
      <p className="breadcrumb">
        <Link to={existing ? `${PATHS.segments}/${encodeURIComponent(existing.id)}` : PATHS.segments}>
          <Icon name="back" size={18} /> {existing ? existing.name : 'Segments'}
        </Link>
      </p>
      <PageHeader
        title={existing ? `Edit ${existing.name}` : 'New segment'}
        description="Describe who belongs in it; the count updates as you go."
      />
      <form ref={formRef} className="form segment-form" onSubmit={submit} noValidate aria-label={existing ? 'Edit segment' : 'New segment'}>
        <section className="card form" aria-labelledby="segment-about">
          <h2 id="segment-about">About</h2>
          <TextField
            label="Name"
            name="name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            maxLength={120}
            autoComplete="off"
            error={fe.name}
          />
          <TextAreaField
            label="Description (optional)"
            name="description"
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            maxLength={500}
            rows={2}
            error={fe.description}
          />
          <TextField
            label="Auto tag (optional)"
            name="auto_tag"
            value={autoTag}
            onChange={(e) => setAutoTag(e.target.value)}
            maxLength={40}
            autoComplete="off"
            autoCapitalize="off"
            spellCheck={false}
            placeholder={suggestTag(name) || 'e.g. chennai-regulars'}
            hint="Every member gets this tag, kept up to date as customers change. Lower-case letters, digits and hyphens."
            error={fe.auto_tag}
          />
        </section>
        <section className="card form" aria-labelledby="segment-rule">
          <h2 id="segment-rule">Who is in it</h2>
          <RuleEditor root={root} onChange={setRoot} errors={tried ? fe : { ...previewErrors, ...server }} stores={stores} />
        </section>
        {conflict ? (
          <div className="alert alert-error" role="alert">
            <Icon name="alert" size={20} />
            <p>A segment with this name or auto tag already exists. Choose another name or tag.</p>
          </div>
        ) : null}
        <FormError error={banner} />
        {tried && Object.keys(local).length > 0 ? (
          <p className="alert alert-error" role="alert">
            <Icon name="alert" size={20} /> Some answers are missing or need a fix — see the highlighted fields above.
          </p>
        ) : null}
        <div className="form-actions sticky-actions segment-actions">
          <p className="live-count" role="status" aria-live="polite" aria-atomic="true">
            {!complete ? (
              <span className="muted">Complete every condition to see how many customers match.</span>
            ) : preview.isError && !(preview.error instanceof ApiError && preview.error.status === 422) ? (
              <span className="muted">The count is not available right now.</span>
            ) : Object.keys(previewErrors).length > 0 ? (
              <span className="muted">Fix the highlighted conditions to see a count.</span>
            ) : count ? (
              <>
                <strong>{fmt.number(count.count)}</strong> {count.count === 1 ? 'customer matches' : 'customers match'}
                <span className="muted small">
                  {' '}
                  · {preview.isFetching || settled !== ruleJson ? 'updating…' : `counted in ${fmt.number(count.took_ms)} ms`}
                </span>
              </>
            ) : (
              <span className="muted">Counting…</span>
            )}
          </p>
          <div className="button-row">
            <Link to={existing ? `${PATHS.segments}/${encodeURIComponent(existing.id)}` : PATHS.segments} className="btn btn-ghost">
              Cancel
            </Link>
            <Button type="submit" variant="primary" icon="check" busy={save.isPending}>
              {existing ? 'Save segment' : 'Create segment'}
            </Button>
          </div>
        </div>
      </form>
    </>
  );
}
