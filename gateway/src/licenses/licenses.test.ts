import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeLicenseQr, encodeLicenseQr, formatLicenseIdentifier, generateSm2KeyPair, licenseQrDigest, sealKeyId, sm2Sign, sm3, verifyLicenseQrOffline, type LicenseQr, type SealKey } from '@citytrust/shared';
import { startLedgerTestGateway, type LedgerTestGateway } from '../test-support/ledger-test-gateway';
import { LICENSE_DATA_ITEM } from './license-data-source';

/**
 * E-licenses end to end on the embedded ledger, through the REST API: the market regulator defines
 * and issues business licenses, anyone verifies them online and offline, the lifecycle moves with
 * reasons, departments use licenses and read a person's through the data exchange, and a citizen
 * makes an annotated copy.
 */
const MARKET = 'MarketRegulationMSP';
const CREDIT = 'CreditOfficeMSP';
const PLATFORM = 'BigDataAdministrationMSP';
const MARKET_USCC = '11320000MB12345675';
const BUSINESS_LICENSE = `${MARKET_USCC}001`;
const FOOD_PERMIT = `${MARKET_USCC}002`;
const ENTERPRISE = { kind: 'enterprise', uscc: '914403001922038216' } as const;
const IDENTITY_NUMBER = '110101199003074258';
const DOCUMENT = Buffer.from('%PDF-1.7 营业执照 某某科技有限公司');

let gateway: LedgerTestGateway;
const tokens: Record<string, string> = {};
let caseCount = 0;
const nextCase = () => `YWTB-2027-${process.pid}-${(caseCount += 1)}`;

async function call(method: 'GET' | 'POST', url: string, token?: string, body?: object) {
  const response = await gateway.server.inject({ method, url, headers: token ? { authorization: `Bearer ${token}` } : {}, ...(body ? { payload: body } : {}) });
  return { status: response.statusCode, body: response.json() };
}

const height = async () => (await gateway.ledger.health()).height;

function issueBody(overrides: Record<string, unknown> = {}) {
  return { typeCode: BUSINESS_LICENSE, holder: ENTERPRISE, caseReference: nextCase(), validFrom: '2027-01-02', validUntil: null, metadata: { enterpriseName: '某某科技有限公司' }, document: DOCUMENT.toString('base64'), ...overrides };
}

async function issue(overrides: Record<string, unknown> = {}) {
  const issued = await call('POST', '/api/v1/licenses', tokens.marketOfficer, issueBody(overrides));
  assert.equal(issued.status, 201, JSON.stringify(issued.body));
  return issued.body as { license: { identifier: string; [field: string]: unknown }; qr: string };
}

async function marketKeys(): Promise<SealKey[]> {
  return (await call('GET', `/api/v1/seals/keys?department=${MARKET}`)).body.keys as SealKey[];
}

before(async () => {
  gateway = await startLedgerTestGateway();
  tokens.marketAdmin = (await gateway.userWithToken('admin', MARKET)).token;
  tokens.marketOfficer = (await gateway.userWithToken('department-officer', MARKET)).token;
  tokens.creditOfficer = (await gateway.userWithToken('department-officer', CREDIT)).token;
  tokens.platformAdmin = (await gateway.userWithToken('admin', PLATFORM)).token;
  tokens.auditor = (await gateway.userWithToken('auditor')).token;
  const subjectKey = gateway.services.subjectKeys.derive(IDENTITY_NUMBER);
  const citizen = await gateway.services.users.create({ username: 'citizen.licenses', role: 'citizen', subjectKey, loginPublicKey: 'not used: these tests sign in with tokens' }, 'licenses test');
  tokens.citizen = gateway.services.tokens.issue(citizen.id, citizen.role).token;
  const enterprise = await gateway.services.users.create({ username: 'enterprise.licenses', role: 'enterprise', uscc: ENTERPRISE.uscc, loginPublicKey: 'not used: these tests sign in with tokens' }, 'licenses test');
  tokens.enterprise = gateway.services.tokens.issue(enterprise.id, enterprise.role).token;
  for (const type of [
    { code: BUSINESS_LICENSE, name: '营业执照', issuers: [{ department: MARKET, uscc: MARKET_USCC }], supervisors: [], validity: { maxValidityDays: null }, metadataFields: [{ name: 'enterpriseName', label: '名称', required: true }, { name: 'businessScope', label: '经营范围', required: false }] },
    { code: FOOD_PERMIT, name: '食品经营许可证', issuers: [{ department: MARKET, uscc: MARKET_USCC }], supervisors: [CREDIT], validity: { maxValidityDays: 1826 }, metadataFields: [{ name: 'enterpriseName', label: '名称', required: true }] },
  ]) {
    const registered = await call('POST', '/api/v1/licenses/types', tokens.marketAdmin, type);
    assert.equal(registered.status, 201, JSON.stringify(registered.body));
  }
});

