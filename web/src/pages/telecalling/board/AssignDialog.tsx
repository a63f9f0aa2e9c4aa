// Bulk assignment: pick leads (or take the ones chosen on the page), pick a
// telecaller or "automatically, by the store's rule", and see what happened
// to each lead. The server checks store membership and the cap (409).
import { useId, useMemo, useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, EmptyState, ErrorState, Loading } from '../../../components/ui';
import { Icon } from '../../../components/Icon';
import { Modal } from '../../../components/Modal';
import { LoadMore } from '../../../components/LoadMore';
import { usePaged } from '../../../lib/usePaged';
import { agentStatusLabel, assignError, assignSummary } from '../../../lib/wallboard';
import { TC_KEYS, telecallingApi, type AgentTile, type AssignResult, type LeadFilters, type LeadItem } from './api';
import { useNow } from './hooks';
import { LeadRow } from './shared';

const AUTO = 'auto';

/** Where the leads come from: chosen on the page, or a list to choose from. */
export type AssignSource = { kind: 'chosen'; leads: LeadItem[] } | { kind: 'list'; filters: LeadFilters; emptyText: string };

export function AssignDialog({
  open,
  onOpenChange,
  title,
  description,
  source,
  agents,
  exclude,
  onAssigned,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  description?: string;
  source: AssignSource;
  /** Telecallers who could take leads (from the board). */
  agents: readonly AgentTile[];
  /** Someone not offered (whose leads these are). */
  exclude?: string;
  onAssigned?: (result: AssignResult) => void;
}) {
  return (
    <Modal open={open} onOpenChange={onOpenChange} title={title} description={description}>
      {open ? (
        <AssignBody source={source} agents={agents} exclude={exclude} onAssigned={onAssigned} onClose={() => onOpenChange(false)} />
      ) : null}
    </Modal>
  );
}

