import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import encodeQR from '@paulmillr/qr';
import { decodeLicenseQr, encodeLicenseQr, formatLicenseIdentifier, sm3 } from '@citytrust/shared';
import { parseAuditBundle, verifyAuditBundle } from '@citytrust/gateway';
import { newGpgHome } from '@citytrust/gateway/dist/test-support/gpg-home';
import { startExplorerFixture, type ExplorerFixture } from './testing/explorer-fixture';

/**
 * The explorer's journeys in a real browser (Debian's chromium, headless) against a real
 * gateway on the real embedded ledger: staff see the network, blocks and transactions; a
 * citizen signs in with an SM2 key that signs in the page, sees who used their data, verifies
 * a proof in the browser, objects, revokes and grants consent; anyone verifies an e-license by
 * its QR text or a picture of its QR code, and staff follow a license's timeline; an auditor
 * traces a subject's trails, exports them as a signed audit bundle and reads the anomaly report; a credit officer searches subjects,
 * opens a profile and sees the grade distribution; tampered proofs and QR codes, unknown ids,
 * expired sessions and a role the gateway refuses get a message, never a blank page. Screenshots go to
 * test-artifacts/explorer/ at the repository's root (git-ignored).
 */
const artifacts = join(__dirname, '..', '..', 'test-artifacts', 'explorer');
let fixture: ExplorerFixture;
let browser: Browser;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  fixture = await startExplorerFixture();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
});

after(async () => {
  await browser?.close();
  await fixture?.close();
});

async function newPage(viewport = { width: 1280, height: 900 }): Promise<Page> {
  const page = await browser.newPage({ viewport, locale: 'zh-CN' });
  page.on('pageerror', (error) => assert.fail(`the page threw: ${error.message}`));
  return page;
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });

async function staffSignIn(page: Page, user = fixture.auditor): Promise<void> {
  await page.goto(fixture.url);
  // Keyboard only: the sign-in form is reachable and submittable without a mouse.
  await page.locator('input[name=username]').focus();
  await page.keyboard.type(user.username);
  await page.keyboard.press('Tab');
  await page.keyboard.type(user.password);
  await page.keyboard.press('Enter');
  await page.getByTestId('user').waitFor();
}

describe('staff', () => {
  test('the dashboard shows the network in Chinese, and switches to English', async () => {
    const page = await newPage();
    await page.goto(fixture.url);
    assert.equal(await page.locator('h1').textContent(), '工作人员登录');
    await staffSignIn(page);
    await page.getByTestId('height').waitFor();
    assert.equal(await page.locator('h1').textContent(), '网络概览');
    const height = Number(await page.getByTestId('height').textContent());
    assert.equal(height, (await fixture.gateway.ledger.health()).height);
    assert.ok(await page.getByTestId('tpm-chart').locator('rect').count() >= 30);
    assert.ok(await page.getByText('MarketRegulationMSP').first().isVisible());
    await shot(page, 'network-zh');
    await page.getByTestId('language').click();
    assert.equal(await page.locator('h1').textContent(), 'Network overview');
    await shot(page, 'network-en');
    await page.getByTestId('language').click();
    await page.close();
  });

  test('blocks scroll virtualised, and a sealed transaction shows its endorsements and its seal verified', async () => {
    const page = await newPage();
    await staffSignIn(page);
    await page.goto(`${fixture.url}#/blocks`);
    const list = page.getByTestId('blocks-list');
    await list.locator('a.row').first().waitFor();
    const height = (await fixture.gateway.ledger.health()).height!;
    assert.equal(await list.locator('a.row').first().getAttribute('href'), `#/blocks/${height - 1}`);
    assert.equal(await list.getAttribute('data-loaded-pages'), '1');
    await shot(page, 'blocks');

    const transactions = await fixture.gateway.server.inject({ method: 'GET', url: '/api/v1/transactions?limit=100', headers: { authorization: `Bearer ${fixture.auditor.token}` } });
    const sealed = (transactions.json().transactions as Array<{ transactionId: string; function?: string; creator: string; blockNumber: number }>).find((t) => t.function === 'recordAccess' && t.creator === 'CreditOfficeMSP')!;
    await page.goto(`${fixture.url}#/blocks/${sealed.blockNumber}`);
    await page.locator(`a[href="#/transactions/${sealed.transactionId}"]`).click();
    await page.getByTestId('seal').waitFor();
    assert.match(await page.getByTestId('contract-function').textContent() ?? '', /trail:recordAccess/);
    assert.equal(await page.getByTestId('validation-code').textContent(), 'VALID');
    assert.match(await page.getByTestId('seal').textContent() ?? '', /✓ 印章验证通过 — CreditOfficeMSP/);
    assert.ok(await page.getByText('✓ 签名有效').count() >= 1);
    assert.ok(await page.getByTestId('keys-written').locator('li').count() >= 1);
    await shot(page, 'transaction-sealed');
    await page.close();
  });

  test('the transaction list pages by position and renders only the rows in view', async () => {
    const page = await newPage();
    await staffSignIn(page);
    await page.goto(`${fixture.url}#/transactions`);
    const list = page.getByTestId('transactions-list');
    await list.locator('a.row').first().waitFor();
    const rendered = await list.locator('a.row').count();
    assert.ok(rendered > 0 && rendered <= 40, `${rendered} rows rendered`);
    await shot(page, 'transactions');
    await page.close();
  });

  test('an unknown transaction, an unknown block and a page that does not exist each say so', async () => {
    const page = await newPage();
    await staffSignIn(page);
    await page.goto(`${fixture.url}#/transactions/${'ab'.repeat(32)}`);
    const problem = page.getByRole('alert');
    await problem.waitFor();
    assert.match(await problem.textContent() ?? '', /找不到no transaction abab.* on channel \w+ \(not_found\)/);
    await shot(page, 'unknown-transaction');
    await page.goto(`${fixture.url}#/blocks/99999999`);
    await page.getByText(/no block 99999999 on the channel/).waitFor();
    await page.goto(`${fixture.url}#/nowhere`);
    assert.match(await page.getByRole('alert').textContent() ?? '', /没有这个页面。/);
    await page.close();
  });

  test('an expired session says so and offers to sign in again', async () => {
    const page = await newPage();
    await page.goto(fixture.url);
    // A token the gateway no longer accepts, though the page still thinks it is good for a minute.
    const stale = JSON.stringify({ token: 'expired.token.value', expiresAt: new Date(Date.now() + 60_000).toISOString(), user: { username: 'auditor.gone', role: 'auditor' } });
    await page.evaluate(`sessionStorage.setItem('citytrust.session', ${JSON.stringify(stale)})`);
    await page.goto(`${fixture.url}#/blocks`);
    await page.reload();
    await page.getByText('会话已过期，请重新登录。').waitFor();
    assert.ok(await page.locator('input[name=password]').isVisible());
    await shot(page, 'session-expired');
    await page.close();
  });
});

