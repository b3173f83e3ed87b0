import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSm2KeyPair, sealKeyId, sm2Sign, sm3, type Seal } from '@citytrust/shared';
import { LedgerRejectedError } from '../ledger/fabric-ledger';
import type { Ledger } from '../ledger/ledger';
import { startLedgerTestGateway, type LedgerTestGateway } from '../test-support/ledger-test-gateway';
import { loadOrCreateSecret } from '../secrets';
import { newSealKeyCustody, type SealSigner } from './seal-key-custody';
import { newSealService } from './seal-service';

/**
 * Seals end to end on the embedded ledger: keys registered, rotated and revoked by department
 * admins, documents sealed through the gateway's signing service, and every seal checked by the
 * chaincode, by the public verification endpoint and by OpenSSL.
 */
const MARKET = 'MarketRegulationMSP';
const CREDIT = 'CreditOfficeMSP';
const VALID_UNTIL = '2036-01-01T00:00:00Z';

let gateway: LedgerTestGateway;
let ledger: Ledger;
let officerToken: string;

before(async () => {
  gateway = await startLedgerTestGateway({ sealKeysFor: [MARKET, CREDIT], sealKeysValidUntil: VALID_UNTIL });
  ledger = gateway.ledger;
  officerToken = (await gateway.userWithToken('department-officer', MARKET)).token;
});

after(() => gateway?.close());

async function sign(body: object, token = officerToken) {
  return gateway.server.inject({ method: 'POST', url: '/api/v1/seals/sign', headers: { authorization: `Bearer ${token}` }, payload: body });
}

async function verify(body: object) {
  return gateway.server.inject({ method: 'POST', url: '/api/v1/seals/verify', payload: body });
}

async function height(): Promise<number> {
  return (await ledger.health()).height ?? -1;
}

/**
 * The department's active signer, from the gateway's custody opened with its own key: the
 * tests use it to make seals the gateway would not, with retired, revoked or expired keys.
 */
async function signerOf(department: string): Promise<SealSigner> {
  const custody = newSealKeyCustody(gateway.services.database, loadOrCreateSecret(gateway.services.config.home, 'seal-key-encryption', undefined));
  const signer = await custody.activeSigner(department);
  assert.ok(signer, `${department} has an active seal key`);
  return signer;
}

