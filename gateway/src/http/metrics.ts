import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one gateway process, served at /metrics. */
export interface GatewayMetrics {
  readonly registry: Registry;
  observeRequest(method: string, operation: string, status: number, seconds: number): void;
}

export function newGatewayMetrics(): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'citytrust_gateway_' });
  const requests = new Counter({ name: 'citytrust_gateway_requests_total', help: 'Requests answered, by operation and status.', labelNames: ['method', 'operation', 'status'], registers: [registry] });
  const latency = new Histogram({
    name: 'citytrust_gateway_request_duration_seconds',
    help: 'Time to answer a request, by operation.',
    labelNames: ['operation'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return {
    registry,
    observeRequest(method, operation, status, seconds) {
      requests.inc({ method, operation, status: String(status) });
      latency.observe({ operation }, seconds);
    },
  };
}
