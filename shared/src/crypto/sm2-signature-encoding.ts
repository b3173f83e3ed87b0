/**
 * The two forms an SM2 signature travels in: DER, SEQUENCE { r INTEGER, s INTEGER }, which
 * OpenSSL, GB/T 35276 and this module use; and 64 raw bytes r ‖ s (each 32 bytes, big-endian),
 * which many JavaScript and Java libraries (sm-crypto, for one) produce by default.
 */

/** Bytes in each of r and s in the raw form. */
const SCALAR_BYTES = 32;

/** Thrown for bytes that are not a signature in the expected form; says what is wrong. */
export class Sm2SignatureFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Sm2SignatureFormatError';
  }
}

/**
 * A DER signature as raw r ‖ s (64 bytes), for systems that exchange signatures that way.
 * Only strict DER is accepted, as OpenSSL's verifier requires.
 *
 * @throws {@link Sm2SignatureFormatError} when `der` is not a DER SEQUENCE of two INTEGERs in range.
 * @example
 * const hex = sm2SignatureToRaw(sm2Sign(key, message)).toString('hex'); // what sm-crypto's doVerifySignature takes
 */
export function sm2SignatureToRaw(der: Uint8Array): Buffer {
  const bytes = Buffer.from(der.buffer, der.byteOffset, der.byteLength);
  if (bytes.length < 2 || bytes[0] !== 0x30 || bytes[1] !== bytes.length - 2) {
    throw new Sm2SignatureFormatError('not a DER SM2 signature: expected one SEQUENCE { r INTEGER, s INTEGER } with nothing after it');
  }
  const r = readInteger(bytes, 2, 'r');
  const s = readInteger(bytes, r.next, 's');
  if (s.next !== bytes.length) throw new Sm2SignatureFormatError('not a DER SM2 signature: the SEQUENCE holds more than r and s');
  return Buffer.concat([r.value, s.value]);
}

/**
 * Raw r ‖ s (64 bytes) as the DER signature that {@link sm2Verify} and OpenSSL take.
 *
 * @throws {@link Sm2SignatureFormatError} when `raw` is not 64 bytes.
 * @example
 * sm2Verify(publicKey, message, sm2SignatureFromRaw(Buffer.from(hexFromPartner, 'hex')));
 */
export function sm2SignatureFromRaw(raw: Uint8Array): Buffer {
  if (raw.byteLength !== 2 * SCALAR_BYTES) {
    throw new Sm2SignatureFormatError(`a raw SM2 signature is r ‖ s, ${2 * SCALAR_BYTES} bytes; got ${raw.byteLength}`);
  }
  const bytes = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  const body = Buffer.concat([derInteger(bytes.subarray(0, SCALAR_BYTES)), derInteger(bytes.subarray(SCALAR_BYTES))]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

function readInteger(bytes: Buffer, at: number, name: string): { value: Buffer; next: number } {
  const length = bytes[at + 1];
  if (bytes[at] !== 0x02 || length === undefined || length === 0 || length > SCALAR_BYTES + 1 || at + 2 + length > bytes.length) {
    throw new Sm2SignatureFormatError(`not a DER SM2 signature: ${name} is not an INTEGER of 1 to ${SCALAR_BYTES} bytes`);
  }
  const content = bytes.subarray(at + 2, at + 2 + length);
  const first = content[0] as number;
  const second = content[1];
  if (first >= 0x80 || (first === 0x00 && (second === undefined || second < 0x80))) {
    throw new Sm2SignatureFormatError(`not a DER SM2 signature: ${name} is negative or not in minimal DER form`);
  }
  const magnitude = first === 0x00 ? content.subarray(1) : content;
  if (magnitude.length > SCALAR_BYTES) throw new Sm2SignatureFormatError(`not a DER SM2 signature: ${name} is longer than ${SCALAR_BYTES} bytes`);
  const value = Buffer.alloc(SCALAR_BYTES);
  magnitude.copy(value, SCALAR_BYTES - magnitude.length);
  return { value, next: at + 2 + length };
}

function derInteger(unsigned: Buffer): Buffer {
  let start = 0;
  while (start < unsigned.length - 1 && unsigned[start] === 0) start++;
  const magnitude = unsigned.subarray(start);
  const content = (magnitude[0] as number) >= 0x80 ? Buffer.concat([Buffer.from([0]), magnitude]) : magnitude;
  return Buffer.concat([Buffer.from([0x02, content.length]), content]);
}
