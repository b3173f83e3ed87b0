import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { createSm3, hmacSm3, sm3, verifyHmacSm3 } from './sm3';

describe('sm3', () => {
  it('hashes "abc" to the digest in GB/T 32905-2016 example 1', () => {
    assert.equal(sm3('abc').toString('hex'), '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
  });

  it('hashes "abcd" × 16 (64 bytes) to the digest in GB/T 32905-2016 example 2', () => {
    assert.equal(sm3('abcd'.repeat(16)).toString('hex'), 'debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732');
  });

  it('hashes text as UTF-8, so a string and its bytes give one digest', () => {
    assert.deepEqual(sm3('无锡市大数据管理局'), sm3(Buffer.from('无锡市大数据管理局', 'utf8')));
  });

  it('gives the same digest incrementally as in one piece', () => {
    const hash = createSm3();
    hash.update('abcd'.repeat(8));
    hash.update('abcd'.repeat(8));
    assert.deepEqual(hash.digest(), sm3('abcd'.repeat(16)));
  });
});

describe('hmacSm3', () => {
  it('gives a 32-byte tag that depends on the key', () => {
    const tag = hmacSm3('key one', 'record');
    assert.equal(tag.length, 32);
    assert.notDeepEqual(tag, hmacSm3('key two', 'record'));
  });

  it('verifies its own tag and rejects a changed message, key or tag', () => {
    const tag = hmacSm3('shared secret', 'amount=100');
    assert.equal(verifyHmacSm3('shared secret', 'amount=100', tag), true);
    assert.equal(verifyHmacSm3('shared secret', 'amount=900', tag), false);
    assert.equal(verifyHmacSm3('other secret', 'amount=100', tag), false);
    const flipped = Buffer.from(tag);
    flipped[31] = (flipped[31] as number) ^ 1;
    assert.equal(verifyHmacSm3('shared secret', 'amount=100', flipped), false);
    assert.equal(verifyHmacSm3('shared secret', 'amount=100', tag.subarray(0, 16)), false);
  });
});
