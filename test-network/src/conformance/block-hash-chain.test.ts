import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blockHeaderDer } from './block-hash-chain';

test('the header of block 0 with an empty previous hash is SEQUENCE { INTEGER 0, OCTET STRING "", OCTET STRING hash }', () => {
  const dataHash = Buffer.alloc(32, 0xab);
  assert.equal(blockHeaderDer(0n, new Uint8Array(0), dataHash).toString('hex'), `302702010004000420${dataHash.toString('hex')}`);
});

test('block numbers are minimal two\'s complement: 127 is one byte, 128 gets a leading zero, 256 two bytes', () => {
  const der = (n: bigint) => blockHeaderDer(n, new Uint8Array(0), new Uint8Array(0)).toString('hex');
  assert.equal(der(127n), '3007' + '02017f' + '0400' + '0400');
  assert.equal(der(128n), '3008' + '02020080' + '0400' + '0400');
  assert.equal(der(256n), '3008' + '02020100' + '0400' + '0400');
});

test('contents of 128 bytes or more take the long length form', () => {
  const previous = Buffer.alloc(200, 1);
  const der = blockHeaderDer(1n, previous, new Uint8Array(0));
  assert.equal(der.subarray(0, 3).toString('hex'), '3081d0');
  assert.equal(der.subarray(6, 9).toString('hex'), '0481c8');
  assert.equal(der.length, 3 + 0xd0);
});
