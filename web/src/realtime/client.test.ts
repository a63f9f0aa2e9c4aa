import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/problem';
import { RealtimeClient, backoffDelay, type ConnectionState, type Environment, type SocketLike, type Timers } from './client';
import { parseServerMessage, socketUrl, type RealtimeEvent, type Ticket } from './protocol';

// ---------------------------------------------------------------- fakes

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: unknown[] = [];
  closedWith: number | null = null;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close(code?: number) {
    this.closedWith = code ?? 1005;
    this.readyState = 3;
  }
  // server side
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(msg: unknown) {
    this.onmessage?.({ data: typeof msg === 'string' ? msg : JSON.stringify(msg) });
  }
  serverClose(code: number, reason = '') {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

/** Manual clock: timers fire only when advanced. */
class FakeTimers implements Timers {
  now = 0;
  private next = 1;
  private pending = new Map<number, { at: number; fn: () => void }>();
  setTimeout(fn: () => void, ms: number) {
    const id = this.next++;
    this.pending.set(id, { at: this.now + ms, fn });
    return id;
  }
  clearTimeout(h: unknown) {
    this.pending.delete(h as number);
  }
  advance(ms: number) {
    const end = this.now + ms;
    for (;;) {
      const due = [...this.pending.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.pending.delete(due[0]);
      this.now = due[1].at;
      due[1].fn();
    }
    this.now = end;
  }
  get count() {
    return this.pending.size;
  }
  /** Delay until the next timer fires, or null. */
  nextDelay(): number | null {
    const ats = [...this.pending.values()].map((t) => t.at - this.now);
    return ats.length ? Math.min(...ats) : null;
  }
}

class FakeEnv implements Environment {
  online = true;
  visible = true;
  private fns = new Set<(w: 'online' | 'offline' | 'visible' | 'hidden') => void>();
  isOnline() {
    return this.online;
  }
  isVisible() {
    return this.visible;
  }
  pageHref() {
    return 'https://karat.example/stores';
  }
  listen(fn: (w: 'online' | 'offline' | 'visible' | 'hidden') => void) {
    this.fns.add(fn);
    return () => this.fns.delete(fn);
  }
  emit(w: 'online' | 'offline' | 'visible' | 'hidden') {
    if (w === 'online' || w === 'offline') this.online = w === 'online';
    if (w === 'visible' || w === 'hidden') this.visible = w === 'visible';
    for (const fn of [...this.fns]) fn(w);
  }
  get listeners() {
    return this.fns.size;
  }
}

const flush = () => new Promise((r) => setTimeout(r, 0));

function setup(opts: { ticket?: () => Promise<Ticket>; classify?: (e: unknown) => 'retry' | 'unavailable' } = {}) {
  const sockets: FakeSocket[] = [];
  const timers = new FakeTimers();
  const env = new FakeEnv();
  let n = 0;
  const getTicket = vi.fn(opts.ticket ?? (async () => ({ ticket: `t${++n}`, expires_in: 30, url: `/api/v1/realtime?ticket=t${n}` })));
  const events: RealtimeEvent[] = [];
  const resets: number[] = [];
  const states: ConnectionState[] = [];
  const logs: string[] = [];
  const onRevoked = vi.fn();
  const client = new RealtimeClient({
    getTicket,
    classifyTicketError: opts.classify,
    socket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    env,
    timers,
    random: () => 0.5,
    onRevoked,
    log: (m) => logs.push(m),
  });
  client.onEvent((e) => events.push(e));
  client.onReset((s) => resets.push(s));
  client.onState((s) => states.push(s));
  const last = () => {
    const s = sockets.at(-1);
    if (!s) throw new Error('no socket opened');
    return s;
  };
  /** Ticket → socket → open → server hello. */
  const join = async (lastSeq: number) => {
    await flush();
    const s = last();
    s.open();
    s.receive({ type: 'hello', v: 1, session: 'sess', last_seq: lastSeq });
    return s;
  };
  const event = (seq: number, kind = 'store.created', topic = 'stores') => ({
    type: 'event',
    seq,
    topic,
    kind,
    payload: { id: `s${seq}` },
    at: '2026-11-26T10:00:00Z',
  });
  return { client, sockets, timers, env, getTicket, events, resets, states, logs, onRevoked, last, join, event };
}

// ---------------------------------------------------------------- tests

describe('protocol helpers', () => {
  it('builds same-origin ws:/wss: URLs from the ticket url', () => {
    expect(socketUrl('/api/v1/realtime?ticket=abc', 'https://karat.example/stores')).toBe('wss://karat.example/api/v1/realtime?ticket=abc');
    expect(socketUrl('/api/v1/realtime?ticket=abc', 'http://127.0.0.1:18081/')).toBe('ws://127.0.0.1:18081/api/v1/realtime?ticket=abc');
    expect(socketUrl('http://127.0.0.1:18081/api/v1/realtime?ticket=x', 'http://127.0.0.1:18081/')).toBe(
      'ws://127.0.0.1:18081/api/v1/realtime?ticket=x',
    );
  });

  it('ignores malformed frames', () => {
    expect(parseServerMessage('not json')).toBeNull();
    expect(parseServerMessage('[]')).toBeNull();
    expect(parseServerMessage('{"type":"event","seq":"7"}')).toBeNull();
    expect(parseServerMessage('{"type":"mystery"}')).toBeNull();
    expect(parseServerMessage('{"type":"reset","last_seq":4}')).toEqual({ type: 'reset', last_seq: 4 });
    expect(parseServerMessage('{"type":"notice","topic":"tickets","kind":"ticket.created","payload":{}}')).toEqual({
      type: 'notice',
      topic: 'tickets',
      kind: 'ticket.created',
      payload: {},
    });
    expect(parseServerMessage('{"type":"notice","topic":7}')).toBeNull();
  });

  it('backs off exponentially with jitter, capped', () => {
    expect(backoffDelay(0, () => 0)).toBe(500);
    expect(backoffDelay(0, () => 1)).toBe(1000);
    expect(backoffDelay(3, () => 0.5)).toBe(6000);
    expect(backoffDelay(20, () => 1)).toBe(30_000);
    expect(backoffDelay(20, () => 0)).toBe(15_000);
    expect(backoffDelay(1000, () => 1)).toBe(30_000);
  });
});

describe('RealtimeClient', () => {
  it('first connect: ticket, socket on the ticket url, hello without resume_after, then live', async () => {
    const h = setup();
    h.client.start();
    expect(h.client.state).toBe('connecting');
    await flush();
    expect(h.getTicket).toHaveBeenCalledTimes(1);
    const s = h.last();
    expect(s.url).toBe('wss://karat.example/api/v1/realtime?ticket=t1');
    s.open();
    expect(s.sent).toEqual([{ type: 'hello', v: 1 }]);
    s.receive({ type: 'hello', v: 1, session: 'x', last_seq: 41 });
    expect(h.client.state).toBe('live');
    expect(h.client.lastSeq).toBe(41);
    expect(h.states).toEqual(['connecting', 'live']);
  });

  it('delivers events in order and drops duplicates (seq ≤ last)', async () => {
    const h = setup();
    h.client.start();
    const s = await h.join(10);
    s.receive(h.event(11));
    s.receive(h.event(12));
    s.receive(h.event(12));
    s.receive(h.event(9));
    s.receive(h.event(13, 'user.updated', 'users'));
    expect(h.events.map((e) => e.seq)).toEqual([11, 12, 13]);
    expect(h.events[2]).toEqual({ seq: 13, topic: 'users', kind: 'user.updated', payload: { id: 's13' }, at: '2026-11-26T10:00:00Z' });
    expect(h.client.lastSeq).toBe(13);
  });

  it('a listener that throws does not stop the others', async () => {
    const h = setup();
    h.client.onEvent(() => {
      throw new Error('boom');
    });
    h.client.start();
    const s = await h.join(0);
    s.receive(h.event(1));
    expect(h.events).toHaveLength(1);
    expect(h.logs.some((l) => l.includes('listener failed'))).toBe(true);
  });

  it('resumes after a drop (1006) with a new ticket and resume_after = last seq', async () => {
    const h = setup();
    h.client.start();
    const s1 = await h.join(5);
    s1.receive(h.event(6));
    s1.serverClose(1006);
    expect(h.client.state).toBe('reconnecting');
    // equal jitter with random 0.5: 750 ms for the first retry
    expect(h.timers.nextDelay()).toBe(750);
    h.timers.advance(750);
    await flush();
    expect(h.getTicket).toHaveBeenCalledTimes(2);
    const s2 = h.last();
    expect(s2).not.toBe(s1);
    s2.open();
    expect(s2.sent).toEqual([{ type: 'hello', v: 1, resume_after: 6 }]);
    s2.receive({ type: 'hello', v: 1, session: 'y', last_seq: 8 });
    // replay follows the hello
    s2.receive(h.event(6));
    s2.receive(h.event(7));
    s2.receive(h.event(8));
    expect(h.events.map((e) => e.seq)).toEqual([6, 7, 8]);
    expect(h.client.state).toBe('live');
  });

  it('resumes on 4000 (too slow) and 4003 (idle)', async () => {
    const h = setup();
    h.client.start();
    const s1 = await h.join(1);
    s1.serverClose(4000, 'too slow: resume');
    h.timers.advance(1000);
    const s2 = await h.join(1);
    expect(s2.sent[0]).toEqual({ type: 'hello', v: 1, resume_after: 1 });
    s2.serverClose(4003, 'idle');
    expect(h.client.state).toBe('reconnecting');
    h.timers.advance(60_000);
    await flush();
    expect(h.sockets).toHaveLength(3);
    expect(h.onRevoked).not.toHaveBeenCalled();
  });

  it('backs off further on each failed attempt and resets after a stable connection', async () => {
    const h = setup();
    h.client.start();
    const s1 = await h.join(1);
    s1.serverClose(1006);
    const delays: (number | null)[] = [];
    for (let i = 0; i < 6; i++) {
      delays.push(h.timers.nextDelay());
      h.timers.advance(h.timers.nextDelay() ?? 0);
      await flush();
      h.last().serverClose(1006); // never opens
    }
    expect(delays).toEqual([750, 1500, 3000, 6000, 12_000, 22_500]);
    h.timers.advance(h.timers.nextDelay() ?? 0);
    const live = await h.join(1);
    h.timers.advance(10_000); // stays live: backoff resets
    live.serverClose(1006);
    expect(h.timers.nextDelay()).toBe(750);
  });

  it('a quick drop after joining does not reset the backoff', async () => {
    const h = setup();
    h.client.start();
    (await h.join(1)).serverClose(1006);
    h.timers.advance(750);
    (await h.join(1)).serverClose(1006);
    expect(h.timers.nextDelay()).toBe(1500);
  });

  it('reset: emits, continues from its last_seq', async () => {
    const h = setup();
    h.client.start();
    const s1 = await h.join(3);
    s1.serverClose(1006);
    h.timers.advance(750);
    await flush();
    const s2 = h.last();
    s2.open();
    s2.receive({ type: 'reset', last_seq: 900 });
    s2.receive({ type: 'hello', v: 1, session: 's', last_seq: 900 });
    expect(h.resets).toEqual([900]);
    s2.receive(h.event(900));
    s2.receive(h.event(901));
    expect(h.events.map((e) => e.seq)).toEqual([901]);
  });

  it('a hello whose last_seq is behind ours (restored server) counts as a reset', async () => {
    const h = setup();
    h.client.start();
    const s1 = await h.join(50);
    s1.serverClose(1006);
    h.timers.advance(750);
    const s2 = await h.join(10);
    expect(h.resets).toEqual([10]);
    s2.receive(h.event(11));
    expect(h.events.map((e) => e.seq)).toEqual([11]);
  });

  it('4001: stops and reports the revoked sign-in, no reconnect', async () => {
    const h = setup();
    h.client.start();
    const s = await h.join(1);
    s.serverClose(4001, 'signed out');
    expect(h.onRevoked).toHaveBeenCalledTimes(1);
    expect(h.client.state).toBe('stopped');
    expect(h.timers.count).toBe(0);
    expect(h.env.listeners).toBe(0);
    h.env.emit('online');
    await flush();
    expect(h.sockets).toHaveLength(1);
  });

  it('4002: logs a client bug, retries, and gives up after three in a row', async () => {
    const h = setup();
    h.client.start();
    for (let i = 0; i < 3; i++) {
      await flush();
      h.last().open();
      h.last().serverClose(4002, 'expected a hello message');
      if (i < 2) h.timers.advance(h.timers.nextDelay() ?? 0);
    }
    expect(h.logs.filter((l) => l.includes('4002'))).toHaveLength(3);
    expect(h.client.state).toBe('unavailable');
    expect(h.timers.count).toBe(0);
  });

  it('pauses while offline and reconnects at once when back online', async () => {
    const h = setup();
    h.client.start();
    const s1 = await h.join(7);
    h.env.emit('offline');
    expect(h.client.state).toBe('offline');
    expect(s1.closedWith).toBe(1000);
    h.timers.advance(120_000);
    await flush();
    expect(h.sockets).toHaveLength(1); // nothing while offline
    h.env.emit('online');
    expect(h.client.state).toBe('reconnecting');
    const s2 = await h.join(7);
    expect(s2.sent[0]).toEqual({ type: 'hello', v: 1, resume_after: 7 });
    expect(h.client.state).toBe('live');
  });

  it('a drop while the browser is offline waits for online instead of retrying', async () => {
    const h = setup();
    h.client.start();
    const s1 = await h.join(1);
    h.env.online = false; // no event yet
    s1.serverClose(1006);
    expect(h.client.state).toBe('offline');
    expect(h.timers.count).toBe(0);
  });

  it('starting offline waits for online', async () => {
    const h = setup();
    h.env.online = false;
    h.client.start();
    expect(h.client.state).toBe('offline');
    await flush();
    expect(h.getTicket).not.toHaveBeenCalled();
    h.env.emit('online');
    await h.join(0);
    expect(h.client.state).toBe('live');
  });

  it('becoming visible skips a pending backoff', async () => {
    const h = setup();
    h.client.start();
    const s1 = await h.join(1);
    s1.serverClose(1006);
    for (let i = 0; i < 5; i++) {
      h.timers.advance(h.timers.nextDelay() ?? 0);
      await flush();
      h.last().serverClose(1006);
    }
    expect(h.timers.nextDelay()).toBeGreaterThan(10_000);
    const before = h.sockets.length;
    h.env.emit('visible');
    await flush();
    expect(h.sockets.length).toBe(before + 1);
  });

  it('ticket failures retry with backoff; 403/404 make real time unavailable', async () => {
    let fail = true;
    const h = setup({
      ticket: async () => {
        if (fail) throw new ApiError({ status: 503, title: 'Unavailable' });
        return { ticket: 'ok', expires_in: 30, url: '/api/v1/realtime?ticket=ok' };
      },
      classify: (e) => (e instanceof ApiError && (e.status === 403 || e.status === 404) ? 'unavailable' : 'retry'),
    });
    h.client.start();
    await flush();
    expect(h.client.state).toBe('reconnecting');
    expect(h.sockets).toHaveLength(0);
    fail = false;
    h.timers.advance(750);
    await h.join(0);
    expect(h.client.state).toBe('live');

    const h2 = setup({
      ticket: async () => {
        throw new ApiError({ status: 403, title: 'Forbidden' });
      },
      classify: (e) => (e instanceof ApiError && (e.status === 403 || e.status === 404) ? 'unavailable' : 'retry'),
    });
    h2.client.start();
    await flush();
    expect(h2.client.state).toBe('unavailable');
    expect(h2.timers.count).toBe(0);
  });

  it('gives up on a socket that never says hello and tries again', async () => {
    const h = setup();
    h.client.start();
    await flush();
    const s1 = h.last();
    s1.open();
    h.timers.advance(15_000);
    expect(s1.closedWith).toBe(1000);
    expect(h.client.state).toBe('reconnecting');
    h.timers.advance(h.timers.nextDelay() ?? 0);
    await h.join(3);
    expect(h.client.state).toBe('live');
  });

  it('send() works only while live; reconnect() resumes on a fresh socket', async () => {
    const h = setup();
    h.client.start();
    expect(h.client.send({ type: 'presence', status: 'away' })).toBe(false);
    const s1 = await h.join(4);
    expect(h.client.send({ type: 'presence', status: 'away' })).toBe(true);
    expect(s1.sent.at(-1)).toEqual({ type: 'presence', status: 'away' });
    h.client.reconnect();
    expect(s1.closedWith).toBe(1000);
    const s2 = await h.join(4);
    expect(s2.sent[0]).toEqual({ type: 'hello', v: 1, resume_after: 4 });
  });

  it('stop() closes, cancels timers and ignores a late ticket', async () => {
    let resolve: (t: Ticket) => void = () => undefined;
    const h = setup({ ticket: () => new Promise<Ticket>((r) => (resolve = r)) });
    h.client.start();
    h.client.stop();
    resolve({ ticket: 'late', expires_in: 30, url: '/api/v1/realtime?ticket=late' });
    await flush();
    expect(h.sockets).toHaveLength(0);
    expect(h.client.state).toBe('stopped');
    expect(h.env.listeners).toBe(0);
    expect(h.timers.count).toBe(0);
  });

  it('messages from a replaced socket are ignored', async () => {
    const h = setup();
    h.client.start();
    const s1 = await h.join(1);
    h.client.reconnect();
    await h.join(1);
    s1.receive(h.event(2));
    s1.serverClose(4001);
    expect(h.events).toHaveLength(0);
    expect(h.onRevoked).not.toHaveBeenCalled();
  });
});
