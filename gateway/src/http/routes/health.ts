import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { Health } from '../schemas';
import type { GatewayServices } from '../services';

/** Liveness with what matters: can the gateway reach its database and the ledger? */
export function healthRoutes({ database, ledger, metrics }: GatewayServices): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/healthz', {
      schema: {
        operationId: 'getHealth',
        summary: 'Health of the gateway, its database and the ledger',
        description: '200 when everything is reachable, 503 (with Retry-After) when the database or the ledger is not.',
        response: { 200: Health, 503: Health },
      },
    }, async (_request, reply) => {
      const [databaseHealth, ledgerHealth] = await Promise.all([database.health(), ledger.health()]);
      const body = {
        status: databaseHealth.reachable && ledgerHealth.reachable ? 'ok' as const : 'degraded' as const,
        components: { database: databaseHealth, ledger: ledgerHealth },
      };
      if (body.status === 'ok') return body;
      return reply.status(503).header('retry-after', '5').send(body);
    });

    app.get('/metrics', {
      schema: {
        operationId: 'getMetrics',
        summary: 'Prometheus metrics',
        response: { 200: { description: 'The Prometheus text exposition format (version 0.0.4).', content: { 'text/plain': { schema: Type.String() } } } },
      },
    }, async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
  };
}
