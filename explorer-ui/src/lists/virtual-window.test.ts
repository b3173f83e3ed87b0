import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pagesOf, rowWindow } from './virtual-window';

const total = 100_000;
const rowHeight = 36;
const viewport = 720;

test('at the top of 100,000 rows, only the first 30 rows are rendered and one page fetched', () => {
  const window = rowWindow(total, rowHeight, 0, viewport);
  assert.deepEqual(window, { first: 0, last: 30 });
  assert.deepEqual(pagesOf(window, 50), [0]);
});

test('jumping to the middle renders the rows in view and fetches only their pages', () => {
  const window = rowWindow(total, rowHeight, 50_000 * rowHeight, viewport);
  assert.deepEqual(window, { first: 49_990, last: 50_030 });
  assert.deepEqual(pagesOf(window, 50), [999, 1000]);
});

test('at the very end the window stops at the last row', () => {
  const window = rowWindow(total, rowHeight, total * rowHeight - viewport, viewport);
  assert.deepEqual(window, { first: 99_970, last: 100_000 });
  assert.deepEqual(pagesOf(window, 50), [1999]);
});

test('an empty list renders nothing and fetches nothing', () => {
  assert.deepEqual(pagesOf(rowWindow(0, rowHeight, 0, viewport), 50), []);
});
