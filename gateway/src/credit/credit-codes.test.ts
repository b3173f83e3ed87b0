import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson, creditCodeStatement, decodeCreditCode, encodeCreditCode, generateSm2KeyPair, sealKeyId, sm2Sign, sm3, usccCheckCharacter, verifyCreditCodeOffline } from '@citytrust/shared';
import { exampleCreditModel } from '@citytrust/shared/dist/credit/testing/example-model';
import { startLedgerTestGateway, type LedgerTestGateway } from '../test-support/ledger-test-gateway';

/**
 * The credit code (信用码) on the embedded ledger through REST: made for an evaluated subject,
 * sealed by the credit office, verified online and offline; altered, foreign-sealed, expired and
 * unreadable codes fail with the reason.
 */
const MARKET = 'MarketRegulationMSP';
const CREDIT = 'CreditOfficeMSP';
const SUBJECT = { kind: 'enterprise', uscc: '914403001922038216' } as const;
let gateway: LedgerTestGateway;
const tokens: Record<string, string> = {};

async function call(method: 'GET' | 'POST' | 'PUT', url: string, token: string | undefined, body?: object) {
  const response = await gateway.server.inject({ method, url, headers: token ? { authorization: `Bearer ${token}` } : {}, ...(body ? { payload: body } : {}) });
  return { status: response.statusCode, body: response.json() };
}

let evaluation: { grade: string; score: number; evaluationId: string };

before(async () => {
  gateway = await startLedgerTestGateway();
  tokens.creditAdmin = (await gateway.userWithToken('admin', CREDIT)).token;
  tokens.marketOfficer = (await gateway.userWithToken('department-officer', MARKET)).token;
  tokens.creditOfficer = (await gateway.userWithToken('credit-officer')).token;
  assert.equal((await call('PUT', `/api/v1/credit/permissions/${MARKET}`, tokens.creditAdmin, { categories: ['administrative-penalty'] })).status, 200);
  assert.equal((await call('POST', '/api/v1/credit/models', tokens.creditAdmin, exampleCreditModel())).status, 201);
  const submitted = await call('POST', '/api/v1/credit/records', tokens.marketOfficer, {
    subject: SUBJECT, category: 'administrative-penalty', severity: 'ordinary', occurredAt: new Date(Date.now() - 86_400_000).toISOString(), reference: '锡市监罚〔2027〕88号', documentDigest: sm3('处罚决定书').toString('hex'),
  });
  assert.equal(submitted.status, 201, JSON.stringify(submitted.body));
  evaluation = submitted.body.evaluation;
});

after(() => gateway?.close());

async function issue() {
  const issued = await call('POST', '/api/v1/credit/codes', tokens.creditOfficer, { subject: SUBJECT });
  assert.equal(issued.status, 201, JSON.stringify(issued.body));
  return issued.body;
}

test('a credit code states the ledger\'s current grade, sealed by the credit office, and verifies online and offline', async () => {
  const code = await issue();
  assert.deepEqual([code.subject, code.grade, code.score, code.modelVersion, code.evaluationId], [`E:${SUBJECT.uscc}`, evaluation.grade, evaluation.score, 1, evaluation.evaluationId]);
  assert.match(code.qr, /^CTCC:1:E~914403001922038216:C:620:1:/);
  const online = await call('POST', '/api/v1/credit/codes/verify', undefined, { qr: code.qr });
  assert.deepEqual([online.status, online.body.grade, online.body.keyId], [200, 'C', code.keyId]);
  const keys = (await call('GET', `/api/v1/seals/keys?department=${CREDIT}`, undefined)).body;
  const publicKeys = (Array.isArray(keys) ? keys : keys.keys).map((key: { publicKey: string }) => ({ publicKey: key.publicKey }));
  assert.deepEqual(verifyCreditCodeOffline(decodeCreditCode(code.qr), publicKeys), { valid: true, keyId: code.keyId, code: decodeCreditCode(code.qr) });
  const tomorrow = new Date(Date.now() + 25 * 3_600_000).toISOString();
  assert.deepEqual(pick(verifyCreditCodeOffline(decodeCreditCode(code.qr), publicKeys, tomorrow)), { valid: false, check: 'code_expired' });
});

test('forged codes fail: an altered grade, a code sealed by another key, an unreadable payload', async () => {
  const code = await issue();
  const altered = code.qr.replace(':C:620:', ':A:900:');
  const verify = (qr: string) => call('POST', '/api/v1/credit/codes/verify', undefined, { qr });
  const bad = await verify(altered);
  assert.deepEqual([bad.status, bad.body.error.code, bad.body.error.details.check], [422, 'credit_refused', 'bad_signature']);
  const forger = generateSm2KeyPair();
  const statement = { ...decodeCreditCode(code.qr), grade: 'A' as const, score: 900 };
  const signature = sm2Sign(forger.privateKey, sm3(canonicalJson(creditCodeStatement(statement)))).toString('base64');
  const foreign = await verify(encodeCreditCode({ ...statement, keyId: sealKeyId(forger.publicKey), signature }));
  assert.deepEqual([foreign.status, foreign.body.error.details.check], [422, 'unknown_key']);
  const unreadable = await verify('CTCC:1:E~914403001922038216:Z');
  assert.deepEqual([unreadable.status, unreadable.body.error.code, unreadable.body.error.details.field], [400, 'invalid_request', 'qr']);
});

test('a subject without an evaluation has no credit code; a citizen asks for their own', async () => {
  const none = await call('POST', '/api/v1/credit/codes', tokens.creditOfficer, { subject: { kind: 'enterprise', uscc: '91320214000000001' + usccCheckCharacter('91320214000000001') } });
  assert.deepEqual([none.status, none.body.error.code], [404, 'not_found']);
  const citizen = await gateway.services.users.create({ username: 'code.citizen', role: 'citizen', subjectKey: gateway.services.subjectKeys.derive('110101199003074258'), loginPublicKey: 'not used' }, 'test');
  const own = await call('GET', '/api/v1/me/credit/code', gateway.services.tokens.issue(citizen.id, citizen.role).token);
  assert.deepEqual([own.status, own.body.error.code], [404, 'not_found']);
});

function pick(outcome: { valid: boolean; check?: string }) {
  return { valid: outcome.valid, check: outcome.check };
}

