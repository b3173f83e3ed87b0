/**
 * Checks on transaction arguments, done once at the edge of each transaction function.
 *
 * Fabric hands a transaction its arguments as strings. Each check here turns one string into the
 * value the transaction needs, or throws an {@link InvalidArgumentError} whose message names the
 * argument, shows what was given and says what would be accepted. The message reaches the client
 * as the endorsement error, so it is written for the person who built the request.
 */

/** Thrown when a transaction argument cannot be used; the message says what to send instead. */
export class InvalidArgumentError extends Error {
  constructor(readonly argument: string, problem: string) {
    super(`${argument} ${problem}`);
    this.name = 'InvalidArgumentError';
  }
}

/** Fabric's composite key separator: it starts every composite key and ends every part of one. */
export const COMPOSITE_KEY_SEPARATOR = '\u0000';
/** The highest code point; Fabric ends partial-composite-key ranges with it. */
export const MAX_UNICODE_CODE_POINT = '\u{10FFFF}';

/** Fabric's QueryMetadata.page_size is an int32. */
const MAX_PAGE_SIZE = 2 ** 31 - 1;
const DECIMAL_INTEGER = /^(0|[1-9][0-9]*)$/;

/** A state key: any non-empty string (simple or composite). */
export function requireKey(argument: string, key: string): string {
  if (key.length === 0) throw new InvalidArgumentError(argument, 'must be a non-empty key');
  return key;
}

/**
 * A value to write. Fabric records an empty write as a delete (`KVWrite.is_delete` is set when
 * the value is empty), so an empty value would silently remove the key.
 */
export function requireValue(argument: string, value: string): string {
  if (value.length === 0) {
    throw new InvalidArgumentError(argument, 'must not be empty: Fabric records an empty write as a delete; call delete(key) to remove a key');
  }
  return value;
}

/**
 * One end of a simple-key range. Empty means open-ended. Simple-key ranges never reach composite
 * keys, so a bound in the composite namespace (starting with U+0000) is refused, as the shim does.
 */
export function requireRangeBound(argument: string, bound: string): string {
  if (bound.startsWith(COMPOSITE_KEY_SEPARATOR)) {
    throw new InvalidArgumentError(argument, `must not start with U+0000, the composite key namespace; use queryByPartialCompositeKey for composite keys, got ${JSON.stringify(bound)}`);
  }
  return bound;
}

/** A composite key's object type: non-empty, and free of the characters that delimit composite keys. */
export function requireObjectType(argument: string, objectType: string): string {
  return requireCompositeKeyPart(argument, objectType);
}

/**
 * A composite key's attributes, sent as a JSON array of strings (e.g. `["Finance","2024"]`):
 * Fabric passes one string per argument, and the number of attributes varies.
 */
export function parseAttributes(argument: string, attributesJson: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(attributesJson);
  } catch {
    throw new InvalidArgumentError(argument, `must be a JSON array of strings such as ["Finance","2024"], got ${JSON.stringify(attributesJson)}`);
  }
  if (!Array.isArray(parsed)) {
    throw new InvalidArgumentError(argument, `must be a JSON array of strings such as ["Finance","2024"], got ${JSON.stringify(attributesJson)}`);
  }
  return parsed.map((attribute: unknown, index) => {
    if (typeof attribute !== 'string') {
      throw new InvalidArgumentError(`${argument}[${index}]`, `must be a string, got ${JSON.stringify(attribute)}`);
    }
    return requireCompositeKeyPart(`${argument}[${index}]`, attribute);
  });
}

/** A page size: 0 asks for every record in one answer, more asks for pages of that many. */
export function parsePageSize(argument: string, pageSize: string): number {
  if (!DECIMAL_INTEGER.test(pageSize) || Number(pageSize) > MAX_PAGE_SIZE) {
    throw new InvalidArgumentError(argument, `must be a non-negative integer no greater than ${MAX_PAGE_SIZE} (0 for no paging), got ${JSON.stringify(pageSize)}`);
  }
  return Number(pageSize);
}

/** A bookmark only means something to a paged query; refusing it otherwise catches a mixed-up call. */
export function requireBookmarkFitsPaging(argument: string, bookmark: string, pageSize: number): string {
  if (pageSize === 0 && bookmark.length > 0) {
    throw new InvalidArgumentError(argument, `is only meaningful with pageSize > 0; send an empty bookmark or a page size, got ${JSON.stringify(bookmark)}`);
  }
  return bookmark;
}

/** A counter's stored value: a decimal integer that can still be incremented exactly. */
export function parseCounter(key: string, stored: string): number {
  if (!DECIMAL_INTEGER.test(stored) || Number(stored) >= Number.MAX_SAFE_INTEGER) {
    throw new InvalidArgumentError('key', `${JSON.stringify(key)} holds ${JSON.stringify(stored)}, not a counter below ${Number.MAX_SAFE_INTEGER}; increment only keys that are absent or hold a decimal integer`);
  }
  return Number(stored);
}

/** An event name: Fabric refuses an empty one. */
export function requireEventName(argument: string, eventName: string): string {
  if (eventName.length === 0) throw new InvalidArgumentError(argument, 'must be a non-empty event name');
  return eventName;
}

function requireCompositeKeyPart(argument: string, part: string): string {
  if (part.length === 0) throw new InvalidArgumentError(argument, 'must be a non-empty string');
  if (part.includes(COMPOSITE_KEY_SEPARATOR) || part.includes(MAX_UNICODE_CODE_POINT)) {
    throw new InvalidArgumentError(argument, `must not contain U+0000 or U+10FFFF, which delimit composite keys, got ${JSON.stringify(part)}`);
  }
  return part;
}
