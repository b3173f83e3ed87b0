import type { FastifyRequest } from 'fastify';
import type { OperationId } from '../authorization';
import type { GatewayConfig } from '../config';
import { ApiError } from '../errors';
import { newFixedWindowCounter } from './fixed-window-counter';

/**
 * How many requests a caller may make per window, checked before anything costly (the database,
 * password hashing) is done for them:
 * - a verified token's user spends their own budget, wherever they connect from, so colleagues
 *   behind one office address do not share one;
 * - everything else (no token, a bad token, public endpoints) spends the budget of its client
 *   address, which is the TCP peer unless a trusted proxy says otherwise;
 * - /healthz and /metrics have a budget of their own per address, so monitoring scrapes never
 *   use up the one that logins need (and a flood of logins cannot blind the monitoring).
 */
export interface RequestBudgets {
  /** Counts the request; throws a 429 with Retry-After once its budget for the window is spent. */
  spend(request: FastifyRequest, operationId: OperationId | undefined, tokenSubject: string | undefined): void;
}

const operationsEndpoints: ReadonlySet<OperationId | undefined> = new Set<OperationId>(['getHealth', 'getMetrics']);

export function newRequestBudgets(config: GatewayConfig): RequestBudgets {
  const windowSeconds = config.rateLimitWindowMs / 1000;
  const callers = newFixedWindowCounter(config.rateLimitWindowMs);
  const operations = newFixedWindowCounter(config.rateLimitWindowMs);
  return {
    spend(request, operationId, tokenSubject) {
      const [counter, key, max, whose] = operationsEndpoints.has(operationId)
        ? [operations, request.ip, config.limits.operationsRateLimitMax, `to /healthz and /metrics from address ${request.ip}`]
        : tokenSubject !== undefined
          ? [callers, `user ${tokenSubject}`, config.rateLimitMax, 'for this user']
          : [callers, `address ${request.ip}`, config.rateLimitMax, `from address ${request.ip} without a valid token`];
      const { count, retryAfterSeconds } = counter.add(key);
      if (count <= max) return;
      throw new ApiError(429, 'rate_limited', `too many requests ${whose}: at most ${max} per ${windowSeconds} s; retry after ${retryAfterSeconds} s`,
        { limit: max, windowSeconds }, retryAfterSeconds);
    },
  };
}
