import { describe, expect, it } from 'vitest';
import { AWAY_AFTER_MS, IdleWatcher, type IdleEnvironment } from './idle';

function fakeEnv() {
  let now = 0;
  let visible = true;
  let activity: () => void = () => undefined;
  let visibility: (v: boolean) => void = () => undefined;
  let tick: (() => void) | null = null;
  let shared = 0;
  const env: IdleEnvironment = {
    readShared: () => shared,
    writeShared: (t) => {
      shared = t;
    },
    now: () => now,
    isVisible: () => visible,
    listen(a, v) {
      activity = a;
      visibility = v;
      return () => {
        activity = () => undefined;
        visibility = () => undefined;
      };
    },
    every(fn) {
      tick = fn;
      return () => {
        tick = null;
      };
    },
  };
  return {
    env,
    /** Moves the clock, running the periodic check every 15 s. */
    advance(ms: number) {
      const end = now + ms;
      while (now + 15_000 <= end) {
        now += 15_000;
        tick?.();
      }
      now = end;
    },
    input: () => activity(),
    hide() {
      visible = false;
      visibility(false);
    },
    show() {
      visible = true;
      visibility(true);
    },
    otherTabInput() {
      shared = now;
    },
    get shared() {
      return shared;
    },
    get ticking() {
      return tick !== null;
    },
  };
}

describe('IdleWatcher', () => {
  it('goes idle after 5 minutes without input, and back on input', () => {
    const f = fakeEnv();
    const changes: boolean[] = [];
    const w = new IdleWatcher({ timeoutMs: AWAY_AFTER_MS, onChange: (i) => changes.push(i), env: f.env });
    w.start();
    f.advance(4 * 60_000);
    f.input();
    f.advance(4 * 60_000);
    expect(changes).toEqual([]);
    f.advance(60_000 + 15_000);
    expect(changes).toEqual([true]);
    expect(w.isIdle).toBe(true);
    f.input();
    expect(changes).toEqual([true, false]);
  });

  it('a hidden tab goes idle after 5 minutes and comes back when shown', () => {
    const f = fakeEnv();
    const changes: boolean[] = [];
    const w = new IdleWatcher({ timeoutMs: AWAY_AFTER_MS, onChange: (i) => changes.push(i), env: f.env });
    w.start();
    f.advance(30_000);
    f.hide();
    f.advance(4 * 60_000);
    expect(changes).toEqual([]);
    f.advance(90_000);
    expect(changes).toEqual([true]);
    f.advance(60 * 60_000);
    expect(changes).toEqual([true]);
    f.show();
    expect(changes).toEqual([true, false]);
  });

  it('input in another tab keeps a hidden tab from going away, and brings it back', () => {
    const f = fakeEnv();
    const changes: boolean[] = [];
    const w = new IdleWatcher({ timeoutMs: AWAY_AFTER_MS, onChange: (i) => changes.push(i), env: f.env });
    w.start();
    f.hide();
    for (let i = 0; i < 10; i++) {
      f.advance(60_000);
      f.otherTabInput();
    }
    expect(changes).toEqual([]);
    f.advance(6 * 60_000);
    expect(changes).toEqual([true]);
    f.otherTabInput();
    f.advance(15_000);
    expect(changes).toEqual([true, false]);
  });

  it('shares its own input with other tabs, throttled', () => {
    const f = fakeEnv();
    const w = new IdleWatcher({ timeoutMs: AWAY_AFTER_MS, onChange: () => undefined, env: f.env });
    w.start();
    f.advance(10_000);
    f.input();
    expect(f.shared).toBe(10_000);
    f.advance(1_000);
    f.input();
    expect(f.shared).toBe(10_000);
    f.advance(5_000);
    f.input();
    expect(f.shared).toBe(16_000);
  });

  it('stop() removes listeners and the timer', () => {
    const f = fakeEnv();
    const w = new IdleWatcher({ timeoutMs: 1000, onChange: () => undefined, env: f.env });
    w.start();
    expect(f.ticking).toBe(true);
    w.stop();
    expect(f.ticking).toBe(false);
  });
});
