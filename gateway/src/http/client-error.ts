import { randomUUID } from 'node:crypto';
import { maxHeaderSize, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors';

/**
 * Answers a request that Node's HTTP parser refused before Fastify saw it (headers too large,
 * a malformed or duplicated Content-Length, garbage instead of HTTP) in the API's one error
 * shape, with a request id like every other answer, then closes the connection: after a parse
 * error the rest of the stream cannot be trusted.
 */
export function answerClientError(this: FastifyInstance, error: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const apiError = toApiError(error);
  const requestId = randomUUID();
  this.log.info({ reqId: requestId, code: error.code, status: apiError.statusCode }, apiError.message);
  if (socket.writable) {
    const body = JSON.stringify(apiError.toBody());
    socket.write([
      `HTTP/1.1 ${apiError.statusCode} ${STATUS_CODES[apiError.statusCode] ?? ''}`,
      'Content-Type: application/json; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(body)}`,
      `x-request-id: ${requestId}`,
      'Connection: close',
      '',
      body,
    ].join('\r\n'));
  }
  socket.destroy();
}

function toApiError(error: NodeJS.ErrnoException): ApiError {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return new ApiError(431, 'headers_too_large', `the request's headers are larger than the ${maxHeaderSize} bytes the gateway accepts in all; send fewer or shorter headers`);
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new ApiError(408, 'request_timeout', 'the request was not received in time; send it again');
    case 'HPE_INVALID_CONTENT_LENGTH':
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      return new ApiError(400, 'invalid_request', 'the Content-Length header is malformed, repeated with different values, or sent with Transfer-Encoding; send one Content-Length that is the body\'s size in bytes');
    default:
      return new ApiError(400, 'invalid_request', `the request is not well-formed HTTP/1.1 (${error.code ?? 'parse error'}); check the client`);
  }
}