after(() => gateway?.close());

describe('issuing and verifying', () => {
  test('a license issued for a case verifies online by identifier and QR, offline with the issuer\'s key, and with its document', async () => {
    const { license, qr } = await issue();
    assert.deepEqual([license.status, (license.issuer as { department: string }).department, license.documentDigest], ['valid', MARKET, sm3(DOCUMENT).toString('hex')]);
    const byIdentifier = await call('POST', '/api/v1/licenses/verify', undefined, { identifier: license.identifier });
    assert.deepEqual([byIdentifier.status, byIdentifier.body.valid, byIdentifier.body.status, byIdentifier.body.checked.qrSignature], [200, true, 'valid', false]);
    const byQr = await call('POST', '/api/v1/licenses/verify', undefined, { qr, document: DOCUMENT.toString('base64') });
    assert.deepEqual([byQr.status, byQr.body.valid, byQr.body.checked], [200, true, { qrSignature: true, document: true, annotatedCopy: false }]);
    assert.deepEqual(verifyLicenseQrOffline(decodeLicenseQr(qr), await marketKeys()), { valid: true, keyId: decodeLicenseQr(qr).keyId, department: MARKET });
  });

  test('the same request for the same case returns the license it issued; other content for that case is a conflict and changes nothing', async () => {
    const body = issueBody();
    const first = await call('POST', '/api/v1/licenses', tokens.marketOfficer, body);
    const again = await call('POST', '/api/v1/licenses', tokens.marketOfficer, { ...body });
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.deepEqual([first.status, again.status, again.body.license.identifier, again.body.qr], [201, 200, first.body.license.identifier, first.body.qr]);
    const before = await height();
    const other = await call('POST', '/api/v1/licenses', tokens.marketOfficer, { ...body, metadata: { enterpriseName: '另一家公司' } });
    assert.deepEqual([other.status, other.body.error.code, other.body.error.details.check, other.body.error.details.identifier], [409, 'conflict', 'duplicate_case', first.body.license.identifier]);
    assert.equal(await height(), before);
  });

  test('bad input is a clear 4xx and the ledger does not move', async () => {
    const before = await height();
    const unknownType = await call('POST', '/api/v1/licenses', tokens.marketOfficer, issueBody({ typeCode: `${MARKET_USCC}099` }));
    assert.deepEqual([unknownType.status, unknownType.body.error.code, unknownType.body.error.details.check], [404, 'not_found', 'unknown_type']);
    const notAllowed = await call('POST', '/api/v1/licenses', tokens.creditOfficer, issueBody());
    assert.deepEqual([notAllowed.status, notAllowed.body.error.code, notAllowed.body.error.details.check], [403, 'forbidden', 'issuer_not_allowed']);
    const missingField = await call('POST', '/api/v1/licenses', tokens.marketOfficer, issueBody({ metadata: {} }));
    assert.deepEqual([missingField.status, missingField.body.error.code, missingField.body.error.details.check], [422, 'license_refused', 'invalid_metadata']);
    const { license } = await issue();
    const afterIssue = await height();
    const wrongCheck = `${license.identifier.slice(0, -1)}${license.identifier.endsWith('A') ? 'B' : 'A'}`;
    const typo = await call('POST', '/api/v1/licenses/verify', undefined, { identifier: wrongCheck });
    assert.deepEqual([typo.status, typo.body.error.code, typo.body.error.details.field, typo.body.error.details.part], [400, 'invalid_request', 'identifier', 'check']);
    assert.match(typo.body.error.message, /check character .* mistyped or altered/);
    const typoMove = await call('POST', `/api/v1/licenses/${wrongCheck}/status`, tokens.marketOfficer, { action: 'suspend', reason: 'x' });
    assert.deepEqual([typoMove.status, typoMove.body.error.details.part], [400, 'check']);
    const illegal = await call('POST', `/api/v1/licenses/${license.identifier}/status`, tokens.marketOfficer, { action: 'reinstate', reason: '无需恢复' });
    assert.deepEqual([illegal.status, illegal.body.error.code, illegal.body.error.details.check], [409, 'conflict', 'illegal_transition']);
    assert.match(illegal.body.error.message, /is valid: it cannot reinstate \(from valid it can suspend, change, revoke, cancel\)/);
    assert.equal(await height(), afterIssue);
    assert.equal(afterIssue, before! + 1);
  });
});

