/** Protobuf's unsigned varint, the length prefix of Fabric's block file records and fields. */

/** A varint longer than this cannot be a block length we wrote (2^53 needs 8 bytes). */
const MAX_VARINT_BYTES = 8;

export function encodeVarint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

/** Decodes the varint at `at`: its value and size, or why not (the bytes end inside it, or it is too long). */
export function decodeVarint(buffer: Buffer, at: number): { value: number; size: number } | 'incomplete' | 'invalid' {
  let value = 0;
  let scale = 1;
  for (let size = 1; size <= MAX_VARINT_BYTES; size++) {
    const byte = buffer[at + size - 1];
    if (byte === undefined) return 'incomplete';
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return Number.isSafeInteger(value) ? { value, size } : 'invalid';
    scale *= 0x80;
  }
  return 'invalid';
}
