import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { generateSm2KeyPair } from './keys';
import { sm2Sign } from './sm2';
import { sm2SignatureFromRaw, sm2SignatureToRaw } from './sm2-signature-encoding';
import { standardExample } from './testing/standard-example';

function publishedSignature(): Buffer {
  return sm2SignatureFromRaw(Buffer.from(standardExample.r + standardExample.s, 'hex'));
}

describe('SM2 signature encodings', () => {
  it('converts DER to raw r ‖ s and back without change', () => {
    const { privateKey } = generateSm2KeyPair();
    for (let i = 0; i < 20; i++) {
      const der = sm2Sign(privateKey, `message ${i}`);
      assert.deepEqual(sm2SignatureFromRaw(sm2SignatureToRaw(der)), der);
    }
  });

  it('encodes the published r and s as minimal DER INTEGERs with a sign byte', () => {
    assert.equal(publishedSignature().toString('hex').toUpperCase(), `3046022100${standardExample.r}022100${standardExample.s}`);
  });

  it('keeps short r and s minimal', () => {
    const raw = Buffer.alloc(64);
    raw[31] = 1;
    raw[63] = 0x80;
    assert.equal(sm2SignatureFromRaw(raw).toString('hex'), '300702010102020080');
  });

  it('refuses what is not strict DER, saying so', () => {
    const der = publishedSignature();
    for (const bad of [Buffer.alloc(0), Buffer.concat([der, Buffer.from([0])]), der.subarray(0, 40), Buffer.from('3006020100020101', 'hex'), Buffer.from('30060201ff020101', 'hex')]) {
      assert.throws(() => sm2SignatureToRaw(bad), /not a DER SM2 signature/);
    }
    assert.throws(() => sm2SignatureFromRaw(Buffer.alloc(63)), /64 bytes; got 63/);
  });
});