describe('the lifecycle, as a verifier sees it', () => {
  test('suspend, verify (suspended and why), reinstate, change, revoke', async () => {
    const { license, qr } = await issue();
    const id = license.identifier;
    const suspended = await call('POST', `/api/v1/licenses/${id}/status`, tokens.marketOfficer, { action: 'suspend', reason: '涉嫌虚假登记，立案调查' });
    assert.deepEqual([suspended.status, suspended.body.status], [200, 'suspended']);
    const seen = await call('POST', '/api/v1/licenses/verify', undefined, { qr });
    assert.deepEqual([seen.status, seen.body.valid, seen.body.status, seen.body.statusChange.reason, seen.body.statusChange.by], [200, false, 'suspended', '涉嫌虚假登记，立案调查', MARKET]);
    const reinstated = await call('POST', `/api/v1/licenses/${id}/status`, tokens.marketOfficer, { action: 'reinstate', reason: '调查结束' });
    assert.deepEqual([reinstated.status, reinstated.body.status], [200, 'valid']);

    const newDocument = Buffer.from('%PDF-1.7 营业执照 v2');
    const changed = await call('POST', `/api/v1/licenses/${id}/versions`, tokens.marketOfficer, { reason: '变更经营范围', caseReference: nextCase(), validFrom: '2027-03-01', validUntil: null, metadata: { enterpriseName: '某某科技有限公司', businessScope: '软件开发' }, document: newDocument.toString('base64') });
    assert.equal(changed.status, 201, JSON.stringify(changed.body));
    assert.deepEqual([changed.body.previous.status, changed.body.previous.supersededBy, changed.body.license.supersedes, changed.body.license.identifier.split('.').at(-2)], ['changed', changed.body.license.identifier, id, '002']);
    const oldQr = await call('POST', '/api/v1/licenses/verify', undefined, { qr });
    assert.deepEqual([oldQr.body.valid, oldQr.body.status, oldQr.body.license.supersededBy], [false, 'changed', changed.body.license.identifier]);
    const newQr = await call('POST', '/api/v1/licenses/verify', undefined, { qr: changed.body.qr, document: newDocument.toString('base64') });
    assert.deepEqual([newQr.status, newQr.body.valid], [200, true]);
    const oldDocument = await call('POST', '/api/v1/licenses/verify', undefined, { qr: changed.body.qr, document: DOCUMENT.toString('base64') });
    assert.deepEqual([oldDocument.status, oldDocument.body.error.code, oldDocument.body.error.details.check], [422, 'license_refused', 'document_mismatch']);

    const revoked = await call('POST', `/api/v1/licenses/${changed.body.license.identifier}/status`, tokens.marketOfficer, { action: 'revoke', reason: '吊销: 行政处罚决定书 2027-001' });
    assert.deepEqual([revoked.status, revoked.body.status], [200, 'revoked']);
    const afterRevoke = await call('POST', '/api/v1/licenses/verify', undefined, { identifier: changed.body.license.identifier });
    assert.deepEqual([afterRevoke.body.valid, afterRevoke.body.status, afterRevoke.body.statusChange.reason], [false, 'revoked', '吊销: 行政处罚决定书 2027-001']);
  });

  test('a license expires after its last day without a transaction', async () => {
    const yesterday = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
    const { license } = await issue({ typeCode: FOOD_PERMIT, validFrom: '2026-01-01', validUntil: yesterday });
    const seen = await call('POST', '/api/v1/licenses/verify', undefined, { identifier: license.identifier });
    assert.deepEqual([seen.status, seen.body.valid, seen.body.status], [200, false, 'expired']);
    const move = await call('POST', `/api/v1/licenses/${license.identifier}/status`, tokens.marketOfficer, { action: 'suspend', reason: 'x' });
    assert.deepEqual([move.status, move.body.error.details.check], [409, 'illegal_transition']);
  });

  test('a department the type does not name cannot move a license; a supervising department can', async () => {
    const business = await issue();
    const refused = await call('POST', `/api/v1/licenses/${business.license.identifier}/status`, tokens.creditOfficer, { action: 'suspend', reason: 'x' });
    assert.deepEqual([refused.status, refused.body.error.details.check], [403, 'not_issuer']);
    const permit = await issue({ typeCode: FOOD_PERMIT, validUntil: '2028-12-31' });
    const cancelled = await call('POST', `/api/v1/licenses/${permit.license.identifier}/status`, tokens.creditOfficer, { action: 'cancel', reason: '企业申请注销' });
    assert.deepEqual([cancelled.status, cancelled.body.status, cancelled.body.lastChange.by], [200, 'cancelled', CREDIT]);
  });
});

