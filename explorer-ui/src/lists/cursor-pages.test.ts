import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keepNear, nextPage, noPages, pagesMissing, rowAt, rowsHeld, withPage, type CursorPages } from './cursor-pages';
import { rowWindow } from './virtual-window';

const PAGE = 100;
const ROW_HEIGHT = 64;
const VIEWPORT = 504;
const MARGIN = 200;

/** Page `page` of a list of `total` numbered rows, and the cursor after it (the last row's number), as a gateway answers. */
function answer(page: number, total: number): { rows: number[]; next: string | undefined } {
  const rows = Array.from({ length: Math.min(PAGE, total - page * PAGE) }, (_, i) => page * PAGE + i);
  return { rows, next: (page + 1) * PAGE < total ? String(rows[rows.length - 1]) : undefined };
}

/** Reads the next page while the window, at `scrollTop`, is within 10 rows of the end; drops what is far. */
function scrollTo(pages: CursorPages<number>, scrollTop: number, total: number): CursorPages<number> {
  for (;;) {
    const window = rowWindow(pages.total, ROW_HEIGHT, scrollTop, VIEWPORT);
    pages = keepNear(pages, window, MARGIN);
    const next = nextPage(pages);
    if (!next || window.last < pages.total - 10) return pages;
    const { rows, next: after } = answer(next.page, total);
    pages = withPage(pages, next.page, rows, after);
  }
}

test('scrolling 100,000 rows to the end reads every page once in order but keeps only the pages near the view', () => {
  const total = 100_000;
  let pages = withPage(noPages<number>(), 0, answer(0, total).rows, answer(0, total).next);
  let mostHeld = 0;
  for (let scrollTop = 0; !pages.complete || scrollTop < total * ROW_HEIGHT; scrollTop += 50 * ROW_HEIGHT) {
    pages = scrollTo(pages, scrollTop, total);
    mostHeld = Math.max(mostHeld, rowsHeld(pages));
  }
  assert.equal(pages.total, total);
  assert.equal(pages.complete, true);
  assert.equal(pages.starts.length, 1_000);
  assert.deepEqual(pages.cursors.slice(0, 3), [undefined, '99', '199']);
  assert.equal(rowAt(pages, total - 1), total - 1);
  assert.ok(mostHeld <= 600, `${mostHeld} rows held`);
  // The last rows in view, 99,990 to 99,999 with the overscan, and the 200 rows above them.
  assert.deepEqual([...pages.held.keys()].sort((a, b) => a - b), [997, 998, 999]);
});

test('scrolling back to a dropped page asks for it again by the cursor that first read it', () => {
  const total = 5_000;
  let pages = withPage(noPages<number>(), 0, answer(0, total).rows, answer(0, total).next);
  pages = scrollTo(pages, 2_000 * ROW_HEIGHT, total);
  pages = scrollTo(pages, 4_000 * ROW_HEIGHT, total);
  const window = rowWindow(pages.total, ROW_HEIGHT, 1_250 * ROW_HEIGHT, VIEWPORT);
  pages = keepNear(pages, window, MARGIN);
  assert.equal(rowAt(pages, 1_250), undefined, 'row 1,250 was dropped on the way down');
  assert.deepEqual(pagesMissing(pages, window), [12]);
  assert.equal(pages.cursors[12], '1199');
  pages = withPage(pages, 12, answer(12, total).rows, answer(12, total).next);
  assert.equal(rowAt(pages, 1_250), 1_250);
  assert.equal(pages.total, 4_100, 'reading a page again does not grow the list');
});

test('a page out of order is refused, saying how cursor lists are read', () => {
  assert.throws(() => withPage(noPages<number>(), 1, [1], undefined), /page 1 is not the next page \(0\): read the pages of a cursor list in order/);
});

test('keeping what is already held changes nothing, so a component does not re-render for it', () => {
  const pages = withPage(noPages<number>(), 0, answer(0, 1_000).rows, answer(0, 1_000).next);
  assert.equal(keepNear(pages, rowWindow(pages.total, ROW_HEIGHT, 0, VIEWPORT), MARGIN), pages);
});

test('a page read again that no longer leads where it led (rows added in between) empties the list, marked changed, to be read anew', () => {
  let pages = noPages<number>();
  for (let page = 0; page < 3; page++) pages = withPage(pages, page, answer(page, 1_000).rows, answer(page, 1_000).next);
  // Newest first: five new rows now lead page 0, so its last row, and the cursor after it, moved.
  const reread = { rows: answer(0, 1_000).rows.map((row) => row - 5), next: '94' };
  const changed = withPage(pages, 0, reread.rows, reread.next);
  assert.deepEqual([changed.changed, changed.total, changed.starts.length], [true, 0, 0]);
  assert.equal(withPage(pages, 1, answer(1, 1_000).rows.slice(1), answer(1, 1_000).next).changed, true, 'a page that came back shorter changed too');
  assert.equal(withPage(pages, 1, answer(1, 1_000).rows, answer(1, 1_000).next).changed, undefined, 'the same page again is no change');
});
