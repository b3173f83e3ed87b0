/**
 * Every error the API returns has one shape, `{"error": {"code", "message", "details"}}`, and a
 * status code a client can act on: 4xx means "fix your request" (or "you may not"), 429 and
 * 503 come with Retry-After and mean "try again later".
 */
export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
    /** Seconds after which a retry may succeed (429, 503). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}

/** 400: the request is malformed or a field is wrong; `field` names it. */
export class InvalidRequestError extends ApiError {
  constructor(message: string, field?: string, details: Record<string, unknown> = {}) {
    super(400, 'invalid_request', message, field === undefined ? details : { field, ...details });
  }
}

/** 401: no usable credentials; the message says what was wrong with them. */
export class UnauthenticatedError extends ApiError {
  constructor(message: string) {
    super(401, 'unauthenticated', message);
  }
}

/** 403: the caller is known but may not do this; the message says why. */
export class ForbiddenError extends ApiError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(403, 'forbidden', message, details);
  }
}

export class NotFoundError extends ApiError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(404, 'not_found', message, details);
  }
}

/** 409: the request conflicts with what exists (a duplicate, a state that forbids it). */
export class ConflictError extends ApiError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(409, 'conflict', message, details);
  }
}

/** 503: the ledger (or another dependency) cannot be reached; retry after the given delay. */
export class DependencyUnavailableError extends ApiError {
  constructor(dependency: 'ledger' | 'database', reason: string, retryAfterSeconds = 5) {
    super(503, `${dependency}_unavailable`, `the ${dependency} is unavailable: ${reason}`, { dependency }, retryAfterSeconds);
  }
}
