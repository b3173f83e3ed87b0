import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateSm2KeyPair, sm2Sign, sm3, type Sm2KeyPair } from '@citytrust/shared';
import { exampleCreditModel } from '@citytrust/shared/dist/credit/testing/example-model';
import { startLedgerTestGateway, type LedgerTestGateway } from '../../test-support/ledger-test-gateway';
import { testUscc } from '../../test-support/test-gateway';

/**
 * Enterprises as data subjects, end to end on the embedded ledger and its off-chain index: an
 * admin registers an enterprise's account (its legal representative's SM2 key bound to its USCC),
 * the account logs in by signing a challenge, and through the same /api/v1/me routes a citizen
 * uses it sees the credit records, accesses and proofs about its enterprise, objects to a record
 * and gets the source department's answer. Another enterprise and a citizen are refused, with the
 * status and code they see. Each test makes its own enterprises, so the tests pass alone and in
 * any order.
 */
const MARKET = 'MarketRegulationMSP';
const CREDIT = 'CreditOfficeMSP';
const PLATFORM = 'BigDataAdministrationMSP';
const PURPOSE = 'credit-repair.review';

let gateway: LedgerTestGateway;
const tokens: Record<string, string> = {};
let serial = 7_000;

type Method = 'GET' | 'POST' | 'PUT';
async function call(method: Method, url: string, token?: string, body?: object) {
  const response = await gateway.server.inject({ method, url, headers: token ? { authorization: `Bearer ${token}` } : {}, ...(body ? { payload: body } : {}) });
  return { status: response.statusCode, body: response.json() };
}

/** An enterprise registered at the counter by the platform's admin, with its legal representative's key. */
async function registeredEnterprise(): Promise<{ uscc: string; username: string; key: Sm2KeyPair }> {
  serial += 1;
  const uscc = testUscc(serial);
  const username = `enterprise.${serial}`;
  const key = generateSm2KeyPair();
  const registered = await call('POST', '/api/v1/enterprises', tokens.platformAdmin, { username, uscc, publicKey: key.publicKey.toPem() });
  assert.equal(registered.status, 201, JSON.stringify(registered.body));
  return { uscc, username, key };
}

/** Logs in as a subject does: asks for a challenge and signs its exact text with the SM2 key. */
async function signIn(username: string, key: Sm2KeyPair): Promise<string> {
  const challenge = await call('POST', '/api/v1/auth/citizen/challenge', undefined, { username });
  assert.equal(challenge.status, 200, JSON.stringify(challenge.body));
  const login = await call('POST', '/api/v1/auth/citizen/login', undefined, { challengeId: challenge.body.challengeId, signature: sm2Sign(key.privateKey, challenge.body.challenge).toString('base64') });
  assert.equal(login.status, 200, JSON.stringify(login.body));
  return login.body.token as string;
}

async function enterpriseSignedIn(): Promise<{ uscc: string; token: string }> {
  const { uscc, username, key } = await registeredEnterprise();
  return { uscc, token: await signIn(username, key) };
}

async function citizenToken(identityNumber: string): Promise<string> {
  serial += 1;
  const citizen = await gateway.services.users.create({ username: `citizen.${serial}`, role: 'citizen', subjectKey: gateway.services.subjectKeys.derive(identityNumber), loginPublicKey: 'not used: this citizen signs in with a token' }, 'enterprises test');
  return gateway.services.tokens.issue(citizen.id, citizen.role).token;
}

async function penaltyAbout(uscc: string) {
  const submitted = await call('POST', '/api/v1/credit/records', tokens.marketOfficer, {
    subject: { kind: 'enterprise', uscc }, category: 'administrative-penalty', severity: 'ordinary',
    occurredAt: new Date(Date.now() - 86_400_000).toISOString(), reference: '锡市监罚〔2027〕101号', documentDigest: sm3('处罚决定书').toString('hex'),
  });
  assert.equal(submitted.status, 201, JSON.stringify(submitted.body));
  return submitted.body.record as { recordId: string };
}

