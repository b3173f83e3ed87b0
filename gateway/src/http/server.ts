import { randomUUID } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { accessFor, authorize, isOperationId, type OperationId } from '../authorization';
import { ApiError, NotFoundError } from '../errors';
import type { Principal } from '../principal';
import { sendApiError, toApiError } from './error-handler';
import { ErrorBody } from './schemas';
import type { GatewayServices } from './services';
import { authRoutes } from './routes/auth';
import { citizenRoutes } from './routes/citizens';
import { healthRoutes } from './routes/health';
import { meRoutes } from './routes/me';
import { userRoutes } from './routes/users';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling; set for every non-public operation before its handler runs. */
    principal?: Principal;
  }
  interface FastifyContextConfig {
    operationId?: OperationId;
  }
}

export type GatewayServer = FastifyInstance<any, any, any, any, TypeBoxTypeProvider>;

const docsPrefix = '/api/v1/docs';
const requestIdPattern = /^[A-Za-z0-9._-]{8,128}$/;

/**
 * The gateway's HTTP API: conventions first (request ids, one error shape, authentication,
 * the authorization table, rate limits, metrics, OpenAPI), then the routes.
 */
export async function buildServer(services: GatewayServices, logger: FastifyServerOptions['logger'] = { level: services.config.logLevel }): Promise<GatewayServer> {
  const { config, authenticator, metrics } = services;
  const app = Fastify({
    logger,
    bodyLimit: config.bodyLimitBytes,
    // Accept a caller's request id so a trace can cross systems; make one otherwise.
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && requestIdPattern.test(given) ? given : randomUUID();
    },
    // Unknown fields are errors, and "5" is not a number: types are checked, not coerced.
    // Lengths in UTF-16 code units and patterns without the `u` flag, as TypeBox checks them in
    // the CLI and the user store (src/values), so the API and they cannot disagree on a value;
    // `verbose` hands the error handler the failing schema, whose description states the rule.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: true, unicode: false, unicodeRegExp: false, verbose: true } },
    return503OnClosing: true,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addSchema(ErrorBody);
  app.addHook('onRoute', (route) => {
    const operationId = route.url.startsWith(docsPrefix) ? 'getApiDocs' : route.schema?.operationId;
    if (operationId === undefined || !isOperationId(operationId)) {
      throw new Error(`route ${route.method} ${route.url} has operation id '${operationId}', which the authorization table does not list`);
    }
    route.config = { ...route.config, operationId };
    if (route.schema && !route.schema.hide) {
      const access = accessFor(operationId);
      route.schema = {
        ...route.schema,
        security: access === 'public' ? [] : [{ bearer: [] }],
        description: `${route.schema.description ?? ''}\n\n**Who may call:** ${access === 'public' ? 'anyone' : access.join(', ')}.`.trim(),
      };
    }
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'CityTrust gateway API',
        version: '1.0.0',
        description: 'The one door to the CityTrust ledger for people. Every error has the shape `{"error": {"code", "message", "details"}}`; 401/403 say why; 429 and 503 carry Retry-After.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A token from POST /api/v1/auth/login, or from the city\'s unified identity platform.' } } },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: docsPrefix });

  app.addHook('onRequest', async (request) => {
    const operationId = request.routeOptions.config.operationId;
    if (operationId === undefined || accessFor(operationId) === 'public') return;
    request.principal = await authenticator.authenticate(request.headers.authorization);
    authorize(request.principal, operationId);
  });
  await app.register(rateLimit, {
    global: true,
    hook: 'onRequest',
    max: config.rateLimitMax,
    timeWindow: config.rateLimitWindowMs,
    keyGenerator: (request) => request.principal?.id ?? request.ip,
    errorResponseBuilder: (_request, context) =>
      new ApiError(429, 'rate_limited', `too many requests: at most ${context.max} per ${context.after}; retry after ${Math.ceil(context.ttl / 1000)} s`, { limit: context.max }, Math.ceil(context.ttl / 1000)),
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    metrics.observeRequest(request.method, request.routeOptions.config.operationId ?? 'unknown', reply.statusCode, reply.elapsedTime / 1000);
  });

  app.setErrorHandler((error, request, reply) => {
    const apiError = toApiError(error as FastifyError, request);
    if (apiError.statusCode >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: apiError.code, status: apiError.statusCode }, apiError.message);
    return sendApiError(apiError, reply);
  });
  app.setNotFoundHandler((request, reply) => sendApiError(new NotFoundError(`no endpoint ${request.method} ${request.url.split('?')[0]}; see /api/v1/openapi.json`), reply));

  await app.register(healthRoutes(services));
  await app.register(authRoutes(services));
  await app.register(meRoutes());
  await app.register(userRoutes(services));
  await app.register(citizenRoutes(services));
  app.get('/api/v1/openapi.json', { schema: { operationId: 'getOpenApi', hide: true } }, async () => app.swagger());
  return app;
}
