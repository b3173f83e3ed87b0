import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { sm3 as opensslSm3 } from '@citytrust/shared';
import { sm3 } from './sm3';

test('SM3 of "abc" is the standard\'s example digest (GB/T 32905, A.1)', () => {
  assert.equal(Buffer.from(sm3(new TextEncoder().encode('abc'))).toString('hex'), '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
});

test('SM3 agrees with OpenSSL on every length around the block boundaries', () => {
  const seed = randomBytes(200);
  console.log(`seed bytes: ${seed.toString('hex')}`);
  for (const length of [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 200]) {
    const data = seed.subarray(0, length);
    assert.equal(Buffer.from(sm3(data)).toString('hex'), opensslSm3(data).toString('hex'), `length ${length}`);
  }
});