describe('the signing service', () => {
  test('seals a document with the officer\'s department key, the ledger attests it, and OpenSSL verifies the seal', async () => {
    const document = Buffer.from('营业执照 business licence No. 310000000000001');
    const response = await sign({ document: document.toString('base64') });
    assert.equal(response.statusCode, 201, response.body);
    const receipt = response.json();
    assert.equal(receipt.digest, sm3(document).toString('hex'));
    assert.equal(receipt.department, MARKET);
    assert.match(receipt.transactionId, /^[0-9a-f]{64}$/);
    assert.ok(receipt.blockNumber > 0);

    const keys = (await gateway.server.inject({ method: 'GET', url: `/api/v1/seals/keys?department=${MARKET}` })).json().keys;
    const key = keys.find((k: { keyId: string }) => k.keyId === receipt.keyId);
    assert.equal(key.status, 'active');
    const dir = mkdtempSync(join(tmpdir(), 'citytrust-seal-openssl-'));
    try {
      writeFileSync(join(dir, 'key.pem'), key.publicKey);
      writeFileSync(join(dir, 'digest.bin'), Buffer.from(receipt.digest, 'hex'));
      writeFileSync(join(dir, 'seal.sig'), Buffer.from(receipt.signature, 'base64'));
      const out = execFileSync('openssl', ['pkeyutl', '-verify', '-rawin', '-digest', 'sm3', '-pkeyopt', 'distid:1234567812345678', '-pubin', '-inkey', join(dir, 'key.pem'), '-in', join(dir, 'digest.bin'), '-sigfile', join(dir, 'seal.sig')], { encoding: 'utf8' });
      assert.match(out, /Signature Verified Successfully/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    const verified = await verify({ document: document.toString('base64'), keyId: receipt.keyId, signature: receipt.signature });
    assert.equal(verified.statusCode, 200, verified.body);
    assert.deepEqual(
      (({ valid, department, keyId, checkedAt, keyStatus }) => ({ valid, department, keyId, checkedAt, keyStatus }))(verified.json()),
      { valid: true, department: MARKET, keyId: receipt.keyId, checkedAt: receipt.sealedAt, keyStatus: 'active' },
    );
    assert.equal(verified.json().attestation.transactionId, receipt.transactionId);
  });

  test('a user without a department, or of a department without a seal key, is told why', async () => {
    const auditor = (await gateway.userWithToken('auditor')).token;
    assert.equal((await sign({ digest: '0'.repeat(64) }, auditor)).statusCode, 403);
    const bigData = (await gateway.userWithToken('department-officer', 'BigDataAdministrationMSP')).token;
    const response = await sign({ digest: '0'.repeat(64) }, bigData);
    assert.equal(response.statusCode, 409);
    assert.equal(response.json().error.code, 'conflict');
    assert.match(response.json().error.message, /^BigDataAdministrationMSP has no active seal key/);
  });
});

describe('seals the chaincode refuses, each with its check named and nothing written', () => {
  test('forged, tampered and other departments\' seals, through the ledger and through verification', async () => {
    const market = await signerOf(MARKET);
    const digest = sm3('a permit');
    const genuine: Seal = { keyId: market.keyId, digest: digest.toString('hex'), signature: (await market.sign(digest)).toString('base64') };
    const credit = await signerOf(CREDIT);
    const cases: Array<[string, Seal, string]> = [
      ['forged', { ...genuine, signature: sm2Sign(generateSm2KeyPair().privateKey, digest).toString('base64') }, 'bad_signature'],
      ['tampered', { ...genuine, digest: sm3('another permit').toString('hex') }, 'bad_signature'],
      ['another department\'s', { keyId: credit.keyId, digest: genuine.digest, signature: (await credit.sign(digest)).toString('base64') }, 'other_department'],
      ['unknown key', (() => { const keys = generateSm2KeyPair(); return { keyId: sealKeyId(keys.publicKey), digest: genuine.digest, signature: sm2Sign(keys.privateKey, digest).toString('base64') }; })(), 'unknown_key'],
    ];
    const before = await height();
    for (const [name, seal, check] of cases) {
      await assert.rejects(ledger.submit({ department: MARKET, contract: 'seal', transaction: 'attestDocument', arguments: [JSON.stringify(seal)] }),
        (error: unknown) => error instanceof LedgerRejectedError && error.check === `seal:${check}`, name);
      const verified = await verify({ ...seal, department: MARKET });
      assert.equal(verified.statusCode, 422, `${name}: ${verified.body}`);
      assert.deepEqual([verified.json().error.code, verified.json().error.details.check], ['seal_refused', check], name);
    }
    assert.equal(await height(), before, 'no refused seal reached a block');
  });

  test('malformed input is a 400 naming the field', async () => {
    const response = await verify({ digest: 'abc', keyId: '1'.repeat(64), signature: 'MEUCIQDdCZBoWmdm' });
    assert.equal(response.statusCode, 400);
    assert.deepEqual([response.json().error.code, response.json().error.details.field], ['invalid_request', 'digest']);
    const both = await verify({ digest: '0'.repeat(64), document: 'AAAA', keyId: '1'.repeat(64), signature: 'MEUCIQDdCZBoWmdm' });
    assert.equal(both.statusCode, 400);
    assert.match(both.json().error.message, /^send exactly one of `document`/);
  });
});

describe('rotation and revocation', () => {
  test('after rotation old seals verify as valid at their time; after revocation new seals are refused and old ones still verify', async () => {
    const { seals } = gateway.services;
    const first = (await sign({ digest: sm3('before rotation').toString('hex') })).json();
    const oldSigner = await signerOf(MARKET);
    const rotated = await seals.rotateKey(MARKET, VALID_UNTIL, 'test');
    assert.notEqual(rotated.keyId, first.keyId);

    const old = await verify({ digest: first.digest, keyId: first.keyId, signature: first.signature });
    assert.equal(old.statusCode, 200, old.body);
    assert.deepEqual([old.json().keyStatus, old.json().checkedAt], ['retired', first.sealedAt]);
    const late = sm3('after rotation, with the old key');
    await assert.rejects(ledger.submit({ department: MARKET, contract: 'seal', transaction: 'attestDocument', arguments: [JSON.stringify({ keyId: oldSigner.keyId, digest: late.toString('hex'), signature: (await oldSigner.sign(late)).toString('base64') })] }),
      (error: unknown) => error instanceof LedgerRejectedError && error.check === 'seal:key_retired');

    const second = (await sign({ digest: sm3('after rotation').toString('hex') })).json();
    assert.equal(second.keyId, rotated.keyId);
    const newSigner = await signerOf(MARKET);
    const revoked = await seals.revokeKey(MARKET, rotated.keyId, 'seal token reported lost');
    assert.equal(revoked.status, 'revoked');

    const afterRevocation = sm3('after revocation');
    const refused = await verify({ digest: afterRevocation.toString('hex'), keyId: newSigner.keyId, signature: (await newSigner.sign(afterRevocation)).toString('base64') });
    assert.equal(refused.statusCode, 422);
    assert.equal(refused.json().error.details.check, 'key_revoked');
    assert.match(refused.json().error.message, /\(seal token reported lost\)/);
    await assert.rejects(ledger.submit({ department: MARKET, contract: 'seal', transaction: 'attestDocument', arguments: [JSON.stringify({ keyId: newSigner.keyId, digest: afterRevocation.toString('hex'), signature: (await newSigner.sign(afterRevocation)).toString('base64') })] }),
      (error: unknown) => error instanceof LedgerRejectedError && error.check === 'seal:key_revoked');
    const stillValid = await verify({ digest: second.digest, keyId: second.keyId, signature: second.signature });
    assert.equal(stillValid.statusCode, 200, stillValid.body);
    assert.deepEqual([stillValid.json().keyStatus, stillValid.json().checkedAt], ['revoked', second.sealedAt]);

    const noKey = await sign({ digest: sm3('no key now').toString('hex') });
    assert.equal(noKey.statusCode, 409);
    const history = await seals.keyHistory(rotated.keyId, MARKET);
    assert.deepEqual(history.map((version) => version.key.status), ['revoked', 'active']);
    // Leave the department with a current key for the other tests, in any order.
    await seals.generateKey(MARKET, 'test');
    await seals.registerKey(MARKET, VALID_UNTIL);
  });

  test('an expired key seals no more', async () => {
    const { seals } = gateway.services;
    const { keyId } = await seals.generateKey(CREDIT, 'test');
    const credit = await signerOf(CREDIT);
    await seals.revokeKey(CREDIT, credit.keyId, 'replaced for the expiry test');
    const registered = await seals.registerKey(CREDIT, new Date(Date.now() + 2_000).toISOString(), keyId);
    const signer = await signerOf(CREDIT);
    assert.equal(signer.keyId, registered.keyId);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(registered.validUntil) - Date.now()) + 100));
    const digest = sm3('too late');
    const response = await verify({ digest: digest.toString('hex'), keyId: signer.keyId, signature: (await signer.sign(digest)).toString('base64') });
    assert.equal(response.statusCode, 422);
    assert.equal(response.json().error.details.check, 'key_expired');
  });
});

describe('key management', () => {
  test('a gateway whose department key was rotated elsewhere seals with the new key at once', async () => {
    const elsewhere = newSealService({ ledger, custody: newSealKeyCustody(gateway.services.database, loadOrCreateSecret(gateway.services.config.home, 'seal-key-encryption', undefined)), queryDepartment: MARKET });
    const before = (await sign({ digest: sm3('sealed before the rotation elsewhere').toString('hex') })).json();
    const rotated = await elsewhere.rotateKey(MARKET, VALID_UNTIL, 'another gateway');
    const response = await sign({ digest: sm3('sealed after it').toString('hex') });
    assert.equal(response.statusCode, 201, response.body);
    assert.deepEqual([response.json().keyId === before.keyId, response.json().keyId], [false, rotated.keyId]);
  });

  test('only the department\'s own admin identity may register its keys', async () => {
    const keys = generateSm2KeyPair();
    await assert.rejects(ledger.submit({ department: MARKET, identity: 'client', contract: 'seal', transaction: 'registerKey', arguments: [keys.publicKey.toPem(), VALID_UNTIL, ''] }),
      (error: unknown) => error instanceof LedgerRejectedError && error.check === 'seal:forbidden');
  });
});
