import assert from 'node:assert/strict';
import { generateSm2KeyPair } from '@citytrust/shared';
import { startLedgerTestGateway, type LedgerTestGateway } from '@citytrust/gateway/dist/test-support/ledger-test-gateway';
import { testPassword } from '@citytrust/gateway/dist/test-support/test-gateway';
import { bundleExplorer } from '../bundle';

/**
 * A real gateway on a real embedded ledger, listening on a free port, serving a fresh build of
 * the explorer, and the off-chain index that serves citizens' logs, with a little real history: a catalog item, a citizen with an SM2 key, their
 * consent, a granted access and a refused one; an e-license type with a license that is valid
 * and used, and one revoked with its reason. For the browser journeys and the bench.
 */
export interface ExplorerFixture {
  readonly gateway: LedgerTestGateway;
  /** The explorer's address, e.g. `http://127.0.0.1:41234/explorer/`. */
  readonly url: string;
  readonly auditor: { readonly username: string; readonly password: string; readonly token: string };
  readonly citizen: { readonly username: string; readonly privateKeyPem: string; readonly token: string };
  /** The citizen's granted access and its refused neighbour. */
  readonly grantedTrailId: string;
  readonly consentId: string;
  /** A valid business license, used once by the credit office, and the QR payload printed on it. */
  readonly validLicense: { readonly identifier: string; readonly qr: string };
  /** A business license the market regulator revoked, with the reason. */
  readonly revokedLicense: { readonly identifier: string; readonly qr: string; readonly reason: string };
  close(): Promise<void>;
}

const MARKET = 'MarketRegulationMSP';
const CREDIT = 'CreditOfficeMSP';
const PURPOSE = 'credit-repair.review';
const IDENTITY_NUMBER = '110101199003074258';
const MARKET_USCC = '11320000MB12345675';
const BUSINESS_LICENSE = `${MARKET_USCC}001`;
const REVOCATION_REASON = '吊销：行政处罚决定书 苏市监罚〔2027〕12号';

export async function startExplorerFixture(): Promise<ExplorerFixture> {
  const { outDir } = await bundleExplorer(`${__dirname}/../..`);
  // The citizen's log is read from the off-chain index, so the fixture runs the indexer as `citytrust start` does.
  const gateway = await startLedgerTestGateway({ offchainIndex: true, env: { GATEWAY_EXPLORER_DIR: outDir, GATEWAY_RATE_LIMIT_MAX: '100000' } });
  try {
    await gateway.server.listen({ host: '127.0.0.1', port: 0 });
    const address = gateway.server.server.address() as { port: number };
    const call = async (method: 'GET' | 'POST', url: string, token: string, payload?: object) => {
      const response = await gateway.server.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
      return { status: response.statusCode, body: response.json() };
    };
    const admin = await gateway.userWithToken('admin', MARKET);
    const officer = await gateway.userWithToken('department-officer', CREDIT);
    const auditor = await gateway.userWithToken('auditor');
    const keys = generateSm2KeyPair();
    const citizen = await gateway.services.users.create({
      username: 'citizen.wang',
      role: 'citizen',
      subjectKey: gateway.services.subjectKeys.derive(IDENTITY_NUMBER),
      citizenPublicKey: keys.publicKey.toPem(),
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
    await gateway.untilIndexed(granted.body.receipt.trailId, refused.body.error.details.refusalTrailId);

    const marketOfficer = await gateway.userWithToken('department-officer', MARKET);
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
