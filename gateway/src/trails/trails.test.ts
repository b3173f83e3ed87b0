import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson, sm3 } from '@citytrust/shared';
import { common } from '@hyperledger/fabric-protos';
import { parseProofBundle, verifyProofBundle, type LedgerClient, type NetworkDescription } from '@citytrust/network-config';
import type { Ledger } from '../ledger/ledger';
import { startLedgerTestGateway, type LedgerTestGateway } from '../test-support/ledger-test-gateway';

/**
 * Data-sharing trails end to end on the embedded ledger, through the REST API as each kind of
 * user meets it: departments register items and legal bases, officers exchange data, citizens
 * grant and revoke consent, read their log and object, and departments answer.
 */
const MARKET = 'MarketRegulationMSP';
const CREDIT = 'CreditOfficeMSP';
const ENTERPRISE = { kind: 'enterprise', uscc: '914403001922038216' } as const;
const IDENTITY_NUMBER = '110101199003074258';
const OTHER_IDENTITY_NUMBER = '320202198511111234';
/** The proof test's own subject, so that the journeys' logs do not depend on which test ran first. */
const PROOF_IDENTITY_NUMBER = '440304198001011239';
const CITIZEN_NAME = '王小明';
const PURPOSE = 'credit-repair.review';
const inAYear = () => new Date(Date.now() + 365 * 86_400_000).toISOString();
const aMinuteAgo = () => new Date(Date.now() - 60_000).toISOString();

let gateway: LedgerTestGateway;
let ledger: Ledger;
let description: NetworkDescription;
let client: LedgerClient;
const tokens: Record<string, string> = {};

type Method = 'GET' | 'POST';
async function call(method: Method, url: string, token: string, body?: object) {
  const response = await gateway.server.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(body ? { payload: body } : {}) });
  return { status: response.statusCode, body: response.json() };
}

async function citizenToken(identityNumber: string, username: string): Promise<string> {
  const subjectKey = gateway.services.subjectKeys.derive(identityNumber);
  const citizen = await gateway.services.users.create({ username, role: 'citizen', subjectKey, loginPublicKey: 'not used: these tests sign in with tokens' }, 'trails test');
  return gateway.services.tokens.issue(citizen.id, citizen.role).token;
}

before(async () => {
  gateway = await startLedgerTestGateway({ offchainIndex: true });
  ({ ledger, description, client } = gateway);
  tokens.marketAdmin = (await gateway.userWithToken('admin', MARKET)).token;
  tokens.creditOfficer = (await gateway.userWithToken('department-officer', CREDIT)).token;
  tokens.marketOfficer = (await gateway.userWithToken('department-officer', MARKET)).token;
  tokens.citizen = await citizenToken(IDENTITY_NUMBER, 'citizen.wang');
  tokens.otherCitizen = await citizenToken(OTHER_IDENTITY_NUMBER, 'citizen.li');
  for (const item of [
    { code: 'MR-ENT-BASIC', name: '企业基本信息', shareType: 'conditional', sensitivity: 2 },
    { code: 'MR-ENT-PUBLIC', name: '企业公示信息', shareType: 'unconditional', sensitivity: 1 },
    { code: 'MR-PERSON-LICENCE', name: '个体工商户登记信息', shareType: 'conditional', sensitivity: 3 },
  ]) {
    const registered = await call('POST', '/api/v1/catalog/items', tokens.marketAdmin!, item);
    assert.equal(registered.status, 201, JSON.stringify(registered.body));
  }
});

after(() => gateway?.close());

