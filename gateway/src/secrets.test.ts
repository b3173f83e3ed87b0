import { strict as assert } from 'node:assert';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { loadGatewaySecrets, loadOrCreateSecret, SecretError } from './secrets';

const goodKey = 'a1'.repeat(32);

describe('gateway secrets', () => {
  let home: string;
  beforeEach(() => { home = mkdtempSync(join(tmpdir(), 'citytrust-secrets-')); });
  afterEach(() => { rmSync(home, { recursive: true, force: true }); });

  function secretFile(name: string, content: string, mode = 0o600): string {
    mkdirSync(join(home, 'secrets'), { recursive: true, mode: 0o700 });
    const file = join(home, 'secrets', `${name}.key`);
    writeFileSync(file, content, { mode });
    chmodSync(file, mode);
    return file;
  }

  it('creates a private 32-byte key file on first use and reads the same key back', () => {
    const created = loadOrCreateSecret(home, 'token-signing');
    const file = join(home, 'secrets', 'token-signing.key');
    assert.equal(created.length, 32);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(readFileSync(file, 'utf8'), `${created.toString('hex')}\n`);
    assert.deepEqual(loadOrCreateSecret(home, 'token-signing'), created);
  });

  for (const [what, content, problem] of [
    ['an empty file', '', 'is empty'],
    ['a truncated file', goodKey.slice(0, 40), 'has 40 hex characters'],
    ['a file with a key too long', `${goodKey}00`, 'has 66 hex characters'],
    ['a file that is not hex', 'z'.repeat(64), 'is not hex'],
    ['a file with a second line', `${goodKey}\n${goodKey}\n`, 'is not hex'],
  ] as const) {
    it(`refuses ${what}, saying how long a key must be`, () => {
      const file = secretFile('token-signing', content);
      assert.throws(() => loadOrCreateSecret(home, 'token-signing'), (error: Error) => {
        assert.ok(error instanceof SecretError);
        assert.equal(error.message, `${file} ${problem}: a key must be exactly 64 hex characters (32 bytes); generate one with \`openssl rand -hex 32\``);
        return true;
      });
    });
  }

  it('keeps only the secrets folder private: a home it creates stays enterable by others (the embedded Postgres runs as another user under root)', () => {
    const fresh = join(home, 'not-yet', 'citytrust-home');
    loadOrCreateSecret(fresh, 'token-signing');
    const ordinary = join(home, 'ordinary');
    mkdirSync(ordinary); // the mode any new folder gets under this process's umask
    assert.equal(statSync(fresh).mode & 0o777, statSync(ordinary).mode & 0o777, 'the home has the usual mode, not 700');
    assert.equal(statSync(join(fresh, 'secrets')).mode & 0o777, 0o700);
  });

  it('accepts a key file with or without its final newline', () => {
    secretFile('a', `${goodKey}\n`);
    secretFile('b', goodKey);
    assert.equal(loadOrCreateSecret(home, 'a').toString('hex'), goodKey);
    assert.equal(loadOrCreateSecret(home, 'b').toString('hex'), goodKey);
  });

  for (const mode of [0o640, 0o604, 0o644]) {
    it(`refuses a key file that others may read (mode ${mode.toString(8)}), saying how to fix it`, () => {
      const file = secretFile('subject-key', `${goodKey}\n`, mode);
      assert.throws(() => loadOrCreateSecret(home, 'subject-key'), new SecretError(
        `${file} may be read by other users (mode ${mode.toString(8)}); make it private with \`chmod 600 ${file}\` and start again`));
    });
  }

  it('gives a key from the environment the same checks, naming the variable', () => {
    assert.throws(() => loadGatewaySecrets(home, { GATEWAY_TOKEN_KEY: 'abc' }), new SecretError(
      'GATEWAY_TOKEN_KEY from the environment has 3 hex characters: a key must be exactly 64 hex characters (32 bytes); generate one with `openssl rand -hex 32`'));
  });

  it('reads the keys from the environment once and removes them from it', () => {
    const env: NodeJS.ProcessEnv = { GATEWAY_TOKEN_KEY: goodKey, GATEWAY_SUBJECT_KEY: 'b2'.repeat(32), PATH: '/bin' };
    const secrets = loadGatewaySecrets(home, env);
    assert.equal(secrets.tokenSigningKey.toString('hex'), goodKey);
    assert.equal(secrets.subjectKey.toString('hex'), 'b2'.repeat(32));
    assert.deepEqual(env, { PATH: '/bin' });
  });
});
