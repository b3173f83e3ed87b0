import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { YogaServerInstance } from 'graphql-yoga';
import type { CreditGraphContext } from '../../credit/credit-graph';

/**
 * `/graphql`: the credit officers' GraphQL, behind the gateway's own door. The route has an
 * operation id like every other, so the same hooks rate-limit, authenticate and authorize it
 * (credit officers and auditors) before graphql-yoga sees the request; its schema is its own
 * documentation (introspection), so it stays out of the OpenAPI document.
 */
export function creditGraphRoutes(graph: YogaServerInstance<CreditGraphContext, object>): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.route({
      method: ['GET', 'POST'],
      url: '/graphql',
      schema: { operationId: 'queryCreditGraph', hide: true },
      handler: async (request, reply) => {
        const response = await graph.handleNodeRequestAndResponse(request, reply, { principal: request.principal! });
        response.headers.forEach((value, key) => void reply.header(key, value));
        reply.status(response.status);
        return reply.send(response.body);
      },
    });
  };
}
