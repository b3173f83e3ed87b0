import assert from 'node:assert/strict';
import { generateSm2KeyPair, sm3, usccCheckCharacter } from '@citytrust/shared';
import { exampleCreditModel } from '@citytrust/shared/dist/credit/testing/example-model';
import { startLedgerTestGateway, type LedgerTestGateway } from '@citytrust/gateway/dist/test-support/ledger-test-gateway';
import { testPassword } from '@citytrust/gateway/dist/test-support/test-gateway';
import { bundleExplorer } from '../bundle';

/**
 * A real gateway on a real embedded ledger, listening on a free port, serving a fresh build of
 * the explorer, and the off-chain index that serves citizens' logs, auditors' traces and credit
 * officers' queries, with a little real history: a catalog item, a citizen with an SM2 key,
 * their consents, two granted accesses by two departments and a refused one (out of scope: an
 * anomaly), credit records for three enterprises under the example model, which grade them
 * A (after a C), B and D, and an e-license type with a license that is valid and used, and one
 * revoked with its reason. For the browser journeys and the bench.
 */
export interface ExplorerFixture {
  readonly gateway: LedgerTestGateway;
  /** The explorer's address, e.g. `http://127.0.0.1:41234/explorer/`. */
  readonly url: string;
  readonly auditor: StaffUser;
  readonly creditOfficer: StaffUser;
  readonly citizen: { readonly username: string; readonly privateKeyPem: string; readonly token: string };
  /** The citizen's granted access and its refused neighbour. */
  readonly grantedTrailId: string;
  readonly consentId: string;
  /** A valid business license, used once by the credit office, and the QR payload printed on it. */
  readonly validLicense: { readonly identifier: string; readonly qr: string };
  /** A business license the market regulator revoked, with the reason. */
  readonly revokedLicense: { readonly identifier: string; readonly qr: string; readonly reason: string };
  /**
   * A citizen whose log is longer than a page: newest first, 24 granted accesses by the credit
   * office, then an attempt refused (its consent not valid yet) and, oldest, one access by the market regulator, so a filter
   * for either matches nothing on the unfiltered first page. They hold a license used 21 times
   * and then suspended: a timeline longer than a page that ends with a sealed move.
   */
  readonly busyCitizen: { readonly username: string; readonly privateKeyPem: string; readonly license: string; readonly suspensionReason: string };
  /** The citizen's identity number, which staff type to trace or look them up. */
  readonly identityNumber: string;
  /** The enterprises with credit records, by USCC: graded C then A (on the red list), B, and D (seriously dishonest). */
  readonly enterprises: { readonly redListed: string; readonly licensed: string; readonly dishonest: string };
  close(): Promise<void>;
}

export interface StaffUser { readonly username: string; readonly password: string; readonly token: string }

const MARKET = 'MarketRegulationMSP';
const CREDIT = 'CreditOfficeMSP';
const PURPOSE = 'credit-repair.review';
const IDENTITY_NUMBER = '110101199003074258';
const MARKET_USCC = '11320000MB12345675';
const BUSINESS_LICENSE = `${MARKET_USCC}001`;
const REVOCATION_REASON = '吊销：行政处罚决定书 苏市监罚〔2027〕12号';
const DAY_MS = 86_400_000;
const BUSY_IDENTITY_NUMBER = '440304198001011247';
const BUSY_ACCESSES = 24;
const BUSY_LICENSE_USES = 21;
const SUSPENSION_REASON = '涉嫌虚假登记，立案调查';

/** A valid USCC (GB 32100) registered in `district` with category `industry`, ending in `serial`. */
function uscc(industry: string, district: string, serial: number): string {
  const body = `${industry}${district}${String(serial).padStart(9, '0')}`;
  return body + usccCheckCharacter(body);
}

