import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LruCache } from './lru-cache';

test('keeps the most recently used entries and evicts the least recently used', () => {
  const cache = new LruCache<string, number>(2);
  cache.set('a', 1);
  cache.set('b', 2);
  assert.equal(cache.get('a'), 1);
  cache.set('c', 3);

  assert.equal(cache.get('b'), undefined, 'b was the least recently used');
  assert.equal(cache.get('a'), 1);
  assert.equal(cache.get('c'), 3);
  assert.equal(cache.size, 2);
});

test('refuses a capacity that could hold nothing', () => {
  assert.throws(() => new LruCache(0), /positive integer, got 0/);
});
