/**
 * A minimal DER reader: enough of ASN.1 to take apart X.509 certificates, SubjectPublicKeyInfo,
 * PKCS#8 keys and ECDSA/SM2 signatures in the browser. Strict: indefinite lengths, non-minimal
 * lengths and trailing bytes are refused, as DER requires.
 */
export interface DerNode {
  readonly tag: number;
  /** The whole element, header included (what a signature covers). */
  readonly bytes: Uint8Array;
  readonly content: Uint8Array;
}

export const DerTag = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  oid: 0x06,
  utf8String: 0x0c,
  printableString: 0x13,
  ia5String: 0x16,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const;

/** Reads the one element that `bytes` must consist of. */
export function readDer(bytes: Uint8Array): DerNode {
  const [node, rest] = readElement(bytes);
  if (rest.length > 0) throw new Error(`DER: ${rest.length} byte(s) after the element`);
  return node;
}

/** The elements inside a constructed element (SEQUENCE, SET, or an explicit tag). */
export function derChildren(node: DerNode): DerNode[] {
  const children: DerNode[] = [];
  let rest = node.content;
  while (rest.length > 0) {
    const [child, after] = readElement(rest);
    children.push(child);
    rest = after;
  }
  return children;
}

/** A DER element expected at `index` of `node`'s children, with its tag checked. */
export function derChild(node: DerNode, index: number, tag?: number): DerNode {
  const child = derChildren(node)[index];
  if (!child) throw new Error(`DER: no element at position ${index}`);
  if (tag !== undefined && child.tag !== tag) throw new Error(`DER: expected tag 0x${tag.toString(16)} at position ${index}, found 0x${child.tag.toString(16)}`);
  return child;
}

/** A dotted OBJECT IDENTIFIER. */
export function derOid(node: DerNode): string {
  if (node.tag !== DerTag.oid) throw new Error('DER: not an OBJECT IDENTIFIER');
  const parts: number[] = [];
  let value = 0;
  for (const byte of node.content) {
    value = value * 128 + (byte & 0x7f);
    if (byte & 0x80) continue;
    if (parts.length === 0) parts.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
    else parts.push(value);
    value = 0;
  }
  return parts.join('.');
}

/** A non-negative INTEGER as a bigint; refuses negative and non-minimal encodings. */
export function derUnsigned(node: DerNode): bigint {
  const { content } = node;
  if (node.tag !== DerTag.integer || content.length === 0) throw new Error('DER: not an INTEGER');
  if (content[0]! & 0x80) throw new Error('DER: negative INTEGER');
  if (content.length > 1 && content[0] === 0 && !(content[1]! & 0x80)) throw new Error('DER: INTEGER not minimally encoded');
  return bytesToBigInt(content);
}

/** The bits of a BIT STRING with no unused bits (keys and signatures). */
export function derBitString(node: DerNode): Uint8Array {
  if (node.tag !== DerTag.bitString || node.content[0] !== 0) throw new Error('DER: not a whole-byte BIT STRING');
  return node.content.subarray(1);
}

export function bytesToBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

export function bigIntToBytes(value: bigint, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let rest = value;
  for (let i = length - 1; i >= 0; i--) {
    bytes[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return bytes;
}

/** DER `SEQUENCE { r INTEGER, s INTEGER }`, the signature encoding of ECDSA and SM2. */
export function encodeDerSignature(r: bigint, s: bigint): Uint8Array {
  const integer = (value: bigint) => {
    let hex = value.toString(16);
    if (hex.length % 2) hex = `0${hex}`;
    if (Number.parseInt(hex.slice(0, 2), 16) & 0x80) hex = `00${hex}`;
    const body = Uint8Array.from(hex.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
    return Uint8Array.of(DerTag.integer, body.length, ...body);
  };
  const body = [...integer(r), ...integer(s)];
  return Uint8Array.of(DerTag.sequence, body.length, ...body);
}

/** Parses a strict DER `SEQUENCE { r, s }`; undefined for anything else. */
export function decodeDerSignature(der: Uint8Array): { r: bigint; s: bigint } | undefined {
  try {
    const sequence = readDer(der);
    const children = derChildren(sequence);
    if (sequence.tag !== DerTag.sequence || children.length !== 2) return undefined;
    return { r: derUnsigned(children[0]!), s: derUnsigned(children[1]!) };
  } catch {
    return undefined;
  }
}

function readElement(bytes: Uint8Array): [DerNode, Uint8Array] {
  if (bytes.length < 2) throw new Error('DER: truncated element');
  const tag = bytes[0]!;
  if ((tag & 0x1f) === 0x1f) throw new Error('DER: multi-byte tags are not used here');
  let length = bytes[1]!;
  let header = 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new Error('DER: indefinite or oversized length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[2 + i]!;
    if (length < 0x80 || (count > 1 && bytes[2] === 0)) throw new Error('DER: length not minimally encoded');
    header += count;
  }
  const end = header + length;
  if (end > bytes.length) throw new Error('DER: element runs past the end of its data');
  return [{ tag, bytes: bytes.subarray(0, end), content: bytes.subarray(header, end) }, bytes.subarray(end)];
}
