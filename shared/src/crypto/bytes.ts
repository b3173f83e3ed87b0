/** Bytes in, as callers usually have them: text (hashed and signed as UTF-8) or binary. */
export type BinaryInput = string | Uint8Array;

/** `input` as a Buffer: UTF-8 for text, a view without copying for binary. */
export function toBuffer(input: BinaryInput): Buffer {
  if (typeof input === 'string') return Buffer.from(input, 'utf8');
  if (Buffer.isBuffer(input)) return input;
  if (input instanceof Uint8Array) return Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  throw new TypeError(`expected a string or a Uint8Array/Buffer, got ${describe(input)}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return `a ${value.constructor?.name ?? 'plain'} object`;
  return `a ${typeof value}`;
}