describe('forged QR payloads fail with the reason', () => {
  test('an altered field, a stranger\'s key, the issuer\'s key id with another key, and a revoked key', async () => {
    const { qr } = await issue();
    const payload = decodeLicenseQr(qr) as LicenseQr;
    const keys = await marketKeys();
    const altered = encodeLicenseQr({ ...payload, documentDigest: sm3('a forged document').toString('hex') });
    assert.deepEqual(outcome(verifyLicenseQrOffline(decodeLicenseQr(altered), keys)), [false, 'bad_signature']);
    const online = await call('POST', '/api/v1/licenses/verify', undefined, { qr: altered });
    assert.deepEqual([online.status, online.body.error.code, online.body.error.details.check], [422, 'license_refused', 'bad_signature']);

    const stranger = generateSm2KeyPair();
    const unsigned = { ...payload, keyId: sealKeyId(stranger.publicKey) };
    const strangers = encodeLicenseQr({ ...unsigned, signature: sm2Sign(stranger.privateKey, licenseQrDigest(unsigned)).toString('base64') });
    assert.deepEqual(outcome(verifyLicenseQrOffline(decodeLicenseQr(strangers), keys)), [false, 'unknown_key']);
    const strangerOnline = await call('POST', '/api/v1/licenses/verify', undefined, { qr: strangers });
    assert.deepEqual([strangerOnline.status, strangerOnline.body.error.details.check], [422, 'unknown_key']);
    const claimed = encodeLicenseQr({ ...payload, signature: sm2Sign(stranger.privateKey, licenseQrDigest(payload)).toString('base64') });
    const claimedOnline = await call('POST', '/api/v1/licenses/verify', undefined, { qr: claimed });
    assert.deepEqual([claimedOnline.status, claimedOnline.body.error.details.check], [422, 'bad_signature']);

    // The issuer's key is revoked from before the license was issued (a compromise found later).
    const revokedFrom = new Date(Date.now() - 3_600_000).toISOString();
    await gateway.services.seals.revokeKey(MARKET, payload.keyId, 'private key leaked', revokedFrom);
    try {
      assert.deepEqual(outcome(verifyLicenseQrOffline(payload, await marketKeys())), [false, 'key_revoked']);
      const revokedOnline = await call('POST', '/api/v1/licenses/verify', undefined, { qr });
      assert.deepEqual([revokedOnline.status, revokedOnline.body.error.details.check], [422, 'key_revoked']);
      assert.match(revokedOnline.body.error.message, /private key leaked/);
    } finally {
      await gateway.services.seals.generateKey(MARKET, 'test');
      await gateway.services.seals.registerKey(MARKET, new Date(Date.now() + 365 * 86_400_000).toISOString());
    }
  });
});