async function citizenSignIn(page: Page, citizen: { username: string; privateKeyPem: string } = fixture.citizen): Promise<void> {
  await page.goto(`${fixture.url}#/citizen`);
  await page.locator('input[name=username]').fill(citizen.username);
  await page.locator('textarea[name=key]').fill(citizen.privateKeyPem);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByTestId('trails').waitFor();
}

/** The citizen's log once the gateway's answer for the filters now applied is drawn: each entry as "outcome department". */
async function logShown(page: Page): Promise<string[]> {
  await page.waitForFunction(() => document.querySelector('[data-testid=trails]')?.getAttribute('aria-busy') === 'false'
    && document.querySelector('[data-testid=trails-more], [data-testid=trails-end], [data-testid=no-trails]') !== null);
  return page.getByTestId('trails').locator('li.trail .trail-head').evaluateAll((heads) => heads.map((head) => `${head.querySelector('strong')?.textContent} ${head.querySelector('span')?.textContent}`));
}

describe('an auditor', () => {
  /** The trails the trace list holds, each as "department outcome". */
  /** The trace's rows once `count` are listed and drawn (a new search empties the list before it fills it). */
  const traced = async (page: Page, count: number) => {
    await page.waitForFunction((n) => {
      const list = document.querySelector('[data-testid=trace-results]');
      return list?.getAttribute('data-rows') === String(n) && list.querySelectorAll('.trace-row').length === n;
    }, count);
    return page.getByTestId('trace-results').locator('.trace-row').evaluateAll((rows) => rows.map((row) => `${row.textContent}`));
  };

  test('traces a subject by identity number, narrows by department and time window, and opens a trail\'s transaction and proof', async () => {
    const page = await newPage();
    const urls: string[] = [];
    page.on('request', (request) => urls.push(request.url()));
    await staffSignIn(page);
    await page.getByRole('link', { name: '审计追溯' }).click();
    await page.getByTestId('trace-results').waitFor();
    const form = page.getByTestId('trace-form');
    await form.locator('select[name=subjectKind]').selectOption('person');
    await form.locator('input[name=subject]').fill(fixture.identityNumber);
    await form.getByRole('button', { name: '查询' }).click();
    const all = await traced(page, 3);
    assert.equal(all.filter((row) => row.includes('CreditOfficeMSP')).length, 2);
    assert.equal(all.filter((row) => row.includes('MarketRegulationMSP')).length, 1);
    // The identity number went in the search's body, never in an address.
    assert.equal(urls.some((url) => url.includes(fixture.identityNumber)), false);
    assert.equal(page.url().includes(fixture.identityNumber), false);

    await form.locator('input[name=department]').fill('CreditOfficeMSP');
    await form.locator('select[name=outcome]').selectOption('refused');
    await form.getByRole('button', { name: '查询' }).click();
    assert.match((await traced(page, 1))[0]!, /^被拒绝 CreditOfficeMSP · MR-PERSON-LICENCE · marketing /);

    // A window that ended before any of it: nothing.
    await form.locator('input[name=from]').fill('2001-01-01T00:00');
    await form.locator('input[name=until]').fill('2001-12-31T00:00');
    await form.getByRole('button', { name: '查询' }).click();
    assert.equal(await page.getByTestId('trace-results-empty').textContent(), '没有符合条件的访问记录。');
    // A window around now: the refused access again.
    const local = (date: Date) => new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await form.locator('input[name=from]').fill(local(new Date(Date.now() - 3_600_000)));
    await form.locator('input[name=until]').fill(local(new Date(Date.now() + 3_600_000)));
    await form.getByRole('button', { name: '查询' }).click();
    await traced(page, 1);
    await shot(page, 'audit-trace');

    const row = page.getByTestId('trace-results').locator('.trace-row').first();
    await row.getByRole('button', { name: '详情与证明' }).click();
    const detail = page.getByTestId('trail-detail');
    assert.match(await detail.textContent() ?? '', /purpose_out_of_scope/);
    await detail.getByRole('button', { name: '在浏览器中验证' }).click();
    const report = detail.getByTestId('proof-report');
    await report.waitFor();
    assert.equal(await report.getAttribute('data-valid'), 'true');
    await shot(page, 'audit-trail-proof');

    const transactionId = await row.getAttribute('data-trail');
    await row.getByRole('link', { name: /^交易/ }).click();
    await page.getByTestId('contract-function').waitFor();
    assert.equal(page.url().endsWith(`#/transactions/${transactionId}`), true);
    assert.match(await page.getByTestId('contract-function').textContent() ?? '', /trail:recordRefusal/);
    await shot(page, 'audit-trail-transaction');
    await page.close();
  });

  test('exports the traced subject\'s trails as a signed audit bundle, downloaded as a file that verifies offline', async () => {
    const page = await newPage();
    const urls: string[] = [];
    page.on('request', (request) => urls.push(request.url()));
    await staffSignIn(page);
    await page.goto(`${fixture.url}#/audit`);
    const form = page.getByTestId('trace-form');
    await form.locator('input[name=subject]').fill(fixture.identityNumber);
    await form.getByRole('button', { name: '查询' }).click();
    const shown = (await traced(page, 3)).length;

    const exporter = page.getByTestId('bundle-export');
    const [download] = await Promise.all([page.waitForEvent('download'), exporter.getByRole('button', { name: '导出签名审计包' }).click()]);
    const file = await download.path();
    assert.match(download.suggestedFilename(), /^audit-bundle-.+\.json$/);
    const bundle = parseAuditBundle(JSON.parse(readFileSync(file, 'utf8')));
    assert.equal(bundle.entries.length, shown);
    const report = await verifyAuditBundle(bundle);
    assert.equal(report.valid, true, JSON.stringify(report.firstFailure));
    assert.equal(report.entriesValid, shown);
    // The identity number went in the export's body, never in an address; the manifest names the person by subject key only.
    assert.equal(urls.some((url) => url.includes(fixture.identityNumber)), false);
    assert.equal(JSON.stringify(bundle.manifest).includes(fixture.identityNumber), false);

    const saved = exporter.getByTestId('bundle-saved');
    await saved.waitFor();
    assert.equal(await saved.getByTestId('bundle-key-id').textContent(), bundle.seal.keyId);
    assert.match(await saved.textContent() ?? '', new RegExp(`已下载 ${download.suggestedFilename()}，包含 3 条留痕。.*npx citytrust audit verify ${download.suggestedFilename()}`));
    await shot(page, 'audit-bundle-export');

    // Encrypted to the auditor's key, pasted as gpg exports it: the file is an OpenPGP message that gpg opens into the same kind of bundle.
    const gpg = newGpgHome();
    try {
      await gpg.generateKey('audit@example.org', 'encrypt');
      await exporter.getByText('用我的 OpenPGP 公钥加密（可选）').click();
      await exporter.locator('textarea[name=openpgpPublicKey]').fill(await gpg.exportPublicKey('audit@example.org'));
      const [encrypted] = await Promise.all([page.waitForEvent('download'), exporter.getByRole('button', { name: '导出签名审计包' }).click()]);
      assert.match(encrypted.suggestedFilename(), /^audit-bundle-.+\.json\.pgp$/);
      const message = readFileSync(await encrypted.path());
      assert.equal(message[0]! & 0x80, 0x80, 'a binary OpenPGP packet, not JSON');
      const decrypted = parseAuditBundle(JSON.parse((await gpg.decrypt(message)).toString('utf8')));
      assert.equal((await verifyAuditBundle(decrypted)).valid, true);
      assert.match(await exporter.getByTestId('bundle-saved').textContent() ?? '', new RegExp(`已下载 ${encrypted.suggestedFilename()}：签名审计包已用你的 OpenPGP 公钥加密`));
      await exporter.locator('textarea[name=openpgpPublicKey]').fill('');
    } finally {
      await gpg.close();
    }

    // A filter the gateway refuses: its message on the page, not a blank one.
    await form.locator('input[name=department]').fill('market');
    await form.getByRole('button', { name: '查询' }).click();
    await exporter.getByRole('button', { name: '导出签名审计包' }).click();
    assert.match(await exporter.getByRole('alert').textContent() ?? '', /^出错了.*department.*\(invalid_request\)$/);
    await page.close();
  });

  test('reads the anomaly report for a chosen period: the out-of-scope attempt, with its department and trail', async () => {
    const page = await newPage();
    await staffSignIn(page);
    await page.goto(`${fixture.url}#/audit/anomalies`);
    const findings = page.getByTestId('anomalies').locator('li[data-rule]');
    await findings.first().waitFor();
    const scope = page.getByTestId('anomalies').locator('li[data-rule="out-of-scope"]');
    assert.equal(await scope.count(), 1);
    assert.match(await scope.textContent() ?? '', /超出授权范围CreditOfficeMSP.*purpose_out_of_scope/);
    await scope.getByText('涉及的留痕 (1)').click();
    assert.equal(await scope.locator('a[href^="#/transactions/"]').count(), 1);
    await shot(page, 'audit-anomalies');

    const period = page.getByTestId('period');
    await period.locator('input[name=from]').fill('2001-01-01');
    await period.locator('input[name=until]').fill('2001-01-31');
    await period.getByRole('button', { name: '显示' }).click();
    await page.getByTestId('no-anomalies').waitFor();
    assert.equal(await period.locator('select[name=preset]').inputValue(), '');
    await period.locator('select[name=preset]').selectOption('30');
    await scope.waitFor();
    await page.close();
  });

  test('a citizen who opens the auditor\'s view is refused by the gateway, in words', async () => {
    const page = await newPage();
    await citizenSignIn(page);
    assert.equal(await page.getByRole('link', { name: '审计追溯' }).count(), 0);
    await page.goto(`${fixture.url}#/audit`);
    const refusal = page.getByRole('alert').first();
    await refusal.waitFor();
    assert.match(await refusal.textContent() ?? '', /^当前身份无权查看此页面。a citizen may not call searchTrails; it is open to: auditor \(forbidden\)/);
    await shot(page, 'audit-refused-citizen');
    await page.close();
  });
});