export async function startExplorerFixture(): Promise<ExplorerFixture> {
  const { outDir } = await bundleExplorer(`${__dirname}/../..`);
  // The citizen's log is read from the off-chain index, so the fixture runs the indexer as `citytrust start` does.
  const gateway = await startLedgerTestGateway({ offchainIndex: true, env: { GATEWAY_EXPLORER_DIR: outDir, GATEWAY_RATE_LIMIT_MAX: '100000' } });
  try {
    await gateway.server.listen({ host: '127.0.0.1', port: 0 });
    const address = gateway.server.server.address() as { port: number };
    const call: Call = async (method, url, token, payload) => {
      const response = await gateway.server.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
      return { status: response.statusCode, body: response.json() };
    };
    const admin = await gateway.userWithToken('admin', MARKET);
    const officer = await gateway.userWithToken('department-officer', CREDIT);
    const auditor = await gateway.userWithToken('auditor');
    const creditOfficer = await gateway.userWithToken('credit-officer');
    const marketOfficer = await gateway.userWithToken('department-officer', MARKET);
    const creditAdmin = await gateway.userWithToken('admin', CREDIT);
    const keys = generateSm2KeyPair();
    const citizen = await gateway.services.users.create({
      username: 'citizen.wang',
      role: 'citizen',
      subjectKey: gateway.services.subjectKeys.derive(IDENTITY_NUMBER),
      loginPublicKey: keys.publicKey.toPem(),
    }, 'explorer fixture');
    const citizenToken = gateway.services.tokens.issue(citizen.id, citizen.role).token;

    const item = await call('POST', '/api/v1/catalog/items', admin.token, { code: 'MR-PERSON-LICENCE', name: '个体工商户登记信息', shareType: 'conditional', sensitivity: 3 });
    assert.equal(item.status, 201, JSON.stringify(item.body));
    const window = { validFrom: new Date(Date.now() - 60_000).toISOString(), validUntil: new Date(Date.now() + 365 * 86_400_000).toISOString() };
    const consent = await call('POST', '/api/v1/me/consents', citizenToken, { grantee: CREDIT, items: ['MR-PERSON-LICENCE'], purpose: PURPOSE, ...window });
    assert.equal(consent.status, 201, JSON.stringify(consent.body));
    const person = { kind: 'person', identityNumber: IDENTITY_NUMBER };
    const granted = await call('POST', '/api/v1/exchange', officer.token, { subject: person, items: ['MR-PERSON-LICENCE'], purpose: PURPOSE, authorizationId: consent.body.authorizationId, caseReference: 'YWTB-2027-000200' });
    assert.equal(granted.status, 200, JSON.stringify(granted.body));
    const refused = await call('POST', '/api/v1/exchange', officer.token, { subject: person, items: ['MR-PERSON-LICENCE'], purpose: 'marketing', authorizationId: consent.body.authorizationId, caseReference: 'X-1' });
    assert.equal(refused.status, 403, JSON.stringify(refused.body));
    // A second department's access, so an auditor's department filter has something to leave out.
    const marketConsent = await call('POST', '/api/v1/me/consents', citizenToken, { grantee: MARKET, items: ['MR-PERSON-LICENCE'], purpose: 'business-licence.review', ...window });
    assert.equal(marketConsent.status, 201, JSON.stringify(marketConsent.body));
    const market = await call('POST', '/api/v1/exchange', marketOfficer.token, { subject: person, items: ['MR-PERSON-LICENCE'], purpose: 'business-licence.review', authorizationId: marketConsent.body.authorizationId, caseReference: 'YWTB-2027-000201' });
    assert.equal(market.status, 200, JSON.stringify(market.body));

    const busyCitizen = await seedBusyCitizen(gateway, call, { officer: officer.token, market: marketOfficer.token });

    const enterprises = { redListed: uscc('91', '320214', 1), licensed: uscc('91', '320213', 2), dishonest: uscc('51', '320213', 3) };
    const evaluations = await seedCredit(call, { creditAdmin: creditAdmin.token, creditOffice: officer.token, market: marketOfficer.token }, enterprises);
    await gateway.untilIndexed(granted.body.receipt.trailId, refused.body.error.details.refusalTrailId, market.body.receipt.trailId, ...busyCitizen.trailIds);
    await untilEvaluationsIndexed(gateway, evaluations);

    const type = await call('POST', '/api/v1/licenses/types', admin.token, { code: BUSINESS_LICENSE, name: '营业执照', issuers: [{ department: MARKET, uscc: MARKET_USCC }], supervisors: [], validity: { maxValidityDays: null }, metadataFields: [{ name: 'enterpriseName', label: '名称', required: true }] });
    assert.equal(type.status, 201, JSON.stringify(type.body));
    const issue = async (caseReference: string, enterpriseName: string, uscc: string) => {
      const issued = await call('POST', '/api/v1/licenses', marketOfficer.token, { typeCode: BUSINESS_LICENSE, holder: { kind: 'enterprise', uscc }, caseReference, validFrom: '2027-01-04', validUntil: null, metadata: { enterpriseName }, document: Buffer.from(`%PDF-1.7 营业执照 ${enterpriseName}`).toString('base64') });
      assert.equal(issued.status, 201, JSON.stringify(issued.body));
      return { identifier: issued.body.license.identifier as string, qr: issued.body.qr as string };
    };
    const validLicense = await issue('YWTB-2027-000301', '苏州某某科技有限公司', '914403001922038216');
    const used = await call('POST', `/api/v1/licenses/${validLicense.identifier}/uses`, officer.token, { caseReference: 'XY-2027-000088', purpose: 'credit-repair.review' });
    assert.equal(used.status, 201, JSON.stringify(used.body));
    const revokedLicense = await issue('YWTB-2027-000302', '苏州某某餐饮有限公司', '91320508MA1MXXR8QF');
    const revoked = await call('POST', `/api/v1/licenses/${revokedLicense.identifier}/status`, marketOfficer.token, { action: 'revoke', reason: REVOCATION_REASON });
    assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
    const busyLicense = await call('POST', '/api/v1/licenses', marketOfficer.token, { typeCode: BUSINESS_LICENSE, holder: { kind: 'person', identityNumber: BUSY_IDENTITY_NUMBER }, caseReference: 'YWTB-2027-000303', validFrom: '2027-01-04', validUntil: null, metadata: { enterpriseName: '个体户 李某' }, document: Buffer.from('%PDF-1.7 营业执照 个体户').toString('base64') });
    assert.equal(busyLicense.status, 201, JSON.stringify(busyLicense.body));
    const busyIdentifier = busyLicense.body.license.identifier as string;
    await inBatches(BUSY_LICENSE_USES, async (n) => {
      const use = await call('POST', `/api/v1/licenses/${busyIdentifier}/uses`, officer.token, { caseReference: `XY-2027-1${String(n).padStart(5, '0')}`, purpose: 'credit-repair.review' });
      assert.equal(use.status, 201, JSON.stringify(use.body));
    });
    const suspended = await call('POST', `/api/v1/licenses/${busyIdentifier}/status`, marketOfficer.token, { action: 'suspend', reason: SUSPENSION_REASON });
    assert.equal(suspended.status, 200, JSON.stringify(suspended.body));

    return {
      gateway,
      url: `http://127.0.0.1:${address.port}/explorer/`,
      auditor: { username: auditor.user.username, password: testPassword, token: auditor.token },
      creditOfficer: { username: creditOfficer.user.username, password: testPassword, token: creditOfficer.token },
      identityNumber: IDENTITY_NUMBER,
      enterprises,
      citizen: { username: citizen.username, privateKeyPem: keys.privateKey.toPem(), token: citizenToken },
      busyCitizen: { username: busyCitizen.username, privateKeyPem: busyCitizen.privateKeyPem, license: busyIdentifier, suspensionReason: SUSPENSION_REASON },
      grantedTrailId: granted.body.receipt.trailId,
      consentId: consent.body.authorizationId,
      validLicense,
      revokedLicense: { ...revokedLicense, reason: REVOCATION_REASON },
      close: () => gateway.close(),
    };
  } catch (error) {
    await gateway.close();
    throw error;
  }
}

