import assert from 'node:assert/strict';
import { generateSm2KeyPair } from '@citytrust/shared';
import { startLedgerTestGateway, type LedgerTestGateway } from '@citytrust/gateway/dist/test-support/ledger-test-gateway';
import { testPassword } from '@citytrust/gateway/dist/test-support/test-gateway';
import { bundleExplorer } from '../bundle';

/**
 * A real gateway on a real embedded ledger, listening on a free port, serving a fresh build of
 * the explorer, and the off-chain index that serves citizens' logs, with a little real history: a catalog item, a citizen with an SM2 key, their
 * consent, a granted access and a refused one. For the browser journeys and the bench.
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
  close(): Promise<void>;
}

const MARKET = 'MarketRegulationMSP';
const CREDIT = 'CreditOfficeMSP';
const PURPOSE = 'credit-repair.review';
const IDENTITY_NUMBER = '110101199003074258';

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

    return {
      gateway,
      url: `http://127.0.0.1:${address.port}/explorer/`,
      auditor: { username: auditor.user.username, password: testPassword, token: auditor.token },
      citizen: { username: citizen.username, privateKeyPem: keys.privateKey.toPem(), token: citizenToken },
      grantedTrailId: granted.body.receipt.trailId,
      consentId: consent.body.authorizationId,
      close: () => gateway.close(),
    };
  } catch (error) {
    await gateway.close();
    throw error;
  }
}