describe('a department shares an enterprise\'s data under a legal basis', () => {
  test('the exchange returns the data with a receipt whose digest matches it, and the trail is on the ledger', async () => {
    const basis = await call('POST', '/api/v1/authorizations/legal-bases', tokens.marketAdmin!, { grantee: CREDIT, items: ['MR-ENT-BASIC'], purpose: PURPOSE, scenario: '一网通办: 信用修复', validFrom: aMinuteAgo(), validUntil: inAYear() });
    assert.equal(basis.status, 201, JSON.stringify(basis.body));
    const exchange = await call('POST', '/api/v1/exchange', tokens.creditOfficer!, { subject: ENTERPRISE, items: ['MR-ENT-BASIC'], purpose: PURPOSE, authorizationId: basis.body.authorizationId, caseReference: 'YWTB-2027-000123', qualityRating: 4 });
    assert.equal(exchange.status, 200, JSON.stringify(exchange.body));
    assert.equal(exchange.body.data['MR-ENT-BASIC'].notice, 'DEMO DATA: not a real record');
    assert.equal(exchange.body.receipt.resultDigest, sm3(canonicalJson(exchange.body.data)).toString('hex'));
    assert.equal(exchange.body.receipt.seal.department, CREDIT);
    const stored = JSON.parse(Buffer.from(await ledger.evaluate({ department: MARKET, contract: 'trail', transaction: 'getTrail', arguments: [exchange.body.receipt.trailId] })).toString());
    assert.deepEqual([stored.outcome, stored.department, stored.resultDigest, stored.qualityRating], ['granted', CREDIT, exchange.body.receipt.resultDigest, 4]);
  });

  test('once the gateway\'s access view holds the legal basis, exchanges skip the ledger\'s pre-check, are still recorded, and /metrics says so', async () => {
    const basis = await call('POST', '/api/v1/authorizations/legal-bases', tokens.marketAdmin!, { grantee: CREDIT, items: ['MR-ENT-BASIC'], purpose: PURPOSE, scenario: '一网通办: 年报核查', validFrom: aMinuteAgo(), validUntil: inAYear() });
    const fromView = async () => {
      const text = (await gateway.server.inject({ url: '/metrics' })).body;
      return Number(/citytrust_gateway_view_answers\{view="access",source="view"\} (\d+)/.exec(text)?.[1]);
    };
    const before = await fromView();
    const deadline = Date.now() + 10_000;
    let exchanges = 0;
    while ((await fromView()) === before && Date.now() < deadline) {
      const exchange = await call('POST', '/api/v1/exchange', tokens.creditOfficer!, { subject: ENTERPRISE, items: ['MR-ENT-BASIC'], purpose: PURPOSE, authorizationId: basis.body.authorizationId, caseReference: `YWTB-VIEW-${(exchanges += 1)}` });
      assert.equal(exchange.status, 200, JSON.stringify(exchange.body));
      const stored = JSON.parse(Buffer.from(await ledger.evaluate({ department: MARKET, contract: 'trail', transaction: 'getTrail', arguments: [exchange.body.receipt.trailId] })).toString());
      assert.equal(stored.outcome, 'granted');
    }
    assert.ok((await fromView()) > before, `after ${exchanges} exchanges the view allowed one`);
    assert.ok((await gateway.server.inject({ url: '/metrics' })).body.includes('citytrust_gateway_view_following{view="access"} 1\n'));
  });

  test('an access outside the legal basis is refused with its check, and the refused attempt is recorded', async () => {
    const basis = await call('POST', '/api/v1/authorizations/legal-bases', tokens.marketAdmin!, { grantee: CREDIT, items: ['MR-ENT-BASIC'], purpose: PURPOSE, scenario: 'narrow', validFrom: aMinuteAgo(), validUntil: inAYear() });
    const refused = await call('POST', '/api/v1/exchange', tokens.creditOfficer!, { subject: ENTERPRISE, items: ['MR-ENT-BASIC'], purpose: 'marketing', authorizationId: basis.body.authorizationId, caseReference: 'X-1' });
    assert.equal(refused.status, 403);
    assert.deepEqual([refused.body.error.code, refused.body.error.details.check], ['access_refused', 'purpose_out_of_scope']);
    const attempt = JSON.parse(Buffer.from(await ledger.evaluate({ department: MARKET, contract: 'trail', transaction: 'getTrail', arguments: [refused.body.error.details.refusalTrailId] })).toString());
    assert.deepEqual([attempt.outcome, attempt.refusal.check, attempt.resultDigest], ['refused', 'purpose_out_of_scope', '']);
  });

  test('a department admin registers only its own items, and an officer cannot register at all', async () => {
    const notAdmin = await call('POST', '/api/v1/catalog/items', tokens.marketOfficer!, { code: 'MR-X', name: 'x', shareType: 'conditional', sensitivity: 2 });
    assert.deepEqual([notAdmin.status, notAdmin.body.error.code], [403, 'forbidden']);
    const basis = await call('POST', '/api/v1/authorizations/legal-bases', tokens.marketAdmin!, { grantee: CREDIT, items: ['MR-NOPE'], purpose: PURPOSE, scenario: 's', validFrom: aMinuteAgo(), validUntil: inAYear() });
    assert.deepEqual([basis.status, basis.body.error.code, basis.body.error.details.check], [404, 'not_found', 'unknown_item']);
  });
});