describe('uses, holders and annotated copies', () => {
  test('a department\'s use (用证) is recorded with the status it found', async () => {
    const { license } = await issue();
    const used = await call('POST', `/api/v1/licenses/${license.identifier}/uses`, tokens.creditOfficer, { caseReference: 'XY-2027-1', purpose: 'credit-repair.review' });
    assert.equal(used.status, 201, JSON.stringify(used.body));
    assert.deepEqual([used.body.use.department, used.body.use.statusAtUse, used.body.verification.valid], [CREDIT, 'valid', true]);
  });

  test('a person\'s licenses are read through the data exchange: refused without an authorization, recorded as a trail with one', async () => {
    const person = { kind: 'person', identityNumber: IDENTITY_NUMBER };
    const { license } = await issue({ holder: person });
    const item = await call('POST', '/api/v1/catalog/items', tokens.platformAdmin, { code: LICENSE_DATA_ITEM, name: '持证人电子证照', shareType: 'conditional', sensitivity: 3 });
    assert.equal(item.status, 201, JSON.stringify(item.body));
    const refused = await call('POST', '/api/v1/licenses/holder-search', tokens.creditOfficer, { holder: person, purpose: 'credit-repair.review', caseReference: 'XY-2027-2' });
    assert.deepEqual([refused.status, refused.body.error.code, refused.body.error.details.check], [403, 'access_refused', 'authorization_required']);
    const basis = await call('POST', '/api/v1/authorizations/legal-bases', tokens.platformAdmin, { grantee: CREDIT, items: [LICENSE_DATA_ITEM], purpose: 'credit-repair.review', scenario: '一网通办: 信用修复', validFrom: new Date(Date.now() - 60_000).toISOString(), validUntil: new Date(Date.now() + 86_400_000).toISOString() });
    assert.equal(basis.status, 201, JSON.stringify(basis.body));
    const read = await call('POST', '/api/v1/licenses/holder-search', tokens.creditOfficer, { holder: person, purpose: 'credit-repair.review', caseReference: 'XY-2027-2', authorizationId: basis.body.authorizationId });
    assert.equal(read.status, 200, JSON.stringify(read.body));
    assert.deepEqual(read.body.licenses.map((l: { identifier: string }) => l.identifier), [license.identifier]);
    const trail = JSON.parse(Buffer.from(await gateway.ledger.evaluate({ department: MARKET, contract: 'trail', transaction: 'getTrail', arguments: [read.body.receipt.trailId] })).toString());
    assert.deepEqual([trail.outcome, trail.department, trail.items], ['granted', CREDIT, [LICENSE_DATA_ITEM]]);
    const mine = await call('GET', '/api/v1/me/licenses', tokens.citizen);
    assert.deepEqual(mine.body.licenses.map((l: { identifier: string }) => l.identifier), [license.identifier]);
  });

  test('a citizen\'s annotated copy verifies only for its purpose and recipient; another person\'s license is not found', async () => {
    const { license } = await issue({ holder: { kind: 'person', identityNumber: IDENTITY_NUMBER } });
    const validUntil = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const made = await call('POST', `/api/v1/me/licenses/${license.identifier}/annotated-copies`, tokens.citizen, { purpose: '办理贷款', recipient: '某银行苏州分行', validUntil });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const use = { purpose: '办理贷款', recipient: '某银行苏州分行' };
    const ok = await call('POST', '/api/v1/licenses/verify', undefined, { qr: made.body.qr, ...use });
    assert.deepEqual([ok.status, ok.body.valid, ok.body.checked.annotatedCopy, ok.body.copy.recipient], [200, true, true, '某银行苏州分行']);
    const otherUse = await call('POST', '/api/v1/licenses/verify', undefined, { qr: made.body.qr, purpose: '租房', recipient: '某银行苏州分行' });
    assert.deepEqual([otherUse.status, otherUse.body.error.details.check], [422, 'purpose_mismatch']);
    const noUse = await call('POST', '/api/v1/licenses/verify', undefined, { qr: made.body.qr });
    assert.deepEqual([noUse.status, noUse.body.error.details.check], [422, 'use_not_stated']);
    const platformKeys = (await call('GET', `/api/v1/seals/keys?department=${PLATFORM}`)).body.keys as SealKey[];
    assert.equal(verifyLicenseQrOffline(decodeLicenseQr(made.body.qr), platformKeys, { use }).valid, true);
    const enterprises = await issue();
    const notMine = await call('POST', `/api/v1/me/licenses/${enterprises.license.identifier}/annotated-copies`, tokens.citizen, { ...use, validUntil });
    assert.deepEqual([notMine.status, notMine.body.error.code], [404, 'not_found']);
  });
});

