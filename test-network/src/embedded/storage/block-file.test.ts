import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blockFileName, readRecords } from './block-file';
import { encodeVarint } from './varint';

function record(bytes: Buffer): Buffer {
  return Buffer.concat([encodeVarint(bytes.length), bytes]);
}

describe('block file records', () => {
  it('names files as Fabric does', () => {
    assert.equal(blockFileName(0), 'blockfile_000000');
    assert.equal(blockFileName(12), 'blockfile_000012');
  });

  it('splits length-prefixed records and locates each block’s bytes', () => {
    const big = Buffer.alloc(300, 7); // a two-byte varint prefix
    const file = Buffer.concat([record(Buffer.from('first')), record(big)]);
    const { records, end } = readRecords(file, 3, 1000);
    assert.deepEqual(
      records.map((r) => [r.recordOffset, r.location, r.end]),
      [
        [1000, { fileNum: 3, offset: 1001, length: 5 }, 1006],
        [1006, { fileNum: 3, offset: 1008, length: 300 }, 1308],
      ],
    );
    assert.equal(records[1]?.bytes.equals(big), true);
    assert.deepEqual(end, { kind: 'clean', offset: 1308 });
  });

  it('calls a partial length prefix a torn tail', () => {
    const file = Buffer.concat([record(Buffer.from('ok')), encodeVarint(300).subarray(0, 1)]);
    assert.deepEqual(readRecords(file, 0, 0).end, { kind: 'torn', offset: 3, reason: 'a partial length prefix (1 bytes)' });
  });

  it('calls a record shorter than its length prefix a torn tail', () => {
    const file = Buffer.concat([record(Buffer.from('ok')), record(Buffer.alloc(50, 1)).subarray(0, 20)]);
    const { records, end } = readRecords(file, 0, 0);
    assert.equal(records.length, 1);
    assert.deepEqual(end, { kind: 'torn', offset: 3, reason: 'a record promising 50 block bytes of which only 19 were written' });
  });

  it('calls a zero-filled tail torn but a zero-length record before more data corrupt', () => {
    const ok = record(Buffer.from('ok'));
    assert.equal(readRecords(Buffer.concat([ok, Buffer.alloc(4096)]), 0, 0).end.kind, 'torn');
    assert.deepEqual(readRecords(Buffer.concat([ok, Buffer.from([0, 5])]), 0, 0).end, {
      kind: 'corrupt',
      offset: 3,
      reason: 'a zero-length record followed by non-zero bytes',
    });
  });

  it('calls a length prefix no block could have corrupt', () => {
    const { end } = readRecords(Buffer.alloc(12, 0xff), 0, 0);
    assert.deepEqual(end, { kind: 'corrupt', offset: 0, reason: 'a length prefix longer than any block length' });
  });
});
