// The real-time connection, in plain TypeScript (no React): one WebSocket per
// tab, opened with a one-time ticket, resumed from the last seq after every
// drop, with exponential backoff and jitter, paused while the browser is
// offline. Everything environmental (socket, timers, online/visibility,
// randomness) is injected so the unit tests drive it with fakes.
import {
  CLOSE,
  PROTOCOL_VERSION,
  parseServerMessage,
  socketUrl,
  type ClientMessage,
  type RealtimeEvent,
  type ServerMessage,
  type Ticket,
} from './protocol';

/**
 * connecting: first connection, not live yet; live: joined and receiving;
 * reconnecting: lost (or never got) a connection and retrying; offline: the
 * browser is offline, paused until it is back; unavailable: the server offers
 * no real time to this user (e.g. 403/404 on the ticket); stopped: stop() was
 * called or the sign-in was revoked.
 */
export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline' | 'unavailable' | 'stopped';

/** The subset of the browser WebSocket the client uses. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string; wasClean?: boolean }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export type SocketFactory = (url: string) => SocketLike;

/** Online/visibility signals (window + document in the browser). */
export interface Environment {
  isOnline(): boolean;
  isVisible(): boolean;
  pageHref(): string;
  /** Subscribes to 'online' | 'offline' | 'visible' | 'hidden'; returns an unsubscribe. */
  listen(fn: (what: 'online' | 'offline' | 'visible' | 'hidden') => void): () => void;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export type TicketFailure = 'retry' | 'unavailable';

export interface RealtimeOptions {
  getTicket: () => Promise<Ticket>;
  /** How to treat a failed ticket request (default: retry with backoff). */
  classifyTicketError?: (err: unknown) => TicketFailure;
  socket?: SocketFactory;
  env?: Environment;
  timers?: Timers;
  random?: () => number;
  /** Backoff: first delay around `baseMs`, doubling up to `capMs` (default 1 s … 30 s). */
  baseMs?: number;
  capMs?: number;
  /** A connection that stays live this long resets the backoff (default 10 s). */
  stableMs?: number;
  /** Give up on a socket that does not open / say hello within this (default 15 s). */
  openTimeoutMs?: number;
  /** The server signed this session out (close 4001). */
  onRevoked?: () => void;
  /** Diagnostics: close 4002, server `error` messages. */
  log?: (message: string, detail?: unknown) => void;
}

export type RealtimeEventListener = (ev: RealtimeEvent) => void;
export type ResetListener = (lastSeq: number) => void;
export type StateListener = (state: ConnectionState) => void;
export type MessageListener = (msg: ServerMessage) => void;

/** Delay before reconnect attempt `attempt` (0-based): half fixed, half random ("equal jitter"). */
export function backoffDelay(attempt: number, random: () => number, baseMs = 1000, capMs = 30_000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** After this many 4002 closes in a row the client stops: retrying will not fix a bug. */
const MAX_PROTOCOL_FAILURES = 3;

export class RealtimeClient {
  private readonly opts: RealtimeOptions;
  private readonly env: Environment;
  private readonly timers: Timers;
  private readonly random: () => number;
  private readonly socketFactory: SocketFactory;

  private ws: SocketLike | null = null;
  private stateValue: ConnectionState = 'stopped';
  private started = false;
  /** Highest seq processed; null until the first hello. */
  private lastSeqValue: number | null = null;
  private attempt = 0;
  private protocolFailures = 0;
  /** Bumped on every connect/stop so stale async results are ignored. */
  private generation = 0;
  private retryTimer: unknown = null;
  private watchdog: unknown = null;
  private stableTimer: unknown = null;
  private unlisten: (() => void) | null = null;

  private readonly eventListeners = new Set<RealtimeEventListener>();
  private readonly resetListeners = new Set<ResetListener>();
  private readonly stateListeners = new Set<StateListener>();
  private readonly messageListeners = new Set<MessageListener>();
  private readonly revokedListeners = new Set<() => void>();

  constructor(opts: RealtimeOptions) {
    this.opts = opts;
    this.env = opts.env ?? browserEnvironment();
    this.timers = opts.timers ?? {
      setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
      clearTimeout: (h) => globalThis.clearTimeout(h as number),
    };
    this.random = opts.random ?? Math.random;
    this.socketFactory = opts.socket ?? ((url) => new WebSocket(url) as unknown as SocketLike);
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  /** The highest seq processed so far (null before the first hello). */
  get lastSeq(): number | null {
    return this.lastSeqValue;
  }

  onEvent(fn: RealtimeEventListener): () => void {
    this.eventListeners.add(fn);
    return () => this.eventListeners.delete(fn);
  }
  /** Events were lost (past retention, or the server's sequence went back): refetch everything. */
  onReset(fn: ResetListener): () => void {
    this.resetListeners.add(fn);
    return () => this.resetListeners.delete(fn);
  }
  onState(fn: StateListener): () => void {
    this.stateListeners.add(fn);
    return () => this.stateListeners.delete(fn);
  }
  /** The server signed this session out (close 4001); the client has stopped. */
  onRevoked(fn: () => void): () => void {
    this.revokedListeners.add(fn);
    return () => this.revokedListeners.delete(fn);
  }
  /** Every parsed server message (typing, ack, …), after the client has handled it. */
  onMessage(fn: MessageListener): () => void {
    this.messageListeners.add(fn);
    return () => this.messageListeners.delete(fn);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.unlisten = this.env.listen((what) => this.onEnvironment(what));
    if (!this.env.isOnline()) {
      this.setState('offline');
      return;
    }
    this.connect();
  }

  stop(): void {
    this.started = false;
    this.generation++;
    this.unlisten?.();
    this.unlisten = null;
    this.clearTimers();
    this.dropSocket();
    this.setState('stopped');
  }

  /** Sends a message if the connection is live; returns whether it was sent. */
  send(msg: ClientMessage): boolean {
    if (this.stateValue !== 'live' || !this.ws) return false;
    try {
      this.ws.send(JSON.stringify(msg));
      return true;
    } catch {
      return false;
    }
  }

  /** Drops the current socket and connects again at once (resuming). */
  reconnect(): void {
    if (!this.started || this.stateValue === 'unavailable') return;
    this.clearTimers();
    this.dropSocket();
    if (!this.env.isOnline()) {
      this.setState('offline');
      return;
    }
    this.connect();
  }

  // ------------------------------------------------------------ internals

  private setState(s: ConnectionState): void {
    if (s === this.stateValue) return;
    this.stateValue = s;
    for (const fn of [...this.stateListeners]) fn(s);
  }

  private clearTimers(): void {
    for (const t of [this.retryTimer, this.watchdog, this.stableTimer]) if (t !== null) this.timers.clearTimeout(t);
    this.retryTimer = this.watchdog = this.stableTimer = null;
  }

  /** Closes the current socket without reacting to its close event. */
  private dropSocket(): void {
    const ws = this.ws;
    this.ws = null;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
    try {
      ws.close(CLOSE.normal);
    } catch {
      // already closing
    }
  }

  private connect(): void {
    const gen = ++this.generation;
    // "connecting" until the first hello; any later attempt is a reconnect.
    this.setState(this.lastSeqValue === null && this.stateValue !== 'reconnecting' ? 'connecting' : 'reconnecting');
    this.opts.getTicket().then(
      (ticket) => {
        if (gen !== this.generation || !this.started) return;
        this.open(ticket, gen);
      },
      (err: unknown) => {
        if (gen !== this.generation || !this.started) return;
        if ((this.opts.classifyTicketError?.(err) ?? 'retry') === 'unavailable') {
          this.setState('unavailable');
          return;
        }
        this.scheduleReconnect();
      },
    );
  }

  private open(ticket: Ticket, gen: number): void {
    let ws: SocketLike;
    try {
      ws = this.socketFactory(socketUrl(ticket.url, this.env.pageHref()));
    } catch (e) {
      this.log('could not open the real-time socket', e);
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    const timeout = this.opts.openTimeoutMs ?? 15_000;
    // One watchdog covers both "never opened" and "opened but no hello".
    this.watchdog = this.timers.setTimeout(() => {
      if (gen !== this.generation || this.ws !== ws) return;
      this.watchdog = null;
      this.dropSocket();
      this.scheduleReconnect();
    }, timeout);
    ws.onopen = () => {
      if (this.ws !== ws) return;
      const hello: ClientMessage =
        this.lastSeqValue === null
          ? { type: 'hello', v: PROTOCOL_VERSION }
          : { type: 'hello', v: PROTOCOL_VERSION, resume_after: this.lastSeqValue };
      ws.send(JSON.stringify(hello));
    };
    ws.onmessage = (ev) => {
      if (this.ws !== ws || typeof ev.data !== 'string') return;
      const msg = parseServerMessage(ev.data);
      if (msg) this.handle(msg);
    };
    ws.onerror = () => {
      // A close event always follows; that is where we react.
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.onClosed(ev.code, ev.reason);
    };
  }

  private handle(msg: ServerMessage): void {
    switch (msg.type) {
      case 'hello': {
        if (this.watchdog !== null) this.timers.clearTimeout(this.watchdog);
        this.watchdog = null;
        this.protocolFailures = 0;
        if (this.lastSeqValue === null) {
          // First join: everything up to last_seq is already reflected in what we load.
          this.lastSeqValue = msg.last_seq;
        } else if (msg.last_seq < this.lastSeqValue) {
          // The server's sequence went back (restored database): our seq means nothing there.
          this.lastSeqValue = msg.last_seq;
          this.emitReset(msg.last_seq);
        }
        // Missed events (seq ≤ last_seq) follow the hello; lastSeq advances as they arrive.
        this.setState('live');
        this.stableTimer = this.timers.setTimeout(() => {
          this.stableTimer = null;
          this.attempt = 0;
        }, this.opts.stableMs ?? 10_000);
        break;
      }
      case 'event': {
        const { type: _type, ...ev } = msg;
        if (this.lastSeqValue !== null && ev.seq <= this.lastSeqValue) return; // duplicate
        this.lastSeqValue = ev.seq;
        for (const fn of [...this.eventListeners]) {
          try {
            fn(ev);
          } catch (e) {
            this.log('a real-time event listener failed', e);
          }
        }
        break;
      }
      case 'reset':
        this.lastSeqValue = msg.last_seq;
        this.emitReset(msg.last_seq);
        break;
      case 'error':
        this.log(`real-time server error: ${msg.code}`, msg.message);
        break;
      default:
        break;
    }
    for (const fn of [...this.messageListeners]) fn(msg);
  }

  private emitReset(lastSeq: number): void {
    for (const fn of [...this.resetListeners]) {
      try {
        fn(lastSeq);
      } catch (e) {
        this.log('a real-time reset listener failed', e);
      }
    }
  }

  private onClosed(code: number, reason: string): void {
    this.clearTimers();
    if (!this.started) return;
    if (code === CLOSE.revoked) {
      this.started = false;
      this.unlisten?.();
      this.unlisten = null;
      this.setState('stopped');
      this.opts.onRevoked?.();
      for (const fn of [...this.revokedListeners]) fn();
      return;
    }
    if (code === CLOSE.noHello || code === CLOSE.tooLarge) {
      this.log(`the real-time server closed the socket with ${code} (${reason || 'no reason'}): a client bug`);
      if (code === CLOSE.noHello && ++this.protocolFailures >= MAX_PROTOCOL_FAILURES) {
        this.setState('unavailable');
        return;
      }
    }
    // 4000, 4003, 1006, 1001, …: resume after a pause.
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    this.clearTimers();
    if (!this.started) return;
    if (!this.env.isOnline()) {
      this.setState('offline');
      return;
    }
    this.setState('reconnecting');
    const delay = backoffDelay(this.attempt, this.random, this.opts.baseMs, this.opts.capMs);
    this.attempt++;
    this.retryTimer = this.timers.setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  private onEnvironment(what: 'online' | 'offline' | 'visible' | 'hidden'): void {
    if (!this.started || this.stateValue === 'unavailable') return;
    switch (what) {
      case 'offline':
        this.generation++;
        this.clearTimers();
        this.dropSocket();
        this.setState('offline');
        break;
      case 'online':
        if (this.stateValue === 'offline' || this.stateValue === 'reconnecting') {
          this.attempt = 0;
          this.clearTimers();
          this.dropSocket();
          this.connect();
        }
        break;
      case 'visible':
        // Back in front of the user: do not make them wait for a long backoff.
        if (this.retryTimer !== null) {
          this.clearTimers();
          this.connect();
        } else if (this.stateValue === 'offline' && this.env.isOnline()) {
          this.connect();
        }
        break;
      case 'hidden':
        break;
    }
  }

  private log(message: string, detail?: unknown): void {
    if (this.opts.log) this.opts.log(message, detail);
    else console.warn(`[karat realtime] ${message}`, detail ?? '');
  }
}

/** The browser's online and visibility signals. */
export function browserEnvironment(): Environment {
  return {
    isOnline: () => (typeof navigator === 'undefined' ? true : navigator.onLine !== false),
    isVisible: () => (typeof document === 'undefined' ? true : document.visibilityState !== 'hidden'),
    pageHref: () => window.location.href,
    listen(fn) {
      const online = () => fn('online');
      const offline = () => fn('offline');
      const visibility = () => fn(document.visibilityState === 'hidden' ? 'hidden' : 'visible');
      window.addEventListener('online', online);
      window.addEventListener('offline', offline);
      document.addEventListener('visibilitychange', visibility);
      return () => {
        window.removeEventListener('online', online);
        window.removeEventListener('offline', offline);
        document.removeEventListener('visibilitychange', visibility);
      };
    },
  };
}
