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

    const enterprises = { redListed: uscc('91', '320214', 1), licensed: uscc('91', '320213', 2), dishonest: uscc('51', '320213', 3) };
    const evaluations = await seedCredit(call, { creditAdmin: creditAdmin.token, creditOffice: officer.token, market: marketOfficer.token }, enterprises);
    await gateway.untilIndexed(granted.body.receipt.trailId, refused.body.error.details.refusalTrailId, market.body.receipt.trailId);
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

    return {
      gateway,
      url: `http://127.0.0.1:${address.port}/explorer/`,
      auditor: { username: auditor.user.username, password: testPassword, token: auditor.token },
      creditOfficer: { username: creditOfficer.user.username, password: testPassword, token: creditOfficer.token },
      identityNumber: IDENTITY_NUMBER,
      enterprises,
      citizen: { username: citizen.username, privateKeyPem: keys.privateKey.toPem(), token: citizenToken },
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
