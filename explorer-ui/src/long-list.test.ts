import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium, type Browser } from 'playwright-core';
import { startLedgerTestGateway, type LedgerTestGateway } from '@citytrust/gateway/dist/test-support/ledger-test-gateway';
import { bundleExplorer } from './bundle';
import { writeLongTrace, type LongTrace } from './testing/long-trace';
import { scrollToEnd } from './testing/scroll-to-end';

/**
 * A list far longer than the screen, in Debian's chromium against a real gateway: the auditor's
 * trace over 3,000 share trails in the off-chain index (100 a page), scrolled from top to bottom.
 * The page renders only the rows in view and ten either side, keeps only the pages near them in
 * memory, reads each page from the gateway once and only as the reader nears it, ends on the
 * oldest trail, and reads a dropped page again when the reader scrolls back to it.
 */
const TRAILS = 3_000;
const PAGE = 100;
/** A 1280×720 window shows the 504 px list: 8 rows of 64 px, cut across at most 9, plus 10 above and 10 below. */
const MOST_ROWS_IN_VIEW_AND_MARGIN = 29;
/** Those 29 rows and 200 either side fall in at most 6 pages of 100. */
const MOST_ROWS_KEPT = 600;

let gateway: LedgerTestGateway;
let browser: Browser;
let trace: LongTrace;
let url: string;
let session: string;

before(async () => {
  const { outDir } = await bundleExplorer(`${__dirname}/..`);
  gateway = await startLedgerTestGateway({ offchainIndex: true, env: { GATEWAY_EXPLORER_DIR: outDir, GATEWAY_RATE_LIMIT_MAX: '100000' } });
  await gateway.server.listen({ host: '127.0.0.1', port: 0 });
  url = `http://127.0.0.1:${(gateway.server.server.address() as { port: number }).port}/explorer/`;
  const auditor = await gateway.userWithToken('auditor');
  session = JSON.stringify({ token: auditor.token, expiresAt: new Date(Date.now() + 600_000).toISOString(), user: { username: auditor.user.username, role: 'auditor' } });
  trace = await writeLongTrace(gateway.database.embedded!.url, TRAILS);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
});

after(async () => {
  await browser?.close();
  await gateway?.close();
});

test(`the auditor's trace of ${TRAILS} trails scrolls to its end with only the rows in view in the page, each page read once, and reads the first again on the way back`, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, locale: 'zh-CN' });
  await context.addInitScript(`sessionStorage.setItem('citytrust.session', ${JSON.stringify(session)})`);
  const page = await context.newPage();
  page.on('pageerror', (error) => assert.fail(`the page threw: ${error.message}`));
  const pagesRead: number[] = [];
  page.on('response', async (response) => {
    const request = response.request();
    if (request.url().endsWith('/api/v1/audit/trails/search') && (request.postDataJSON() as { purpose?: string }).purpose === trace.purpose) {
      pagesRead.push(((await response.json()) as { trails: unknown[] }).trails.length);
    }
  });

  await page.goto(`${url}#/audit`);
  await page.locator('input[name=purpose]').fill(trace.purpose);
  await page.getByTestId('trace-form').locator('button[type=submit]').click();
  const list = page.getByTestId('trace-results');
  await list.locator(`[data-trail="${trace.newestTrailId}"]`).waitFor();
  assert.deepEqual(pagesRead, [PAGE], 'opening the list reads its first page only');
  assert.ok(await list.locator('.trace-row').count() <= MOST_ROWS_IN_VIEW_AND_MARGIN);

  const scrolled = await scrollToEnd(page, { testId: 'trace-results', stepPx: 50 * 64, keyAttribute: 'data-trail' });

  assert.equal(scrolled.reachedEnd, true);
  assert.equal(scrolled.lastRowKey, trace.oldestTrailId, 'the last row shown is the oldest trail');
  assert.ok(scrolled.mostRowsInDom <= MOST_ROWS_IN_VIEW_AND_MARGIN, `${scrolled.mostRowsInDom} rows were in the page at once`);
  assert.equal(scrolled.rowsRead, TRAILS);
  assert.ok(scrolled.mostRowsHeld <= MOST_ROWS_KEPT, `the list kept ${scrolled.mostRowsHeld} rows in memory at once`);
  assert.deepEqual(pagesRead, Array(TRAILS / PAGE).fill(PAGE), 'each page is read once, in order, none twice');
  assert.equal(await list.locator('xpath=following-sibling::p[1]').textContent(), `已到末尾 (${TRAILS})`);

  // Back to the top: the first page was dropped on the way down, and is read again by its cursor.
  await list.evaluate((element) => element.scrollTo(0, 0));
  await list.locator(`[data-trail="${trace.newestTrailId}"]`).waitFor();
  assert.equal(pagesRead.length, TRAILS / PAGE + 1);
  assert.equal(await list.getAttribute('data-rows'), String(TRAILS));
  await context.close();
});
