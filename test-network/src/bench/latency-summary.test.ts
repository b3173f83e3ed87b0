import assert from 'node:assert/strict';
import { test } from 'node:test';
import { summariseLatencies } from './latency-summary';

test('p50 and p99 are nearest-rank: latencies some transaction actually had', () => {
  const latencies = Array.from({ length: 100 }, (_, i) => 100 - i); // 100, 99, …, 1: unsorted on purpose
  assert.deepEqual(summariseLatencies(latencies), { count: 100, p50Ms: 50, p99Ms: 99, maxMs: 100 });
});

test('one sample is every percentile', () => {
  assert.deepEqual(summariseLatencies([12.5]), { count: 1, p50Ms: 12.5, p99Ms: 12.5, maxMs: 12.5 });
});

test('no samples give NaN, which the table prints as "-"', () => {
  const summary = summariseLatencies([]);
  assert.equal(summary.count, 0);
  assert.ok(Number.isNaN(summary.p50Ms) && Number.isNaN(summary.p99Ms) && Number.isNaN(summary.maxMs));
});
