import { test } from 'node:test';
import assert from 'node:assert/strict';
import { common } from '@hyperledger/fabric-protos';
import { toHex } from './bytes';
import { blockHeaderBytes, ledgerTime } from './fabric-block';

function header(number: number, previousHash: Uint8Array, dataHash: Uint8Array): common.BlockHeader {
  const built = new common.BlockHeader();
  built.setNumber(number);
  built.setPreviousHash(previousHash);
  built.setDataHash(dataHash);
  return built;
}

test('a block header\'s signed bytes are the ASN.1 DER Fabric\'s protoutil.BlockHeaderBytes writes', () => {
  const bytes = blockHeaderBytes(header(1, new Uint8Array(32).fill(0xaa), new Uint8Array(32).fill(0xbb)));
  assert.equal(toHex(bytes), `3047020101${'0420'}${'aa'.repeat(32)}${'0420'}${'bb'.repeat(32)}`);
});

test('block numbers are DER integers: 0 is one zero byte, and a set top bit gets a leading zero', () => {
  assert.equal(toHex(blockHeaderBytes(header(0, new Uint8Array(0), new Uint8Array(0)))), '30070201000400' + '0400');
  assert.equal(toHex(blockHeaderBytes(header(128, new Uint8Array(0), new Uint8Array(0)))), '3008020200800400' + '0400');
  assert.equal(toHex(blockHeaderBytes(header(2 ** 40, new Uint8Array(0), new Uint8Array(0)))), '300c0206010000000000' + '0400' + '0400');
});

test('a transaction\'s time reads as the ledger writes it: UTC with nine fraction digits', () => {
  assert.equal(ledgerTime({ seconds: Date.UTC(2027, 0, 5, 9, 30) / 1000, nanos: 1_500 }), '2027-01-05T09:30:00.000001500Z');
  assert.equal(ledgerTime({ seconds: 0, nanos: 0 }), '1970-01-01T00:00:00.000000000Z');
});
