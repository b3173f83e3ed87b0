import type { Seal } from '@citytrust/shared';
import { InvalidArgumentError } from '../arguments';

const HEX_DIGEST = /^[0-9a-f]{64}$/;
// A DER SM2 signature is 8 to 72 bytes: at most 96 base64 characters.
const BASE64_SIGNATURE = /^[A-Za-z0-9+/]{8,96}={0,2}$/;

/** Reads a seal argument (JSON `{"keyId","digest","signature"}`), or says what is wrong with it. */
export function parseSeal(argument: string, json: string): Seal {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new InvalidArgumentError(argument, `must be JSON {"keyId","digest","signature"}, got ${JSON.stringify(json.slice(0, 200))}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidArgumentError(argument, 'must be a JSON object {"keyId","digest","signature"}');
  }
  const { keyId, digest, signature, ...extra } = parsed as Record<string, unknown>;
  const unknown = Object.keys(extra);
  if (unknown.length > 0) throw new InvalidArgumentError(argument, `has fields a seal does not have: ${unknown.join(', ')}`);
  return {
    keyId: requireHex(`${argument}.keyId`, keyId),
    digest: requireHex(`${argument}.digest`, digest),
    signature: requireSignature(`${argument}.signature`, signature),
  };
}

/** A 64-character lower-case hex value (a key id or an SM3 digest). */
export function requireHex(argument: string, value: unknown): string {
  if (typeof value !== 'string' || !HEX_DIGEST.test(value)) {
    throw new InvalidArgumentError(argument, `must be 64 lower-case hex characters (32 bytes), got ${JSON.stringify(value)}`);
  }
  return value;
}

function requireSignature(argument: string, value: unknown): string {
  if (typeof value !== 'string' || !BASE64_SIGNATURE.test(value) || value.length % 4 !== 0) {
    throw new InvalidArgumentError(argument, `must be a DER SM2 signature in base64 (at most 72 bytes), got ${JSON.stringify(typeof value === 'string' ? value.slice(0, 120) : value)}`);
  }
  return value;
}
