import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { ConfigError, loadGatewayConfig } from '../config';
import { startTestGateway, testPassword, type TestGateway } from '../test-support/test-gateway';

const login = (gateway: TestGateway, username: string, password: string, options: { remoteAddress?: string; headers?: Record<string, string> } = {}) =>
  gateway.server.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password }, ...options });

/** Counts calls to one method of the user store (the database), to show what a refusal did not cost. */
function countCalls(gateway: TestGateway, method: 'findById' | 'authenticate'): { readonly count: number } {
  const users = gateway.services.users as unknown as Record<string, (...args: unknown[]) => unknown>;
  const original = users[method]!;
  const counter = { count: 0 };
  users[method] = (...args: unknown[]) => {
    counter.count += 1;
    return original(...args);
  };
  return counter;
}

describe('request budgets', () => {
  let gateway: TestGateway;
  before(async () => { gateway = await startTestGateway({ GATEWAY_RATE_LIMIT_MAX: '3', GATEWAY_RATE_LIMIT_WINDOW_MS: '60000', GATEWAY_OPERATIONS_RATE_LIMIT_MAX: '20' }); });
  after(async () => { await gateway?.close(); });

  it('a scrape burst on /metrics and /healthz leaves logins from that address alone', async () => {
    const address = '192.0.2.10';
    for (let i = 0; i < 20; i += 1) {
      assert.notEqual((await gateway.server.inject({ url: i % 2 ? '/metrics' : '/healthz', remoteAddress: address })).statusCode, 429);
    }
    const response = await login(gateway, 'nobody.here', 'not the password', { remoteAddress: address });
    assert.equal(response.statusCode, 401);
    assert.equal(response.json().error.code, 'unauthenticated');
  });

  it('/healthz and /metrics have a budget of their own, which says its real window', async () => {
    const address = '192.0.2.11';
    for (let i = 0; i < 20; i += 1) await gateway.server.inject({ url: '/metrics', remoteAddress: address });
    const limited = await gateway.server.inject({ url: '/healthz', remoteAddress: address });
    assert.equal(limited.statusCode, 429);
    const retryAfter = Number(limited.headers['retry-after']);
    assert.ok(retryAfter >= 1 && retryAfter <= 60, String(retryAfter));
    assert.deepEqual(limited.json().error, {
      code: 'rate_limited',
      message: `too many requests to /healthz and /metrics from address ${address}: at most 20 per 60 s; retry after ${retryAfter} s`,
      details: { limit: 20, windowSeconds: 60 },
    });
  });

  it('limits requests with bad tokens by address, before any database lookup', async () => {
    const address = '192.0.2.12';
    const { token } = await gateway.userWithToken('auditor');
    const forged = `${token.slice(0, -4)}AAAA`;
    const lookups = countCalls(gateway, 'findById');
    const me = (authorization: string) => gateway.server.inject({ url: '/api/v1/me', headers: { authorization }, remoteAddress: address });
    for (let i = 0; i < 3; i += 1) assert.equal((await me(`Bearer ${forged}`)).statusCode, 401);
    const limited = await me(`Bearer ${forged}`);
    assert.equal(limited.statusCode, 429);
    assert.match(limited.json().error.message, new RegExp(`^too many requests from address ${address.replace(/\./g, '\\.')} without a valid token: at most 3 per 60 s; retry after \\d+ s$`));
    assert.equal(lookups.count, 0, 'a forged token never reaches the database');
    const own = await me(`Bearer ${token}`);
    assert.equal(own.statusCode, 200, 'a user with a valid token spends their own budget, not their address\'s');
  });

  it('limits a user before looking them up: past the budget, no database work', async () => {
    const { token } = await gateway.userWithToken('auditor');
    const lookups = countCalls(gateway, 'findById');
    const me = () => gateway.server.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
    for (let i = 0; i < 3; i += 1) assert.equal((await me()).statusCode, 200);
    const limited = await me();
    assert.equal(limited.statusCode, 429);
    assert.match(limited.json().error.message, /^too many requests for this user: at most 3 per 60 s; retry after \d+ s$/);
    assert.equal(lookups.count, 3);
  });
});

