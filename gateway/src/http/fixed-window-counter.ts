/**
 * Counts events per key in fixed windows (a key's window starts at its first event and lasts
 * `windowMs`), in memory, for one gateway process. Memory is bounded: past `maxKeys` keys,
 * expired windows are dropped first, then the oldest, so a flood of new keys (addresses,
 * usernames) cannot grow it without limit.
 */
export interface FixedWindowCounter {
  /** Adds one event for `key`; returns the count in its window, and the seconds until that window ends. */
  add(key: string, now?: number): WindowCount;
  /** The count in `key`'s window, without adding to it. */
  peek(key: string, now?: number): WindowCount;
  /** Takes one event back, e.g. an attempt that turned out to be no failure. */
  subtract(key: string): void;
  /** Forgets `key`'s window. */
  clear(key: string): void;
}

export interface WindowCount {
  readonly count: number;
  /** Whole seconds until the window ends (at least 1 while it has events). */
  readonly retryAfterSeconds: number;
}

interface Window {
  count: number;
  endsAt: number;
}

export function newFixedWindowCounter(windowMs: number, maxKeys = 100_000): FixedWindowCounter {
  const windows = new Map<string, Window>();
  const live = (key: string, now: number): Window | undefined => {
    const window = windows.get(key);
    if (window && window.endsAt <= now) windows.delete(key);
    return window && window.endsAt > now ? window : undefined;
  };
  const countOf = (window: Window | undefined, now: number): WindowCount =>
    window ? { count: window.count, retryAfterSeconds: Math.max(1, Math.ceil((window.endsAt - now) / 1000)) } : { count: 0, retryAfterSeconds: 0 };
  const makeRoom = (now: number) => {
    if (windows.size < maxKeys) return;
    for (const [key, window] of windows) if (window.endsAt <= now) windows.delete(key);
    if (windows.size >= maxKeys) windows.delete(windows.keys().next().value!);
  };
  return {
    add(key, now = Date.now()) {
      let window = live(key, now);
      if (!window) {
        makeRoom(now);
        window = { count: 0, endsAt: now + windowMs };
        windows.set(key, window);
      }
      window.count += 1;
      return countOf(window, now);
    },
    peek: (key, now = Date.now()) => countOf(live(key, now), now),
    subtract(key) {
      const window = windows.get(key);
      if (window && window.count > 0) window.count -= 1;
    },
    clear(key) {
      windows.delete(key);
    },
  };
}