/** Runs `count` calls, a few at a time: the ledger cuts a block for several at once. */
async function inBatches(count: number, run: (n: number) => Promise<void>, width = 6): Promise<void> {
  for (let start = 0; start < count; start += width) {
    await Promise.all(Array.from({ length: Math.min(width, count - start) }, (_, i) => run(start + i)));
  }
}

/** The busy citizen's log (see {@link ExplorerFixture.busyCitizen}), in that order; returns the citizen and the trail ids to wait for in the index. */
async function seedBusyCitizen(gateway: LedgerTestGateway, call: Call, tokens: { officer: string; market: string }) {
  const keys = generateSm2KeyPair();
  const citizen = await gateway.services.users.create({ username: 'citizen.li', role: 'citizen', subjectKey: gateway.services.subjectKeys.derive(BUSY_IDENTITY_NUMBER), loginPublicKey: keys.publicKey.toPem() }, 'explorer fixture');
  const token = gateway.services.tokens.issue(citizen.id, citizen.role).token;
  const window = { validFrom: new Date(Date.now() - 60_000).toISOString(), validUntil: new Date(Date.now() + 365 * DAY_MS).toISOString() };
  const person = { kind: 'person', identityNumber: BUSY_IDENTITY_NUMBER };
  const marketConsent = await call('POST', '/api/v1/me/consents', token, { grantee: MARKET, items: ['MR-PERSON-LICENCE'], purpose: 'business-licence.review', ...window });
  const creditConsent = await call('POST', '/api/v1/me/consents', token, { grantee: CREDIT, items: ['MR-PERSON-LICENCE'], purpose: PURPOSE, ...window });
  assert.deepEqual([marketConsent.status, creditConsent.status], [201, 201], JSON.stringify([marketConsent.body, creditConsent.body]));
  const market = await call('POST', '/api/v1/exchange', tokens.market, { subject: person, items: ['MR-PERSON-LICENCE'], purpose: 'business-licence.review', authorizationId: marketConsent.body.authorizationId, caseReference: 'YWTB-2027-000400' });
  assert.equal(market.status, 200, JSON.stringify(market.body));
  // Refused for a consent not valid yet: an outside-window anomaly, so the fixture's one out-of-scope attempt stays the only one.
  const later = await call('POST', '/api/v1/me/consents', token, { grantee: CREDIT, items: ['MR-PERSON-LICENCE'], purpose: PURPOSE, validFrom: new Date(Date.now() + DAY_MS).toISOString(), validUntil: window.validUntil });
  assert.equal(later.status, 201, JSON.stringify(later.body));
  const refused = await call('POST', '/api/v1/exchange', tokens.officer, { subject: person, items: ['MR-PERSON-LICENCE'], purpose: PURPOSE, authorizationId: later.body.authorizationId, caseReference: 'X-400' });
  assert.equal(refused.status, 403, JSON.stringify(refused.body));
  const trailIds: string[] = [market.body.receipt.trailId, refused.body.error.details.refusalTrailId];
  await inBatches(BUSY_ACCESSES, async (n) => {
    const access = await call('POST', '/api/v1/exchange', tokens.officer, { subject: person, items: ['MR-PERSON-LICENCE'], purpose: PURPOSE, authorizationId: creditConsent.body.authorizationId, caseReference: `YWTB-2027-1${String(n).padStart(5, '0')}` });
    assert.equal(access.status, 200, JSON.stringify(access.body));
    trailIds.push(access.body.receipt.trailId);
  });
  return { username: citizen.username, privateKeyPem: keys.privateKey.toPem(), trailIds };
}