describe('a credit officer', () => {
  test('sees the grade distribution, searches subjects, opens a profile with its factors and asks why its grade changed', async () => {
    const page = await newPage();
    await staffSignIn(page, fixture.creditOfficer);
    assert.equal(await page.getByRole('link', { name: '审计追溯' }).count(), 0);
    await page.getByRole('link', { name: '信用监管' }).click();
    const chart = page.getByTestId('grade-chart');
    await chart.waitFor();
    assert.deepEqual(await chart.locator('g[data-grade]').evaluateAll((bars) => bars.map((bar) => `${bar.getAttribute('data-grade')}${bar.getAttribute('data-count')}`)), ['A1', 'B1', 'C0', 'D1']);
    assert.equal(await page.getByTestId('grade-total').textContent(), '3');
    await page.getByTestId('subjects').locator('.row').first().waitFor();
    assert.equal(await page.getByTestId('subjects').getAttribute('data-rows'), '3');
    await shot(page, 'credit-distribution');

    const search = page.getByTestId('subject-search');
    await search.locator('select[name=list]').selectOption('RED_LIST');
    await search.getByRole('button', { name: '查询' }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid=subjects]')?.getAttribute('data-rows') === '1');
    await page.getByTestId('subjects').locator(`a[data-subject="E:${fixture.enterprises.redListed}"]`).click();
    const profile = page.getByTestId('credit-profile');
    await profile.getByTestId('profile-grade').waitFor();
    assert.equal(await profile.getByTestId('profile-grade').textContent(), 'A');
    assert.match(await profile.getByTestId('profile-lists').textContent() ?? '', /^RED_LIST/);
    assert.deepEqual(await profile.getByTestId('factors').locator('tbody tr td:last-child').allTextContents().then((c) => c.sort()), ['+180', '-80']);
    assert.deepEqual(await profile.getByTestId('profile-records').locator('tbody tr td:nth-child(3)').allTextContents(), ['CreditOfficeMSP', 'MarketRegulationMSP']);

    const change = profile.getByTestId('grade-change');
    await change.locator('input[name=from]').fill('2001-01-01T00:00:00');
    const local = new Date(Date.now() + 3_600_000 - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 19);
    await change.locator('input[name=until]').fill(local);
    await change.getByRole('button', { name: '解释' }).click();
    assert.match(await change.getByTestId('grade-change-summary').textContent() ?? '', /^尚未评价 → A \(800\)$/);
    assert.equal(await change.locator('tr[data-change="added"]').count(), 2);
    await shot(page, 'credit-profile');

    await page.goto(`${fixture.url}#/credit/enterprises/91320214000000099X`);
    assert.match(await page.getByRole('alert').textContent() ?? '', /subject\.uscc .*\(BAD_USER_INPUT\)/);
    await page.close();
  });
});

