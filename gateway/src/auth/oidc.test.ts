import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT, type KeyLike } from 'jose';
import { startTestGateway, type TestGateway } from '../test-support/test-gateway';

const issuer = 'https://identity.city.example';

/** The city identity platform, as far as the gateway sees it: a JWKS endpoint and signed JWTs. */
describe('bearer tokens from the city\'s unified identity platform', () => {
  let platformKey: KeyLike;
  let jwks: Server;
  let gateway: TestGateway;
  before(async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    platformKey = privateKey;
    const jwk = { ...(await exportJWK(publicKey)), kid: 'platform-1', alg: 'ES256', use: 'sig' };
    jwks = createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const { port } = jwks.address() as { port: number };
    gateway = await startTestGateway({ GATEWAY_OIDC_ISSUER: issuer, GATEWAY_OIDC_JWKS_URL: `http://127.0.0.1:${port}/jwks` });
  });
  after(async () => {
    await gateway?.close();
    jwks?.close();
  });

  const token = (claims: Record<string, unknown>, options: { key?: KeyLike; audience?: string; expires?: string } = {}) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'platform-1' }).setIssuer(issuer).setSubject('staff-0042')
      .setAudience(options.audience ?? 'citytrust-gateway').setIssuedAt().setExpirationTime(options.expires ?? '5m')
      .sign(options.key ?? platformKey);
  const me = async (jwt: string) => gateway.server.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${jwt}` } });

  it('admits a platform user with the role and department from the token\'s claims', async () => {
    const response = await me(await token({ citytrust_role: 'department-officer', citytrust_department: 'MarketRegulationMSP', preferred_username: 'zhang.wei' }));
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(response.json(), { id: `oidc:${issuer}#staff-0042`, username: 'zhang.wei', role: 'department-officer', department: 'MarketRegulationMSP', source: 'oidc' });
  });

  it('refuses a token meant for another audience', async () => {
    const response = await me(await token({ citytrust_role: 'auditor' }, { audience: 'some-other-service' }));
    assert.equal(response.statusCode, 401);
    assert.match(response.json().error.message, /claim 'aud'/);
  });

  it('refuses an expired token', async () => {
    const response = await me(await token({ citytrust_role: 'auditor' }, { expires: '-1m' }));
    assert.match(response.json().error.message, /expired/);
  });

  it('refuses a token signed by a key the platform does not publish', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const response = await me(await token({ citytrust_role: 'auditor' }, { key: privateKey }));
    assert.equal(response.statusCode, 401);
    assert.match(response.json().error.message, /signature does not verify/);
  });

  it('refuses a department role without a known department', async () => {
    const response = await me(await token({ citytrust_role: 'admin', citytrust_department: 'NoSuchMSP' }));
    assert.match(response.json().error.message, /needs a known 'citytrust_department' claim/);
  });

  it('refuses a token without a CityTrust role', async () => {
    const response = await me(await token({}));
    assert.match(response.json().error.message, /no valid 'citytrust_role' claim/);
  });

  for (const role of ['citizen', 'enterprise']) {
    it(`sends a ${role} to their SM2 login instead`, async () => {
      const response = await me(await token({ citytrust_role: role }));
      assert.equal(response.statusCode, 401);
      assert.equal(response.json().error.message, `the ${role} role logs in with an SM2 key (POST /api/v1/auth/citizen/challenge), not with the identity platform's token`);
    });
  }

  it('applies the authorization table to platform users too', async () => {
    const response = await gateway.server.inject({ url: '/api/v1/users', headers: { authorization: `Bearer ${await token({ citytrust_role: 'credit-officer' })}` } });
    assert.equal(response.statusCode, 403);
  });
});
