import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import { tokenSubject, type VerifiedToken } from '../auth/authenticator';
import { accessFor, authorize, isOperationId, type OperationId } from '../authorization';
import { ApiError, InvalidRequestError, NotFoundError, UnauthenticatedError } from '../errors';
import type { Principal } from '../principal';
import { newAllowedMethods } from './allowed-methods';
import { sendApiError, toApiError } from './error-handler';
import { ErrorBody } from './schemas';
import { answerClientError } from './client-error';
import { newRequestBudgets } from './request-budgets';
import { SealKeyView } from './seal-schemas';
import type { GatewayServices } from './services';
import { auditRoutes } from './routes/audit';
import { authRoutes } from './routes/auth';
import { explorerAssets } from './routes/explorer-assets';
import { explorerRoutes } from './routes/explorer';
import { citizenRoutes } from './routes/citizens';
import { enterpriseRoutes } from './routes/enterprises';
import { creditRoutes } from './routes/credit';
import { creditCodeRoutes } from './routes/credit-codes';
import { creditGraphRoutes } from './routes/credit-graph';
import { healthRoutes } from './routes/health';
import { licenseRoutes } from './routes/licenses';
import { meRoutes } from './routes/me';
import { myCreditRoutes } from './routes/my-credit';
import { myDataRoutes } from './routes/my-data';
import { sealRoutes } from './routes/seals';
import { trailRoutes } from './routes/trails';
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
/** Longer than any id, code or e-license identifier a path names (those are at most about 100). */
const maxPathSegmentLength = 200;

/**
 * The gateway's HTTP API: conventions first (request ids, one error shape, rate limits, then
 * authentication and the authorization table, metrics, OpenAPI), then the routes.
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
    // JSON Schema's own semantics (lengths in characters, Unicode patterns), as the CLI and the
    // user store check the same schemas (src/values/value-rule.ts), so they cannot disagree on a
    // value; `verbose` hands the error handler the failing schema, whose description states the rule.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: true, verbose: true } },
    return503OnClosing: true,
    // X-Forwarded-For is believed only from the configured reverse proxies; otherwise anyone
    // could pick the address whose budget they spend.
    trustProxy: config.limits.trustedProxies.length > 0 ? [...config.limits.trustedProxies] : false,
    // Requests Node's parser refuses (headers too large, a malformed Content-Length) get the
    // one error shape too.
    clientErrorHandler: answerClientError,
    // The router refuses a malformed percent-encoding or an over-long path segment before any
    // route or hook runs; those get the one error shape and a request id too.
    frameworkErrors: (error, request, reply) => {
      reply.header('x-request-id', request.id);
      const message = error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? `a path segment is longer than the ${maxPathSegmentLength} characters any identifier here has; check the URL`
        : 'the path is not a valid URL: it has a malformed percent-encoding';
      return sendApiError(new InvalidRequestError(message, 'path'), reply);
    },
    routerOptions: { maxParamLength: maxPathSegmentLength },
  }).withTypeProvider<TypeBoxTypeProvider>();
  // Only JSON bodies: Fastify would otherwise parse text/plain into a string and answer a
  // JSON body sent as text/plain with "must be object" instead of 415.
  app.removeContentTypeParser('text/plain');
  // The license verification view follows the ledger's events while the server serves.
  app.addHook('onClose', async () => {
    await Promise.all([services.licenseView.close(), services.accessView.close()]);
  });

  app.addSchema(ErrorBody);
  app.addSchema(SealKeyView);
  const allowedMethods = newAllowedMethods();
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) allowedMethods.add(method, route.url);
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

  // The first hook: limit, then authenticate. The token is verified without the database only
  // to learn whose budget the request spends; a bad token spends its address's budget and is
  // refused after the limit, so floods of bad tokens are limited and never reach the database.
  const budgets = newRequestBudgets(config);
  app.addHook('onRequest', async (request) => {
    const operationId = request.routeOptions.config.operationId;
    const needsToken = operationId !== undefined && accessFor(operationId) !== 'public';
    const verified: VerifiedToken | UnauthenticatedError | undefined = needsToken
      ? await authenticator.verify(request.headers.authorization).catch((error: unknown) => {
        if (error instanceof UnauthenticatedError) return error;
        throw error;
      })
      : undefined;
    const valid = verified instanceof UnauthenticatedError ? undefined : verified;
    budgets.spend(request, operationId, valid && tokenSubject(valid));
    if (verified instanceof UnauthenticatedError) throw verified;
    if (!valid || operationId === undefined) return;
    request.principal = await authenticator.principal(valid);
    authorize(request.principal, operationId);
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    metrics.observeRequest(request.method, request.routeOptions.config.operationId ?? 'unknown', reply.statusCode, reply.elapsedTime / 1000);
  });

  // No route for this method and path: a path that exists with other methods is a 405 naming
  // them, anything else a 404. Fastify may refuse such a request before the not-found handler
  // (a body method without a content type), so the error handler asks the same question.
  const unrouted = (request: FastifyRequest): ApiError => {
    const path = request.url.split('?')[0] ?? '';
    const allowed = allowedMethods.for(path);
    return allowed.length > 0
      ? new ApiError(405, 'method_not_allowed', `${path} does not answer ${request.method}; it answers ${allowed.join(', ')}`, { allowed })
      : new NotFoundError(`no endpoint ${request.method} ${path}; see /api/v1/openapi.json`);
  };
  app.setNotFoundHandler((request, reply) => {
    const error = unrouted(request);
    if (error.statusCode === 405) reply.header('allow', (error.details!.allowed as string[]).join(', '));
    return sendApiError(error, reply);
  });
  app.setErrorHandler((error, request, reply) => {
    const apiError = request.is404 ? unrouted(request) : toApiError(error as FastifyError, request);
    if (apiError.statusCode === 405) reply.header('allow', (apiError.details!.allowed as string[]).join(', '));
    if (apiError.statusCode >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: apiError.code, status: apiError.statusCode }, apiError.message);
    return sendApiError(apiError, reply);
  });

  await app.register(healthRoutes(services));
  await app.register(authRoutes(services));
  await app.register(meRoutes());
  await app.register(userRoutes(services));
  await app.register(citizenRoutes(services));
  await app.register(enterpriseRoutes(services));
  await app.register(sealRoutes(services));
  await app.register(trailRoutes(services));
  await app.register(myDataRoutes(services));
  await app.register(licenseRoutes(services));
  await app.register(auditRoutes(services));
  await app.register(creditRoutes(services));
  await app.register(myCreditRoutes(services));
  await app.register(explorerRoutes(services));
  await app.register(explorerAssets(services.config.explorerDir));
  await app.register(creditGraphRoutes(services.creditGraph));
  await app.register(creditCodeRoutes(services.creditCodes, services.subjectKeys));
  app.get('/api/v1/openapi.json', { schema: { operationId: 'getOpenApi', hide: true } }, async () => app.swagger());
  return app;
}
