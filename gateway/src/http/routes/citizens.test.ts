import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { generateSm2KeyPair, sm2Sign, type Sm2KeyPair } from '@citytrust/shared';
import { startTestGateway, type TestGateway } from '../../test-support/test-gateway';

// Well-formed, made-up identity numbers (valid GB 11643 check characters); no real person is meant.
const identityNumber = '11010519491231002X';
const otherIdentityNumber = '440524188001010014';

describe('citizens log in by signing a challenge with their SM2 key', () => {
  let gateway: TestGateway;
  let adminToken: string;
  let citizenKey: Sm2KeyPair;
  before(async () => {
    gateway = await startTestGateway();
    adminToken = (await gateway.userWithToken('admin', 'BigDataAdministrationMSP')).token;
    citizenKey = generateSm2KeyPair();
    const registered = await register({ username: 'citizen.li', identityNumber, publicKey: citizenKey.publicKey.toPem() });
    assert.equal(registered.statusCode, 201, registered.body);
  });
  after(async () => { await gateway?.close(); });

  const post = (url: string, body: unknown, token?: string) => gateway.server.inject({
    method: 'POST', url, payload: JSON.stringify(body), headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
  const register = (body: unknown) => post('/api/v1/citizens', body, adminToken);
  const challenge = async (username: string) => (await post('/api/v1/auth/citizen/challenge', { username })).json() as { challengeId: string; challenge: string };
  const answer = (challengeId: string, signature: Buffer) => post('/api/v1/auth/citizen/login', { challengeId, signature: signature.toString('base64') });

  it('a signed challenge gives a token for the citizen\'s pseudonymous subject', async () => {
    const { challengeId, challenge: text } = await challenge('citizen.li');
    const login = await answer(challengeId, sm2Sign(citizenKey.privateKey, text));
    assert.equal(login.statusCode, 200, login.body);
    const me = (await gateway.server.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${login.json().token}` } })).json();
    assert.equal(me.role, 'citizen');
    assert.match(me.subjectKey, /^[0-9a-f]{64}$/);
  });

  it('a challenge answers once: a replayed signature is refused', async () => {
    const { challengeId, challenge: text } = await challenge('citizen.li');
    const signature = sm2Sign(citizenKey.privateKey, text);
    assert.equal((await answer(challengeId, signature)).statusCode, 200);
    assert.equal((await answer(challengeId, signature)).statusCode, 401);
  });

  it('a signature by another key is refused', async () => {
    const { challengeId, challenge: text } = await challenge('citizen.li');
    const response = await answer(challengeId, sm2Sign(generateSm2KeyPair().privateKey, text));
    assert.equal(response.statusCode, 401);
    assert.match(response.json().error.message, /does not verify/);
  });

  it('an unknown username gets a challenge too, so usernames cannot be probed, but never a token', async () => {
    const { challengeId, challenge: text } = await challenge('nobody.at.all');
    assert.equal((await answer(challengeId, sm2Sign(citizenKey.privateKey, text))).statusCode, 401);
  });

  it('a challenge id that is not a UUID is a 400, not a database error', async () => {
    const response = await answer('not-a-uuid', Buffer.from('x'));
    assert.equal(response.statusCode, 400);
    assert.equal(response.json().error.details.field, 'challengeId');
  });

  it('registration refuses a malformed identity number, naming the problem', async () => {
    const response = await register({ username: 'citizen.typo', identityNumber: '110105194912310021', publicKey: citizenKey.publicKey.toPem() });
    assert.equal(response.statusCode, 400);
    assert.equal(response.json().error.details.field, 'identityNumber');
    assert.match(response.json().error.message, /check character/);
  });

  it('registration refuses a key that is not SM2', async () => {
    const response = await register({ username: 'citizen.badkey', identityNumber: otherIdentityNumber, publicKey: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n' });
    assert.equal(response.statusCode, 400);
    assert.equal(response.json().error.details.field, 'publicKey');
  });

  it('one person is registered once: the same identity number again is a 409', async () => {
    const response = await register({ username: 'citizen.again', identityNumber: identityNumber.toLowerCase(), publicKey: generateSm2KeyPair().publicKey.toPem() });
    assert.equal(response.statusCode, 409);
  });

  it('the identity number is stored nowhere in the gateway\'s database', async () => {
    // This test makes its own citizen and challenge, so the tables it searches are never empty
    // because of the order tests ran in; and it searches every table, row by row.
    const ownNumber = '320102199003074579'; // made up, with a valid check character
    const registered = await register({ username: 'citizen.scan', identityNumber: ownNumber, publicKey: generateSm2KeyPair().publicKey.toPem() });
    assert.equal(registered.statusCode, 201, registered.body);
    await challenge('citizen.scan');
    const pool = gateway.database.database.pool;
    const { rows: tables } = await pool.query<{ name: string }>(`SELECT quote_ident(table_name) AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`);
    const rowsPerTable = new Map<string, number>();
    for (const { name } of tables) {
      const { rows } = await pool.query<{ row: string }>(`SELECT t::text AS row FROM ${name} t`);
      rowsPerTable.set(name, rows.length);
      for (const { row } of rows) {
        for (const secret of [ownNumber, identityNumber, '19900307', '19491231']) assert.ok(!row.includes(secret), `${name} holds ${secret}: ${row}`);
      }
    }
    assert.ok((rowsPerTable.get('users') ?? 0) >= 1 && (rowsPerTable.get('subject_challenges') ?? 0) >= 1, JSON.stringify([...rowsPerTable]));
  });
});