describe('a citizen decides, sees and objects', () => {
  test('a citizen nobody has asked about has an empty log', async () => {
    const log = await call('GET', '/api/v1/me/trails', await citizenToken('11010519491231002X', 'citizen.zhao'));
    assert.deepEqual([log.status, log.body.trails, log.body.bookmark], [200, [], '']);
    assert.equal(typeof log.body.index.blockNumber, 'number', 'the log says how current the index behind it is');
  });

  test('consent, access, the citizen\'s own log, revocation, a refused access, an objection and its answer', async () => {
    const consent = await call('POST', '/api/v1/me/consents', tokens.citizen!, { grantee: CREDIT, items: ['MR-PERSON-LICENCE'], purpose: PURPOSE, validFrom: aMinuteAgo(), validUntil: inAYear() });
    assert.equal(consent.status, 201, JSON.stringify(consent.body));
    const person = { kind: 'person', identityNumber: IDENTITY_NUMBER };
    const granted = await call('POST', '/api/v1/exchange', tokens.creditOfficer!, { subject: person, items: ['MR-PERSON-LICENCE'], purpose: PURPOSE, authorizationId: consent.body.authorizationId, caseReference: 'YWTB-2027-000200' });
    assert.equal(granted.status, 200, JSON.stringify(granted.body));
    const someoneElse = await call('POST', '/api/v1/exchange', tokens.creditOfficer!, { subject: { kind: 'person', identityNumber: OTHER_IDENTITY_NUMBER }, items: ['MR-PERSON-LICENCE'], purpose: PURPOSE, authorizationId: consent.body.authorizationId, caseReference: 'YWTB-2027-000201' });
    assert.deepEqual([someoneElse.status, someoneElse.body.error.details.check], [403, 'subject_out_of_scope']);

    await gateway.untilIndexed(granted.body.receipt.trailId, someoneElse.body.error.details.refusalTrailId);
    const log = await call('GET', '/api/v1/me/trails', tokens.citizen!);
    assert.equal(log.status, 200);
    assert.deepEqual(log.body.trails.map((t: { trailId: string; department: string; outcome: string; blockNumber: number }) => [t.trailId, t.department, t.outcome, t.blockNumber]), [[granted.body.receipt.trailId, CREDIT, 'granted', granted.body.receipt.blockNumber]]);
    const otherLog = await call('GET', '/api/v1/me/trails', tokens.otherCitizen!);
    assert.deepEqual(otherLog.body.trails.map((t: { outcome: string; refusal: { check: string } }) => [t.outcome, t.refusal.check]), [['refused', 'subject_out_of_scope']]);

    const notMine = await call('POST', `/api/v1/me/consents/${consent.body.authorizationId}/revoke`, tokens.otherCitizen!, { reason: 'not mine' });
    assert.deepEqual([notMine.status, notMine.body.error.code], [404, 'not_found']);
    const revoked = await call('POST', `/api/v1/me/consents/${consent.body.authorizationId}/revoke`, tokens.citizen!, { reason: '不再需要' });
    assert.deepEqual([revoked.status, revoked.body.status], [200, 'revoked']);
    const after = await call('POST', '/api/v1/exchange', tokens.creditOfficer!, { subject: person, items: ['MR-PERSON-LICENCE'], purpose: PURPOSE, authorizationId: consent.body.authorizationId, caseReference: 'YWTB-2027-000202' });
    assert.deepEqual([after.status, after.body.error.details.check], [403, 'authorization_revoked']);
    assert.match(after.body.error.message, /\(不再需要\)/);

    const notMyTrail = await call('POST', '/api/v1/me/objections', tokens.otherCitizen!, { trailId: granted.body.receipt.trailId, reason: 'x' });
    assert.deepEqual([notMyTrail.status, notMyTrail.body.error.code], [404, 'not_found']);
    const objection = await call('POST', '/api/v1/me/objections', tokens.citizen!, { trailId: granted.body.receipt.trailId, reason: '我没有申请信用修复' });
    assert.deepEqual([objection.status, objection.body.status, objection.body.department], [201, 'open', CREDIT]);
    const wrongDepartment = await call('POST', `/api/v1/objections/${granted.body.receipt.trailId}/answer`, tokens.marketOfficer!, { outcome: 'justified', text: 'x' });
    assert.deepEqual([wrongDepartment.status, wrongDepartment.body.error.details.check], [403, 'other_department']);
    const answered = await call('POST', `/api/v1/objections/${granted.body.receipt.trailId}/answer`, tokens.creditOfficer!, { outcome: 'justified', text: '依据案件 YWTB-2027-000200 的申请' });
    assert.deepEqual([answered.status, answered.body.status, answered.body.answer.outcome], [200, 'answered', 'justified']);

    await gateway.untilIndexed(after.body.error.details.refusalTrailId);
    const log2 = await call('GET', '/api/v1/me/trails', tokens.citizen!);
    assert.deepEqual(log2.body.trails.map((t: { outcome: string }) => t.outcome), ['refused', 'granted'], 'newest first');
    const firstPage = await call('GET', '/api/v1/me/trails?pageSize=1', tokens.citizen!);
    assert.deepEqual([firstPage.status, firstPage.body.trails.length], [200, 1]);
    const secondPage = await call('GET', `/api/v1/me/trails?pageSize=1&bookmark=${encodeURIComponent(firstPage.body.bookmark)}`, tokens.citizen!);
    assert.deepEqual(secondPage.body.trails.map((t: { outcome: string }) => t.outcome), ['granted']);
  });

  test('a citizen narrows their log by department, item, outcome and time, read from the index; a bad filter is a 400 naming it', async () => {
    const identity = '440304198001011247';
    const citizen = await citizenToken(identity, 'citizen.filters');
    const basis = await call('POST', '/api/v1/authorizations/legal-bases', tokens.marketAdmin!, { grantee: CREDIT, items: ['MR-PERSON-LICENCE', 'MR-ENT-PUBLIC'], purpose: PURPOSE, scenario: '一网通办: 个体工商户', validFrom: aMinuteAgo(), validUntil: inAYear() });
    const since = new Date().toISOString();
    const subject = { kind: 'person', identityNumber: identity };
    const licence = await call('POST', '/api/v1/exchange', tokens.creditOfficer!, { subject, items: ['MR-PERSON-LICENCE'], purpose: PURPOSE, authorizationId: basis.body.authorizationId, caseReference: 'F-1' });
    const both = await call('POST', '/api/v1/exchange', tokens.creditOfficer!, { subject, items: ['MR-PERSON-LICENCE', 'MR-ENT-PUBLIC'], purpose: PURPOSE, authorizationId: basis.body.authorizationId, caseReference: 'F-2' });
    assert.deepEqual([licence.status, both.status], [200, 200]);
    await gateway.untilIndexed(licence.body.receipt.trailId, both.body.receipt.trailId);
    const ids = async (query: string) => {
      const log = await call('GET', `/api/v1/me/trails?${query}`, citizen);
      assert.equal(log.status, 200, JSON.stringify(log.body));
      return log.body.trails.map((t: { trailId: string }) => t.trailId);
    };
    assert.deepEqual(await ids(`department=${CREDIT}`), [both.body.receipt.trailId, licence.body.receipt.trailId]);
    assert.deepEqual(await ids(`department=${MARKET}`), []);
    assert.deepEqual(await ids('item=MR-ENT-PUBLIC'), [both.body.receipt.trailId]);
    assert.deepEqual(await ids('outcome=granted'), [both.body.receipt.trailId, licence.body.receipt.trailId]);
    assert.deepEqual(await ids('outcome=refused'), []);
    assert.deepEqual(await ids(`from=${encodeURIComponent(since)}&until=${encodeURIComponent(both.body.receipt.recordedAt)}`), [licence.body.receipt.trailId]);
    assert.deepEqual(await ids(`until=${encodeURIComponent(since)}`), []);
    for (const [query, field] of [['from=yesterday', 'querystring.from'], ['from=2027-02-01T00:00:00Z&until=2027-01-01T00:00:00Z', 'querystring.until'], ['item=x', 'querystring.item'], ['outcome=denied', 'querystring.outcome'], ['pageSize=501', 'querystring.pageSize'], [`bookmark=${'e'.repeat(64)}`, 'querystring.bookmark'], [`subjectKey=${'a'.repeat(64)}`, 'querystring.subjectKey']]) {
      const refused = await call('GET', `/api/v1/me/trails?${query}`, citizen);
      assert.deepEqual([refused.status, refused.body.error.code, refused.body.error.details.field], [400, 'invalid_request', field], query);
    }
  });

  test('a malformed identity number is a 400 naming the field, and nothing is recorded', async () => {
    const response = await call('POST', '/api/v1/exchange', tokens.creditOfficer!, { subject: { kind: 'person', identityNumber: '110101199003074259' }, items: ['MR-PERSON-LICENCE'], purpose: PURPOSE, caseReference: 'X' });
    assert.deepEqual([response.status, response.body.error.code, response.body.error.details.field], [400, 'invalid_request', 'subject.identityNumber']);
  });
});