describe('a citizen, on a phone', () => {
  const phone = { width: 390, height: 844 };

  test('signs in with an SM2 key signed in the page, sees who used their data, and filters it', async () => {
    const page = await newPage(phone);
    await page.goto(`${fixture.url}#/citizen`);
    await page.locator('input[name=username]').fill(fixture.citizen.username);
    await page.locator('textarea[name=key]').fill('-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----');
    await page.getByRole('button', { name: '登录' }).click();
    assert.match(await page.getByRole('alert').textContent() ?? '', /expected a PEM block "PRIVATE KEY"/);
    const asked: string[] = [];
    page.on('request', (request) => request.url().includes('/api/v1/me/trails') && asked.push(new URL(request.url()).search));
    await citizenSignIn(page);
    assert.equal(await page.getByTestId('user').textContent(), fixture.citizen.username);
    assert.deepEqual(await logShown(page), ['已授权访问 MarketRegulationMSP', '被拒绝 CreditOfficeMSP', '已授权访问 CreditOfficeMSP']);
    await shot(page, 'citizen-log');
    const filters = page.getByTestId('log-filters');
    await filters.locator('select[name=outcome]').selectOption('refused');
    await filters.getByRole('button', { name: '查询' }).click();
    assert.deepEqual(await logShown(page), ['被拒绝 CreditOfficeMSP']);
    assert.match(await page.getByTestId('trails').locator('li.trail').first().textContent() ?? '', /purpose_out_of_scope/);
    // The gateway filtered: the outcome went in the request.
    assert.equal(new URLSearchParams(asked.at(-1)).get('outcome'), 'refused');
    await filters.locator('select[name=outcome]').selectOption('');
    await filters.locator('input[name=from]').fill('2001-01-01');
    await filters.locator('input[name=to]').fill('2001-12-31');
    await filters.getByRole('button', { name: '查询' }).click();
    await page.getByTestId('no-trails').waitFor();
    const window = new URLSearchParams(asked.at(-1));
    assert.deepEqual([window.get('from'), window.get('until'), window.get('outcome')], [new Date('2001-01-01T00:00').toISOString(), new Date('2002-01-01T00:00').toISOString(), null]);
    // A phone shows the log without sideways scrolling.
    assert.equal(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth'), true);
    await page.close();
  });

  test('verifies an entry\'s proof in the browser, objects to the access and revokes the consent', async () => {
    const page = await newPage(phone);
    await citizenSignIn(page);
    const entry = page.locator(`li[data-trail="${fixture.grantedTrailId}"]`);
    await entry.getByRole('button', { name: '在浏览器中验证' }).click();
    const report = entry.getByTestId('proof-report');
    await report.waitFor();
    assert.equal(await report.getAttribute('data-valid'), 'true');
    assert.equal(await report.locator('li[data-passed="true"]').count(), 10);
    await shot(page, 'citizen-proof-valid');

    await entry.getByRole('button', { name: '提出异议' }).click();
    await entry.locator('input[name=reason]').fill('我没有申请信用修复');
    await entry.getByRole('button', { name: '提交' }).click();
    await entry.getByText('异议已提交，部门须作出答复。').waitFor();
    const second = await entry.getByRole('button', { name: '提出异议' });
    await second.click();
    await entry.locator('input[name=reason]').fill('again');
    await entry.getByRole('button', { name: '提交' }).click();
    assert.match(await entry.getByRole('alert').textContent() ?? '', /an objection to trail [0-9a-f]{64} is already recorded \(ledger_rejected\)/);

    await entry.getByRole('button', { name: '撤回授权' }).click();
    await entry.locator('input[name=reason]').fill('不再需要');
    await entry.getByRole('button', { name: '提交' }).click();
    await entry.getByText('授权已撤回。').waitFor();
    await shot(page, 'citizen-objected-revoked');
    await page.close();
  });

  test('grants a consent, and a tampered proof file fails the check that guards it', async () => {
    const page = await newPage(phone);
    await citizenSignIn(page);
    await page.getByText('授权部门使用我的数据').click();
    const form = page.getByTestId('grant-consent');
    await form.locator('input[name=grantee]').fill('CreditOfficeMSP');
    await form.locator('input[name=items]').fill('MR-PERSON-LICENCE');
    await form.locator('input[name=purpose]').fill('credit-repair.review');
    await form.getByRole('button', { name: '授权' }).click();
    assert.match(await page.getByTestId('consent-id').textContent() ?? '', /^[0-9a-f]{64}$/);

    const proof = await fixture.gateway.server.inject({ method: 'GET', url: `/api/v1/trails/${fixture.grantedTrailId}/proof`, headers: { authorization: `Bearer ${fixture.citizen.token}` } });
    const bundle = proof.json();
    bundle.sealed.record.caseReference = 'YWTB-2027-999999';
    const panel = page.getByTestId('verify-bundle');
    await panel.getByText('验证证明文件').click();
    await panel.locator('textarea[name=bundle]').fill('{ not json');
    await panel.getByRole('button', { name: '验证' }).click();
    assert.match(await panel.getByRole('alert').textContent() ?? '', /这不是 JSON 文本/);
    await panel.locator('textarea[name=bundle]').fill(JSON.stringify(bundle));
    await panel.getByRole('button', { name: '验证' }).click();
    const report = panel.getByTestId('proof-report');
    await report.waitFor();
    assert.equal(await report.getAttribute('data-valid'), 'false');
    assert.deepEqual(await report.locator('li[data-passed="false"]').evaluateAll((items) => items.map((item) => item.getAttribute('data-check'))), ['seal-digest']);
    await shot(page, 'citizen-proof-tampered');
    await page.close();
  });

  test('a log longer than a page: the gateway filters it, and "more" reads on with its bookmark', async () => {
    const page = await newPage(phone);
    const asked: URLSearchParams[] = [];
    page.on('request', (request) => request.url().includes('/api/v1/me/trails') && asked.push(new URL(request.url()).searchParams));
    await citizenSignIn(page, fixture.busyCitizen);
    // The first page: the 20 newest, all the credit office's; the market regulator's access and the refused attempt are further down.
    const first = await logShown(page);
    assert.deepEqual([first.length, new Set(first).size, first[0]], [20, 1, '已授权访问 CreditOfficeMSP']);
    await page.getByTestId('trails-more').waitFor();

    const filters = page.getByTestId('log-filters');
    await filters.locator('input[name=department]').fill('MarketRegulationMSP');
    await filters.getByRole('button', { name: '查询' }).click();
    assert.deepEqual(await logShown(page), ['已授权访问 MarketRegulationMSP']);
    assert.equal(asked.at(-1)?.get('department'), 'MarketRegulationMSP');
    await filters.locator('input[name=department]').fill('');
    await filters.locator('select[name=outcome]').selectOption('refused');
    await filters.getByRole('button', { name: '查询' }).click();
    assert.deepEqual(await logShown(page), ['被拒绝 CreditOfficeMSP']);
    assert.match(await page.getByTestId('trails').locator('li.trail').first().textContent() ?? '', /authorization_not_yet_valid/);
    await shot(page, 'citizen-log-filtered');

    await filters.locator('input[name=department]').fill('CreditOfficeMSP');
    await filters.locator('select[name=outcome]').selectOption('granted');
    await filters.getByRole('button', { name: '查询' }).click();
    assert.equal((await logShown(page)).length, 20);
    await page.getByTestId('trails-more').click();
    await page.getByTestId('trails-end').waitFor();
    const all = await logShown(page);
    assert.deepEqual([all.length, new Set(all).size], [24, 1]);
    assert.equal(await page.getByTestId('trails-end').textContent(), '已到末尾 (24)');
    // The second page was asked with the first page's bookmark and the same filters.
    const more = asked.at(-1)!;
    assert.deepEqual([more.get('department'), more.get('outcome'), more.get('pageSize'), /^[0-9a-f]{64}$/.test(more.get('bookmark') ?? '')], ['CreditOfficeMSP', 'granted', '20', true]);
    assert.equal(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth'), true);
    await page.close();
  });

  test('opens the timeline of a license they hold, reads on with "more" to its sealed suspension; another\'s license is not found', async () => {
    const page = await newPage(phone);
    await citizenSignIn(page, fixture.busyCitizen);
    const licenses = page.getByTestId('my-licenses');
    await licenses.getByText('我的电子证照').click();
    await licenses.locator(`a[href="#/licenses/${encodeURIComponent(fixture.busyCitizen.license)}"]`).click();
    const timeline = page.getByTestId('timeline');
    await page.getByTestId('timeline-more').waitFor();
    assert.equal(await timeline.locator('li').count(), 20);
    await page.getByTestId('timeline-more').click();
    await page.getByTestId('timeline-end').waitFor();
    const kinds = await timeline.locator('li').evaluateAll((items) => items.map((item) => item.getAttribute('data-kind')));
    assert.deepEqual(kinds, ['issued', ...Array(21).fill('used'), 'status-changed']);
    const suspension = timeline.locator('li[data-kind=status-changed]');
    assert.match(await suspension.textContent() ?? '', /^暂停MarketRegulationMSP/);
    assert.equal(await suspension.getByTestId('event-reason').textContent(), fixture.busyCitizen.suspensionReason);
    assert.equal(await suspension.getByTestId('event-seal').getAttribute('data-sealed'), 'true');
    assert.match(await suspension.getByTestId('event-seal').textContent() ?? '', /^MarketRegulationMSP /);
    assert.equal(await page.getByTestId('timeline-status').getAttribute('data-status'), 'suspended');
    await shot(page, 'citizen-license-timeline');

    await page.goto(`${fixture.url}#/licenses/${encodeURIComponent(fixture.validLicense.identifier)}`);
    assert.match(await page.getByRole('alert').textContent() ?? '', new RegExp(`^找不到you hold no license ${fixture.validLicense.identifier.replace(/\./g, '\\.')}; see GET /api/v1/me/licenses \\(not_found\\)`));
    await page.close();
  });
});

/** A picture of a QR code, as a phone would take of a printed one: the code drawn by the browser, screenshotted as PNG. */
async function qrPicture(text: string): Promise<Buffer> {
  const page = await browser.newPage({ viewport: { width: 600, height: 600 } });
  await page.setContent(`<body style="margin:0;background:#fff"><div id="qr" style="width:520px;padding:40px">${encodeQR(text, 'svg', { ecc: 'medium' })}</div></body>`);
  const picture = await page.locator('#qr').screenshot({ type: 'png' });
  await page.close();
  return picture;
}

describe('anyone, verifying an e-license on a phone without signing in', () => {
  const phone = { width: 390, height: 844 };

  async function verifyPage(): Promise<Page> {
    const page = await newPage(phone);
    await page.goto(`${fixture.url}#/verify`);
    await page.locator('textarea[name=qr]').waitFor();
    return page;
  }

  test('a valid license by its pasted QR text: valid, its issuer and the seal checked, with the keyboard alone', async () => {
    const page = await verifyPage();
    assert.equal(await page.locator('h1').textContent(), '验证电子证照');
    await page.locator('textarea[name=qr]').focus();
    await page.keyboard.insertText(fixture.validLicense.qr);
    await page.keyboard.press('Tab'); // the picture input
    await page.keyboard.press('Tab'); // the verify button
    await page.keyboard.press('Enter');
    const verdict = page.getByTestId('license-verdict');
    await verdict.waitFor();
    assert.equal(await verdict.getAttribute('data-status'), 'valid');
    assert.match(await verdict.textContent() ?? '', /✓ 有效这张电子证照真实有效/);
    assert.equal(await page.getByTestId('license-identifier').textContent(), fixture.validLicense.identifier);
    assert.match(await page.getByTestId('license-issuer').textContent() ?? '', /^MarketRegulationMSP 11320000MB12345675$/);
    assert.equal(await page.getByTestId('seal-check').textContent(), '✓ 二维码上的发证部门 SM2 签章验证通过');
    assert.equal(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth'), true);
    await shot(page, 'license-valid-pasted');
    await page.close();
  });

  test('a valid license by a picture of its QR code, read in the browser', async () => {
    const page = await verifyPage();
    await page.locator('input[name=image]').setInputFiles({ name: 'license-qr.png', mimeType: 'image/png', buffer: await qrPicture(fixture.validLicense.qr) });
    const verdict = page.getByTestId('license-verdict');
    await verdict.waitFor();
    assert.equal(await verdict.getAttribute('data-status'), 'valid');
    assert.equal(await page.locator('textarea[name=qr]').inputValue(), fixture.validLicense.qr);
    await page.getByText('已从图片读出二维码内容。').waitFor();
    await shot(page, 'license-valid-picture');
    await page.close();
  });

  test('a revoked license says so, who revoked it and why, in Chinese and in English', async () => {
    const page = await verifyPage();
    await page.locator('textarea[name=qr]').fill(fixture.revokedLicense.qr);
    await page.getByRole('button', { name: '验证' }).click();
    const verdict = page.getByTestId('license-verdict');
    await verdict.waitFor();
    assert.equal(await verdict.getAttribute('data-status'), 'revoked');
    assert.match(await verdict.textContent() ?? '', /✗ 已吊销这张证照真实，但已被吊销，不再有效。/);
    assert.equal(await page.getByTestId('status-reason').textContent(), fixture.revokedLicense.reason);
    assert.match(await verdict.textContent() ?? '', /决定部门MarketRegulationMSP/);
    await shot(page, 'license-revoked');
    await page.getByTestId('language').click();
    assert.match(await verdict.textContent() ?? '', /✗ RevokedThis license is genuine but was revoked/);
    await shot(page, 'license-revoked-en');
    await page.getByTestId('language').click();
    await page.close();
  });

  test('bad input gets a message on the page: nothing entered, garbage, an unknown license, a tampered code, a picture with no QR code, a file that is no picture', async () => {
    const page = await verifyPage();
    const problem = page.getByTestId('verify-problem');
    const textarea = page.locator('textarea[name=qr]');
    const submit = () => page.getByRole('button', { name: '验证' }).click();

    await submit();
    assert.match(await page.getByRole('alert').textContent() ?? '', /请先粘贴二维码内容或上传二维码图片。/);

    await textarea.fill('hello, is this a license?');
    await submit();
    await problem.waitFor();
    assert.match(await problem.textContent() ?? '', /✗ 无法识别：这不是有效的电子证照二维码内容.*starts with CTEL:1:.*\(invalid_request\)/);

    const unknown = formatLicenseIdentifier({ typeCode: '11320000MB12345675001', issuerUscc: '11320000MB12345675', serial: 'NEVERISSUED', version: 1 });
    await textarea.fill(unknown);
    await submit();
    await page.getByText('账本上没有这张证照').waitFor();
    assert.equal(await problem.getAttribute('data-check'), 'unknown_license');

    const genuine = decodeLicenseQr(fixture.validLicense.qr);
    await textarea.fill(encodeLicenseQr({ ...genuine, documentDigest: sm3('a forged licence document').toString('hex') }));
    await submit();
    await page.getByText('验证未通过：这不是一张可信的电子证照').waitFor();
    assert.equal(await problem.getAttribute('data-check'), 'bad_signature');
    assert.match(await problem.textContent() ?? '', /二维码的内容与签章不符：内容被改动过，或不是由发证部门生成的。/);
    assert.equal(await page.getByTestId('license-verdict').count(), 0);
    await shot(page, 'license-tampered');

    const image = page.locator('input[name=image]');
    const blank = await browser.newPage({ viewport: { width: 400, height: 300 } });
    await blank.setContent('<p style="font:24px sans-serif">营业执照（无二维码）</p>');
    await image.setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: await blank.screenshot({ type: 'png' }) });
    await blank.close();
    await page.getByText(/这张图片中没有找到可以读取的二维码/).waitFor();
    await image.setInputFiles({ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('not a picture at all') });
    await page.getByText(/无法打开这个文件：它不是浏览器能显示的图片/).waitFor();
    await shot(page, 'license-no-qr');
    await page.close();
  });
});

describe('staff, following a license\'s provenance', () => {
  test('the timeline shows issuance and each use; from a revoked license\'s verification to its timeline, the move with its reason, and on to its transaction', async () => {
    const page = await newPage();
    await staffSignIn(page);
    await page.goto(`${fixture.url}#/licenses`);
    await page.locator('input[name=identifier]').focus();
    await page.keyboard.insertText(fixture.validLicense.identifier);
    await page.keyboard.press('Enter');
    const timeline = page.getByTestId('timeline');
    await timeline.locator('li').first().waitFor();
    assert.deepEqual(await timeline.locator('li').evaluateAll((items) => items.map((item) => item.getAttribute('data-kind'))), ['issued', 'used']);
    assert.match(await timeline.locator('li[data-kind=issued]').textContent() ?? '', /^签发MarketRegulationMSP.*区块#\d+交易/);
    assert.match(await timeline.locator('li[data-kind=used]').textContent() ?? '', /^用证CreditOfficeMSP.*案件编号XY-2027-000088用途credit-repair\.review.*当时状态有效/);
    assert.equal(await page.getByTestId('timeline-status').getAttribute('data-status'), 'valid');
    await shot(page, 'license-timeline');

    await page.goto(`${fixture.url}#/verify`);
    await page.locator('textarea[name=qr]').fill(fixture.revokedLicense.qr);
    await page.getByRole('button', { name: '验证' }).click();
    await page.getByText('查看这张证照的溯源记录（需工作人员登录）').click();
    await timeline.locator('li[data-kind=status-changed]').waitFor();
    assert.deepEqual(await timeline.locator('li').evaluateAll((items) => items.map((item) => item.getAttribute('data-kind'))), ['issued', 'status-changed']);
    const revocation = timeline.locator('li[data-kind=status-changed]');
    assert.match(await revocation.textContent() ?? '', /^吊销MarketRegulationMSP/);
    assert.equal(await revocation.getByTestId('event-reason').textContent(), fixture.revokedLicense.reason);
    assert.equal(await revocation.getByTestId('event-seal').getAttribute('data-sealed'), 'true');
    assert.equal(await page.getByTestId('timeline-status').getAttribute('data-status'), 'revoked');
    await shot(page, 'license-timeline-revoked');
    await revocation.locator('a[href^="#/transactions/"]').click();
    await page.getByTestId('contract-function').waitFor();
    assert.match(await page.getByTestId('contract-function').textContent() ?? '', /license:changeStatus/);
    assert.equal(await page.getByTestId('validation-code').textContent(), 'VALID');
    // The revocation's own seal, checked as its proof checks it.
    assert.match(await page.getByTestId('seal').textContent() ?? '', /✓ 印章验证通过 — MarketRegulationMSP/);
    await shot(page, 'license-revocation-transaction');
    await page.goto(`${fixture.url}#/licenses/1.2.156.3005.2.nonsense`);
    assert.match(await page.getByRole('alert').textContent() ?? '', /invalid_request/);
    await page.close();
  });
});
