import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareKeys } from './key-order';

test('orders keys as their UTF-8 bytes, as Fabric (Go) does', () => {
  const keys = ['\u{1F600}smile', '\uFF21wide', 'b', 'a', '\u0000composite', 'ab', '\u00e9', ''];
  const byBytes = [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
  assert.deepEqual([...keys].sort(compareKeys), byBytes);
});

test('puts characters above U+FFFF after U+E000–U+FFFF, unlike JavaScript string comparison', () => {
  assert.ok('\u{10000}' < '\uFFFF', 'JavaScript compares UTF-16 code units');
  assert.ok(compareKeys('\u{10000}', '\uFFFF') > 0);
  assert.ok(compareKeys('\u{10FFFF}', '\u{10000}') > 0);
  assert.equal(compareKeys('same', 'same'), 0);
});
