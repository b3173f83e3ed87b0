import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { newFixedWindowCounter } from './fixed-window-counter';

describe('fixed-window counters', () => {
  it('count events per key until the window ends, then start again', () => {
    const counter = newFixedWindowCounter(60_000);
    assert.deepEqual(counter.add('a', 0), { count: 1, retryAfterSeconds: 60 });
    assert.deepEqual(counter.add('a', 30_500), { count: 2, retryAfterSeconds: 30 });
    assert.deepEqual(counter.peek('b', 30_500), { count: 0, retryAfterSeconds: 0 });
    assert.deepEqual(counter.add('a', 60_000), { count: 1, retryAfterSeconds: 60 });
  });

  it('take an event back, and forget a key', () => {
    const counter = newFixedWindowCounter(60_000);
    counter.add('a', 0);
    counter.add('a', 0);
    counter.subtract('a');
    assert.equal(counter.peek('a', 1).count, 1);
    counter.clear('a');
    assert.equal(counter.peek('a', 1).count, 0);
  });

  it('keep at most maxKeys keys, dropping expired windows first, then the oldest', () => {
    const counter = newFixedWindowCounter(1000, 3);
    counter.add('expired', 0);
    counter.add('old', 900);
    counter.add('newer', 950);
    counter.add('new', 1500); // 'expired' makes room
    assert.equal(counter.peek('old', 1500).count, 1);
    counter.add('newest', 1600); // full of live windows: the oldest, 'old', goes
    assert.equal(counter.peek('old', 1600).count, 0);
    assert.equal(counter.peek('newer', 1600).count, 1);
    assert.equal(counter.peek('newest', 1600).count, 1);
  });
});
