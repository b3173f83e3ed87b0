import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { startTestGateway, type TestGateway } from '../../test-support/test-gateway';

describe('users, managed by the admins of each department', () => {
  let gateway: TestGateway;
  let adminToken: string;
  before(async () => {
    gateway = await startTestGateway();
    adminToken = (await gateway.userWithToken('admin', 'MarketRegulationMSP')).token;
  });
  after(async () => { await gateway?.close(); });

  const request = (method: 'GET' | 'POST', url: string, token: string, body?: unknown) => gateway.server.inject({
    method, url, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { payload: JSON.stringify(body) } : {}),
  });
  const newOfficer = (username: string, extra: Record<string, unknown> = {}) =>
    request('POST', '/api/v1/users', adminToken, { username, role: 'department-officer', password: 'a long enough password', ...extra });

  it('an admin creates an officer of their own department, who can then log in', async () => {
    const created = await newOfficer('officer.zhang');
    assert.equal(created.statusCode, 201);
    assert.equal(created.json().department, 'MarketRegulationMSP');
    const login = await gateway.server.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'officer.zhang', password: 'a long enough password' } });
    assert.equal(login.statusCode, 200);
  });

  it('refuses to let an admin act for another department', async () => {
    const response = await newOfficer('officer.other', { department: 'CreditOfficeMSP' });
    assert.equal(response.statusCode, 403);
    assert.match(response.json().error.message, /an admin of MarketRegulationMSP may not act for CreditOfficeMSP/);
  });

  it('leaves credit officers and auditors to the operator', async () => {
    const response = await request('POST', '/api/v1/users', adminToken, { username: 'auditor.new', role: 'auditor', password: 'a long enough password' });
    assert.equal(response.statusCode, 403);
    assert.match(response.json().error.message, /citytrust user add/);
  });

  it('answers a taken username with 409 and creates nothing', async () => {
    await newOfficer('officer.dup');
    const again = await newOfficer('officer.dup');
    assert.equal(again.statusCode, 409);
    const listed = (await request('GET', '/api/v1/users', adminToken)).json().users.filter((u: { username: string }) => u.username === 'officer.dup');
    assert.equal(listed.length, 1);
  });

  it('refuses a short password, naming the field', async () => {
    const response = await newOfficer('officer.weak', { password: 'short' });
    assert.equal(response.statusCode, 400);
    assert.equal(response.json().error.details.field, 'password');
  });

  it('disabling a user stops their token at once', async () => {
    await newOfficer('officer.leaving');
    const login = await gateway.server.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'officer.leaving', password: 'a long enough password' } });
    const token = login.json().token as string;
    assert.equal((await request('GET', '/api/v1/me', token)).statusCode, 200);
    assert.equal((await request('POST', '/api/v1/users/officer.leaving/disable', adminToken)).json().username, 'officer.leaving');
    const refused = await request('GET', '/api/v1/me', token);
    assert.equal(refused.statusCode, 401);
    assert.match(refused.json().error.message, /was disabled at/);
  });

  it('an admin re-enables a disabled user, recorded with who and when; the user can log in again', async () => {
    await newOfficer('officer.returning');
    const loginBody = { username: 'officer.returning', password: 'a long enough password' };
    const admin = (await request('GET', '/api/v1/me', adminToken)).json().username as string;
    const disabled = (await request('POST', '/api/v1/users/officer.returning/disable', adminToken)).json();
    assert.equal(disabled.disabledBy, admin);
    assert.equal((await gateway.server.inject({ method: 'POST', url: '/api/v1/auth/login', payload: loginBody })).statusCode, 401);

    const before = Date.now();
    const enabled = await request('POST', '/api/v1/users/officer.returning/enable', adminToken);
    assert.equal(enabled.statusCode, 200);
    const shown = enabled.json();
    assert.equal(shown.disabledAt, undefined);
    assert.equal(shown.disabledBy, undefined);
    assert.equal(shown.enabledBy, admin);
    assert.ok(Date.parse(shown.enabledAt) >= before - 1000 && Date.parse(shown.enabledAt) <= Date.now() + 1000, shown.enabledAt);
    assert.equal((await gateway.server.inject({ method: 'POST', url: '/api/v1/auth/login', payload: loginBody })).statusCode, 200);

    const { rows } = await gateway.database.database.pool.query(
      `SELECT change, changed_by FROM user_status_changes c JOIN users u ON u.id = c.user_id WHERE u.username = 'officer.returning' ORDER BY c.id`);
    assert.deepEqual(rows, [{ change: 'disabled', changed_by: admin }, { change: 'enabled', changed_by: admin }]);
  });

  it('enabling a user who is not disabled changes and records nothing', async () => {
    await newOfficer('officer.active');
    const enabled = await request('POST', '/api/v1/users/officer.active/enable', adminToken);
    assert.equal(enabled.statusCode, 200);
    assert.equal(enabled.json().enabledAt, undefined);
    const { rows } = await gateway.database.database.pool.query(
      `SELECT 1 FROM user_status_changes c JOIN users u ON u.id = c.user_id WHERE u.username = 'officer.active'`);
    assert.equal(rows.length, 0);
  });

  it('an admin cannot enable another department\'s users: 404, as if absent', async () => {
    const { user } = await gateway.userWithToken('department-officer', 'CreditOfficeMSP');
    await gateway.services.users.disable(user.username, 'test');
    const response = await request('POST', `/api/v1/users/${user.username}/enable`, adminToken);
    assert.equal(response.statusCode, 404);
    assert.equal(response.json().error.code, 'not_found');
    assert.ok((await gateway.services.users.findById(user.id))?.disabledAt, 'still disabled');
  });

  it('an admin cannot see or disable another department\'s users', async () => {
    const { user } = await gateway.userWithToken('department-officer', 'CreditOfficeMSP');
    assert.equal((await request('POST', `/api/v1/users/${user.username}/disable`, adminToken)).statusCode, 404);
    const names = (await request('GET', '/api/v1/users', adminToken)).json().users.map((u: { username: string }) => u.username);
    assert.ok(!names.includes(user.username));
  });

  it('an auditor sees the users of every department', async () => {
    const { token } = await gateway.userWithToken('auditor');
    const departments = new Set((await request('GET', '/api/v1/users', token)).json().users.map((u: { department?: string }) => u.department));
    assert.ok(departments.has('MarketRegulationMSP') && departments.has('CreditOfficeMSP'));
  });
});
