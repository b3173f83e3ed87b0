import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { formatLicenseIdentifier } from '@citytrust/shared';
import { exampleCreditModel } from '@citytrust/shared/dist/credit/testing/example-model';
import { accessFor, authorizationTable, type OperationId } from './authorization';
import { roles, type Role } from './roles';
import { startTestGateway, type TestGateway } from './test-support/test-gateway';

/**
 * One well-formed request per operation, and exactly what an admitted caller gets: the status
 * and, for an error, its code. An admitted call must reach the handler and be answered by it,
 * so a crash (500) or any other surprise fails the walk instead of counting as "admitted".
 * Each probe makes its own data (a fresh username per call), so the cases pass alone and in any
 * order. Typed by OperationId, so an operation added to the table without a probe does not compile.
 */
interface Probe {
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  body?: () => unknown;
  /** What the handler answers an admitted caller. */
  admitted: { status: number; code?: string };
}

let fresh = 0;
const freshName = (prefix: string) => `${prefix}.${process.pid}.${(fresh += 1)}`;
const licenseType = '11320000MB12345675001';
const license = formatLicenseIdentifier({ typeCode: licenseType, issuerUscc: '11320000MB12345675', serial: 'PROBE', version: 1 });
const issueBody = () => ({ typeCode: licenseType, holder: { kind: 'enterprise', uscc: '914403001922038216' }, caseReference: 'probe', validFrom: '2027-01-01', validUntil: null, metadata: {}, documentDigest: '0'.repeat(64) });

