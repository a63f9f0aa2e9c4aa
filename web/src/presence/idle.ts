// "Is the person still here?" — idle once there has been no input for
// `timeoutMs`, or the tab has been hidden that long (a hidden tab gets no
// input, so both are the same clock). Tabs share their last input time
// (localStorage), so a person typing in one tab is not "away" because of
// another tab left in the background. Plain TypeScript; the browser bits are
// injected so tests run on a fake clock.

export interface IdleEnvironment {
  now(): number;
  isVisible(): boolean;
  /** Calls `onActivity` on user input and `onVisibility` when the tab is shown or hidden; returns an unsubscribe. */
  listen(onActivity: () => void, onVisibility: (visible: boolean) => void): () => void;
  every(fn: () => void, ms: number): () => void;
  /** Last input time any tab reported (0 if unknown). */
  readShared(): number;
  writeShared(t: number): void;
}

export interface IdleOptions {
  timeoutMs: number;
  onChange: (idle: boolean) => void;
  env?: IdleEnvironment;
  /** How often to look at the clock (default 15 s; hidden tabs are throttled anyway). */
  checkMs?: number;
}

export const AWAY_AFTER_MS = 5 * 60 * 1000;
const SHARE_EVERY_MS = 5_000;
const SHARED_KEY = 'karat.last_activity';

export class IdleWatcher {
  private readonly opts: IdleOptions;
  private readonly env: IdleEnvironment;
  private lastActivity = 0;
  private idle = false;
  private lastShared = 0;
  private offs: (() => void)[] = [];

  constructor(opts: IdleOptions) {
    this.opts = opts;
    this.env = opts.env ?? browserIdleEnvironment();
  }

  get isIdle(): boolean {
    return this.idle;
  }

  start(): void {
    this.stop();
    this.lastActivity = this.env.now();
    this.offs.push(
      this.env.listen(
        () => this.activity(),
        (visible) => {
          // Coming back to the tab counts as activity; hiding it starts the clock (no more input).
          if (visible) this.activity();
        },
      ),
      this.env.every(() => this.check(), this.opts.checkMs ?? 15_000),
    );
  }

  stop(): void {
    for (const off of this.offs) off();
    this.offs = [];
  }

  /** Re-evaluates now (also run periodically). */
  check(): void {
    const last = Math.max(this.lastActivity, this.env.readShared());
    const idle = this.env.now() - last >= this.opts.timeoutMs;
    if (idle !== this.idle) this.set(idle);
  }

  private activity(): void {
    const now = this.env.now();
    this.lastActivity = now;
    // Tell other tabs, at most every few seconds (pointermove fires a lot).
    if (now - this.lastShared >= SHARE_EVERY_MS) {
      this.lastShared = now;
      this.env.writeShared(now);
    }
    if (this.idle && this.env.isVisible()) this.set(false);
  }

  private set(idle: boolean): void {
    this.idle = idle;
    this.opts.onChange(idle);
  }
}

const ACTIVITY_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart', 'focus'] as const;

export function browserIdleEnvironment(): IdleEnvironment {
  return {
    now: () => Date.now(),
    isVisible: () => document.visibilityState !== 'hidden',
    listen(onActivity, onVisibility) {
      const opts = { passive: true, capture: true } as const;
      for (const e of ACTIVITY_EVENTS) window.addEventListener(e, onActivity, opts);
      const vis = () => onVisibility(document.visibilityState !== 'hidden');
      document.addEventListener('visibilitychange', vis);
      return () => {
        for (const e of ACTIVITY_EVENTS) window.removeEventListener(e, onActivity, opts);
        document.removeEventListener('visibilitychange', vis);
      };
    },
    every(fn, ms) {
      const id = window.setInterval(fn, ms);
      return () => window.clearInterval(id);
    },
    readShared() {
      try {
        return Number(window.localStorage.getItem(SHARED_KEY)) || 0;
      } catch {
        return 0;
      }
    },
    writeShared(t) {
      try {
        window.localStorage.setItem(SHARED_KEY, String(t));
      } catch {
        // no storage: each tab decides alone
      }
    },
  };
}
