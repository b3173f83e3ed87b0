import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { sm4Ctr } from './sm4';

const standardKey = Buffer.from('0123456789abcdeffedcba9876543210', 'hex');

describe('sm4Ctr', () => {
  it('encrypts the GB/T 32907-2016 example block to 681edf34d206965e86b3e94f536e4246', () => {
    // The first CTR key-stream block is SM4_K(counter); with counter = the example plaintext and
    // 16 zero bytes of data, the output is exactly the example's ciphertext block.
    assert.equal(sm4Ctr(standardKey, standardKey, Buffer.alloc(16)).toString('hex'), '681edf34d206965e86b3e94f536e4246');
  });

  it('decrypts with the same call that encrypted, for any length', () => {
    const counter = Buffer.alloc(16, 7);
    const plaintext = Buffer.from('身份证号 110101199003074514, not a block multiple');
    const ciphertext = sm4Ctr(standardKey, counter, plaintext);
    assert.equal(ciphertext.length, plaintext.length);
    assert.notDeepEqual(ciphertext, plaintext);
    assert.deepEqual(sm4Ctr(standardKey, counter, ciphertext), plaintext);
  });

  it('refuses keys and counter blocks of the wrong size', () => {
    assert.throws(() => sm4Ctr(Buffer.alloc(32), Buffer.alloc(16), Buffer.alloc(1)), /SM4 key has 16 bytes; got 32/);
    assert.throws(() => sm4Ctr(standardKey, Buffer.alloc(12), Buffer.alloc(1)), /counter block has 16 bytes; got 12/);
  });
});
