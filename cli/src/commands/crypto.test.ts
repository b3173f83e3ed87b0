// `citytrust crypto` end to end: the real CLI process against the real OpenSSL command line.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

const MAIN = join(__dirname, '..', 'main.js');
const DEFAULT_ID = ['-pkeyopt', 'distid:1234567812345678'];
let dir: string;

interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(program: string, args: string[], input?: string): Run {
  const result = spawnSync(program, args, { cwd: dir, input, encoding: 'utf8' });
  if (result.error !== undefined) throw new Error(`cannot run ${program}: ${result.error.message}`);
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

function citytrust(...args: string[]): Run {
  return run(process.execPath, [MAIN, 'crypto', ...args]);
}

function openssl(...args: string[]): Run {
  return run('openssl', args);
}

function succeeds(result: Run): Run {
  assert.equal(result.status, 0, `exit ${result.status}: ${result.stderr}`);
  return result;
}

function write(name: string, content: string): void {
  writeFileSync(join(dir, name), content);
}

describe('citytrust crypto, checked with OpenSSL', () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'citytrust-cli-crypto-'));
    succeeds(citytrust('keygen', '--private', 'key.pem', '--public', 'pub.pem'));
    write('record.json', '{"dept":"MarketRegulationMSP","seq":2}');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keygen writes keys OpenSSL loads as SM2, the private one readable by its owner only', () => {
    assert.match(readFileSync(join(dir, 'key.pem'), 'utf8'), /^-----BEGIN PRIVATE KEY-----\n/);
    assert.equal(statSync(join(dir, 'key.pem')).mode & 0o777, 0o600);
    assert.match(succeeds(openssl('pkey', '-in', 'key.pem', '-text', '-noout')).stdout, /ASN1 OID: SM2/);
    assert.equal(succeeds(openssl('pkey', '-in', 'key.pem', '-pubout')).stdout, readFileSync(join(dir, 'pub.pem'), 'utf8'));
  });

  it('keygen refuses to overwrite a key unless told to', () => {
    const refused = citytrust('keygen', '--private', 'key.pem', '--public', 'other-pub.pem');
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /key.pem already exists; .*--force/);
  });

  it('sign writes a DER signature that openssl pkeyutl -verify accepts with distid 1234567812345678', () => {
    succeeds(citytrust('sign', '--key', 'key.pem', '--in', 'record.json', '--out', 'record.sig'));
    const verified = openssl('pkeyutl', '-verify', '-rawin', '-digest', 'sm3', ...DEFAULT_ID, '-pubin', '-inkey', 'pub.pem', '-in', 'record.json', '-sigfile', 'record.sig');
    assert.match(succeeds(verified).stdout, /Signature Verified Successfully/);
  });

  it('verify exits 0 on a signature made by OpenSSL', () => {
    succeeds(openssl('pkeyutl', '-sign', '-rawin', '-digest', 'sm3', ...DEFAULT_ID, '-inkey', 'key.pem', '-in', 'record.json', '-out', 'openssl.sig'));
    assert.match(succeeds(citytrust('verify', '--pub', 'pub.pem', '--in', 'record.json', '--sig', 'openssl.sig')).stdout, /signature verified/);
  });

  it('verify exits 1 with a reason on a tampered file, another user ID or a file that is no signature', () => {
    succeeds(citytrust('sign', '--key', 'key.pem', '--in', 'record.json', '--out', 'record.sig'));
    write('tampered.json', '{"dept":"MarketRegulationMSP","seq":3}');
    const tampered = citytrust('verify', '--pub', 'pub.pem', '--in', 'tampered.json', '--sig', 'record.sig');
    assert.equal(tampered.status, 1);
    assert.match(tampered.stderr, /does NOT verify: the file, the signature, the public key or the user ID \(1234567812345678\) differs/);
    assert.equal(citytrust('verify', '--pub', 'pub.pem', '--in', 'record.json', '--sig', 'record.sig', '--id', 'ALICE123@YAHOO.COM').status, 1);
    const notSignature = citytrust('verify', '--pub', 'pub.pem', '--in', 'record.json', '--sig', 'record.json');
    assert.equal(notSignature.status, 1);
    assert.match(notSignature.stderr, /record.json: not a DER SM2 signature/);
  });

  it('sign and verify agree with OpenSSL on an agreed user ID', () => {
    succeeds(citytrust('sign', '--key', 'key.pem', '--in', 'record.json', '--out', 'msp.sig', '--id', 'MarketRegulationMSP'));
    succeeds(openssl('pkeyutl', '-verify', '-rawin', '-digest', 'sm3', '-pkeyopt', 'distid:MarketRegulationMSP', '-pubin', '-inkey', 'pub.pem', '-in', 'record.json', '-sigfile', 'msp.sig'));
    succeeds(citytrust('verify', '--pub', 'pub.pem', '--in', 'record.json', '--sig', 'msp.sig', '--id', 'MarketRegulationMSP'));
  });

  it('encrypt writes what openssl pkeyutl -decrypt reads, and decrypt reads what OpenSSL encrypted', () => {
    write('secret.txt', '数据密钥 data key');
    succeeds(citytrust('encrypt', '--pub', 'pub.pem', '--in', 'secret.txt', '--out', 'secret.der'));
    assert.equal(succeeds(openssl('pkeyutl', '-decrypt', '-inkey', 'key.pem', '-in', 'secret.der')).stdout, '数据密钥 data key');
    succeeds(openssl('pkeyutl', '-encrypt', '-pubin', '-inkey', 'pub.pem', '-in', 'secret.txt', '-out', 'openssl.der'));
    succeeds(citytrust('decrypt', '--key', 'key.pem', '--in', 'openssl.der', '--out', 'decrypted.txt'));
    assert.equal(readFileSync(join(dir, 'decrypted.txt'), 'utf8'), '数据密钥 data key');
  });

  it('sm3 prints the digest openssl dgst -sm3 prints, for files and standard input', () => {
    const ours = succeeds(citytrust('sm3', 'record.json')).stdout;
    const theirs = succeeds(openssl('dgst', '-sm3', '-r', 'record.json')).stdout;
    assert.equal(ours.split(' ')[0], theirs.split(' ')[0]);
    assert.equal(succeeds(run(process.execPath, [MAIN, 'crypto', 'sm3'], 'abc')).stdout, '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0  -\n');
  });

  it('says what is wrong with the key file, and exits 2 on a usage mistake', () => {
    const wrongKey = citytrust('sign', '--key', 'pub.pem', '--in', 'record.json', '--out', 'x.sig');
    assert.equal(wrongKey.status, 1);
    assert.match(wrongKey.stderr, /pub.pem: this is a public key/);
    const missing = citytrust('sign', '--key', 'key.pem', '--out', 'x.sig');
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /--in <file> is required/);
    assert.equal(citytrust('shred').status, 2);
  });
});
