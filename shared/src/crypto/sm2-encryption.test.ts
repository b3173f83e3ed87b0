import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { generateSm2KeyPair } from './keys';
import { Sm2DecryptionError, sm2Decrypt, sm2Encrypt } from './sm2-encryption';
import { standardExample, standardExamplePrivateKey } from './testing/standard-example';

function flipped(bytes: Buffer, at: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[at] = (copy[at] as number) ^ 0x01;
  return copy;
}

describe('SM2 encryption', () => {
  const { privateKey, publicKey } = generateSm2KeyPair();

  it('decrypts the GM/T 0003.5 / GB/T 32918.5 worked example to "encryption standard"', () => {
    const plaintext = sm2Decrypt(standardExamplePrivateKey(), Buffer.from(standardExample.ciphertextDer, 'hex'));
    assert.equal(plaintext.toString('utf8'), standardExample.encryptedMessage);
  });

  it('decrypts what it encrypted, for short and long plaintexts', () => {
    for (const plaintext of [Buffer.from([0]), Buffer.from('数据密钥 data key'), Buffer.alloc(64 * 1024, 3)]) {
      assert.deepEqual(sm2Decrypt(privateKey, sm2Encrypt(publicKey, plaintext)), plaintext);
    }
  });

  it('writes DER C1 ‖ C3 ‖ C2 and a different ciphertext every time', () => {
    const first = sm2Encrypt(publicKey, 'secret');
    assert.equal(first[0], 0x30);
    assert.notDeepEqual(first, sm2Encrypt(publicKey, 'secret'));
  });

  it('rejects an altered ciphertext instead of returning garbage', () => {
    const ciphertext = sm2Encrypt(publicKey, 'a data key of 32 bytes, roughly.');
    for (let at = 0; at < ciphertext.length; at += 3) {
      assert.throws(() => sm2Decrypt(privateKey, flipped(ciphertext, at)), Sm2DecryptionError, `byte ${at}`);
    }
  });

  it('rejects a ciphertext for another key and bytes that are no ciphertext', () => {
    const ciphertext = sm2Encrypt(publicKey, 'secret');
    assert.throws(() => sm2Decrypt(generateSm2KeyPair().privateKey, ciphertext), /could not be decrypted: .*encrypted for another key/);
    assert.throws(() => sm2Decrypt(privateKey, Buffer.alloc(0)), Sm2DecryptionError);
    assert.throws(() => sm2Decrypt(privateKey, Buffer.from('not a ciphertext')), Sm2DecryptionError);
  });

  it('refuses to encrypt nothing', () => {
    assert.throws(() => sm2Encrypt(publicKey, ''), /at least one byte/);
  });
});