const probes: Record<OperationId, Probe> = {
  // The test gateway has no ledger, so its health is degraded: still the handler's own answer.
  getHealth: { method: 'GET', url: '/healthz', admitted: { status: 503 } },
  getMetrics: { method: 'GET', url: '/metrics', admitted: { status: 200 } },
  getOpenApi: { method: 'GET', url: '/api/v1/openapi.json', admitted: { status: 200 } },
  getApiDocs: { method: 'GET', url: '/api/v1/docs/', admitted: { status: 200 } },
  login: { method: 'POST', url: '/api/v1/auth/login', body: () => ({ username: 'nobody.here', password: 'irrelevant' }), admitted: { status: 401, code: 'unauthenticated' } },
  createCitizenChallenge: { method: 'POST', url: '/api/v1/auth/citizen/challenge', body: () => ({ username: 'nobody.here' }), admitted: { status: 200 } },
  citizenLogin: { method: 'POST', url: '/api/v1/auth/citizen/login', body: () => ({ challengeId: '00000000-0000-4000-8000-000000000000', signature: 'MEUCIQ==' }), admitted: { status: 401, code: 'unauthenticated' } },
  // A malformed identity number: refused by the handler's own checks, after authorization.
  registerCitizen: { method: 'POST', url: '/api/v1/citizens', body: () => ({ username: freshName('probe.citizen'), identityNumber: '110105194912310021', publicKey: 'not a key' }), admitted: { status: 400, code: 'invalid_request' } },
  // A USCC whose check character is wrong: refused by the handler's own checks, after authorization.
  registerEnterprise: { method: 'POST', url: '/api/v1/enterprises', body: () => ({ username: freshName('probe.enterprise'), uscc: '91320200000000001X', publicKey: 'not a key' }), admitted: { status: 400, code: 'invalid_request' } },
  getMe: { method: 'GET', url: '/api/v1/me', admitted: { status: 200 } },
  listUsers: { method: 'GET', url: '/api/v1/users', admitted: { status: 200 } },
  createUser: { method: 'POST', url: '/api/v1/users', body: () => ({ username: freshName('probe.officer'), role: 'department-officer', password: 'a long enough password' }), admitted: { status: 201 } },
  disableUser: { method: 'POST', url: '/api/v1/users/nobody.here/disable', admitted: { status: 404, code: 'not_found' } },
  enableUser: { method: 'POST', url: '/api/v1/users/nobody.here/enable', admitted: { status: 404, code: 'not_found' } },
  // Without a ledger: operations that seal first find no seal key (409); those that ask the
  // ledger first are answered 503 ledger_unavailable. Both are the handler's own answer.
  sealDocument: { method: 'POST', url: '/api/v1/seals/sign', body: () => ({ digest: '0'.repeat(64) }), admitted: { status: 409, code: 'conflict' } },
  verifySeal: { method: 'POST', url: '/api/v1/seals/verify', body: () => ({ digest: '0'.repeat(64), keyId: '1'.repeat(64), signature: 'MEUCIQDdCZBo' }), admitted: { status: 503, code: 'ledger_unavailable' } },
  listSealKeys: { method: 'GET', url: '/api/v1/seals/keys?department=MarketRegulationMSP', admitted: { status: 503, code: 'ledger_unavailable' } },
  registerDataItem: { method: 'POST', url: '/api/v1/catalog/items', body: () => ({ code: 'MR-PROBE', name: 'probe', shareType: 'conditional', sensitivity: 2 }), admitted: { status: 409, code: 'conflict' } },
  getDataItem: { method: 'GET', url: '/api/v1/catalog/items/MR-PROBE', admitted: { status: 503, code: 'ledger_unavailable' } },
  registerLegalBasis: { method: 'POST', url: '/api/v1/authorizations/legal-bases', body: () => ({ grantee: 'CreditOfficeMSP', items: ['MR-PROBE'], purpose: 'probe', scenario: 'probe', validFrom: '2027-01-01T00:00:00Z', validUntil: '2028-01-01T00:00:00Z' }), admitted: { status: 409, code: 'conflict' } },
  exchangeData: { method: 'POST', url: '/api/v1/exchange', body: () => ({ subject: { kind: 'enterprise', uscc: '914403001922038216' }, items: ['MR-PROBE'], purpose: 'probe', caseReference: 'probe' }), admitted: { status: 503, code: 'ledger_unavailable' } },
  answerObjection: { method: 'POST', url: `/api/v1/objections/${'0'.repeat(64)}/answer`, body: () => ({ outcome: 'justified', text: 'probe' }), admitted: { status: 409, code: 'conflict' } },
  // Read from the off-chain index in Postgres, which the test gateway has (empty): no ledger needed.
  listMyTrails: { method: 'GET', url: '/api/v1/me/trails', admitted: { status: 200 } },
  searchTrails: { method: 'POST', url: '/api/v1/audit/trails/search', body: () => ({ department: 'CreditOfficeMSP' }), admitted: { status: 200 } },
  getAnomalyReport: { method: 'GET', url: '/api/v1/audit/anomalies', admitted: { status: 200 } },
  // The test gateway holds no seal key for its department, so the handler cannot seal the manifest.
  exportAuditBundle: { method: 'POST', url: '/api/v1/audit/bundles', body: () => ({ department: 'CreditOfficeMSP' }), admitted: { status: 409, code: 'conflict' } },
  getTrailProof: { method: 'GET', url: `/api/v1/trails/${'0'.repeat(64)}/proof`, admitted: { status: 503, code: 'ledger_unavailable' } },
  grantConsent: { method: 'POST', url: '/api/v1/me/consents', body: () => ({ grantee: 'CreditOfficeMSP', items: ['MR-PROBE'], purpose: 'probe', validFrom: '2027-01-01T00:00:00Z', validUntil: '2028-01-01T00:00:00Z' }), admitted: { status: 409, code: 'conflict' } },
  revokeConsent: { method: 'POST', url: `/api/v1/me/consents/${'0'.repeat(64)}/revoke`, body: () => ({ reason: 'probe' }), admitted: { status: 503, code: 'ledger_unavailable' } },
  raiseObjection: { method: 'POST', url: '/api/v1/me/objections', body: () => ({ trailId: '0'.repeat(64), reason: 'probe' }), admitted: { status: 503, code: 'ledger_unavailable' } },
  registerLicenseType: { method: 'POST', url: '/api/v1/licenses/types', body: () => ({ code: licenseType, name: 'probe', issuers: [{ department, uscc: '11320000MB12345675' }], supervisors: [], validity: { maxValidityDays: null }, metadataFields: [{ name: 'probe', label: 'probe', required: false }] }), admitted: { status: 409, code: 'conflict' } },
  getLicenseType: { method: 'GET', url: `/api/v1/licenses/types/${licenseType}`, admitted: { status: 503, code: 'ledger_unavailable' } },
  issueLicense: { method: 'POST', url: '/api/v1/licenses', body: issueBody, admitted: { status: 503, code: 'ledger_unavailable' } },
  changeLicenseStatus: { method: 'POST', url: `/api/v1/licenses/${license}/status`, body: () => ({ action: 'suspend', reason: 'probe' }), admitted: { status: 409, code: 'conflict' } },
  changeLicense: { method: 'POST', url: `/api/v1/licenses/${license}/versions`, body: () => ({ reason: 'probe', caseReference: 'probe', validFrom: '2027-01-01', validUntil: null, metadata: {}, documentDigest: '0'.repeat(64) }), admitted: { status: 503, code: 'ledger_unavailable' } },
  listHolderLicenses: { method: 'POST', url: '/api/v1/licenses/holder-search', body: () => ({ holder: { kind: 'enterprise', uscc: '914403001922038216' }, purpose: 'probe', caseReference: 'probe' }), admitted: { status: 503, code: 'ledger_unavailable' } },
  verifyLicense: { method: 'POST', url: '/api/v1/licenses/verify', body: () => ({ identifier: license }), admitted: { status: 503, code: 'ledger_unavailable' } },
  recordLicenseUse: { method: 'POST', url: `/api/v1/licenses/${license}/uses`, body: () => ({ caseReference: 'probe', purpose: 'probe' }), admitted: { status: 503, code: 'ledger_unavailable' } },
  getLicenseTimeline: { method: 'GET', url: `/api/v1/licenses/${license}/timeline`, admitted: { status: 503, code: 'ledger_unavailable' } },
  listMyLicenses: { method: 'GET', url: '/api/v1/me/licenses', admitted: { status: 503, code: 'ledger_unavailable' } },
  createAnnotatedCopy: { method: 'POST', url: `/api/v1/me/licenses/${license}/annotated-copies`, body: () => ({ purpose: 'probe', recipient: 'probe', validUntil: '2027-02-01T00:00:00Z' }), admitted: { status: 503, code: 'ledger_unavailable' } },
  submitCreditRecord: { method: 'POST', url: '/api/v1/credit/records', body: () => ({ subject: { kind: 'enterprise', uscc: '914403001922038216' }, category: 'administrative-penalty', severity: 'ordinary', occurredAt: '2027-01-01T00:00:00Z', reference: 'probe', documentDigest: '0'.repeat(64) }), admitted: { status: 409, code: 'conflict' } },
  getCreditRecord: { method: 'GET', url: `/api/v1/credit/records/${'0'.repeat(64)}`, admitted: { status: 503, code: 'ledger_unavailable' } },
  answerCreditObjection: { method: 'POST', url: `/api/v1/credit/records/${'0'.repeat(64)}/objection/answer`, body: () => ({ outcome: 'upheld', text: 'probe' }), admitted: { status: 409, code: 'conflict' } },
  decideCreditRepair: { method: 'POST', url: `/api/v1/credit/records/${'0'.repeat(64)}/repair/decision`, body: () => ({ outcome: 'approved', text: 'probe' }), admitted: { status: 409, code: 'conflict' } },
  setCreditCategoryPermission: { method: 'PUT', url: '/api/v1/credit/permissions/MarketRegulationMSP', body: () => ({ categories: ['administrative-penalty'] }), admitted: { status: 409, code: 'conflict' } },
  getCreditCategoryPermission: { method: 'GET', url: '/api/v1/credit/permissions/MarketRegulationMSP', admitted: { status: 503, code: 'ledger_unavailable' } },
  registerCreditModel: { method: 'POST', url: '/api/v1/credit/models', body: () => exampleCreditModel(), admitted: { status: 409, code: 'conflict' } },
  getCreditModel: { method: 'GET', url: '/api/v1/credit/models/current', admitted: { status: 503, code: 'ledger_unavailable' } },
  getCreditProfile: { method: 'POST', url: '/api/v1/credit/profiles', body: () => ({ subject: { kind: 'enterprise', uscc: '914403001922038216' } }), admitted: { status: 503, code: 'ledger_unavailable' } },
  reevaluateCredit: { method: 'POST', url: '/api/v1/credit/reevaluations', body: () => ({ subject: { kind: 'enterprise', uscc: '914403001922038216' } }), admitted: { status: 503, code: 'ledger_unavailable' } },
  listCreditListMembers: { method: 'GET', url: '/api/v1/credit/lists/red-list', admitted: { status: 503, code: 'ledger_unavailable' } },
  getMyCredit: { method: 'GET', url: '/api/v1/me/credit', admitted: { status: 503, code: 'ledger_unavailable' } },
  raiseCreditObjection: { method: 'POST', url: '/api/v1/me/credit/objections', body: () => ({ recordId: '0'.repeat(64), reason: 'probe' }), admitted: { status: 409, code: 'conflict' } },
  applyForCreditRepair: { method: 'POST', url: '/api/v1/me/credit/repairs', body: () => ({ recordId: '0'.repeat(64), commitment: 'probe' }), admitted: { status: 409, code: 'conflict' } },
  getExplorer: { method: 'GET', url: '/explorer/no-such-file.js', admitted: { status: 404, code: 'not_found' } },
  // Without a ledger the overview still answers, saying the ledger is unreachable.
  getNetworkOverview: { method: 'GET', url: '/api/v1/network', admitted: { status: 200 } },
  listBlocks: { method: 'GET', url: '/api/v1/blocks', admitted: { status: 503, code: 'ledger_unavailable' } },
  getBlock: { method: 'GET', url: '/api/v1/blocks/0', admitted: { status: 503, code: 'ledger_unavailable' } },
  listTransactions: { method: 'GET', url: '/api/v1/transactions', admitted: { status: 503, code: 'ledger_unavailable' } },
  getTransaction: { method: 'GET', url: `/api/v1/transactions/${'0'.repeat(64)}`, admitted: { status: 503, code: 'ledger_unavailable' } },
  // The off-chain index is empty here: the distribution of no subjects.
  issueCreditCode: { method: 'POST', url: '/api/v1/credit/codes', body: () => ({ subject: { kind: 'enterprise', uscc: '914403001922038216' } }), admitted: { status: 503, code: 'ledger_unavailable' } },
  getMyCreditCode: { method: 'GET', url: '/api/v1/me/credit/code', admitted: { status: 503, code: 'ledger_unavailable' } },
  verifyCreditCode: { method: 'POST', url: '/api/v1/credit/codes/verify', body: () => ({ qr: 'not a credit code' }), admitted: { status: 400, code: 'invalid_request' } },
  queryCreditGraph: { method: 'POST', url: '/graphql', body: () => ({ query: '{ gradeDistribution { total } }' }), admitted: { status: 200 } },
};

