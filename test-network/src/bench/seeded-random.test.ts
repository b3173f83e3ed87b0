import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newSeed, seededRandom } from './seeded-random';

test('the same seed gives the same sequence, so a printed seed repeats a run', () => {
  const seed = newSeed();
  const first = seededRandom(seed);
  const second = seededRandom(seed);
  const draw = (random: ReturnType<typeof seededRandom>) => Array.from({ length: 100 }, () => random.below(10_000));
  assert.deepEqual(draw(first), draw(second), `seed ${seed}`);
});

test('below(n) stays in 0..n-1 and reaches both ends', () => {
  const random = seededRandom(7);
  const seen = new Set(Array.from({ length: 2_000 }, () => random.below(4)));
  assert.deepEqual([...seen].sort(), [0, 1, 2, 3]);
});

test('different seeds give different sequences', () => {
  assert.notDeepEqual(
    Array.from({ length: 10 }, seededRandom(1).next),
    Array.from({ length: 10 }, seededRandom(2).next),
  );
});
