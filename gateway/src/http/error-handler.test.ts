import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FastifyError, FastifyRequest } from 'fastify';
import { toApiError } from './error-handler';

const request = { id: 'req-1', routeOptions: { bodyLimit: 1024 }, headers: {} } as unknown as FastifyRequest;

test('a SyntaxError thrown while answering (bad bytes from a dependency, a bug) is an internal error, not the caller\'s bad JSON', () => {
  let thrown: unknown;
  try {
    JSON.parse('{"half": ');
  } catch (error) {
    thrown = error;
  }
  const answer = toApiError(thrown as FastifyError, request);
  assert.deepEqual([answer.statusCode, answer.code, answer.message], [500, 'internal', 'internal error; quote request id req-1 when reporting it']);
});

test('a body Fastify could not parse as JSON is the caller\'s 400, saying so', () => {
  const error = Object.assign(new Error('Body is not valid JSON but content-type is set to \'application/json\''), { code: 'FST_ERR_CTP_INVALID_JSON_BODY', statusCode: 400 }) as FastifyError;
  const answer = toApiError(error, request);
  assert.deepEqual([answer.statusCode, answer.code], [400, 'invalid_request']);
  assert.match(answer.message, /^the body is not valid JSON/);
});
