// The telecaller's live console: my status, today's numbers, my queue, the
// lead on screen with its call card, and the call itself — dial, hang up and
// the disposition, which must be saved before the next lead is served.
// Everything follows `telecalling` events; nothing polls.
import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMe } from '../../auth/useAuth';
import { Button, EmptyState, ErrorState, FormError, Loading, PageHeader } from '../../components/ui';
import { useToast } from '../../components/toast';
import { useTitle } from '../../lib/forms';
import { useFormat } from '../../lib/locale';
import { LEAD_STATE_LABELS, labelOf } from '../../lib/customers';
import { useRealtime } from '../../realtime/context';
import type { RealtimeEvent } from '../../realtime/protocol';
import { TC_KEYS, assignmentFor, currentLeadId, type ConsoleView, type DispositionResult, type LeadItem } from '../../lib/telecalling';
import { useStores } from '../customers/hooks';
import { CallPanel } from './console/CallPanel';
import { LeadCard } from './console/LeadCard';
import { QualifiedCard, QueueCard } from './console/QueueCard';
import { StatusPanel } from './console/StatusPanel';
import { telecallingApi, useNow, useTelecallingLive } from './console/data';
import './console/console.css';

/** Why "Next lead" is off, or null. */
function nextBlockedOf(v: ConsoleView): string | null {
  if (v.open_call) return 'Save the disposition of your current call before the next lead.';
  if (v.me.status === 'break') return 'You are on a break: become available to take leads.';
  if (v.me.status === 'leave') return 'You are on leave.';
  return null;
}

