import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { InvalidRequestError } from '../errors';

/**
 * Checking a value against its one schema, outside the HTTP layer: the CLI before it writes and
 * the user store before any INSERT or UPDATE use this, while the API's validator uses the same
 * schemas, so no path can accept a value another refuses. Both count a string's length in UTF-16
 * code units and match patterns without the `u` flag (the server's Ajv is set up that way).
 */
export interface ValueProblem {
  /** The rule the value breaks, for a person: the schema's description, or the values allowed. */
  readonly rule: string;
  /** For an enumeration (a role), every value it allows. */
  readonly allowed?: readonly string[];
}

/** What is wrong with `value` under `schema`, or undefined when it is fine. */
export function valueProblem(schema: TSchema, value: unknown): ValueProblem | undefined {
  return Value.Check(schema, value) ? undefined : ruleOf(schema);
}

/** Throws the API's 400 naming `field` when `value` breaks its schema. */
export function assertValue(field: string, schema: TSchema, value: unknown): void {
  const problem = valueProblem(schema, value);
  if (problem) throw new InvalidRequestError(`${field} is not valid: ${problem.rule}`, field, problem.allowed ? { allowed: problem.allowed } : {});
}

/** A schema's rule in words: the values an enumeration allows, or what its description says. */
export function ruleOf(schema: TSchema): ValueProblem {
  const allowed = allowedValues(schema);
  if (allowed) return { rule: `it must be one of ${allowed.join(', ')}`, allowed };
  return { rule: typeof schema.description === 'string' ? schema.description : 'it does not match the schema' };
}

/** The values of a union of string literals (how TypeBox writes an enumeration), else undefined. */
function allowedValues(schema: TSchema): string[] | undefined {
  const branches: unknown = schema.anyOf;
  if (!Array.isArray(branches) || branches.length === 0) return undefined;
  const values = branches.map((branch: { const?: unknown }) => branch.const);
  return values.every((value): value is string => typeof value === 'string') ? values : undefined;
}