describe('login guessing', () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startTestGateway({ GATEWAY_LOGIN_FAILURES_PER_ACCOUNT: '3', GATEWAY_LOGIN_FAILURES_PER_ADDRESS: '5', GATEWAY_LOGIN_FAILURE_WINDOW_MS: '600000' });
  });
  after(async () => { await gateway?.close(); });

  it('refuses an account\'s guesses past its limit, from any address, without hashing', async () => {
    const { user } = await gateway.userWithToken('auditor');
    for (let i = 0; i < 3; i += 1) assert.equal((await login(gateway, user.username, 'a wrong password', { remoteAddress: `198.51.100.${i}` })).statusCode, 401);
    const hashes = countCalls(gateway, 'authenticate');
    const refused = await login(gateway, user.username, testPassword, { remoteAddress: '198.51.100.99' });
    assert.equal(refused.statusCode, 429);
    const retryAfter = Number(refused.headers['retry-after']);
    assert.ok(retryAfter >= 1 && retryAfter <= 600, String(retryAfter));
    assert.deepEqual(refused.json().error, {
      code: 'rate_limited',
      message: `too many failed logins for account '${user.username}': at most 3 per 600 s; retry after ${retryAfter} s`,
      details: { limit: 3, windowSeconds: 600 },
    });
    assert.equal(hashes.count, 0, 'the password was not even checked');
  });

  it('counts guesses sent in parallel: exactly the limit are checked', async () => {
    const { user } = await gateway.userWithToken('auditor');
    const hashes = countCalls(gateway, 'authenticate');
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => login(gateway, user.username, `guess number ${i}`, { remoteAddress: `203.0.113.${i}` })));
    assert.deepEqual(answers.map((a) => a.statusCode).sort(), [...Array(3).fill(401), ...Array(9).fill(429)]);
    assert.equal(hashes.count, 3);
  });

  it('refuses an address\'s guesses over many accounts past its limit; other addresses are not affected', async () => {
    const address = '198.51.100.200';
    for (let i = 0; i < 5; i += 1) assert.equal((await login(gateway, `sprayed.${i}`, 'a common password', { remoteAddress: address })).statusCode, 401);
    const refused = await login(gateway, 'sprayed.next', 'a common password', { remoteAddress: address });
    assert.equal(refused.statusCode, 429);
    assert.match(refused.json().error.message, /^too many failed logins from address 198\.51\.100\.200: at most 5 per 600 s; retry after \d+ s$/);
    assert.equal((await login(gateway, 'sprayed.next', 'a common password', { remoteAddress: '198.51.100.201' })).statusCode, 401);
  });

  it('a successful login is no failure: colleagues behind one address keep logging in', async () => {
    const address = '198.51.100.210';
    for (let i = 0; i < 8; i += 1) {
      const { user } = await gateway.userWithToken('auditor');
      assert.equal((await login(gateway, user.username, testPassword, { remoteAddress: address })).statusCode, 200);
    }
  });

  it('ignores X-Forwarded-For unless the peer is a trusted proxy', async () => {
    const peer = '198.51.100.220';
    for (let i = 0; i < 5; i += 1) {
      await login(gateway, `forwarded.${i}`, 'a common password', { remoteAddress: peer, headers: { 'x-forwarded-for': `10.9.9.${i}` } });
    }
    const refused = await login(gateway, 'forwarded.next', 'a common password', { remoteAddress: peer, headers: { 'x-forwarded-for': '10.9.9.99' } });
    assert.equal(refused.statusCode, 429);
    assert.match(refused.json().error.message, /from address 198\.51\.100\.220:/);
  });
});

describe('behind a trusted reverse proxy', () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startTestGateway({ GATEWAY_TRUSTED_PROXIES: '10.0.0.5, 192.168.0.0/16', GATEWAY_LOGIN_FAILURES_PER_ADDRESS: '2' });
  });
  after(async () => { await gateway?.close(); });

  it('takes the client address from X-Forwarded-For set by the proxy', async () => {
    const viaProxy = (client: string, username: string) => login(gateway, username, 'a common password', { remoteAddress: '10.0.0.5', headers: { 'x-forwarded-for': client } });
    for (let i = 0; i < 2; i += 1) assert.equal((await viaProxy('203.0.113.7', `proxied.${i}`)).statusCode, 401);
    const refused = await viaProxy('203.0.113.7', 'proxied.next');
    assert.equal(refused.statusCode, 429);
    assert.match(refused.json().error.message, /from address 203\.0\.113\.7:/);
    assert.equal((await viaProxy('203.0.113.8', 'proxied.next')).statusCode, 401, 'another client behind the same proxy has its own budget');
  });

  it('refuses a malformed trusted-proxy setting at start, saying what it expects', () => {
    assert.throws(() => loadGatewayConfig({ GATEWAY_TRUSTED_PROXIES: '10.0.0.5,proxy.example' }), (error: unknown) => error instanceof ConfigError &&
      error.message === 'GATEWAY_TRUSTED_PROXIES has \'proxy.example\': expected comma-separated IP addresses or CIDR ranges of the reverse proxies in front of the gateway, e.g. 10.0.0.5,192.168.1.0/24');
    assert.throws(() => loadGatewayConfig({ GATEWAY_TRUSTED_PROXIES: '10.0.0.0/33' }), ConfigError);
    assert.deepEqual(loadGatewayConfig({}).limits.trustedProxies, []);
  });
});
