import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateFieldKey, importSm2PublicKey, sm2Verify, sm3 } from '@citytrust/shared';
import { startTestGateway, type TestGateway } from '../test-support/test-gateway';
import { newSealKeyCustody, type SealKeyCustody } from './seal-key-custody';

describe('the gateway\'s custody of seal keys', () => {
  let gateway: TestGateway;
  let custody: SealKeyCustody;
  const keyEncryptionKey = generateFieldKey();

  before(async () => {
    gateway = await startTestGateway();
    custody = newSealKeyCustody(gateway.database.database, keyEncryptionKey);
  });
  after(() => gateway?.close());

  test('a generated key rests encrypted: the database holds an SM4 envelope, never the PKCS#8 key', async () => {
    const key = await custody.generate('MarketRegulationMSP', 'test');
    const { rows } = await gateway.database.database.pool.query<{ private_key_envelope: Buffer }>('SELECT private_key_envelope FROM seal_keys WHERE key_id = $1', [key.keyId]);
    const envelope = rows[0]!.private_key_envelope;
    // A PKCS#8 SM2 key holds the SM2 curve OID 1.2.156.10197.1.301: its DER must not appear at rest.
    assert.equal(envelope.includes(Buffer.from('06082a811ccf5501822d', 'hex')), false);
    assert.equal(key.state, 'generated');
    assert.equal(key.keyId, sm3(importSm2PublicKey(key.publicKeyPem).toDer()).toString('hex'));
  });

  test('only an active key signs, and its signatures verify with the public key', async () => {
    const key = await custody.generate('CreditOfficeMSP', 'test');
    assert.equal(await custody.activeSigner('CreditOfficeMSP'), undefined);
    await custody.recordActivation(key.keyId);
    const signer = await custody.activeSigner('CreditOfficeMSP');
    const digest = sm3('a record');
    assert.equal(signer?.keyId, key.keyId);
    assert.equal(sm2Verify(importSm2PublicKey(key.publicKeyPem), digest, await signer!.sign(digest)), true);
    await custody.recordRevocation(key.keyId);
    assert.equal(await custody.activeSigner('CreditOfficeMSP'), undefined);
  });

  test('a rotation retires the old key and activates the new one together', async () => {
    const first = await custody.generate('BigDataAdministrationMSP', 'test');
    await custody.recordActivation(first.keyId);
    const second = await custody.generate('BigDataAdministrationMSP', 'test');
    await custody.recordActivation(second.keyId, first.keyId);
    assert.deepEqual((await custody.list('BigDataAdministrationMSP')).map((key) => [key.keyId, key.state]), [[first.keyId, 'retired'], [second.keyId, 'active']]);
  });

  test('under another key-encryption key the stored keys cannot be opened', async () => {
    const department = 'KeyMixupMSP';
    const key = await custody.generate(department, 'test');
    await custody.recordActivation(key.keyId);
    const wrong = newSealKeyCustody(gateway.database.database, generateFieldKey());
    await assert.rejects(wrong.activeSigner(department), { name: 'FieldEnvelopeError' });
  });
});
