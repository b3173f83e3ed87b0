import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startLedgerTestGateway, type LedgerTestGateway } from '../test-support/ledger-test-gateway';

/**
 * The explorer's endpoints on the embedded ledger, through REST: the network overview, blocks
 * and transactions decoded, keyset pages, and the seal of a sealed transaction checked.
 */
const MARKET = 'MarketRegulationMSP';
let gateway: LedgerTestGateway;
let auditor: string;
let citizen: string;
let sealedTransactionId: string;

async function get(url: string, token: string) {
  const response = await gateway.server.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  return { status: response.statusCode, body: response.json() };
}

before(async () => {
  gateway = await startLedgerTestGateway({ sealKeysFor: [MARKET] });
  auditor = (await gateway.userWithToken('auditor')).token;
  citizen = (await gateway.userWithToken('citizen')).token;
  const admin = (await gateway.userWithToken('admin', MARKET)).token;
  const item = await gateway.server.inject({ method: 'POST', url: '/api/v1/catalog/items', headers: { authorization: `Bearer ${admin}` }, payload: { code: 'MR-ENT-BASIC', name: '企业基本信息', shareType: 'conditional', sensitivity: 2 } });
  assert.equal(item.statusCode, 201, item.body);
  const page = await get('/api/v1/transactions?limit=1', auditor);
  sealedTransactionId = page.body.transactions[0].transactionId;
});

after(() => gateway?.close());

describe('the network overview', () => {
  test('shows the height, the departments and orderers from the config block, and this minute\'s transactions', async () => {
    const overview = await get('/api/v1/network', citizen);
    assert.equal(overview.status, 200);
    assert.equal(overview.body.ledger.reachable, true);
    const height = (await gateway.ledger.health()).height!;
    assert.equal(overview.body.height, height);
    assert.deepEqual(overview.body.layout.departments.map((d: { mspId: string }) => d.mspId).sort(), gateway.description.departments.map((d) => d.mspId).sort());
    assert.equal(overview.body.layout.consensusType, 'etcdraft');
    assert.ok(overview.body.layout.capabilities.includes('V3_0'));
    assert.ok(overview.body.nodes.some((n: { role: string }) => n.role === 'orderer'));
    const perMinute = overview.body.transactionsPerMinute as Array<{ transactions: number }>;
    assert.equal(perMinute.length, 30);
    assert.ok(perMinute.at(-1)!.transactions >= 1, JSON.stringify(perMinute.slice(-3)));
  });
});

describe('blocks and transactions', () => {
  test('blocks come newest first, and `before` continues exactly where the page ended', async () => {
    const first = await get('/api/v1/blocks?limit=2', auditor);
    assert.equal(first.status, 200);
    const height = first.body.height as number;
    assert.deepEqual(first.body.blocks.map((b: { number: number }) => b.number), [height - 1, height - 2]);
    const next = await get(`/api/v1/blocks?limit=2&before=${height - 2}`, auditor);
    assert.deepEqual(next.body.blocks.map((b: { number: number }) => b.number), [height - 3, height - 4].filter((n) => n >= 0));
    const genesis = await get('/api/v1/blocks/0', auditor);
    assert.deepEqual([genesis.status, genesis.body.transactions[0].type], [200, 'CONFIG']);
  });

  test('a sealed transaction is decoded: contract, function, endorsements that verify, keys written, and a seal that verifies', async () => {
    const detail = await get(`/api/v1/transactions/${sealedTransactionId}`, auditor);
    assert.equal(detail.status, 200, JSON.stringify(detail.body));
    const t = detail.body;
    assert.deepEqual([t.contract, t.function, t.validationCode, t.creator.mspId], ['trail', 'registerDataItem', 'VALID', MARKET]);
    assert.ok(t.endorsements.length >= 1);
    assert.ok(t.endorsements.every((e: { verified: boolean }) => e.verified), JSON.stringify(t.endorsements));
    assert.ok(t.writes.some((w: { key: string }) => w.key.includes('MR-ENT-BASIC')), JSON.stringify(t.writes));
    assert.equal(t.seal.department, MARKET);
    assert.equal(t.sealVerification.valid, true, JSON.stringify(t.sealVerification.checks));
  });

  test('transactions are keyset-paged by position, without gaps or repeats', async () => {
    const all = await get('/api/v1/transactions?limit=100', auditor);
    const ids: string[] = [];
    let before = '';
    for (;;) {
      const page = await get(`/api/v1/transactions?limit=2${before ? `&before=${before}` : ''}`, auditor);
      ids.push(...page.body.transactions.map((t: { transactionId: string }) => t.transactionId));
      before = page.body.next;
      if (!before) break;
    }
    assert.deepEqual(ids, all.body.transactions.map((t: { transactionId: string }) => t.transactionId));
  });

  test('an unknown block or transaction is a 404 that says why, and a citizen may not read blocks', async () => {
    const missing = await get('/api/v1/blocks/999999', auditor);
    assert.deepEqual([missing.status, missing.body.error.code], [404, 'not_found']);
    assert.match(missing.body.error.message, /^no block 999999 on the channel: its height is \d+/);
    const unknown = await get(`/api/v1/transactions/${'ab'.repeat(32)}`, auditor);
    assert.deepEqual([unknown.status, unknown.body.error.code], [404, 'not_found']);
    const forbidden = await get('/api/v1/blocks', citizen);
    assert.deepEqual([forbidden.status, forbidden.body.error.code], [403, 'forbidden']);
  });
});
