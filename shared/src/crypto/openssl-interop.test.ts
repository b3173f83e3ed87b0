// Interoperability with the OpenSSL 3 command line, run for real: whatever CityTrust writes,
// OpenSSL reads and accepts, and the other way round.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateSm2KeyPair, importSm2PrivateKey, importSm2PublicKey } from './keys';
import { sm2Sign, sm2Verify } from './sm2';
import { sm2Decrypt, sm2Encrypt } from './sm2-encryption';
import { hmacSm3, sm3 } from './sm3';
import { sm4Ctr } from './sm4';

const DEFAULT_ID = ['-pkeyopt', 'distid:1234567812345678'];
let dir: string;

/** Runs `openssl args...` in the scratch directory; fails the test if OpenSSL cannot be run at all. */
function openssl(args: string[]): { status: number; stdout: Buffer; stderr: string } {
  const run = spawnSync('openssl', args, { cwd: dir });
  if (run.error !== undefined) throw new Error(`cannot run openssl (${run.error.message}); these tests need the OpenSSL 3 command line on PATH`);
  return { status: run.status ?? -1, stdout: run.stdout, stderr: run.stderr.toString('utf8') };
}

/** Runs OpenSSL and insists that it succeeds. */
function opensslOk(args: string[]): Buffer {
  const run = openssl(args);
  assert.equal(run.status, 0, `openssl ${args.join(' ')} failed: ${run.stderr}`);
  return run.stdout;
}

function file(name: string, content?: string | Buffer): string {
  const path = join(dir, name);
  if (content !== undefined) writeFileSync(path, content);
  return path;
}

function opensslVerifies(pub: string, message: string, signature: string, id = DEFAULT_ID): boolean {
  const run = openssl(['pkeyutl', '-verify', '-rawin', '-digest', 'sm3', ...id, '-pubin', '-inkey', pub, '-in', message, '-sigfile', signature]);
  return run.status === 0 && run.stdout.toString().includes('Signature Verified Successfully');
}