test('a trail\'s proof bundle is given to its subject, the accessing department and auditors, and verifies offline', async () => {
  const subject = await citizenToken(PROOF_IDENTITY_NUMBER, 'citizen.proof');
  const consent = await call('POST', '/api/v1/me/consents', subject, { grantee: CREDIT, items: ['MR-PERSON-LICENCE'], purpose: PURPOSE, validFrom: aMinuteAgo(), validUntil: inAYear() });
  const access = await call('POST', '/api/v1/exchange', tokens.creditOfficer!, { subject: { kind: 'person', identityNumber: PROOF_IDENTITY_NUMBER }, items: ['MR-PERSON-LICENCE'], purpose: PURPOSE, authorizationId: consent.body.authorizationId, caseReference: 'PROOF-1' });
  assert.equal(access.status, 200, JSON.stringify(access.body));
  const url = `/api/v1/trails/${access.body.receipt.trailId}/proof`;
  const auditor = (await gateway.userWithToken('auditor')).token;
  for (const token of [subject, tokens.creditOfficer!, auditor]) {
    const proof = await call('GET', url, token);
    assert.equal(proof.status, 200, JSON.stringify(proof.body).slice(0, 300));
    const report = await verifyProofBundle(parseProofBundle(proof.body));
    assert.equal(report.valid, true, JSON.stringify(report.checks.filter((c) => !c.passed)));
  }
  for (const token of [tokens.otherCitizen!, tokens.marketOfficer!]) {
    const hidden = await call('GET', url, token);
    assert.deepEqual([hidden.status, hidden.body.error.code], [404, 'not_found']);
  }
});

test('no block of the channel holds a test subject\'s identity number or name, in any encoding', async () => {
  const qscc = client.network(MARKET).getContract('qscc');
  const height = Number(common.BlockchainInfo.deserializeBinary(await qscc.evaluateTransaction('GetChainInfo', description.channel)).getHeight());
  assert.ok(height > 5, `the suite wrote blocks (height ${height})`);
  const needles = [IDENTITY_NUMBER, OTHER_IDENTITY_NUMBER, PROOF_IDENTITY_NUMBER, CITIZEN_NAME].flatMap((text) => [Buffer.from(text, 'utf8'), Buffer.from(text, 'utf16le'), Buffer.from(Buffer.from(text).toString('base64'))]);
  for (let number = 0; number < height; number++) {
    const block = Buffer.from(await qscc.evaluateTransaction('GetBlockByNumber', description.channel, String(number)));
    for (const needle of needles) assert.equal(block.includes(needle), false, `block ${number} holds ${JSON.stringify(needle.toString())}`);
  }
});