type Call = (method: 'GET' | 'POST' | 'PUT', url: string, token: string, payload?: object) => Promise<{ status: number; body: any }>;

/** Credit records through REST as departments submit them; returns the ids of the evaluations they caused. */
async function seedCredit(call: Call, tokens: { creditAdmin: string; creditOffice: string; market: string }, enterprises: ExplorerFixture['enterprises']): Promise<string[]> {
  const ok = async (...args: Parameters<Call>) => {
    const answer = await call(...args);
    assert.ok(answer.status < 300, `${args[0]} ${args[1]}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  await ok('PUT', `/api/v1/credit/permissions/${MARKET}`, tokens.creditAdmin, { categories: ['administrative-penalty', 'administrative-licence'] });
  await ok('PUT', `/api/v1/credit/permissions/${CREDIT}`, tokens.creditAdmin, { categories: ['red-list', 'seriously-dishonest-list'] });
  await ok('POST', '/api/v1/credit/models', tokens.creditAdmin, exampleCreditModel());
  const record = (uscc: string, category: string, severity: string, reference: string) => ({
    subject: { kind: 'enterprise', uscc }, category, severity, occurredAt: new Date(Date.now() - DAY_MS).toISOString(), reference, documentDigest: sm3(reference).toString('hex'),
  });
  const submitted = [
    await ok('POST', '/api/v1/credit/records', tokens.market, record(enterprises.redListed, 'administrative-penalty', 'ordinary', '锡市监罚〔2027〕88号')),
    await ok('POST', '/api/v1/credit/records', tokens.creditOffice, record(enterprises.redListed, 'red-list', 'serious', '信用办〔2027〕1号')),
    await ok('POST', '/api/v1/credit/records', tokens.market, record(enterprises.licensed, 'administrative-licence', 'minor', '锡市监许〔2027〕12号')),
    await ok('POST', '/api/v1/credit/records', tokens.creditOffice, record(enterprises.dishonest, 'seriously-dishonest-list', 'serious', '信用办〔2027〕2号')),
  ];
  return submitted.map((answer) => answer.evaluation.evaluationId as string);
}

async function untilEvaluationsIndexed(gateway: LedgerTestGateway, evaluationIds: string[]): Promise<void> {
  const deadline = Date.now() + 20_000;
  while ((await gateway.database.database.pool.query('SELECT 1 FROM offchain.credit_evaluations WHERE evaluation_id = ANY($1)', [evaluationIds])).rowCount !== evaluationIds.length) {
    if (Date.now() > deadline) throw new Error(`the off-chain index did not hold evaluations ${evaluationIds.join(', ')} within 20 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
