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