export default function ConsolePage() {
  useTitle('Console');
  const me = useMe();
  const qc = useQueryClient();
  const toast = useToast();
  const fmt = useFormat();
  const realtime = useRealtime();
  const { byId: storeById } = useStores();
  const nextId = useId();
  const nextWhyId = useId();
  const view = useQuery({ queryKey: TC_KEYS.console, queryFn: telecallingApi.console });
  const qualified = useQuery({ queryKey: TC_KEYS.qualified, queryFn: telecallingApi.qualified });
  // undefined: follow the lead the server served; null: none on screen.
  const [chosen, setChosen] = useState<string | null | undefined>(undefined);
  const [focusKey, setFocusKey] = useState(0);
  const [callFocus, setCallFocus] = useState(0);
  const now = useNow(1000);
  const callLeadId = view.data?.open_call?.lead_id ?? null;
  // The lead of the open call (shared with its call card's query).
  const callDetail = useQuery({
    queryKey: TC_KEYS.lead(callLeadId ?? ''),
    queryFn: () => telecallingApi.lead(callLeadId ?? ''),
    enabled: callLeadId !== null,
  });

  const nextBlocked = view.data ? nextBlockedOf(view.data) : null;
  const focusNext = useRef(false);
  useEffect(() => {
    if (!focusNext.current || !view.data || nextBlocked !== null) return;
    focusNext.current = false;
    document.getElementById(nextId)?.focus();
  });

  useTelecallingLive(
    useCallback(
      (ev: RealtimeEvent) => {
        const a = assignmentFor(ev, me.user.id);
        if (!a) return;
        if (a.change === 'gained') {
          toast({ title: `New lead: ${a.name}`, description: 'It is in your queue.', tone: 'info' });
        } else {
          toast({ title: `${a.name} went to a colleague`, description: 'The lead was reassigned.', tone: 'info' });
          const served = qc.getQueryData<ConsoleView>(TC_KEYS.console)?.me.lead_id;
          setChosen((c) => (c === a.leadId || (c === undefined && served === a.leadId) ? null : c));
        }
      },
      [me.user.id, toast, qc],
    ),
  );

  const showLead = (id: string) => {
    setChosen(id);
    setFocusKey((k) => k + 1);
  };

  const status = useMutation({
    mutationFn: telecallingApi.setStatus,
    onSuccess: (v) => {
      qc.setQueryData(TC_KEYS.console, v);
    },
  });

  const next = useMutation({
    mutationFn: telecallingApi.next,
    onSuccess: async (r) => {
      await qc.invalidateQueries({ queryKey: TC_KEYS.console });
      if (r.lead) {
        showLead(r.lead.id);
      } else {
        toast({ title: 'Nothing to call right now', description: 'Your queue and your store’s waiting leads are empty.', tone: 'info' });
      }
    },
  });

  const onSaved = (r: DispositionResult, timeZone: string) => {
    qc.setQueryData<ConsoleView>(TC_KEYS.console, (old) =>
      old ? { ...old, open_call: null, me: { ...old.me, status: 'available', call_id: null } } : old,
    );
    void qc.invalidateQueries({ queryKey: TC_KEYS.console });
    void qc.invalidateQueries({ queryKey: TC_KEYS.lead(r.lead.id) });
    setChosen(r.lead.id);
    toast({
      title: 'Disposition saved',
      description: r.follow_up_at
        ? `${r.lead.customer_name}: call back ${fmt.dateTime(r.follow_up_at, 'datetime', timeZone)}.`
        : `${r.lead.customer_name} is now ${labelOf(LEAD_STATE_LABELS, r.lead.state).toLowerCase()}.`,
      tone: 'success',
    });
    // Keyboard users carry on from "Next lead" (once it is enabled again).
    focusNext.current = true;
  };

  const header = (actions?: ReactNode) => (
    <PageHeader title="Console" description="Your leads and calls, live. New assignments appear here as they happen." actions={actions} />
  );

  if (view.isPending)
    return (
      <>
        {header()}
        <Loading label="Opening your console…" />
      </>
    );
  if (view.isError)
    return (
      <>
        {header()}
        <ErrorState error={view.error} onRetry={() => void view.refetch()} title="Your console could not be loaded" />
      </>
    );

  const v = view.data;
  const openCall = v.open_call ?? null;
  const leadId = currentLeadId(v, chosen);
  const callLead: LeadItem | undefined = openCall ? (callDetail.data?.lead ?? v.queue.find((l) => l.id === openCall.lead_id)) : undefined;
  const callStore = callLead ? storeById.get(callLead.store_id) : undefined;
  const callTz = callStore?.time_zone ?? fmt.settings.timeZone;
  const openLock = openCall ? 'Finish the current call before opening another lead.' : null;
  const offline =
    realtime.enabled &&
    (realtime.state === 'offline' || realtime.state === 'reconnecting' || (realtime.state === 'live' && !v.me.online && !view.isFetching));

  return (
    <>
      {header(
        <div className="next-lead">
          <Button
            id={nextId}
            variant="primary"
            icon="console"
            busy={next.isPending}
            disabled={nextBlocked !== null}
            aria-describedby={nextBlocked ? nextWhyId : undefined}
            onClick={() => next.mutate()}
          >
            Next lead
          </Button>
          {nextBlocked ? (
            <p id={nextWhyId} className="muted small">
              {nextBlocked}
            </p>
          ) : null}
        </div>,
      )}
      <FormError error={next.error} />
      <StatusPanel
        view={v}
        now={now}
        offline={offline}
        busy={status.isPending ? (status.variables ?? null) : null}
        error={status.error}
        onSet={(s) => status.mutate(s)}
      />
      {openCall ? (
        <CallPanel
          key={openCall.id}
          call={openCall}
          customerName={callLead?.customer_name}
          wrapUpSeconds={v.wrap_up_seconds}
          focusKey={callFocus}
          now={now}
          timeZone={callTz}
          storeName={callStore?.name ?? callLead?.store_name}
          onSaved={(r) => onSaved(r, callTz)}
        />
      ) : null}
      <div className="console-grid">
        {leadId ? (
          <LeadCard
            key={leadId}
            leadId={leadId}
            openCall={openCall}
            now={now}
            storeById={storeById}
            focusKey={focusKey}
            onCalled={() => setCallFocus((k) => k + 1)}
            onGone={() => setChosen(null)}
          />
        ) : (
          <section className="card lead-card" aria-label="Current lead">
            <EmptyState title="No lead on screen">
              <p>Press “Next lead” to be served the most urgent one, or open a lead from your queue.</p>
            </EmptyState>
          </section>
        )}
        <div className="console-side">
          <QueueCard queue={v.queue} currentId={leadId} locked={openLock} now={now} storeById={storeById} onOpen={(l) => showLead(l.id)} />
          <QualifiedCard
            leads={(qualified.data?.items ?? []).filter((l) => !l.sales_rep_id)}
            currentId={leadId}
            locked={openLock}
            onOpen={(l) => showLead(l.id)}
          />
        </div>
      </div>
    </>
  );
}