describe('an enterprise\'s own licenses', () => {
  test('its account lists the licenses the enterprise holds and makes annotated copies of them; a person\'s license is not found', async () => {
    const { license } = await issue();
    const mine = await call('GET', '/api/v1/me/licenses', tokens.enterprise);
    assert.equal(mine.status, 200, JSON.stringify(mine.body));
    assert.ok(mine.body.licenses.some((l: { identifier: string }) => l.identifier === license.identifier), 'the license just issued to the enterprise is listed');
    assert.deepEqual([...new Set(mine.body.licenses.map((l: { holder: object }) => JSON.stringify(l.holder)))], [JSON.stringify(ENTERPRISE)]);
    const use = { purpose: '招投标', recipient: '某市公共资源交易中心', validUntil: new Date(Date.now() + 7 * 86_400_000).toISOString() };
    const copy = await call('POST', `/api/v1/me/licenses/${license.identifier}/annotated-copies`, tokens.enterprise, use);
    assert.deepEqual([copy.status, copy.body.copy.identifier, copy.body.copy.recipient], [201, license.identifier, use.recipient]);
    const persons = await issue({ holder: { kind: 'person', identityNumber: IDENTITY_NUMBER } });
    const notMine = await call('POST', `/api/v1/me/licenses/${persons.license.identifier}/annotated-copies`, tokens.enterprise, use);
    assert.deepEqual([notMine.status, notMine.body.error.code], [404, 'not_found']);
  });

  test('its account reads the timeline of a license the enterprise holds, and a person\'s is not found', async () => {
    const { license } = await issue();
    const mine = await call('GET', `/api/v1/licenses/${license.identifier}/timeline`, tokens.enterprise);
    assert.equal(mine.status, 200, JSON.stringify(mine.body));
    assert.deepEqual([mine.body.identifier, mine.body.events.map((e: { kind: string }) => e.kind)], [license.identifier, ['issued']]);
    const { license: persons } = await issue({ holder: { kind: 'person', identityNumber: IDENTITY_NUMBER } });
    const refused = await call('GET', `/api/v1/licenses/${persons.identifier}/timeline`, tokens.enterprise);
    assert.deepEqual([refused.status, refused.body.error.code, refused.body.error.message], [404, 'not_found', `you hold no license ${persons.identifier}; see GET /api/v1/me/licenses`]);
  });
});

