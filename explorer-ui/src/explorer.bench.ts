import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { startExplorerFixture } from './testing/explorer-fixture';

/**
 * The explorer's page-weight and first-load figures:
 *
 *   npm run bench:explorer [-- --json] [-- --runs 10]
 *
 * - JavaScript size: every script of the build, gzipped as the gateway sends it; also what the
 *   dashboard loads first (the proof verifier is a chunk loaded only on demand).
 * - Dashboard first load: a fresh browser context each run (empty cache), signed in, from
 *   navigation to the network overview showing the block height, against a real gateway on the
 *   embedded ledger on localhost, in Debian's chromium (headless).
 *
 * Prints a table; with `--json`, also one JSON object of the figures as the last line. Times
 * taken while other work loads the machine are noisy.
 */
const TARGET = { firstLoadMs: 1_000, javaScriptGzipKb: 300 };

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { json: { type: 'boolean', default: false }, runs: { type: 'string', default: '10' } } });
  const runs = Number(values.runs);
  const fixture = await startExplorerFixture();
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
  try {
    const webDir = join(__dirname, '..', 'dist', 'web');
    const gz = (name: string) => statSync(join(webDir, `${name}.gz`)).size;
    const scripts = readdirSync(webDir).filter((name) => name.endsWith('.js'));
    const allJsKb = scripts.reduce((sum, name) => sum + gz(name), 0) / 1024;

    const session = JSON.stringify({ token: fixture.auditor.token, expiresAt: new Date(Date.now() + 600_000).toISOString(), user: { username: fixture.auditor.username, role: 'auditor' } });
    const times: number[] = [];
    let firstLoadJsKb = 0;
    for (let run = 0; run < runs + 1; run++) {
      const context = await browser.newContext();
      await context.addInitScript(`sessionStorage.setItem('citytrust.session', ${JSON.stringify(session)})`);
      const page = await context.newPage();
      let jsBytes = 0;
      page.on('response', async (response) => {
        if (response.url().endsWith('.js')) jsBytes += Number((await response.headerValue('content-length')) ?? 0);
      });
      const started = performance.now();
      await page.goto(`${fixture.url}#/network`);
      await page.getByTestId('height').waitFor();
      const elapsed = performance.now() - started;
      // The first run warms the gateway's block cache and the ledger; it is not counted.
      if (run > 0) times.push(elapsed);
      firstLoadJsKb = jsBytes / 1024;
      await context.close();
    }
    times.sort((a, b) => a - b);
    const p50 = times[Math.floor(times.length / 2)]!;
    const max = times[times.length - 1]!;
    console.log(`Explorer on localhost (embedded ledger, chromium headless), ${runs} cold loads of the dashboard`);
    console.log('');
    console.log('| figure | value | goal |');
    console.log('|---|---|---|');
    console.log(`| dashboard first load, p50 | ${p50.toFixed(0)} ms | ≤ ${TARGET.firstLoadMs} ms ${p50 <= TARGET.firstLoadMs ? 'met' : 'NOT met'} |`);
    console.log(`| dashboard first load, slowest | ${max.toFixed(0)} ms | |`);
    console.log(`| JavaScript, all of it, gzipped | ${allJsKb.toFixed(1)} KB | ≤ ${TARGET.javaScriptGzipKb} KB ${allJsKb <= TARGET.javaScriptGzipKb ? 'met' : 'NOT met'} |`);
    console.log(`| JavaScript the dashboard loads, gzipped | ${firstLoadJsKb.toFixed(1)} KB | |`);
    if (values.json) console.log(JSON.stringify({ runs, firstLoadP50Ms: p50, firstLoadMaxMs: max, javaScriptGzipKb: allJsKb, dashboardJavaScriptGzipKb: firstLoadJsKb, targets: TARGET }));
  } finally {
    await browser.close();
    await fixture.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