describe('interoperability with OpenSSL 3', () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'citytrust-openssl-'));
    opensslOk(['version']);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  describe('CityTrust → OpenSSL', () => {
    const { privateKey, publicKey } = generateSm2KeyPair();
    const message = Buffer.from('{"dept":"MarketRegulationMSP","license":"1.2.156.1","seq":2}');

    it('OpenSSL accepts a CityTrust signature with distid 1234567812345678', () => {
      file('pub.pem', publicKey.toPem());
      file('msg', message);
      file('sig.der', sm2Sign(privateKey, message));
      assert.equal(opensslVerifies('pub.pem', 'msg', 'sig.der'), true);
    });

    it('OpenSSL rejects it over a tampered message, or with another distid', () => {
      file('pub.pem', publicKey.toPem());
      file('sig.der', sm2Sign(privateKey, message));
      file('tampered', Buffer.concat([message, Buffer.from(' ')]));
      file('msg', message);
      assert.equal(opensslVerifies('pub.pem', 'tampered', 'sig.der'), false);
      assert.equal(opensslVerifies('pub.pem', 'msg', 'sig.der', ['-pkeyopt', 'distid:ALICE123@YAHOO.COM']), false);
      assert.equal(opensslVerifies('pub.pem', 'msg', 'sig.der', []), false, 'OpenSSL 3 defaults to an empty ID');
    });

    it('OpenSSL accepts a signature made with an agreed user ID when given the same distid', () => {
      file('pub.pem', publicKey.toPem());
      file('msg', message);
      file('sig.der', sm2Sign(privateKey, message, { userId: 'MarketRegulationMSP' }));
      assert.equal(opensslVerifies('pub.pem', 'msg', 'sig.der', ['-pkeyopt', 'distid:MarketRegulationMSP']), true);
    });

    it('OpenSSL loads CityTrust keys as SM2 keys, and they match each other', () => {
      file('key.pem', privateKey.toPem());
      file('key.der', privateKey.toDer());
      file('pub.pem', publicKey.toPem());
      assert.match(opensslOk(['pkey', '-in', 'key.pem', '-text', '-noout']).toString(), /ASN1 OID: SM2/);
      assert.deepEqual(opensslOk(['pkey', '-in', 'key.der', '-inform', 'DER', '-pubout']).toString(), publicKey.toPem());
      assert.match(opensslOk(['pkey', '-pubin', '-in', 'pub.pem', '-text', '-noout']).toString(), /ASN1 OID: SM2/);
    });

    it('OpenSSL decrypts what CityTrust encrypted', () => {
      file('key.pem', privateKey.toPem());
      file('ct.der', sm2Encrypt(publicKey, '数据密钥 / data key'));
      assert.equal(opensslOk(['pkeyutl', '-decrypt', '-inkey', 'key.pem', '-in', 'ct.der']).toString('utf8'), '数据密钥 / data key');
    });
  });

  describe('OpenSSL → CityTrust', () => {
    const message = Buffer.from('an OpenSSL-signed message');

    function opensslKeyPair(): { key: string; pub: string } {
      opensslOk(['genpkey', '-algorithm', 'SM2', '-out', 'ossl-key.pem']);
      opensslOk(['pkey', '-in', 'ossl-key.pem', '-pubout', '-out', 'ossl-pub.pem']);
      return { key: readFileSync(file('ossl-key.pem'), 'utf8'), pub: readFileSync(file('ossl-pub.pem'), 'utf8') };
    }

    it('CityTrust accepts an OpenSSL signature with distid 1234567812345678, and rejects tampering', () => {
      const { pub } = opensslKeyPair();
      file('msg', message);
      opensslOk(['pkeyutl', '-sign', '-rawin', '-digest', 'sm3', ...DEFAULT_ID, '-inkey', 'ossl-key.pem', '-in', 'msg', '-out', 'sig.der']);
      const signature = readFileSync(file('sig.der'));
      const publicKey = importSm2PublicKey(pub);
      assert.equal(sm2Verify(publicKey, message, signature), true);
      assert.equal(sm2Verify(publicKey, Buffer.from('another message'), signature), false);
      assert.equal(sm2Verify(publicKey, message, signature, { userId: 'ALICE123@YAHOO.COM' }), false);
      assert.equal(sm2Verify(generateSm2KeyPair().publicKey, message, signature), false);
    });

    it('CityTrust loads OpenSSL keys, in PEM and DER, and signs with them for OpenSSL to check', () => {
      const { key, pub } = opensslKeyPair();
      opensslOk(['pkey', '-in', 'ossl-key.pem', '-outform', 'DER', '-out', 'ossl-key.der']);
      const privateKey = importSm2PrivateKey(key);
      assert.deepEqual(importSm2PrivateKey(readFileSync(file('ossl-key.der'))).toDer(), privateKey.toDer());
      assert.equal(privateKey.toPem(), key, 'the PKCS#8 CityTrust writes is byte-for-byte what OpenSSL wrote');
      assert.equal(privateKey.publicKey.toPem(), pub);
      file('msg', message);
      file('sig.der', sm2Sign(privateKey, message));
      assert.equal(opensslVerifies('ossl-pub.pem', 'msg', 'sig.der'), true);
    });

    it('CityTrust decrypts what OpenSSL encrypted', () => {
      const { key } = opensslKeyPair();
      file('plain', 'a short secret');
      opensslOk(['pkeyutl', '-encrypt', '-pubin', '-inkey', 'ossl-pub.pem', '-in', 'plain', '-out', 'ct.der']);
      assert.equal(sm2Decrypt(importSm2PrivateKey(key), readFileSync(file('ct.der'))).toString('utf8'), 'a short secret');
    });
  });

  describe('SM3 and SM4 agree with OpenSSL', () => {
    const data = Buffer.from('abc'.repeat(1000));

    it('SM3 and HMAC-SM3 digests match `openssl dgst`', () => {
      file('data', data);
      assert.match(opensslOk(['dgst', '-sm3', 'data']).toString(), new RegExp(`= ${sm3(data).toString('hex')}\\n$`));
      assert.match(opensslOk(['dgst', '-sm3', '-hmac', 'shared secret', 'data']).toString(), new RegExp(`= ${hmacSm3('shared secret', data).toString('hex')}\\n$`));
    });

    it('SM4-CTR output matches `openssl enc -sm4-ctr`', () => {
      const key = '0123456789abcdeffedcba9876543210';
      const iv = '000102030405060708090a0b0c0d0e0f';
      file('data', data);
      const expected = opensslOk(['enc', '-sm4-ctr', '-K', key, '-iv', iv, '-in', 'data']);
      assert.deepEqual(sm4Ctr(Buffer.from(key, 'hex'), Buffer.from(iv, 'hex'), data), expected);
    });
  });
});
