import type { TSchema } from '@sinclair/typebox';
import Ajv, { type ValidateFunction } from 'ajv';
import { InvalidRequestError } from '../errors';

/**
 * Checking a value against its one schema, outside the HTTP layer: the CLI before it writes and
 * the user store before any INSERT or UPDATE use this, while the API's validator uses the same
 * schemas, so no path can accept a value another refuses. Both are Ajv with JSON Schema's own
 * semantics: a string's length is counted in characters (code points), as the published OpenAPI
 * document promises and any client's validator counts it, and patterns are Unicode regexps.
 */
const ajv = new Ajv({ strict: false });
const validators = new WeakMap<TSchema, ValidateFunction>();

function validatorOf(schema: TSchema): ValidateFunction {
  let validate = validators.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    validators.set(schema, validate);
  }
  return validate;
}
export interface ValueProblem {
  /** The rule the value breaks, for a person: the schema's description, or the values allowed. */
  readonly rule: string;
  /** For an enumeration (a role), every value it allows. */
  readonly allowed?: readonly string[];
}

/** What is wrong with `value` under `schema`, or undefined when it is fine. */
export function valueProblem(schema: TSchema, value: unknown): ValueProblem | undefined {
  return validatorOf(schema)(value) ? undefined : ruleOf(schema);
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
