import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateSm2KeyPair, sealKeyId, sm2Sign, sm3 } from '@citytrust/shared';
import { freePort } from '@citytrust/network-config/dist/testing/free-ports';
import { writeTestNetworkDescription } from '@citytrust/network-config/dist/testing/test-network-description';

const main = join(__dirname, '..', 'main.js');

/** A command as a user runs it: a real process, killed if it takes longer than 60 s. */
function citytrust(env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [main, ...args], { env, encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

describe('citytrust seal verify (offline)', () => {
  let dir: string;
  const keys = generateSm2KeyPair();
  const document = Buffer.from('行政许可决定书 No. 2027-001');
  const signature = sm2Sign(keys.privateKey, sm3(document));

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'citytrust-seal-verify-'));
    writeFileSync(join(dir, 'key.pem'), keys.publicKey.toPem());
    writeFileSync(join(dir, 'document.txt'), document);
    writeFileSync(join(dir, 'seal.sig'), signature);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('says valid and exits 0 for a seal over the document by the key', async () => {
    const result = await citytrust(process.env, 'seal', 'verify', '--document', join(dir, 'document.txt'), '--signature-file', join(dir, 'seal.sig'), '--public-key', join(dir, 'key.pem'));
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`^valid: SM2 seal over SM3 digest ${sm3(document).toString('hex')} by key ${sealKeyId(keys.publicKey)}\n`));
  });

  it('says NOT valid and exits 1 for a seal over other bytes', async () => {
    const result = await citytrust(process.env, 'seal', 'verify', '--digest', sm3('another document').toString('hex'), '--signature', signature.toString('base64'), '--public-key', join(dir, 'key.pem'));
    assert.equal(result.status, 1);
    assert.match(result.stdout, /^NOT valid: /);
  });

  it('exits 2 with the usage when both a digest and a document are given', async () => {
    const result = await citytrust(process.env, 'seal', 'verify', '--digest', '0'.repeat(64), '--document', join(dir, 'document.txt'), '--signature', 'AAAA', '--public-key', join(dir, 'key.pem'));
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^citytrust seal: give exactly one of --digest and --document\n\nusage: citytrust seal keygen/);
  });
});

describe('citytrust seal keygen, register, list and revoke against a running ledger', () => {
  let home: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'citytrust-seal-cli-'));
    chmodSync(home, 0o755); // as root, Postgres runs as 'postgres' and must reach its data directory
    const { path } = await writeTestNetworkDescription(home);
    env = { ...process.env, CITYTRUST_HOME: home, CITYTRUST_NETWORK: path, CITYTRUST_POSTGRES_PORT: String(await freePort()) };
    const up = await citytrust(env, 'up');
    assert.equal(up.status, 0, up.stderr);
  });
  after(async () => {
    await citytrust(env, 'down');
    rmSync(home, { recursive: true, force: true });
  });

  it('puts a generated key on the ledger, lists it as active and held here, and revokes it with the reason', async () => {
    const keygen = await citytrust(env, 'seal', 'keygen', '--department', 'MarketRegulationMSP');
    assert.equal(keygen.status, 0, keygen.stderr);
    const keyId = /^generated seal key ([0-9a-f]{64}) for MarketRegulationMSP/.exec(keygen.stdout)?.[1];
    assert.ok(keyId, keygen.stdout);
    assert.match(keygen.stdout, /-----BEGIN PUBLIC KEY-----/);
    assert.doesNotMatch(keygen.stdout + keygen.stderr, /PRIVATE KEY/);

    const register = await citytrust(env, 'seal', 'register', '--department', 'MarketRegulationMSP', '--key-id', keyId, '--valid-until', '2030-01-01T00:00:00Z');
    assert.equal(register.status, 0, register.stderr);
    assert.match(register.stdout, new RegExp(`^registered ${keyId} as MarketRegulationMSP's seal key, valid \\S+ to 2030-01-01T00:00:00.000000000Z\n$`));

    const list = await citytrust(env, 'seal', 'list', '--department', 'MarketRegulationMSP', '--json');
    assert.equal(list.status, 0, list.stderr);
    const [listed] = JSON.parse(list.stdout) as Array<{ keyId: string; ledger: { status: string }; custody: { state: string } }>;
    assert.deepEqual([listed?.keyId, listed?.ledger.status, listed?.custody.state], [keyId, 'active', 'active']);

    const revoke = await citytrust(env, 'seal', 'revoke', '--department', 'MarketRegulationMSP', '--key-id', keyId, '--reason', 'seal token lost');
    assert.equal(revoke.status, 0, revoke.stderr);
    assert.match(revoke.stdout, new RegExp(`^revoked ${keyId} from \\S+: seal token lost\n$`));

    const again = await citytrust(env, 'seal', 'revoke', '--department', 'MarketRegulationMSP', '--key-id', keyId, '--reason', 'twice');
    assert.equal(again.status, 1);
    assert.match(again.stderr, /^citytrust seal: seal:revokeKey was refused: .*keyId [0-9a-f]{64} was already revoked at/);
  });
});