function AssignBody({
  source,
  agents,
  exclude,
  onAssigned,
  onClose,
}: {
  source: AssignSource;
  agents: readonly AgentTile[];
  exclude: string | undefined;
  onAssigned: ((result: AssignResult) => void) | undefined;
  onClose: () => void;
}) {
  const qc = useQueryClient();
  const now = useNow();
  const legendId = useId();
  const [picked, setPicked] = useState<Map<string, LeadItem>>(new Map());
  const [target, setTarget] = useState<string>(AUTO);
  const [summary, setSummary] = useState<string | null>(null);
  const [localError, setLocalError] = useState<string | null>(null);

  const listed = source.kind === 'list';
  const list = usePaged(
    [...TC_KEYS.leads, 'assign', listed ? source.filters : null],
    (cursor) => telecallingApi.leads({ ...(listed ? source.filters : {}), open: true, cursor, limit: 50 }),
    listed,
  );
  // Leads chosen on the page are fixed while the dialog is open (the page may clear its selection after assigning).
  const [given] = useState(() => (source.kind === 'chosen' ? source.leads : []));
  const chosen = useMemo(() => (listed ? [...picked.values()] : given), [listed, picked, given]);
  const storeIds = useMemo(() => [...new Set(chosen.map((l) => l.store_id))], [chosen]);
  // The server only gives leads to telecallers of every lead's store.
  const offered = agents.filter((a) => a.user_id !== exclude && (storeIds.length === 0 || storeIds.every((s) => a.store_ids.includes(s))));
  const nameOf = (id: string) => agents.find((a) => a.user_id === id)?.name;

  const assign = useMutation({
    mutationFn: () =>
      telecallingApi.assign(
        chosen.map((l) => l.id),
        target === AUTO ? null : target,
      ),
    onSuccess: async (result) => {
      const already = target === AUTO ? 0 : chosen.filter((l) => l.assigned_to === target).length;
      setSummary(assignSummary(result, nameOf, already));
      setPicked(new Map());
      onAssigned?.(result);
      await qc.invalidateQueries({ queryKey: TC_KEYS.root });
    },
  });

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setSummary(null);
    if (chosen.length === 0) {
      setLocalError('Choose at least one lead.');
      return;
    }
    if (chosen.length > 500) {
      setLocalError('Assign at most 500 leads at a time.');
      return;
    }
    setLocalError(null);
    assign.mutate();
  };

  const toggle = (lead: LeadItem, on: boolean) =>
    setPicked((m) => {
      const next = new Map(m);
      if (on) next.set(lead.id, lead);
      else next.delete(lead.id);
      return next;
    });
  const allShown = listed && list.items.length > 0 && list.items.every((l) => picked.has(l.id));
  const toggleAll = (on: boolean) =>
    setPicked((m) => {
      const next = new Map(m);
      for (const l of list.items) {
        if (on) next.set(l.id, l);
        else next.delete(l.id);
      }
      return next;
    });

  const error = localError ?? (assign.error ? assignError(assign.error) : null);

  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Assign leads">
      {listed ? (
        list.isPending ? (
          <Loading label="Loading leads…" />
        ) : list.isError ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : list.items.length === 0 ? (
          <EmptyState title="No leads here">
            <p>{source.emptyText}</p>
          </EmptyState>
        ) : (
          <div>
            <div className="tc-select-all">
              <label className="check">
                <input type="checkbox" checked={allShown} onChange={(e) => toggleAll(e.target.checked)} />
                <span>Select all shown ({list.items.length})</span>
              </label>
              <span className="muted small" aria-live="polite">
                {picked.size} selected
              </span>
            </div>
            <div className="tc-modal-list">
              <ul className="list tc-lead-list" aria-label="Leads to assign">
                {list.items.map((l) => (
                  <LeadRow key={l.id} lead={l} now={now} selected={picked.has(l.id)} onToggle={(on) => toggle(l, on)} />
                ))}
              </ul>
            </div>
            {list.hasNextPage ? (
              <LoadMore
                hasMore
                loading={list.isFetchingNextPage}
                onLoad={() => void list.fetchNextPage()}
                count={list.items.length}
                noun="leads"
                one="lead"
              />
            ) : null}
          </div>
        )
      ) : (
        <p>
          <strong>{chosen.length}</strong> {chosen.length === 1 ? 'lead' : 'leads'} chosen
          {storeIds.length > 1 ? ` from ${storeIds.length} stores` : ''}.
        </p>
      )}
      <fieldset className="tc-targets" aria-describedby={`${legendId}-hint`}>
        <legend>Assign to</legend>
        <p className="field-hint" id={`${legendId}-hint`}>
          Only telecallers who work at {storeIds.length > 1 ? 'every chosen lead’s store' : 'the lead’s store'} are offered; the store’s cap
          on open leads applies.
        </p>
        <label className="tc-target">
          <input type="radio" name="assign-target" value={AUTO} checked={target === AUTO} onChange={() => setTarget(AUTO)} />
          <span className="tc-target-text">
            Automatically, by the store’s rule
            <span className="muted small">Online telecallers who are not on break, under the cap.</span>
          </span>
        </label>
        {offered.map((a) => (
          <label key={a.user_id} className="tc-target">
            <input
              type="radio"
              name="assign-target"
              value={a.user_id}
              checked={target === a.user_id}
              onChange={() => setTarget(a.user_id)}
            />
            <span className="tc-target-text">
              {a.name}
              <span className="muted small">
                {agentStatusLabel(a.status)} · {a.open_leads} open {a.open_leads === 1 ? 'lead' : 'leads'}
              </span>
            </span>
          </label>
        ))}
        {offered.length === 0 ? (
          <p className="muted small">No telecaller works at {storeIds.length > 1 ? 'all these stores' : 'this store'}.</p>
        ) : null}
      </fieldset>
      {error ? (
        <div className="alert alert-error" role="alert">
          <Icon name="alert" size={20} />
          <div>
            <p>{error}</p>
          </div>
        </div>
      ) : null}
      <div role="status" aria-live="polite">
        {summary ? (
          <div className="alert alert-success">
            <Icon name="check" size={20} />
            <div>
              <p>{summary}</p>
            </div>
          </div>
        ) : null}
      </div>
      <div className="form-actions">
        <Button variant="ghost" onClick={onClose}>
          {summary ? 'Done' : 'Cancel'}
        </Button>
        {source.kind === 'chosen' && summary ? null : (
          <Button type="submit" variant="primary" icon="check" busy={assign.isPending}>
            {chosen.length > 1 ? `Assign ${chosen.length} leads` : 'Assign'}
          </Button>
        )}
      </div>
    </form>
  );
}
