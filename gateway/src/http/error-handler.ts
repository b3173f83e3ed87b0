import type { TSchema } from '@sinclair/typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, DependencyUnavailableError, InvalidRequestError } from '../errors';
import { ruleOf } from '../values';

/**
 * Turns anything thrown while answering a request into the API's one error shape. Known
 * errors keep their status and message; anything else is a 500 that is logged in full and
 * shown to the caller only as "internal error" with the request id, never a stack trace.
 */
export function toApiError(error: FastifyError, request: FastifyRequest): ApiError {
  if (error instanceof ApiError) return error;
  if (error.validation) return validationError(error);
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError(413, 'body_too_large', `the request body is larger than the ${request.routeOptions.bodyLimit} bytes this endpoint accepts`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError(415, 'unsupported_media_type', `send the body as application/json (got ${request.headers['content-type'] ?? 'no content type'})`);
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new InvalidRequestError('the body\'s size does not match its Content-Length header; send the exact size in bytes');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new InvalidRequestError('the body is empty but the content type says JSON; send a JSON object');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new InvalidRequestError(`the body is not valid JSON: ${error.message}`);
  }
  if (isDatabaseUnreachable(error)) return new DependencyUnavailableError('database', 'the gateway cannot reach its Postgres; retry shortly');
  if (error.statusCode === 429) return new ApiError(429, 'rate_limited', error.message);
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return new ApiError(error.statusCode, 'invalid_request', error.message);
  return new ApiError(500, 'internal', `internal error; quote request id ${request.id} when reporting it`);
}

/** Keywords whose failure means "the value breaks its rule", which the schema's description states. */
const ruleKeywords = new Set(['pattern', 'minLength', 'maxLength', 'const', 'enum', 'anyOf']);

type ValidationIssue = NonNullable<FastifyError['validation']>[number] & { parentSchema?: TSchema };

/**
 * A 400 naming the first wrong field. A value that breaks a rule from src/values is described
 * as the CLI and the user store describe it (an enumeration lists what it allows, in
 * `details.allowed`); unknown, missing and mistyped fields are named as such.
 */
function validationError(error: FastifyError): InvalidRequestError {
  const issues = error.validation as ValidationIssue[];
  const first = issues[0];
  const params = (first?.params ?? {}) as { additionalProperty?: string; missingProperty?: string };
  const path = (first?.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
  // Body fields are named as they are in the body; query and path parameters say where they are.
  const location = error.validationContext === 'body' ? undefined : error.validationContext;
  const field = [location, path, params.additionalProperty ?? params.missingProperty].filter(Boolean).join('.') || undefined;
  if (params.additionalProperty) return new InvalidRequestError(`${field} is not a known field`, field);
  // A union reports each branch first and itself last: the union's schema holds the rule.
  const broken = issues.find((issue) => issue.keyword === 'anyOf' && issue.instancePath === first?.instancePath) ?? first;
  if (field && broken?.parentSchema && ruleKeywords.has(broken.keyword)) {
    const { rule, allowed } = ruleOf(broken.parentSchema);
    return new InvalidRequestError(`${field} is not valid: ${rule}`, field, allowed ? { allowed } : {});
  }
  return new InvalidRequestError(`${field ?? 'the request'} ${first?.message ?? 'is invalid'}`, field);
}

export function sendApiError(error: ApiError, reply: FastifyReply): FastifyReply {
  if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
  return reply.status(error.statusCode).send(error.toBody());
}

/** Postgres connection failures (refused, dropped, shutting down, pool or query deadline passed), as opposed to query errors. */
const unreachableCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006']);

function isDatabaseUnreachable(error: FastifyError): boolean {
  return unreachableCodes.has(error.code) || /Connection terminated|timeout exceeded when trying to connect|Query read timeout/.test(error.message);
}
