import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { blockDataHash, blockHeaderBytes, blockHeaderHash } from './block-hash';

// Expected bytes are written out as Go's encoding/asn1 marshals Fabric's
// asn1Header{Number *big.Int, PreviousHash, DataHash []byte} (protoutil.BlockHeaderBytes):
// SEQUENCE (30), INTEGER (02) in minimal two's complement, OCTET STRING (04), DER lengths.

const empty = new Uint8Array(0);
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const header = (number: number, previousHash = empty, dataHash = empty) => blockHeaderBytes({ number, previousHash, dataHash });

test('block 0 with empty hashes is SEQUENCE { INTEGER 0, OCTET STRING "", OCTET STRING "" }', () => {
  assert.equal(hex(header(0)), '3007' + '020100' + '0400' + '0400');
});

test('block numbers are minimal two\'s complement INTEGERs, with a leading zero when the top bit is set', () => {
  const integerOf = (number: number) => hex(header(number)).slice(4, -8);
  assert.equal(integerOf(127), '02017f');
  assert.equal(integerOf(128), '02020080');
  assert.equal(integerOf(255), '020200ff');
  assert.equal(integerOf(256), '02020100');
  assert.equal(integerOf(2 ** 40), '0206010000000000');
  assert.equal(integerOf(Number.MAX_SAFE_INTEGER), '02071fffffffffffff');
});

test('32-byte hashes are OCTET STRINGs of length 0x20 inside a 71-byte sequence', () => {
  const previousHash = Buffer.alloc(32, 0xaa);
  const dataHash = Buffer.alloc(32, 0xbb);
  assert.equal(
    hex(header(1, previousHash, dataHash)),
    '3047' + '020101' + '0420' + 'aa'.repeat(32) + '0420' + 'bb'.repeat(32),
  );
});

test('a sequence longer than 127 bytes uses the long length form, as DER requires', () => {
  const dataHash = Buffer.alloc(200, 0xcc);
  // 3 (INTEGER 128 is 4 bytes: 02 02 00 80) + 2 (empty previous hash) + 3 + 200 = 209 = 0xd1
  assert.equal(hex(header(128, empty, dataHash)), '3081d1' + '02020080' + '0400' + '0481c8' + 'cc'.repeat(200));
  const longer = Buffer.alloc(300, 0xdd);
  assert.equal(hex(header(0, empty, longer)), '30820135' + '020100' + '0400' + '0482012c' + 'dd'.repeat(300));
});

test('the header hash is SHA-256 of those DER bytes', () => {
  const fields = { number: 7, previousHash: Buffer.alloc(32, 1), dataHash: Buffer.alloc(32, 2) };
  assert.deepEqual(blockHeaderHash(fields), createHash('sha256').update(blockHeaderBytes(fields)).digest());
});

test('a hash given as a view into a larger buffer encodes only the viewed bytes', () => {
  const backing = Buffer.from('00112233445566778899', 'hex');
  const view = new Uint8Array(backing.buffer, backing.byteOffset + 2, 3);
  assert.equal(hex(header(0, view)), '300a' + '020100' + '0403223344' + '0400');
});

test('block numbers that are negative or beyond 2^53 are refused rather than encoded wrongly', () => {
  assert.throws(() => header(-1), RangeError);
  assert.throws(() => header(2 ** 53), RangeError);
  assert.throws(() => header(1.5), RangeError);
});

test('the data hash is SHA-256 of the envelopes concatenated, with nothing between them', () => {
  const envelopes = [Buffer.from('first'), Buffer.from(''), Buffer.from('second')];
  assert.equal(hex(blockDataHash(envelopes)), createHash('sha256').update('firstsecond').digest('hex'));
  assert.equal(hex(blockDataHash([])), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
});
