import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateSm2KeyPair } from '@citytrust/shared';
import { startTestGateway, testUscc, type TestGateway } from '@citytrust/gateway/dist/test-support/test-gateway';

const main = join(__dirname, '..', 'main.js');
const usernameRule = 'a username has 3 to 63 characters: lower-case letters a-z, digits, dot, dash and underscore, starting with a letter or digit';

describe('citytrust user add and admin bootstrap check values by the API\'s rules before writing', () => {
  let home: string;
  let passwordFile: string;
  before(() => {
    home = mkdtempSync(join(tmpdir(), 'citytrust-cli-values-'));
    passwordFile = join(home, 'password');
    writeFileSync(passwordFile, 'a long enough password\n');
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  const cli = (...args: string[]) => spawnSync(process.execPath, [main, ...args], { env: { ...process.env, CITYTRUST_HOME: home }, encoding: 'utf8' });
  /** Nothing was started or written: no database, no secrets, only the password file. */
  const nothingWritten = () => assert.deepEqual(readdirSync(home), ['password']);

  for (const username of ['with space', 'UPPER.Case', '王小明', 'a'.repeat(300), 'admin\'; DROP TABLE users;--']) {
    const shown = username.length > 80 ? '' : ` (got '${username}')`;
    it(`refuses the username ${JSON.stringify(username.slice(0, 30))} with exit 2 in both commands`, () => {
      const added = cli('user', 'add', '--username', username, '--role', 'auditor', '--password-file', passwordFile);
      assert.equal(added.status, 2);
      assert.equal(added.stderr.split('\n')[0], `citytrust user: --username is not valid: ${usernameRule}${shown}`);
      const bootstrapped = cli('admin', 'bootstrap', '--username', username, '--department', 'BigDataAdministrationMSP', '--password-file', passwordFile);
      assert.equal(bootstrapped.status, 2);
      assert.equal(bootstrapped.stderr.split('\n')[0], `citytrust admin: --username is not valid: ${usernameRule}${shown}`);
      nothingWritten();
    });
  }

  it('answers an unknown role with the roles it knows', () => {
    const added = cli('user', 'add', '--username', 'ok.name', '--role', 'superuser', '--password-file', passwordFile);
    assert.equal(added.status, 2);
    assert.equal(added.stderr.split('\n')[0], 'citytrust user: --role is not valid: it must be one of department-officer, credit-officer, auditor, citizen, enterprise, admin (got \'superuser\')');
    nothingWritten();
  });

  it('refuses a short password without echoing it', () => {
    const shortFile = join(home, 'short');
    writeFileSync(shortFile, 'secret1\n');
    try {
      const added = cli('admin', 'bootstrap', '--username', 'admin.first', '--department', 'BigDataAdministrationMSP', '--password-file', shortFile);
      assert.equal(added.status, 2);
      assert.equal(added.stderr.split('\n')[0], 'citytrust admin: the password is not valid: a password has 12 to 256 characters');
    } finally {
      rmSync(shortFile);
    }
    nothingWritten();
  });

  it('refuses a malformed department and a malformed identity number, never echoing the number', () => {
    const department = cli('user', 'add', '--username', 'ok.name', '--role', 'admin', '--department', 'Market Regulation', '--password-file', passwordFile);
    assert.equal(department.status, 2);
    assert.match(department.stderr.split('\n')[0]!, /^citytrust user: --department is not valid: a department is named by its Fabric MSP id/);
    const numberFile = join(home, 'number');
    writeFileSync(numberFile, '110105194912310021\n');
    try {
      const citizen = cli('user', 'add', '--username', 'citizen.typo', '--role', 'citizen', '--identity-number-file', numberFile, '--public-key', numberFile);
      assert.equal(citizen.status, 2);
      assert.equal(citizen.stderr.split('\n')[0], `citytrust user: the identity number in ${numberFile} is not valid: the identity number's check character does not match its digits; check it for a typo`);
      assert.ok(!citizen.stderr.includes('19491231'));
    } finally {
      rmSync(numberFile);
    }
    assert.ok(!existsSync(join(home, 'postgres')));
    nothingWritten();
  });
});

describe('citytrust user add --role enterprise', () => {
  let gateway: TestGateway;
  let home: string;
  let keyFile: string;
  before(async () => {
    gateway = await startTestGateway();
    home = mkdtempSync(join(tmpdir(), 'citytrust-cli-enterprise-'));
    keyFile = join(home, 'key.pem');
    writeFileSync(keyFile, generateSm2KeyPair().publicKey.toPem());
  });
  after(async () => {
    await gateway?.close();
    rmSync(home, { recursive: true, force: true });
  });

  const cli = (...args: string[]) => spawnSync(process.execPath, [main, ...args], { env: { ...process.env, CITYTRUST_HOME: home, DATABASE_URL: gateway.database.embedded!.url }, encoding: 'utf8' });

  it('binds the account\'s SM2 key to the USCC, which the operator sees in the answer', async () => {
    const uscc = testUscc(424_242);
    const added = cli('user', 'add', '--username', 'enterprise.cli', '--role', 'enterprise', '--uscc', uscc, '--public-key', keyFile);
    assert.equal(added.stderr, '');
    const stored = await gateway.services.users.findByUsername('enterprise.cli');
    assert.deepEqual([stored?.role, stored?.uscc, stored?.createdBy], ['enterprise', uscc, 'citytrust user add']);
    assert.equal(added.stdout, `created enterprise 'enterprise.cli' for USCC ${uscc} (id ${stored!.id})\n`);
    assert.equal(added.status, 0);
  });

  it('refuses a USCC whose check character is wrong, and an enterprise without one, with exit 2', async () => {
    const typo = `${testUscc(1).slice(0, 17)}${testUscc(1).endsWith('0') ? '1' : '0'}`;
    const wrong = cli('user', 'add', '--username', 'enterprise.typo', '--role', 'enterprise', '--uscc', typo, '--public-key', keyFile);
    assert.equal(wrong.stderr.split('\n')[0], `citytrust user: --uscc '${typo}' is not valid: the code's check character does not match its other characters; check it for a typo`);
    assert.equal(wrong.status, 2);
    const missing = cli('user', 'add', '--username', 'enterprise.none', '--role', 'enterprise', '--public-key', keyFile);
    assert.equal(missing.stderr.split('\n')[0], 'citytrust user: an enterprise needs --uscc and --public-key');
    assert.equal(missing.status, 2);
    assert.equal(await gateway.services.users.findByUsername('enterprise.typo'), undefined);
  });
});

describe('citytrust user enable', () => {
  let gateway: TestGateway;
  let home: string;
  before(async () => {
    gateway = await startTestGateway();
    home = mkdtempSync(join(tmpdir(), 'citytrust-cli-enable-'));
  });
  after(async () => {
    await gateway?.close();
    rmSync(home, { recursive: true, force: true });
  });

  // The operator's DATABASE_URL names a role that may migrate: the embedded server's owner, not
  // the gateway's least-privilege role.
  const cli = (...args: string[]) => spawnSync(process.execPath, [main, ...args], { env: { ...process.env, CITYTRUST_HOME: home, DATABASE_URL: gateway.database.embedded!.url }, encoding: 'utf8' });

  it('re-enables a disabled user, recording that the operator did it and when', async () => {
    const { user } = await gateway.userWithToken('auditor');
    const disabled = await gateway.services.users.disable(user.username, 'admin.someone');
    const before = Date.now();
    const enabled = cli('user', 'enable', '--username', user.username);
    assert.equal(enabled.stderr, '');
    assert.equal(enabled.stdout, `enabled auditor '${user.username}' (disabled at ${disabled.disabledAt!.toISOString()} by admin.someone); they can log in again\n`);
    assert.equal(enabled.status, 0);
    const stored = await gateway.services.users.findByUsername(user.username);
    assert.equal(stored?.disabledAt, undefined);
    assert.equal(stored?.enabledBy, 'citytrust user enable');
    assert.ok(stored!.enabledAt!.getTime() >= before - 1000 && stored!.enabledAt!.getTime() <= Date.now() + 1000);
  });

  it('says so when the user is not disabled, and changes nothing', async () => {
    const { user } = await gateway.userWithToken('auditor');
    const result = cli('user', 'enable', '--username', user.username);
    assert.equal(result.stdout, `auditor '${user.username}' is not disabled; nothing changed\n`);
    assert.equal(result.status, 0);
    assert.equal((await gateway.services.users.findByUsername(user.username))?.enabledAt, undefined);
  });

  it('fails with exit 1 for a user that does not exist', () => {
    const result = cli('user', 'enable', '--username', 'nobody.here');
    assert.equal(result.stderr, 'citytrust user: no user is named \'nobody.here\'; nothing changed\n');
    assert.equal(result.status, 1);
  });
});