const department = 'MarketRegulationMSP';

describe('the authorization table, walked role by role over every endpoint', () => {
  let gateway: TestGateway;
  const tokens = new Map<Role, string>();
  before(async () => {
    gateway = await startTestGateway();
    for (const role of roles) tokens.set(role, (await gateway.userWithToken(role, role === 'admin' || role === 'department-officer' ? department : undefined)).token);
  });
  after(async () => { await gateway?.close(); });

  const call = (operation: OperationId, token?: string) => {
    const probe = probes[operation];
    const body = probe.body?.();
    return gateway.server.inject({
      method: probe.method,
      url: probe.url,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { payload: JSON.stringify(body) } : {}),
    });
  };
  const assertAdmitted = (response: Awaited<ReturnType<typeof call>>, operation: OperationId, who: string) => {
    const { status, code } = probes[operation].admitted;
    assert.equal(response.statusCode, status, `${who} calling ${operation} got ${response.statusCode} ${response.body.slice(0, 300)}`);
    if (code !== undefined) assert.equal(response.json().error.code, code);
  };

  it('every route the server has is in the table, and every table entry has a route', async () => {
    const documented = Object.values((await call('getOpenApi')).json().paths as Record<string, Record<string, { operationId: string }>>)
      .flatMap((path) => Object.values(path).map((operation) => operation.operationId));
    // The GraphQL endpoint documents itself (its SDL, by introspection), not in OpenAPI.
    const hidden: OperationId[] = ['getOpenApi', 'getApiDocs', 'getExplorer', 'queryCreditGraph'];
    assert.deepEqual([...documented, ...hidden].sort(), Object.keys(authorizationTable).sort());
  });

  for (const operation of Object.keys(authorizationTable) as OperationId[]) {
    const access = accessFor(operation);
    if (access === 'public') {
      it(`${operation} is public: answered by its handler without a token`, async () => {
        assertAdmitted(await call(operation), operation, 'an anonymous caller');
      });
      continue;
    }
    it(`${operation} needs a token: 401 unauthenticated without one`, async () => {
      const response = await call(operation);
      assert.equal(response.statusCode, 401);
      assert.equal(response.json().error.code, 'unauthenticated');
    });
    for (const role of roles) {
      const allowed = access.includes(role);
      it(`${operation} ${allowed ? 'admits' : 'refuses'} a ${role}`, async () => {
        const response = await call(operation, tokens.get(role));
        if (allowed) {
          assertAdmitted(response, operation, `a ${role}`);
        } else {
          assert.equal(response.statusCode, 403);
          assert.deepEqual(response.json().error, {
            code: 'forbidden',
            message: `${role === 'auditor' || role === 'admin' || role === 'enterprise' ? 'an' : 'a'} ${role} may not call ${operation}; it is open to: ${access.join(', ')}`,
            details: { operation, allowedRoles: access },
          });
        }
      });
    }
  }
});
