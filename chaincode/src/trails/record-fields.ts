import { InvalidArgumentError } from '../arguments';

/**
 * Reading a JSON record argument field by field, so each contract checks its records once, at
 * the edge, with messages that name the field (`trail.items[2] must be ...`).
 */
export class RecordFields {
  private constructor(private readonly argument: string, private readonly fields: Record<string, unknown>) {}

  /** Parses `json` as an object whose fields are all among `known`; anything else is refused. */
  static parse(argument: string, json: string, known: readonly string[]): RecordFields {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      throw new InvalidArgumentError(argument, `must be a JSON object, got ${JSON.stringify(json.slice(0, 200))}`);
    }
    return RecordFields.of(argument, parsed, known);
  }

  /** Reads an already-parsed value (a nested object) the same way. */
  static of(argument: string, value: unknown, known: readonly string[]): RecordFields {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidArgumentError(argument, 'must be a JSON object');
    const unknown = Object.keys(value).filter((field) => !known.includes(field));
    if (unknown.length > 0) throw new InvalidArgumentError(argument, `has fields it does not define: ${unknown.join(', ')} (it has ${known.join(', ')})`);
    return new RecordFields(argument, value as Record<string, unknown>);
  }

  name(field: string): string {
    return `${this.argument}.${field}`;
  }

  raw(field: string): unknown {
    return this.fields[field];
  }

  has(field: string): boolean {
    return this.fields[field] !== undefined;
  }

  /**
   * A string matching `pattern` (and at most `maxLength` characters, counted as JSON Schema and
   * the gateway's API count them: code points), described for the error as `what`.
   */
  string(field: string, pattern: RegExp, what: string, maxLength = 200): string {
    const value = this.fields[field];
    if (typeof value !== 'string' || characters(value) > maxLength || !pattern.test(value)) {
      throw new InvalidArgumentError(this.name(field), `must be ${what}, got ${JSON.stringify(value === undefined ? null : value)}`);
    }
    return value;
  }

  /** Text a person wrote: non-blank, at most `maxLength` characters. */
  text(field: string, maxLength: number): string {
    return this.string(field, /\S/, `text of 1 to ${maxLength} characters`, maxLength);
  }

  oneOf<T extends string>(field: string, values: readonly T[]): T {
    const value = this.fields[field];
    if (typeof value !== 'string' || !values.includes(value as T)) {
      throw new InvalidArgumentError(this.name(field), `must be one of ${values.join(', ')}, got ${JSON.stringify(value ?? null)}`);
    }
    return value as T;
  }

  integer(field: string, min: number, max: number): number {
    const value = this.fields[field];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new InvalidArgumentError(this.name(field), `must be an integer from ${min} to ${max}, got ${JSON.stringify(value ?? null)}`);
    }
    return value;
  }

  /** A non-empty array of distinct strings, each matching `pattern`. */
  strings(field: string, pattern: RegExp, what: string, maxItems: number): string[] {
    const value = this.fields[field];
    if (!Array.isArray(value) || value.length === 0 || value.length > maxItems) {
      throw new InvalidArgumentError(this.name(field), `must be an array of 1 to ${maxItems} ${what}s`);
    }
    value.forEach((item: unknown, index) => {
      if (typeof item !== 'string' || !pattern.test(item)) throw new InvalidArgumentError(`${this.name(field)}[${index}]`, `must be ${what}, got ${JSON.stringify(item)}`);
    });
    if (new Set(value).size !== value.length) throw new InvalidArgumentError(this.name(field), 'must not name an item twice');
    return value as string[];
  }
}

/** A string's length in characters (code points), not UTF-16 code units. */
export function characters(value: string): number {
  let count = 0;
  for (const _ of value) count += 1;
  return count;
}
