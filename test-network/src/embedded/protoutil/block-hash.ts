import { createHash } from 'node:crypto';

/**
 * A block header's hash as Fabric computes it (`protoutil.BlockHeaderHash`): SHA-256 of the
 * ASN.1 DER encoding of SEQUENCE { number INTEGER, previousHash OCTET STRING, dataHash OCTET
 * STRING }. Fabric hashes this, not the header's protobuf bytes, so the chain of previous-hash
 * links can be checked by any tool that knows the rule.
 */
export function blockHeaderHash(header: { number: number; previousHash: Uint8Array; dataHash: Uint8Array }): Buffer {
  return createHash('sha256').update(blockHeaderBytes(header)).digest();
}

export function blockHeaderBytes({ number, previousHash, dataHash }: { number: number; previousHash: Uint8Array; dataHash: Uint8Array }): Buffer {
  return derSequence([derInteger(number), derOctetString(previousHash), derOctetString(dataHash)]);
}

/** `protoutil.ComputeBlockDataHash`: SHA-256 over the concatenated envelopes. */
export function blockDataHash(data: readonly Uint8Array[]): Buffer {
  const hash = createHash('sha256');
  for (const envelope of data) hash.update(envelope);
  return hash.digest();
}

function derInteger(value: number): Buffer {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`block number ${value} is not a non-negative safe integer`);
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  // DER integers are two's complement: a set top bit needs a leading zero to stay positive.
  if (bytes[0]! & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return derElement(0x02, bytes);
}

function derOctetString(value: Uint8Array): Buffer {
  return derElement(0x04, Buffer.from(value.buffer, value.byteOffset, value.byteLength));
}

function derSequence(elements: readonly Buffer[]): Buffer {
  return derElement(0x30, Buffer.concat(elements));
}

function derElement(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), derLength(content.length), content]);
}

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  let hex = length.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const bytes = Buffer.from(hex, 'hex');
  return Buffer.concat([Buffer.from([0x80 | bytes.length]), bytes]);
}
