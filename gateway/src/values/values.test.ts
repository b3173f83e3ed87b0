import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { InvalidRequestError } from '../errors';
import { startTestGateway, type TestGateway } from '../test-support/test-gateway';
import { DepartmentId, Password, Username, valueProblem } from '.';

/** Usernames a new user and a hostile one tried; the CLI once stored them, the API refused them. */
const hostileUsernames = ['with space', 'UPPER.Case', '王小明', 'a'.repeat(300), 'admin\'; DROP TABLE users;--', 'ab', '.leading.dot', 'ｆｕｌｌwidth'];
const goodUsernames = ['officer.zhang', 'abc', 'a'.repeat(63), 'x_1-2.y'];
/**
 * Lengths that differ between UTF-16 code units and characters: both sides count characters, as
 * JSON Schema does (6 keys are 12 code units but 6 characters: too short).
 */
const passwords = ['short', 'x'.repeat(11), 'x'.repeat(12), '🔑'.repeat(6), '🔑'.repeat(5) + 'x', 'y'.repeat(256), 'y'.repeat(257)];

describe('one rule per value, the same for the API and the user store', () => {
  let gateway: TestGateway;
  let adminToken: string;
  before(async () => {
    gateway = await startTestGateway();
    adminToken = (await gateway.userWithToken('admin', 'MarketRegulationMSP')).token;
  });
  after(async () => { await gateway?.close(); });

  const createUser = (body: Record<string, unknown>) => gateway.server.inject({
    method: 'POST', url: '/api/v1/users', payload: JSON.stringify({ role: 'department-officer', password: 'a long enough password', ...body }),
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
  });
  const storeRefusal = async (user: { username: string; password?: string; department?: string }) => {
    try {
      await gateway.services.users.create({ role: 'department-officer', department: 'MarketRegulationMSP', password: 'a long enough password', ...user }, 'test');
      return undefined;
    } catch (error) {
      assert.ok(error instanceof InvalidRequestError, String(error));
      return error;
    }
  };

  for (const username of hostileUsernames) {
    it(`refuses the username ${JSON.stringify(username.length > 40 ? `${username.slice(0, 12)}… (${username.length} characters)` : username)} everywhere, with the same words`, async () => {
      const rule = valueProblem(Username, username)?.rule;
      assert.equal(rule, 'a username has 3 to 63 characters: lower-case letters a-z, digits, dot, dash and underscore, starting with a letter or digit');
      const api = await createUser({ username });
      assert.equal(api.statusCode, 400);
      assert.deepEqual(api.json().error, { code: 'invalid_request', message: `username is not valid: ${rule}`, details: { field: 'username' } });
      const login = await gateway.server.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: 'whatever it is' } });
      assert.equal(login.statusCode, 400);
      const refused = await storeRefusal({ username });
      assert.deepEqual(refused?.toBody(), api.json());
      assert.equal(await gateway.services.users.findByUsername(username), undefined, 'nothing was stored');
    });
  }

  it('accepts the same usernames in the API and the store', async () => {
    for (const [i, username] of goodUsernames.entries()) {
      assert.equal(valueProblem(Username, username), undefined);
      assert.equal((await createUser({ username })).statusCode, 201, username);
      assert.equal(await storeRefusal({ username: `${username.slice(0, 60)}.s${i}` }), undefined);
    }
  });

  it('counts a password\'s length in characters, the same way in the API and the store', async () => {
    assert.deepEqual(passwords.map((password) => valueProblem(Password, password) === undefined), [false, false, true, false, false, true, false]);
    for (const [i, password] of passwords.entries()) {
      const accepted = valueProblem(Password, password) === undefined;
      const api = await createUser({ username: `password.api.${i}`, password });
      assert.equal(api.statusCode, accepted ? 201 : 400, `API, password #${i}: ${api.body}`);
      if (!accepted) assert.deepEqual(api.json().error, { code: 'invalid_request', message: 'password is not valid: a password has 12 to 256 characters', details: { field: 'password' } });
      assert.equal((await storeRefusal({ username: `password.store.${i}`, password })) === undefined, accepted, `store, password #${i}`);
    }
  });

  it('answers an unknown role with the roles it knows', async () => {
    const response = await createUser({ username: 'role.unknown', role: 'superuser' });
    assert.equal(response.statusCode, 400);
    assert.deepEqual(response.json().error, {
      code: 'invalid_request',
      message: 'role is not valid: it must be one of department-officer, credit-officer, auditor, admin',
      details: { field: 'role', allowed: ['department-officer', 'credit-officer', 'auditor', 'admin'] },
    });
  });

  it('refuses a malformed department in the API and the store alike, and an unknown one in the store with the known ones', async () => {
    const rule = valueProblem(DepartmentId, 'not a department')?.rule;
    const api = await createUser({ username: 'department.bad', department: 'not a department' });
    assert.deepEqual(api.json().error, { code: 'invalid_request', message: `department is not valid: ${rule}`, details: { field: 'department' } });
    assert.deepEqual((await storeRefusal({ username: 'department.bad', department: 'not a department' }))?.toBody(), api.json());
    const unknown = await storeRefusal({ username: 'department.unknown', department: 'NoSuchMSP' });
    assert.equal(unknown?.message, 'unknown department \'NoSuchMSP\'; known: BigDataAdministrationMSP, MarketRegulationMSP, CreditOfficeMSP');
  });

  it('refuses a bootstrap admin the API could never log in', async () => {
    await assert.rejects(gateway.services.users.bootstrapAdmin({ username: 'UPPER.Case', department: 'MarketRegulationMSP', password: 'a long enough password' }, 'test'),
      (error: unknown) => error instanceof InvalidRequestError && error.details?.field === 'username');
  });
});
