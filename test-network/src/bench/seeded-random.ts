/**
 * A small seeded pseudo-random generator (mulberry32), so a benchmark run that picks keys at
 * random can be repeated exactly from the seed it prints. Not for anything secret.
 *
 * @example
 * ```ts
 * const random = seededRandom(42);
 * const key = `counter/${random.below(10_000)}`;
 * ```
 */
export interface SeededRandom {
  readonly seed: number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, bound). */
  below(bound: number): number;
}

export function seededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { seed: seed >>> 0, next, below: (bound) => Math.floor(next() * bound) };
}

/** A fresh 32-bit seed for a run that was not given one. */
export function newSeed(): number {
  return Math.floor(Math.random() * 4294967296) >>> 0;
}
