import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chaincodeServerOptionsFromEnv, DEFAULT_CHAINCODE_SERVER_ADDRESS } from './server-config';

const CCID = 'citytrust_0.1.0:5f3c0f6ab1';

/** Three PEM files in a temp dir, removed after `use`. */
function withTlsFiles(use: (paths: { key: string; cert: string; ca: string }) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'citytrust-chaincode-tls-'));
  try {
    const paths = { key: join(dir, 'key.pem'), cert: join(dir, 'cert.pem'), ca: join(dir, 'ca.pem') };
    for (const [name, path] of Object.entries(paths)) writeFileSync(path, `-----BEGIN ${name.toUpperCase()}-----\n`);
    use(paths);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('needs only CHAINCODE_ID, and listens on the default address without TLS', () => {
  assert.deepEqual(chaincodeServerOptionsFromEnv({ CHAINCODE_ID: CCID }), { ccid: CCID, address: DEFAULT_CHAINCODE_SERVER_ADDRESS });
  assert.equal(DEFAULT_CHAINCODE_SERVER_ADDRESS, '127.0.0.1:9999');
});

test('takes the address from CHAINCODE_SERVER_ADDRESS', () => {
  assert.equal(chaincodeServerOptionsFromEnv({ CHAINCODE_ID: CCID, CHAINCODE_SERVER_ADDRESS: '0.0.0.0:7052' }).address, '0.0.0.0:7052');
});

test('refuses to start without CHAINCODE_ID and says what it should hold', () => {
  assert.throws(() => chaincodeServerOptionsFromEnv({}), { name: 'ChaincodeServerConfigError', message: /^CHAINCODE_ID is not set: set it to the chaincode package id/ });
  assert.throws(() => chaincodeServerOptionsFromEnv({ CHAINCODE_ID: '' }), { name: 'ChaincodeServerConfigError' });
});

test('serves TLS from the key and certificate files, and mutual TLS when a client CA is given', () => {
  withTlsFiles(({ key, cert, ca }) => {
    const tls = chaincodeServerOptionsFromEnv({ CHAINCODE_ID: CCID, CHAINCODE_TLS_KEY_FILE: key, CHAINCODE_TLS_CERT_FILE: cert }).tls;
    assert.deepEqual(tls, { key: Buffer.from('-----BEGIN KEY-----\n'), cert: Buffer.from('-----BEGIN CERT-----\n') });
    const mutual = chaincodeServerOptionsFromEnv({ CHAINCODE_ID: CCID, CHAINCODE_TLS_KEY_FILE: key, CHAINCODE_TLS_CERT_FILE: cert, CHAINCODE_TLS_CLIENT_CACERT_FILE: ca }).tls;
    assert.deepEqual(mutual?.clientCaCerts, Buffer.from('-----BEGIN CA-----\n'));
  });
});

test('refuses half a TLS configuration', () => {
  withTlsFiles(({ key, ca }) => {
    for (const env of [{ CHAINCODE_TLS_KEY_FILE: key }, { CHAINCODE_TLS_CLIENT_CACERT_FILE: ca }]) {
      assert.throws(() => chaincodeServerOptionsFromEnv({ CHAINCODE_ID: CCID, ...env }), { message: /^TLS needs both CHAINCODE_TLS_KEY_FILE and CHAINCODE_TLS_CERT_FILE/ });
    }
  });
});

test('names the variable whose file cannot be read', () => {
  assert.throws(
    () => chaincodeServerOptionsFromEnv({ CHAINCODE_ID: CCID, CHAINCODE_TLS_KEY_FILE: '/nonexistent/key.pem', CHAINCODE_TLS_CERT_FILE: '/nonexistent/cert.pem' }),
    { message: /^CHAINCODE_TLS_KEY_FILE=\/nonexistent\/key\.pem cannot be read: ENOENT/ },
  );
});
