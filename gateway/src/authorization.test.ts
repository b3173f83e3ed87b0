import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { accessFor, authorizationTable, type OperationId } from './authorization';
import { roles, type Role } from './roles';
import { startTestGateway, type TestGateway } from './test-support/test-gateway';

/**
 * One well-formed request per operation. Typed by OperationId, so an operation added to the
 * table without a probe here does not compile: every endpoint is walked.
 */
const probes: Record<OperationId, { method: 'GET' | 'POST'; url: string; body?: unknown }> = {
  getHealth: { method: 'GET', url: '/healthz' },
  getMetrics: { method: 'GET', url: '/metrics' },
  getOpenApi: { method: 'GET', url: '/api/v1/openapi.json' },
  getApiDocs: { method: 'GET', url: '/api/v1/docs/' },
  login: { method: 'POST', url: '/api/v1/auth/login', body: { username: 'nobody.here', password: 'irrelevant' } },
  createCitizenChallenge: { method: 'POST', url: '/api/v1/auth/citizen/challenge', body: { username: 'nobody.here' } },
  citizenLogin: { method: 'POST', url: '/api/v1/auth/citizen/login', body: { challengeId: '00000000-0000-4000-8000-000000000000', signature: 'MEUCIQ==' } },
  registerCitizen: { method: 'POST', url: '/api/v1/citizens', body: { username: 'probe.citizen', identityNumber: '12345', publicKey: 'not a key' } },
  getMe: { method: 'GET', url: '/api/v1/me' },
  listUsers: { method: 'GET', url: '/api/v1/users' },
  createUser: { method: 'POST', url: '/api/v1/users', body: { username: 'probe.officer', role: 'department-officer', password: 'a long enough password' } },
  disableUser: { method: 'POST', url: '/api/v1/users/nobody.here/disable' },
  sealDocument: { method: 'POST', url: '/api/v1/seals/sign', body: { digest: '0'.repeat(64) } },
  verifySeal: { method: 'POST', url: '/api/v1/seals/verify', body: { digest: '0'.repeat(64), keyId: '1'.repeat(64), signature: 'MEUCIQDdCZBoWmdm' } },
  listSealKeys: { method: 'GET', url: '/api/v1/seals/keys?department=MarketRegulationMSP' },
  registerDataItem: { method: 'POST', url: '/api/v1/catalog/items', body: { code: 'MR-PROBE', name: 'probe', shareType: 'conditional', sensitivity: 2 } },
  getDataItem: { method: 'GET', url: '/api/v1/catalog/items/MR-PROBE' },
  registerLegalBasis: { method: 'POST', url: '/api/v1/authorizations/legal-bases', body: { grantee: 'CreditOfficeMSP', items: ['MR-PROBE'], purpose: 'probe', scenario: 'probe', validFrom: '2027-01-01T00:00:00Z', validUntil: '2028-01-01T00:00:00Z' } },
  exchangeData: { method: 'POST', url: '/api/v1/exchange', body: { subject: { kind: 'enterprise', uscc: '914403001922038216' }, items: ['MR-PROBE'], purpose: 'probe', caseReference: 'probe' } },
  answerObjection: { method: 'POST', url: `/api/v1/objections/${'0'.repeat(64)}/answer`, body: { outcome: 'justified', text: 'probe' } },
  listMyTrails: { method: 'GET', url: '/api/v1/me/trails' },
  getTrailProof: { method: 'GET', url: `/api/v1/trails/${'0'.repeat(64)}/proof` },
  grantConsent: { method: 'POST', url: '/api/v1/me/consents', body: { grantee: 'CreditOfficeMSP', items: ['MR-PROBE'], purpose: 'probe', validFrom: '2027-01-01T00:00:00Z', validUntil: '2028-01-01T00:00:00Z' } },
  revokeConsent: { method: 'POST', url: `/api/v1/me/consents/${'0'.repeat(64)}/revoke`, body: { reason: 'probe' } },
  raiseObjection: { method: 'POST', url: '/api/v1/me/objections', body: { trailId: '0'.repeat(64), reason: 'probe' } },
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
    return gateway.server.inject({
      method: probe.method,
      url: probe.url,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(probe.body ? { 'content-type': 'application/json' } : {}) },
      ...(probe.body ? { payload: JSON.stringify(probe.body) } : {}),
    });
  };
  /** A 403 from the table names the operation; a 403 from a finer rule in a handler does not. */
  const refusedByTable = (response: Awaited<ReturnType<typeof call>>, operation: OperationId) =>
    response.statusCode === 403 && response.json().error.details?.operation === operation;

  it('every route the server has is in the table, and every table entry has a route', async () => {
    const documented = Object.values((await call('getOpenApi')).json().paths as Record<string, Record<string, { operationId: string }>>)
      .flatMap((path) => Object.values(path).map((operation) => operation.operationId));
    const hidden: OperationId[] = ['getOpenApi', 'getApiDocs'];
    assert.deepEqual([...documented, ...hidden].sort(), Object.keys(authorizationTable).sort());
  });

  for (const operation of Object.keys(authorizationTable) as OperationId[]) {
    const access = accessFor(operation);
    if (access === 'public') {
      it(`${operation} is public: answered without asking for a token`, async () => {
        const response = await call(operation);
        assert.ok(response.statusCode !== 403 && !/needs an access token/.test(response.body), `${operation} answered ${response.statusCode}`);
      });
      continue;
    }
    it(`${operation} needs a token: 401 without one`, async () => {
      assert.equal((await call(operation)).statusCode, 401);
    });
    for (const role of roles) {
      const allowed = access.includes(role);
      it(`${operation} ${allowed ? 'admits' : 'refuses'} a ${role}`, async () => {
        const response = await call(operation, tokens.get(role));
        if (allowed) {
          assert.ok(response.statusCode !== 401 && !refusedByTable(response, operation), `${role} got ${response.statusCode} ${response.body}`);
        } else {
          assert.ok(refusedByTable(response, operation), `${role} got ${response.statusCode} ${response.body}`);
          assert.match(response.json().error.message, new RegExp(`a ${role} may not call ${operation}`));
        }
      });
    }
  }
});
