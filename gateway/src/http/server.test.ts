import { strict as assert } from 'node:assert';
import { maxHeaderSize } from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { authorizationTable } from '../authorization';
import { startTestGateway, testPassword, type TestGateway } from '../test-support/test-gateway';

describe('gateway API conventions', () => {
  let gateway: TestGateway;
  before(async () => { gateway = await startTestGateway({ GATEWAY_BODY_LIMIT_BYTES: '2048' }); });
  after(async () => { await gateway?.close(); });

  const login = (body: unknown, headers: Record<string, string> = {}) =>
    gateway.server.inject({ method: 'POST', url: '/api/v1/auth/login', payload: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });

  it('logs a user in with their password and the token then works', async () => {
    const { user } = await gateway.userWithToken('auditor');
    const response = await login({ username: user.username, password: testPassword });
    assert.equal(response.statusCode, 200);
    const { token, user: shown } = response.json();
    assert.equal(shown.role, 'auditor');
    assert.equal(shown.passwordHash, undefined);
    const me = await gateway.server.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
    assert.equal(me.json().username, user.username);
  });

  it('reads the Authorization scheme case-insensitively (RFC 7235)', async () => {
    const { token, user } = await gateway.userWithToken('auditor');
    for (const scheme of ['bearer', 'BEARER', 'Bearer', 'bEaReR']) {
      const response = await gateway.server.inject({ url: '/api/v1/me', headers: { authorization: `${scheme} ${token}` } });
      assert.equal(response.statusCode, 200, `${scheme}: ${response.body}`);
      assert.equal(response.json().username, user.username);
    }
  });

  it('gives the same answer for an unknown user and a wrong password', async () => {
    const { user } = await gateway.userWithToken('auditor');
    const wrongPassword = await login({ username: user.username, password: 'not the password at all' });
    const unknownUser = await login({ username: 'nobody.here', password: testPassword });
    assert.equal(wrongPassword.statusCode, 401);
    assert.deepEqual(wrongPassword.json(), unknownUser.json());
  });

  it('puts a request id on every response, keeping the caller\'s own', async () => {
    const mine = await gateway.server.inject({ url: '/healthz', headers: { 'x-request-id': 'trace-12345678' } });
    assert.equal(mine.headers['x-request-id'], 'trace-12345678');
    const made = await gateway.server.inject({ url: '/healthz' });
    assert.match(String(made.headers['x-request-id']), /^[0-9a-f-]{36}$/);
  });

  describe('refuses bad input with a 400 that names the field, and changes nothing', () => {
    it('malformed JSON', async () => {
      const response = await gateway.server.inject({ method: 'POST', url: '/api/v1/auth/login', payload: '{"username": "a', headers: { 'content-type': 'application/json' } });
      assert.equal(response.statusCode, 400);
      assert.equal(response.json().error.code, 'invalid_request');
      assert.match(response.json().error.message, /not valid JSON/);
    });

    it('a wrong type', async () => {
      const response = await login({ username: 'someone', password: 12345 });
      assert.equal(response.statusCode, 400);
      assert.equal(response.json().error.details.field, 'password');
    });

    it('an unknown field', async () => {
      const response = await login({ username: 'someone', password: 'x', role: 'admin' });
      assert.equal(response.statusCode, 400);
      assert.deepEqual(response.json().error, { code: 'invalid_request', message: 'role is not a known field', details: { field: 'role' } });
    });

    it('a missing field', async () => {
      const response = await login({ username: 'someone' });
      assert.equal(response.json().error.details.field, 'password');
    });

    it('an oversized body, with 413', async () => {
      const response = await login({ username: 'someone', password: 'x'.repeat(4096) });
      assert.equal(response.statusCode, 413);
      assert.equal(response.json().error.code, 'body_too_large');
    });

    it('a JSON body sent as text/plain, with 415 like any other content type but JSON', async () => {
      const response = await gateway.server.inject({ method: 'POST', url: '/api/v1/auth/login', payload: JSON.stringify({ username: 'someone', password: 'x' }), headers: { 'content-type': 'text/plain' } });
      assert.equal(response.statusCode, 415);
      assert.deepEqual(response.json().error, { code: 'unsupported_media_type', message: 'send the body as application/json (got text/plain)' });
    });

    it('a body that is not JSON, with 415', async () => {
      const response = await gateway.server.inject({ method: 'POST', url: '/api/v1/auth/login', payload: 'username=a', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      assert.equal(response.statusCode, 415);
    });
  });

  describe('says why a token is refused, with 401', () => {
    const me = (authorization?: string) => gateway.server.inject({ url: '/api/v1/me', headers: authorization ? { authorization } : {} });

    it('no token', async () => {
      assert.match((await me()).json().error.message, /needs an access token/);
    });

    it('a token with an extra segment, although its first three verify', async () => {
      const { token } = await gateway.userWithToken('auditor');
      const response = await me(`Bearer ${token}.extra`);
      assert.equal(response.statusCode, 401);
      assert.deepEqual(response.json().error, { code: 'unauthenticated', message: 'the access token is malformed; log in again to get a new one' });
    });

    it('a token with padding', async () => {
      const { token } = await gateway.userWithToken('auditor');
      const response = await me(`Bearer ${token}=`);
      assert.equal(response.statusCode, 401);
      assert.equal(response.json().error.code, 'unauthenticated');
    });

    it('a token that is not a bearer token', async () => {
      assert.match((await me('Basic dXNlcjpwYXNz')).json().error.message, /must be "Bearer <token>"/);
    });

    it('a forged token', async () => {
      const { token } = await gateway.userWithToken('citizen');
      const response = await me(`Bearer ${token.slice(0, -4)}AAAA`);
      assert.equal(response.statusCode, 401);
      assert.match(response.json().error.message, /altered/);
    });

    it('an expired token', async () => {
      const { user } = await gateway.userWithToken('auditor');
      const { token } = gateway.services.tokens.issue(user.id, user.role, new Date(Date.now() - 3_600_000));
      assert.match((await me(`Bearer ${token}`)).json().error.message, /expired at/);
    });

    it('a JWT from an identity platform this gateway does not trust', async () => {
      const header = Buffer.from('{"alg":"ES256"}').toString('base64url');
      const claims = Buffer.from('{"iss":"https://elsewhere.example","sub":"x"}').toString('base64url');
      assert.match((await me(`Bearer ${header}.${claims}.c2ln`)).json().error.message, /accepts no identity-platform tokens/);
    });
  });

  it('answers an unknown endpoint with a 404 in the same error shape', async () => {
    const response = await gateway.server.inject({ url: '/api/v1/nothing-here' });
    assert.equal(response.statusCode, 404);
    assert.equal(response.json().error.code, 'not_found');
  });

  it('answers a method a path does not support with 405, naming the methods it does support in Allow (RFC 9110)', async () => {
    for (const [method, url, allow] of [['DELETE', '/api/v1/me', 'GET, HEAD'], ['TRACE', '/healthz', 'GET, HEAD'], ['QUERY', '/api/v1/users/someone/disable', 'POST']] as const) {
      // light-my-request's types list only the methods Fastify routes; these are the point of the test.
      const response = await gateway.server.inject({ method: method as 'DELETE', url });
      assert.equal(response.statusCode, 405, `${method} ${url}`);
      assert.equal(response.headers.allow, allow);
      assert.deepEqual(response.json().error, { code: 'method_not_allowed', message: `${url} does not answer ${method}; it answers ${allow}`, details: { allowed: allow.split(', ') } });
    }
  });

  it('documents /metrics as the text format it serves', async () => {
    const response = await gateway.server.inject({ url: '/metrics' });
    assert.match(String(response.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    const document = (await gateway.server.inject({ url: '/api/v1/openapi.json' })).json();
    assert.deepEqual(Object.keys(document.paths['/metrics'].get.responses['200'].content), ['text/plain']);
  });

  it('reports the ledger as unreachable in /healthz with 503 and Retry-After, and the database as reachable', async () => {
    const response = await gateway.server.inject({ url: '/healthz' });
    assert.equal(response.statusCode, 503);
    assert.equal(response.headers['retry-after'], '5');
    const body = response.json();
    assert.equal(body.status, 'degraded');
    assert.equal(body.components.database.reachable, true);
    assert.deepEqual(body.components.ledger, { reachable: false, detail: 'no Fabric network is connected to this test gateway' });
  });

  it('serves Prometheus metrics counting requests by operation', async () => {
    await gateway.server.inject({ url: '/healthz' });
    const text = (await gateway.server.inject({ url: '/metrics' })).body;
    assert.match(text, /citytrust_gateway_requests_total\{method="GET",operation="getHealth",status="503"\} \d+/);
  });

  it('serves how its ledger views are doing: not yet used, they follow nothing and have answered nothing', async () => {
    const text = (await gateway.server.inject({ url: '/metrics' })).body;
    for (const view of ['license', 'access']) {
      assert.ok(text.includes(`citytrust_gateway_view_following{view="${view}"} 0\n`), text);
      assert.ok(text.includes(`citytrust_gateway_view_answers{view="${view}",source="view"} 0\n`), text);
      assert.ok(text.includes(`citytrust_gateway_view_answers{view="${view}",source="ledger"} 0\n`), text);
      assert.ok(text.includes(`citytrust_gateway_view_stream_losses{view="${view}"} 0\n`), text);
    }
  });

  it('publishes an OpenAPI 3 document in which every operation says who may call it', async () => {
    const document = (await gateway.server.inject({ url: '/api/v1/openapi.json' })).json();
    assert.equal(document.openapi, '3.0.3');
    const operations = Object.values(document.paths as Record<string, Record<string, { operationId: string; description: string }>>).flatMap((p) => Object.values(p));
    assert.ok(operations.length >= 6);
    for (const operation of operations) {
      assert.ok(operation.operationId in authorizationTable, `${operation.operationId} is in the authorization table`);
      assert.match(operation.description, /\*\*Who may call:\*\*/);
    }
    const docs = await gateway.server.inject({ url: '/api/v1/docs/' });
    assert.equal(docs.statusCode, 200);
    assert.match(docs.body, /swagger-ui/i);
  });
});

describe('rate limits', () => {
  let gateway: TestGateway;
  before(async () => { gateway = await startTestGateway({ GATEWAY_RATE_LIMIT_MAX: '3', GATEWAY_RATE_LIMIT_WINDOW_MS: '60000' }); });
  after(async () => { await gateway?.close(); });

  it('count per user and answer 429 with Retry-After past the limit', async () => {
    const first = await gateway.userWithToken('auditor');
    const second = await gateway.userWithToken('auditor');
    const me = (token: string) => gateway.server.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
    for (let i = 0; i < 3; i += 1) assert.equal((await me(first.token)).statusCode, 200);
    const limited = await me(first.token);
    assert.equal(limited.statusCode, 429);
    assert.equal(limited.json().error.code, 'rate_limited');
    assert.ok(Number(limited.headers['retry-after']) > 0);
    assert.equal((await me(second.token)).statusCode, 200, 'another user is not limited by the first');
  });
});

describe('when the database goes away', () => {
  let gateway: TestGateway;
  before(async () => { gateway = await startTestGateway(); });
  after(async () => { await gateway?.close(); });

  it('answers 503 with Retry-After instead of an internal error, and /healthz says which part is down', async () => {
    const { token } = await gateway.userWithToken('auditor');
    await gateway.database.embedded!.stop();
    const response = await gateway.server.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
    assert.equal(response.statusCode, 503);
    assert.equal(response.json().error.code, 'database_unavailable');
    assert.equal(response.headers['retry-after'], '5');
    const health = (await gateway.server.inject({ url: '/healthz' })).json();
    assert.equal(health.components.database.reachable, false);
  });
});

describe('requests refused by the HTTP parser get the one error shape too', () => {
  let gateway: TestGateway;
  let port: number;
  before(async () => {
    gateway = await startTestGateway();
    await gateway.server.listen({ host: '127.0.0.1', port: 0 });
    port = (gateway.server.server.address() as { port: number }).port;
  });
  after(async () => { await gateway?.close(); });

  /** Sends raw bytes, as a broken or hostile client would, and parses the one answer. */
  const raw = (request: string) => new Promise<{ status: number; headers: Record<string, string>; body: unknown }>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(request));
    let text = '';
    socket.on('data', (chunk) => { text += chunk; });
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', body = ''] = text.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(body) });
    });
  });

  it('an over-long path segment: 400 invalid_request naming the path, with a request id', async () => {
    const answer = await raw(`GET /api/v1/credit/models/${'9'.repeat(201)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    assert.equal(answer.status, 400);
    assert.deepEqual(answer.body, { error: { code: 'invalid_request', message: 'a path segment is longer than the 200 characters any identifier here has; check the URL', details: { field: 'path' } } });
    assert.match(answer.headers['x-request-id'] ?? '', /^[0-9a-f-]{36}$/);
  });

  it('a malformed percent-encoding in the path: 400 invalid_request, with a request id', async () => {
    const answer = await raw('GET /api/v1/catalog/items/%E0%A4%A HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.equal(answer.status, 400);
    assert.deepEqual(answer.body, { error: { code: 'invalid_request', message: 'the path is not a valid URL: it has a malformed percent-encoding', details: { field: 'path' } } });
    assert.match(answer.headers['x-request-id'] ?? '', /^[0-9a-f-]{36}$/);
  });

  it('headers too large: 431 headers_too_large, with a request id', async () => {
    const answer = await raw(`GET /api/v1/me HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(maxHeaderSize + 1)}\r\n\r\n`);
    assert.equal(answer.status, 431);
    assert.deepEqual(answer.body, { error: { code: 'headers_too_large', message: `the request's headers are larger than the ${maxHeaderSize} bytes the gateway accepts in all; send fewer or shorter headers` } });
    assert.match(answer.headers['x-request-id'] ?? '', /^[0-9a-f-]{36}$/);
  });

  it('a malformed Content-Length: 400 invalid_request, with a request id', async () => {
    const answer = await raw('POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 12abc\r\n\r\n{}');
    assert.equal(answer.status, 400);
    assert.equal((answer.body as { error: { code: string } }).error.code, 'invalid_request');
    assert.match((answer.body as { error: { message: string } }).error.message, /Content-Length header is malformed/);
    assert.match(answer.headers['x-request-id'] ?? '', /^[0-9a-f-]{36}$/);
  });

  it('two different Content-Lengths: 400 invalid_request', async () => {
    const answer = await raw('POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}');
    assert.equal(answer.status, 400);
    assert.equal((answer.body as { error: { code: string } }).error.code, 'invalid_request');
  });
});