before(async () => {
  gateway = await startLedgerTestGateway({ offchainIndex: true });
  tokens.platformAdmin = (await gateway.userWithToken('admin', PLATFORM)).token;
  tokens.creditAdmin = (await gateway.userWithToken('admin', CREDIT)).token;
  tokens.marketAdmin = (await gateway.userWithToken('admin', MARKET)).token;
  tokens.marketOfficer = (await gateway.userWithToken('department-officer', MARKET)).token;
  tokens.creditOfficeOfficer = (await gateway.userWithToken('department-officer', CREDIT)).token;
  tokens.creditOfficer = (await gateway.userWithToken('credit-officer')).token;
  const granted = await call('PUT', `/api/v1/credit/permissions/${MARKET}`, tokens.creditAdmin, { categories: ['administrative-penalty'] });
  assert.equal(granted.status, 200, JSON.stringify(granted.body));
  const model = await call('POST', '/api/v1/credit/models', tokens.creditAdmin, exampleCreditModel());
  assert.equal(model.status, 201, JSON.stringify(model.body));
  const item = await call('POST', '/api/v1/catalog/items', tokens.marketAdmin, { code: 'MR-ENT-BASIC', name: '企业基本信息', shareType: 'conditional', sensitivity: 2 });
  assert.equal(item.status, 201, JSON.stringify(item.body));
});

after(() => gateway?.close());

describe('an admin registers an enterprise\'s account, which logs in with its SM2 key', () => {
  test('the account is bound to the USCC it was registered with and says so, with no subject key', async () => {
    const { uscc, username, key } = await registeredEnterprise();
    const token = await signIn(username, key);
    const me = await call('GET', '/api/v1/me', token);
    assert.deepEqual([me.status, me.body.role, me.body.uscc, me.body.subjectKey], [200, 'enterprise', uscc, undefined]);
  });

  test('a USCC with a wrong check character is refused, naming the field; a department officer may not register at all', async () => {
    const body = { username: 'enterprise.typo', uscc: `${testUscc(1).slice(0, 17)}${testUscc(1).endsWith('0') ? '1' : '0'}`, publicKey: generateSm2KeyPair().publicKey.toPem() };
    const typo = await call('POST', '/api/v1/enterprises', tokens.platformAdmin, body);
    assert.deepEqual([typo.status, typo.body.error.code, typo.body.error.details.field, typo.body.error.message],
      [400, 'invalid_request', 'uscc', 'uscc is not valid: the code\'s check character does not match its other characters; check it for a typo']);
    const officer = await call('POST', '/api/v1/enterprises', tokens.marketOfficer, { ...body, uscc: testUscc(2) });
    assert.deepEqual([officer.status, officer.body.error.code], [403, 'forbidden']);
  });

  test('a signature by another key is refused', async () => {
    const { username } = await registeredEnterprise();
    const challenge = await call('POST', '/api/v1/auth/citizen/challenge', undefined, { username });
    const login = await call('POST', '/api/v1/auth/citizen/login', undefined, { challengeId: challenge.body.challengeId, signature: sm2Sign(generateSm2KeyPair().privateKey, challenge.body.challenge).toString('base64') });
    assert.deepEqual([login.status, login.body.error.code], [401, 'unauthenticated']);
  });
});

