// The manager's live wallboard: the floor's totals, each store's queue and
// each telecaller's status with time in state, turning amber and red past the
// store's thresholds (with words and an icon, not only colour). Refetched on
// telecalling and presence events; counters tick every second on the device.
// Leads are (re)assigned in bulk from the tiles.
import { useEffect, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { describeError } from '../../api/problem';
import { Button, EmptyState, ErrorState, Loading, PageHeader, SelectField, TextField } from '../../components/ui';
import { Icon } from '../../components/Icon';
import { Modal } from '../../components/Modal';
import { useToast } from '../../components/toast';
import { useTitle } from '../../lib/forms';
import { useFormat } from '../../lib/locale';
import { useRealtime } from '../../realtime/context';
import {
  DEFAULT_THRESHOLDS,
  LEVEL_TEXT,
  connectLevel,
  durationInWords,
  elapsedSeconds,
  formatDuration,
  levelBelow,
  parseLanguages,
  percent,
  queueLevel,
  stateLevel,
  statusChanges,
  strictest,
  waitLevel,
  worst,
  type Level,
} from '../../lib/wallboard';
import { useStores } from '../customers/hooks';
import { TC_KEYS, TC_PATHS, telecallingApi, type AgentTile, type StoreTile, type Thresholds } from './board/api';
import { AssignDialog, type AssignSource } from './board/AssignDialog';
import { useLiveRefresh, useNow, useWallboard, type BoardSnapshot } from './board/hooks';
import { AgentStatusBadge, LevelMark, TelecallingLinks } from './board/shared';

type Assigning = { title: string; description: string; source: AssignSource; exclude?: string };

export default function WallboardPage() {
  useTitle('Wallboard');
  const fmt = useFormat();
  const { state: live } = useRealtime();
  const [params, setParams] = useSearchParams();
  const storeId = params.get('store') ?? '';
  const { stores } = useStores();
  const board = useWallboard(storeId);
  // Presence too: a telecaller opening or closing the app goes online or offline.
  useLiveRefresh([TC_KEYS.root], ['telecalling', 'presence']);
  const [assigning, setAssigning] = useState<Assigning | null>(null);
  const [languagesOf, setLanguagesOf] = useState<AgentTile | null>(null);

  // Status changes are read out politely (the tiles themselves are not a live region).
  const [announcement, setAnnouncement] = useState('');
  const previous = useRef<BoardSnapshot['agents'] | null>(null);
  useEffect(() => {
    const agents = board.data?.agents;
    if (!agents) return;
    if (previous.current) {
      const changes = statusChanges(previous.current, agents);
      if (changes.length > 0) setAnnouncement(`${changes.join('. ')}.`);
    }
    previous.current = agents;
  }, [board.data]);

  const setStore = (id: string) => {
    const next = new URLSearchParams(params);
    if (id) next.set('store', id);
    else next.delete('store');
    setParams(next, { replace: true });
    previous.current = null;
  };

  const activeStores = stores.filter((s) => s.active);
  const data = board.data;
  const thresholdsOf = (id: string): Thresholds => data?.stores.find((s) => s.store_id === id)?.thresholds ?? DEFAULT_THRESHOLDS;

  return (
    <>
      <PageHeader title="Wallboard" description="Your telecallers and queues, live. Tiles turn amber or red past the store’s thresholds." />
      <TelecallingLinks />
      <div className="wb-toolbar">
        {activeStores.length > 1 ? (
          <SelectField
            label="Store"
            name="store"
            value={storeId}
            onChange={(e) => setStore(e.target.value)}
            options={[{ value: '', label: 'All my stores' }, ...activeStores.map((s) => ({ value: s.id, label: s.name }))]}
          />
        ) : null}
        {data ? (
          <p className="wb-updated muted small">
            {live === 'live' ? 'Live' : 'Live updates paused'} · board as of {fmt.dateTime(data.generated_at, 'time')}
            {live !== 'live' ? (
              <>
                {' '}
                <Button small variant="ghost" onClick={() => void board.refetch()} busy={board.isFetching}>
                  Refresh
                </Button>
              </>
            ) : null}
          </p>
        ) : null}
      </div>
      <p className="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </p>
      {board.isPending ? (
        <Loading label="Loading the board…" />
      ) : board.isError ? (
        <ErrorState error={board.error} onRetry={() => void board.refetch()} />
      ) : data ? (
        <>
          <TotalsStrip board={data} />
          <section className="wb-section" aria-labelledby="wb-queues">
            <h2 id="wb-queues">Queues</h2>
            {data.stores.length === 0 ? (
              <EmptyState title="No stores on the board" />
            ) : (
              <ul className="wb-grid" aria-label="Store queues">
                {data.stores.map((s) => (
                  <StoreQueueTile
                    key={s.store_id}
                    store={s}
                    skewMs={data.skewMs}
                    onAssign={() =>
                      setAssigning({
                        title: `Waiting leads at ${s.name}`,
                        description: 'Leads nobody holds. Choose some and who takes them.',
                        source: {
                          kind: 'list',
                          filters: { store_id: s.store_id, unassigned: true },
                          emptyText: 'Every open lead at this store has a telecaller.',
                        },
                      })
                    }
                  />
                ))}
              </ul>
            )}
          </section>
          <section className="wb-section" aria-labelledby="wb-agents">
            <h2 id="wb-agents">
              Telecallers <span className="muted small">{data.agents.length}</span>
            </h2>
            {data.agents.length === 0 ? (
              <EmptyState title="No telecallers here yet">
                <p>Add telecallers to this store from the team page; they appear here once they sign in.</p>
              </EmptyState>
            ) : (
              <ul className="wb-grid" aria-label="Telecallers">
                {data.agents.map((a) => (
                  <AgentCard
                    key={a.user_id}
                    agent={a}
                    thresholds={thresholdsOf(a.store_ids[0] ?? '')}
                    skewMs={data.skewMs}
                    onReassign={() =>
                      setAssigning({
                        title: `${a.name}’s open leads`,
                        description: 'Choose leads to give to someone else, or to hand out by the store’s rule.',
                        source: { kind: 'list', filters: { assigned_to: a.user_id }, emptyText: `${a.name} holds no open leads.` },
                        exclude: a.user_id,
                      })
                    }
                    onLanguages={() => setLanguagesOf(a)}
                  />
                ))}
              </ul>
            )}
          </section>
        </>
      ) : null}
      {assigning ? (
        <AssignDialog
          open
          onOpenChange={(o) => (o ? undefined : setAssigning(null))}
          title={assigning.title}
          description={assigning.description}
          source={assigning.source}
          agents={data?.agents ?? []}
          exclude={assigning.exclude}
        />
      ) : null}
      {languagesOf ? <LanguagesDialog agent={languagesOf} onClose={() => setLanguagesOf(null)} /> : null}
    </>
  );
}

function Kpi({ label, value, level = 'ok', hint, note }: { label: string; value: string; level?: Level; hint?: string; note?: string }) {
  return (
    <div className={`wb-kpi${level !== 'ok' ? ` wb-${level}` : ''}`}>
      <dt>{label}</dt>
      <dd>{value}</dd>
      {note ? <dd className="muted small">{note}</dd> : null}
      {level !== 'ok' ? (
        <dd>
          <LevelMark level={level}>{hint ? `${LEVEL_TEXT[level]}: ${hint}` : undefined}</LevelMark>
        </dd>
      ) : null}
    </div>
  );
}

function TotalsStrip({ board }: { board: BoardSnapshot }) {
  const fmt = useFormat();
  const t = board.totals;
  const th = strictest(
    board.stores.map((s) => s.thresholds),
    DEFAULT_THRESHOLDS,
  );
  const connect: Level = t.calls_today > 0 ? levelBelow(t.connect_rate_percent, th.connect_amber_percent, th.connect_red_percent) : 'ok';
  return (
    <section className="wb-section" aria-labelledby="wb-today">
      <h2 id="wb-today">
        Today <span className="muted small">since {fmt.dateTime(board.day_started_at, 'datetime')}</span>
      </h2>
      <dl className="wb-kpis">
        <Kpi label="Telecallers on duty" value={fmt.number(t.agents_online)} note="Online, not on a break or leave" />
        <Kpi label="Calls today" value={fmt.number(t.calls_today)} />
        <Kpi label="Calls in the last hour" value={fmt.number(t.calls_last_hour)} />
        <Kpi
          label="Connect rate"
          value={t.calls_today > 0 ? `${t.connect_rate_percent}%` : '—'}
          level={connect}
          hint={`below ${connect === 'red' ? th.connect_red_percent : th.connect_amber_percent}%`}
        />
        <Kpi label="Average handle time" value={t.calls_today > 0 ? formatDuration(t.average_handle_seconds) : '—'} />
        <Kpi label="Occupancy now" value={t.agents_online > 0 ? `${t.occupancy_percent}%` : '—'} />
        <Kpi label="Conversions" value={fmt.number(t.conversions_today)} />
        <Kpi label="SLA breaches" value={fmt.number(t.sla_breaches_today)} />
        <Kpi label="Overdue follow-ups" value={fmt.number(t.overdue_follow_ups)} />
        <Kpi label="Waiting to be called" value={fmt.number(t.queue_depth)} />
      </dl>
    </section>
  );
}

function StoreQueueTile({ store: s, skewMs, onAssign }: { store: StoreTile; skewMs: number; onAssign: () => void }) {
  const now = useNow();
  const fmt = useFormat();
  const t = s.thresholds;
  const waited = s.oldest_waiting_at ? elapsedSeconds(s.oldest_waiting_at, now, skewMs) : null;
  const wait = waitLevel(waited, t);
  const queue = queueLevel(s.queue_depth, t);
  const level = worst(wait, queue);
  const headingId = `store-${s.store_id}`;
  return (
    <li className={`wb-tile${level !== 'ok' ? ` wb-${level}` : ''}`} aria-labelledby={headingId}>
      <div className="wb-tile-head">
        <h3 id={headingId}>{s.name}</h3>
        <LevelMark level={level} showOk />
      </div>
      {level !== 'ok' ? (
        <ul className="wb-reasons">
          {queue !== 'ok' ? (
            <li className={`wb-level-${queue}`}>
              <Icon name="alert" size={16} /> {s.queue_depth} waiting to be called ({queue} from{' '}
              {queue === 'red' ? t.queue_red : t.queue_amber})
            </li>
          ) : null}
          {wait !== 'ok' && waited !== null ? (
            <li className={`wb-level-${wait}`}>
              <Icon name="alert" size={16} /> Oldest lead waiting {formatDuration(waited)} ({wait} from{' '}
              {wait === 'red' ? t.wait_red_minutes : t.wait_amber_minutes} min)
            </li>
          ) : null}
        </ul>
      ) : null}
      <dl className="wb-metrics">
        <div>
          <dt>Waiting to be called</dt>
          <dd>{fmt.number(s.queue_depth)}</dd>
        </div>
        <div>
          <dt>Unassigned</dt>
          <dd>{fmt.number(s.unassigned)}</dd>
        </div>
        <div>
          <dt>Oldest waiting</dt>
          <dd title={waited !== null ? durationInWords(waited) : undefined}>{waited !== null ? formatDuration(waited) : '—'}</dd>
        </div>
        <div>
          <dt>Overdue follow-ups</dt>
          <dd className={s.overdue_follow_ups > 0 ? 'wb-flag' : undefined}>{fmt.number(s.overdue_follow_ups)}</dd>
        </div>
        <div>
          <dt>SLA breaches today</dt>
          <dd className={s.sla_breaches_today > 0 ? 'wb-flag' : undefined}>{fmt.number(s.sla_breaches_today)}</dd>
        </div>
        <div>
          <dt>Conversions today</dt>
          <dd>{fmt.number(s.conversions_today)}</dd>
        </div>
      </dl>
      <div className="wb-tile-actions">
        <Button small variant={s.unassigned > 0 ? 'primary' : 'secondary'} icon="users" onClick={onAssign}>
          Assign waiting leads<span className="visually-hidden"> at {s.name}</span>
        </Button>
        <Link to={`${TC_PATHS.leads}?store_id=${encodeURIComponent(s.store_id)}&overdue=true`} className="btn btn-ghost btn-small">
          Overdue follow-ups<span className="visually-hidden"> at {s.name}</span>
        </Link>
      </div>
    </li>
  );
}

function AgentCard({
  agent: a,
  thresholds: t,
  skewMs,
  onReassign,
  onLanguages,
}: {
  agent: AgentTile;
  thresholds: Thresholds;
  skewMs: number;
  onReassign: () => void;
  onLanguages: () => void;
}) {
  const now = useNow();
  const fmt = useFormat();
  const toast = useToast();
  const qc = useQueryClient();
  const inState = elapsedSeconds(a.since, now, skewMs);
  const timed = a.status !== 'offline';
  const state = stateLevel(a.status, inState, t);
  const connect = connectLevel(a.connects_today, a.calls_today, t);
  const level = worst(state, connect);
  const onLeave = a.status === 'leave';
  const headingId = `agent-${a.user_id}`;

  const leave = useMutation({
    mutationFn: () => telecallingApi.updateAgent(a.user_id, { status: onLeave ? 'available' : 'leave' }),
    onSuccess: async () => {
      toast(
        onLeave
          ? { title: `${a.name} is back`, description: 'They get new leads again while they are online.', tone: 'success' }
          : {
              title: `${a.name} is on leave`,
              description:
                a.open_leads > 0
                  ? `No new leads go to them. Their ${a.open_leads} open ${a.open_leads === 1 ? 'lead stays' : 'leads stay'} with them until you reassign.`
                  : 'No new leads go to them.',
              tone: 'success',
            },
      );
      await qc.invalidateQueries({ queryKey: TC_KEYS.root });
    },
    onError: (err) => toast({ title: `${a.name}’s status was not changed`, description: describeError(err), tone: 'error' }),
  });

  return (
    <li className={`wb-tile${level !== 'ok' ? ` wb-${level}` : ''}${!a.online || onLeave ? ' is-muted' : ''}`} aria-labelledby={headingId}>
      <div className="wb-tile-head">
        <h3 id={headingId}>{a.name}</h3>
        <AgentStatusBadge status={a.status} seconds={timed ? inState : undefined} />
      </div>
      {level !== 'ok' ? (
        <ul className="wb-reasons">
          {state !== 'ok' ? (
            <li className={`wb-level-${state}`}>
              <Icon name="alert" size={16} /> {LEVEL_TEXT[state]}: {a.status === 'break' ? 'on break' : 'in wrap-up'} for{' '}
              {formatDuration(inState)} ({state} from {state === 'red' ? t.state_red_minutes : t.state_amber_minutes} min)
            </li>
          ) : null}
          {connect !== 'ok' ? (
            <li className={`wb-level-${connect}`}>
              <Icon name="alert" size={16} /> {LEVEL_TEXT[connect]}: connect rate {percent(a.connects_today, a.calls_today)}% (below{' '}
              {connect === 'red' ? t.connect_red_percent : t.connect_amber_percent}%)
            </li>
          ) : null}
        </ul>
      ) : null}
      <p className="wb-tile-sub">
        {a.lead_id && a.lead_customer ? (
          <>
            {a.status === 'on_call' ? 'Calling ' : a.status === 'wrap_up' ? 'Wrapping up ' : 'On screen: '}
            <Link to={TC_PATHS.lead(a.lead_id)}>{a.lead_customer}</Link>
          </>
        ) : a.online ? (
          'No lead on screen'
        ) : onLeave ? (
          'Gets no new leads'
        ) : (
          'Not signed in: gets no new leads'
        )}
        {a.languages && a.languages.length > 0 ? ` · Speaks ${a.languages.join(', ')}` : ''}
      </p>
      <dl className="wb-metrics">
        <div>
          <dt>Open leads</dt>
          <dd>{fmt.number(a.open_leads)}</dd>
        </div>
        <div>
          <dt>Overdue follow-ups</dt>
          <dd className={a.overdue_follow_ups > 0 ? 'wb-flag' : undefined}>{fmt.number(a.overdue_follow_ups)}</dd>
        </div>
        <div>
          <dt>Calls today</dt>
          <dd>{fmt.number(a.calls_today)}</dd>
        </div>
        <div>
          <dt>Last hour</dt>
          <dd>{fmt.number(a.calls_last_hour)}</dd>
        </div>
        <div>
          <dt>Connect rate</dt>
          <dd>{a.calls_today > 0 ? `${percent(a.connects_today, a.calls_today)}%` : '—'}</dd>
        </div>
        <div>
          <dt>Talk time</dt>
          <dd title={durationInWords(a.talk_seconds_today)}>{formatDuration(a.talk_seconds_today)}</dd>
        </div>
        <div>
          <dt>Conversions</dt>
          <dd>{fmt.number(a.conversions_today)}</dd>
        </div>
        <div>
          <dt>Time in status</dt>
          <dd>{timed ? formatDuration(inState) : '—'}</dd>
        </div>
      </dl>
      <div className="wb-tile-actions">
        <Button small icon="users" onClick={onReassign} disabled={a.open_leads === 0}>
          Reassign leads<span className="visually-hidden"> of {a.name}</span>
        </Button>
        <Button
          small
          variant={onLeave ? 'primary' : 'ghost'}
          icon={onLeave ? 'restore' : 'calendar'}
          busy={leave.isPending}
          onClick={() => leave.mutate()}
        >
          {onLeave ? 'Back from leave' : 'Put on leave'}
          <span className="visually-hidden"> {a.name}</span>
        </Button>
        <Button small variant="ghost" icon="edit" onClick={onLanguages}>
          Languages<span className="visually-hidden"> of {a.name}</span>
        </Button>
      </div>
    </li>
  );
}

function LanguagesDialog({ agent, onClose }: { agent: AgentTile; onClose: () => void }) {
  const toast = useToast();
  const qc = useQueryClient();
  const known = agent.languages;
  const [text, setText] = useState((known ?? []).join(', '));
  const [tried, setTried] = useState(false);
  const parsed = parseLanguages(text);
  const save = useMutation({
    mutationFn: () => telecallingApi.updateAgent(agent.user_id, { languages: parsed.languages }),
    onSuccess: async () => {
      toast({
        title: `Languages saved for ${agent.name}`,
        description: parsed.languages.length ? parsed.languages.join(', ') : 'None: the language rule treats them like anyone else.',
        tone: 'success',
      });
      await qc.invalidateQueries({ queryKey: TC_KEYS.root });
      onClose();
    },
  });
  const serverError = save.error ? describeError(save.error) : undefined;
  return (
    <Modal
      open
      onOpenChange={(o) => (o ? undefined : onClose())}
      title={`Languages of ${agent.name}`}
      description="With the “by language” rule, customers who speak one of these languages go to this telecaller first."
    >
      <form
        className="form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setTried(true);
          if (!parsed.error) save.mutate();
        }}
      >
        <TextField
          label="Languages"
          name="languages"
          value={text}
          onChange={(e) => setText(e.target.value)}
          maxLength={250}
          autoComplete="off"
          hint={
            known
              ? 'Codes or names separated by commas, e.g. ta, en, hi.'
              : 'Codes or names separated by commas, e.g. ta, en, hi. Saving replaces the languages on record.'
          }
          error={(tried ? (parsed.error ?? undefined) : undefined) ?? serverError}
        />
        <div className="form-actions">
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" busy={save.isPending}>
            Save languages
          </Button>
        </div>
      </form>
    </Modal>
  );
}