describe('a license\'s timeline, read from the ledger', () => {
  /** Where the explorer's own block decoding says a transaction landed: a second, independent reading of the chain. */
  const blockOf = async (transactionId: string) => (await call('GET', `/api/v1/transactions/${transactionId}`, tokens.auditor)).body.blockNumber as number;

  test('issued, used, suspended and reinstated with reasons, changed into a new version, and that version revoked: in order, each with its department, transaction and block', async () => {
    const issued = await issue();
    const id = issued.license.identifier;
    const used = await call('POST', `/api/v1/licenses/${id}/uses`, tokens.creditOfficer, { caseReference: 'XY-2027-9', purpose: 'credit-repair.review' });
    const suspended = await call('POST', `/api/v1/licenses/${id}/status`, tokens.marketOfficer, { action: 'suspend', reason: '涉嫌虚假登记' });
    const reinstated = await call('POST', `/api/v1/licenses/${id}/status`, tokens.marketOfficer, { action: 'reinstate', reason: '调查结束' });
    const changed = await call('POST', `/api/v1/licenses/${id}/versions`, tokens.marketOfficer, { reason: '变更经营范围', caseReference: nextCase(), validFrom: '2027-03-01', validUntil: null, metadata: { enterpriseName: '某某科技有限公司' }, documentDigest: '1'.repeat(64) });
    const next = changed.body.license.identifier as string;
    const revoked = await call('POST', `/api/v1/licenses/${next}/status`, tokens.marketOfficer, { action: 'revoke', reason: '吊销: 行政处罚决定书 2027-002' });
    assert.deepEqual([used.status, suspended.status, reinstated.status, changed.status, revoked.status], [201, 200, 200, 201, 200]);

    const first = await call('GET', `/api/v1/licenses/${id}/timeline`, tokens.auditor);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual([first.body.identifier, first.body.status, first.body.license.supersededBy], [id, 'changed', next]);
    const issueTx = (first.body.events[0] as { transactionId: string }).transactionId;
    assert.deepEqual(first.body.events, [
      { kind: 'issued', at: issued.license.issuedAt, department: MARKET, transactionId: issueTx, blockNumber: await blockOf(issueTx), seal: issued.license.seal, version: id },
      { kind: 'used', at: used.body.use.recordedAt, department: CREDIT, transactionId: used.body.use.useId, blockNumber: await blockOf(used.body.use.useId), seal: used.body.use.seal, officer: used.body.use.officer, caseReference: 'XY-2027-9', purpose: 'credit-repair.review', statusAtUse: 'valid' },
      { kind: 'status-changed', at: suspended.body.lastChange.at, department: MARKET, transactionId: suspended.body.lastChange.transactionId, blockNumber: await blockOf(suspended.body.lastChange.transactionId), seal: suspended.body.lastChange.seal, action: 'suspend', from: 'valid', to: 'suspended', reason: '涉嫌虚假登记' },
      { kind: 'status-changed', at: reinstated.body.lastChange.at, department: MARKET, transactionId: reinstated.body.lastChange.transactionId, blockNumber: await blockOf(reinstated.body.lastChange.transactionId), seal: reinstated.body.lastChange.seal, action: 'reinstate', from: 'suspended', to: 'valid', reason: '调查结束' },
      { kind: 'new-version', at: changed.body.previous.lastChange.at, department: MARKET, transactionId: changed.body.previous.lastChange.transactionId, blockNumber: await blockOf(changed.body.previous.lastChange.transactionId), seal: changed.body.license.seal, supersededBy: next, reason: '变更经营范围' },
    ]);
    assert.equal(first.body.cursor, '');
    // Each move's seal is the mover's, made in the move's own transaction.
    assert.deepEqual([suspended.body.lastChange.seal.department, suspended.body.lastChange.seal.sealedAt], [MARKET, suspended.body.lastChange.at]);
    const blocks = (first.body.events as Array<{ blockNumber: number }>).map((e) => e.blockNumber);
    assert.deepEqual(blocks, [...blocks].sort((a, b) => a - b));

    const second = await call('GET', `/api/v1/licenses/${next}/timeline`, tokens.marketOfficer);
    assert.deepEqual(second.body.events.map((e: { kind: string; supersedes?: string; action?: string; reason?: string; transactionId: string }) => [e.kind, e.supersedes ?? e.action, e.reason]), [
      ['issued', id, undefined],
      ['status-changed', 'revoke', '吊销: 行政处罚决定书 2027-002'],
    ]);
    assert.equal(second.body.events[0].transactionId, changed.body.previous.lastChange.transactionId);
    assert.equal(second.body.status, 'revoked');
  });

  test('an expired license ends with its expiry, which no transaction made', async () => {
    const yesterday = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
    const { license } = await issue({ typeCode: FOOD_PERMIT, validFrom: '2026-01-01', validUntil: yesterday });
    const timeline = await call('GET', `/api/v1/licenses/${license.identifier}/timeline`, tokens.creditOfficer);
    assert.equal(timeline.body.status, 'expired');
    assert.deepEqual(timeline.body.events.map((e: { kind: string }) => e.kind), ['issued', 'expired']);
    assert.deepEqual(timeline.body.events[1], { kind: 'expired', at: new Date(Date.parse(`${yesterday}T00:00:00+08:00`) + 86_400_000).toISOString().replace('Z', '000000Z') });
  });

  test('a status move\'s seal is on its transaction and verifies, as an issuance\'s does', async () => {
    const { license } = await issue();
    const moved = await call('POST', `/api/v1/licenses/${license.identifier}/status`, tokens.marketOfficer, { action: 'cancel', reason: '企业申请注销' });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    const transaction = await call('GET', `/api/v1/transactions/${moved.body.lastChange.transactionId}`, tokens.auditor);
    assert.equal(transaction.status, 200, JSON.stringify(transaction.body));
    assert.deepEqual(transaction.body.seal, { department: MARKET, keyId: moved.body.lastChange.seal.keyId, digest: moved.body.lastChange.seal.digest, sealedAt: moved.body.lastChange.at });
    assert.equal(transaction.body.sealVerification.valid, true, JSON.stringify(transaction.body.sealVerification));
  });

  test('a long timeline is read a page at a time by its cursor, and a bad limit or cursor is a 400 naming it', async () => {
    const { license } = await issue();
    const id = license.identifier;
    for (const caseReference of ['P-1', 'P-2', 'P-3', 'P-4']) {
      const used = await call('POST', `/api/v1/licenses/${id}/uses`, tokens.creditOfficer, { caseReference, purpose: 'credit-repair.review' });
      assert.equal(used.status, 201, JSON.stringify(used.body));
    }
    const page = async (query: string) => {
      const answer = await call('GET', `/api/v1/licenses/${id}/timeline?${query}`, tokens.auditor);
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      return answer.body as { events: Array<{ kind: string; caseReference?: string; blockNumber: number }>; cursor: string };
    };
    const first = await page('limit=2');
    assert.deepEqual(first.events.map((e) => e.caseReference ?? e.kind), ['issued', 'P-1']);
    const second = await page(`limit=2&cursor=${first.cursor}`);
    assert.deepEqual(second.events.map((e) => e.caseReference), ['P-2', 'P-3']);
    const last = await page(`limit=2&cursor=${second.cursor}`);
    assert.deepEqual([last.events.map((e) => e.caseReference), last.cursor], [['P-4'], '']);
    assert.ok(last.events[0]!.blockNumber > first.events[0]!.blockNumber);
    for (const [query, field] of [['limit=0', 'querystring.limit'], ['limit=201', 'querystring.limit'], ['cursor=-1', 'querystring.cursor'], ['cursor=0', 'querystring.cursor'], ['page=2', 'querystring.page']]) {
      const refused = await call('GET', `/api/v1/licenses/${id}/timeline?${query}`, tokens.auditor);
      assert.deepEqual([refused.status, refused.body.error.code, refused.body.error.details.field], [400, 'invalid_request', field], query);
    }
  });

  test('a citizen reads the timeline of a license they hold, and another\'s is not found', async () => {
    const { license: own } = await issue({ holder: { kind: 'person', identityNumber: IDENTITY_NUMBER } });
    const mine = await call('GET', `/api/v1/licenses/${own.identifier}/timeline`, tokens.citizen);
    assert.equal(mine.status, 200, JSON.stringify(mine.body));
    assert.deepEqual([mine.body.identifier, mine.body.events.map((e: { kind: string }) => e.kind)], [own.identifier, ['issued']]);
    const { license: enterprises } = await issue();
    const { license: someoneElses } = await issue({ holder: { kind: 'person', identityNumber: '11010519491231002X' } });
    for (const other of [enterprises.identifier, someoneElses.identifier]) {
      const refused = await call('GET', `/api/v1/licenses/${other}/timeline`, tokens.citizen);
      assert.deepEqual([refused.status, refused.body.error.code, refused.body.error.message], [404, 'not_found', `you hold no license ${other}; see GET /api/v1/me/licenses`]);
    }
  });

  test('an unknown license is 404, a mistyped identifier 400, and an anonymous caller may not read it', async () => {
    const unknown = formatLicenseIdentifier({ typeCode: BUSINESS_LICENSE, issuerUscc: MARKET_USCC, serial: 'NEVERISSUED', version: 1 });
    const missing = await call('GET', `/api/v1/licenses/${unknown}/timeline`, tokens.auditor);
    assert.deepEqual([missing.status, missing.body.error.code, missing.body.error.details.check], [404, 'not_found', 'unknown_license']);
    const typo = await call('GET', `/api/v1/licenses/${unknown.slice(0, -1)}${unknown.endsWith('A') ? 'B' : 'A'}/timeline`, tokens.auditor);
    assert.deepEqual([typo.status, typo.body.error.code, typo.body.error.details.part], [400, 'invalid_request', 'check']);
    const { license } = await issue();
    const anonymous = await call('GET', `/api/v1/licenses/${license.identifier}/timeline`);
    assert.deepEqual([anonymous.status, anonymous.body.error.code], [401, 'unauthenticated']);
  });
});

function outcome(verification: ReturnType<typeof verifyLicenseQrOffline>): [boolean, string | undefined] {
  return [verification.valid, verification.valid ? undefined : verification.check];
}