describe('an enterprise sees and objects to credit records about itself', () => {
  test('it sees the record, objects, and the source department answers; another enterprise and a citizen are refused', async () => {
    const enterprise = await enterpriseSignedIn();
    const other = await enterpriseSignedIn();
    const citizen = await citizenToken('110101199003074258');
    const penalty = await penaltyAbout(enterprise.uscc);

    const mine = await call('GET', '/api/v1/me/credit', enterprise.token);
    assert.deepEqual([mine.status, mine.body.records.map((r: { recordId: string }) => r.recordId), mine.body.evaluation.subject], [200, [penalty.recordId], { kind: 'enterprise', uscc: enterprise.uscc }]);
    const othersView = await call('GET', '/api/v1/me/credit', other.token);
    assert.deepEqual([othersView.status, othersView.body.records], [200, []]);

    const notYours = `you have no credit record ${penalty.recordId}; see GET /api/v1/me/credit`;
    for (const stranger of [other.token, citizen]) {
      const objection = await call('POST', '/api/v1/me/credit/objections', stranger, { recordId: penalty.recordId, reason: '不是我们' });
      assert.deepEqual([objection.status, objection.body.error.code, objection.body.error.message], [404, 'not_found', notYours]);
      const repair = await call('POST', '/api/v1/me/credit/repairs', stranger, { recordId: penalty.recordId, commitment: '承诺' });
      assert.deepEqual([repair.status, repair.body.error.code, repair.body.error.message], [404, 'not_found', notYours]);
    }

    const objection = await call('POST', '/api/v1/me/credit/objections', enterprise.token, { recordId: penalty.recordId, reason: '罚款已缴纳, 处罚决定已撤销' });
    assert.deepEqual([objection.status, objection.body.status, objection.body.department, objection.body.subject, objection.body.seal.department],
      [201, 'open', MARKET, { kind: 'enterprise', uscc: enterprise.uscc }, PLATFORM]);
    const onLedger = JSON.parse(Buffer.from(await gateway.ledger.evaluate({ department: MARKET, contract: 'credit', transaction: 'getRecord', arguments: [penalty.recordId] })).toString());
    assert.equal(onLedger.status, 'under-objection');

    const wrongDepartment = await call('POST', `/api/v1/credit/records/${penalty.recordId}/objection/answer`, tokens.creditOfficeOfficer, { outcome: 'withdrawn', text: 'x' });
    assert.deepEqual([wrongDepartment.status, wrongDepartment.body.error.code, wrongDepartment.body.error.details.check], [403, 'forbidden', 'not_source_department']);
    const answered = await call('POST', `/api/v1/credit/records/${penalty.recordId}/objection/answer`, tokens.marketOfficer, { outcome: 'withdrawn', text: '处罚决定已撤销, 予以撤回' });
    assert.deepEqual([answered.status, answered.body.objection.answer.outcome, answered.body.record.status, answered.body.evaluation.subject], [200, 'withdrawn', 'withdrawn', { kind: 'enterprise', uscc: enterprise.uscc }]);
    const after = await call('GET', '/api/v1/me/credit', enterprise.token);
    assert.deepEqual(after.body.records.map((r: { status: string }) => r.status), ['withdrawn']);

    const code = await call('GET', '/api/v1/me/credit/code', enterprise.token);
    assert.deepEqual([code.status, code.body.subject], [200, `E:${enterprise.uscc}`]);
  });

  test('what is for staff or for citizens only is refused to an enterprise, naming who may', async () => {
    const enterprise = await enterpriseSignedIn();
    const profile = await call('POST', '/api/v1/credit/profiles', enterprise.token, { subject: { kind: 'enterprise', uscc: testUscc(3) } });
    assert.deepEqual([profile.status, profile.body.error.code, profile.body.error.message], [403, 'forbidden', 'an enterprise may not call getCreditProfile; it is open to: credit-officer, auditor']);
    const consent = await call('POST', '/api/v1/me/consents', enterprise.token, { grantee: CREDIT, items: ['MR-ENT-BASIC'], purpose: PURPOSE, validFrom: new Date().toISOString(), validUntil: new Date(Date.now() + 86_400_000).toISOString() });
    assert.deepEqual([consent.status, consent.body.error.code, consent.body.error.details.allowedRoles], [403, 'forbidden', ['citizen']]);
  });
});

describe('an enterprise sees who accessed its data', () => {
  test('its log lists the access and gives its proof; another enterprise sees neither', async () => {
    const enterprise = await enterpriseSignedIn();
    const other = await enterpriseSignedIn();
    const basis = await call('POST', '/api/v1/authorizations/legal-bases', tokens.marketAdmin, { grantee: CREDIT, items: ['MR-ENT-BASIC'], purpose: PURPOSE, scenario: '一网通办: 信用修复', validFrom: new Date(Date.now() - 60_000).toISOString(), validUntil: new Date(Date.now() + 86_400_000).toISOString() });
    assert.equal(basis.status, 201, JSON.stringify(basis.body));
    const exchange = await call('POST', '/api/v1/exchange', tokens.creditOfficeOfficer, { subject: { kind: 'enterprise', uscc: enterprise.uscc }, items: ['MR-ENT-BASIC'], purpose: PURPOSE, authorizationId: basis.body.authorizationId, caseReference: `ENT-${enterprise.uscc}` });
    assert.equal(exchange.status, 200, JSON.stringify(exchange.body));
    const trailId = exchange.body.receipt.trailId as string;
    await gateway.untilIndexed(trailId);

    const log = await call('GET', '/api/v1/me/trails', enterprise.token);
    assert.deepEqual([log.status, log.body.trails.map((t: { trailId: string; department: string; outcome: string }) => [t.trailId, t.department, t.outcome])], [200, [[trailId, CREDIT, 'granted']]]);
    const othersLog = await call('GET', '/api/v1/me/trails', other.token);
    assert.deepEqual([othersLog.status, othersLog.body.trails], [200, []]);

    const proof = await call('GET', `/api/v1/trails/${trailId}/proof`, enterprise.token);
    assert.equal(proof.status, 200, JSON.stringify(proof.body).slice(0, 300));
    const othersProof = await call('GET', `/api/v1/trails/${trailId}/proof`, other.token);
    assert.deepEqual([othersProof.status, othersProof.body.error.code], [404, 'not_found']);
  });
});
