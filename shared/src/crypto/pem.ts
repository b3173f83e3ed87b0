/**
 * PEM (RFC 7468): DER bytes as base64 text between `-----BEGIN <label>-----` and
 * `-----END <label>-----` lines, the form OpenSSL reads and writes by default.
 */

/** One PEM block: its label (e.g. `PRIVATE KEY`) and the DER bytes it carries. */
export interface PemBlock {
  readonly label: string;
  readonly der: Buffer;
}

/** Thrown for text that looks like PEM but is not well-formed. */
export class PemError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PemError';
  }
}

const BEGIN = /-----BEGIN ([A-Z0-9 ]+)-----/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Whether `bytes` are PEM text rather than DER (DER starts with a tag byte, never with `-`). */
export function looksLikePem(bytes: Uint8Array): boolean {
  const start = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 64)).toString('latin1');
  return start.trimStart().startsWith('-----BEGIN ');
}

/** The first PEM block in `text`; text before and after it (comments, a second block) is ignored. */
export function decodePem(text: string): PemBlock {
  const begin = BEGIN.exec(text);
  if (begin === null) throw new PemError('no "-----BEGIN ...-----" line found');
  const label = begin[1] as string;
  const endLine = `-----END ${label}-----`;
  const bodyStart = begin.index + begin[0].length;
  const end = text.indexOf(endLine, bodyStart);
  if (end < 0) throw new PemError(`the "${label}" block has no "${endLine}" line; the PEM text is cut short`);
  const rawBody = text.slice(bodyStart, end);
  if (/^Proc-Type:/m.test(rawBody)) {
    throw new PemError(`the "${label}" block is encrypted (it has a Proc-Type header); decrypt it first, e.g. \`openssl pkcs8 -topk8 -nocrypt -in key.pem -out plain.pem\``);
  }
  const body = rawBody.replace(/\s+/g, '');
  if (!BASE64.test(body) || body.length % 4 !== 0) throw new PemError(`the "${label}" block is not valid base64`);
  return { label, der: Buffer.from(body, 'base64') };
}

/** DER bytes as a PEM block with 64-character lines, ending with a newline, as OpenSSL writes it. */
export function encodePem(label: string, der: Uint8Array): string {
  // A view, not a copy: the DER may be a private key, and a copy would outlive the caller's wipe.
  const lines = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
