import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one gateway process, served at /metrics. */
export interface GatewayMetrics {
  readonly registry: Registry;
  observeRequest(method: string, operation: string, status: number, seconds: number): void;
  /** Publishes, at each scrape, how the gateway's ledger views (license status, access) are doing. */
  watchViews(views: Readonly<Record<string, () => LedgerViewStatus>>): void;
}

/** What a view that keeps ledger records in the gateway says of itself. */
export interface LedgerViewStatus {
  readonly state: 'idle' | 'following' | 'retrying' | 'closed';
  /** Answers it gave from what it holds, and those it left to the ledger. */
  readonly hits: number;
  readonly misses: number;
  readonly streamLosses: number;
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
    watchViews(views) {
      const each = (set: (view: string, status: LedgerViewStatus) => void) => {
        for (const [view, status] of Object.entries(views)) set(view, status());
      };
      // Gauges read at scrape time: the views count, the registry only reports.
      new Gauge({
        name: 'citytrust_gateway_view_following', help: '1 while the view follows the ledger\'s events and answers from what it holds; 0 while every answer goes to the ledger.',
        labelNames: ['view'], registers: [registry],
        collect() { each((view, status) => this.set({ view }, status.state === 'following' ? 1 : 0)); },
      });
      new Gauge({
        name: 'citytrust_gateway_view_answers', help: 'Answers since the start, from the view (source="view") or left to the ledger (source="ledger").',
        labelNames: ['view', 'source'], registers: [registry],
        collect() { each((view, status) => { this.set({ view, source: 'view' }, status.hits); this.set({ view, source: 'ledger' }, status.misses); }); },
      });
      new Gauge({
        name: 'citytrust_gateway_view_stream_losses', help: 'Times the view\'s event stream failed since the start; each made it forget what it held.',
        labelNames: ['view'], registers: [registry],
        collect() { each((view, status) => this.set({ view }, status.streamLosses)); },
      });
    },
  };
}
