/**
 * Deterministic JSON (RFC 8785, the JSON Canonicalization Scheme).
 *
 * Every endorsing peer must produce the same bytes for the same record, and a seal (an SM2
 * signature over the SM3 digest of a record) must be checkable by anyone who re-serialises
 * the record. Both need one canonical byte form: object keys sorted by UTF-16 code units,
 * no insignificant white space, numbers and strings in ECMAScript's own JSON form.
 */

/** A value that has exactly one canonical JSON form. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Thrown when a value has no JSON form (undefined, a function, NaN, a bigint, a cycle...). */
export class CanonicalJsonError extends Error {
  constructor(readonly path: string, problem: string) {
    super(`cannot serialise ${path} canonically: ${problem}`);
    this.name = 'CanonicalJsonError';
  }
}

/** Serialises `value` to its canonical JSON text. */
export function canonicalJson(value: unknown): string {
  return serialise(value, '$', new Set());
}

/** The canonical JSON of `value` as UTF-8 bytes: what gets hashed and signed. */
export function canonicalJsonBytes(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}

function serialise(value: unknown, path: string, ancestors: Set<object>): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalJsonError(path, `${value} is not a JSON number`);
      return JSON.stringify(value);
    case 'object':
      if (value === null) return 'null';
      return serialiseContainer(value, path, ancestors);
    default:
      throw new CanonicalJsonError(path, `${typeof value} has no JSON form`);
  }
}

function serialiseContainer(value: object, path: string, ancestors: Set<object>): string {
  if (ancestors.has(value)) throw new CanonicalJsonError(path, 'the value contains itself');
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      return `[${value.map((item, i) => serialise(item, `${path}[${i}]`, ancestors)).join(',')}]`;
    }
    if (!isPlainObject(value)) {
      throw new CanonicalJsonError(path, `a ${value.constructor?.name ?? 'non-plain'} object has no canonical form; convert it first`);
    }
    const members = Object.keys(value)
      .sort(compareUtf16)
      .map((key) => `${JSON.stringify(key)}:${serialise((value as Record<string, unknown>)[key], `${path}.${key}`, ancestors)}`);
    return `{${members.join(',')}}`;
  } finally {
    ancestors.delete(value);
  }
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** RFC 8785 §3.2.3: keys sort by their UTF-16 code units, which is what `<` on strings does. */
function compareUtf16(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
