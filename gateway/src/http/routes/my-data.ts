import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ForbiddenError } from '../../errors';
import type { Principal } from '../../principal';
import { ownSubjectOf } from '../../subjects/own-subject';
import { responses } from '../schemas';
import type { GatewayServices } from '../services';
import { AuthorizationParams, AuthorizationView, ConsentRequest, ObjectionRequest, ObjectionView, ReasonRequest, TrailPage, TrailPageQuery } from '../trail-schemas';

/**
 * A subject's side of data sharing (我的数据我做主): who accessed my data (a citizen's or an
 * enterprise's), and a citizen's consents and objections. Every operation acts on the caller's
 * own subject only; there is no parameter that could name another.
 */
export function myDataRoutes({ trails, trailIndex }: GatewayServices): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/api/v1/me/trails', {
      schema: {
        operationId: 'listMyTrails',
        tags: ['citizens'],
        summary: 'Who accessed my data: every recorded access and refused attempt, newest first',
        description: 'Read from the off-chain index, narrowed by department, item, outcome and time (`from` inclusive, `until` exclusive, on the ledger\'s time), a page at a time. `index` says how current the index is: an access recorded after it is on the ledger already and appears here a moment later. Each entry\'s proof comes from the ledger: `GET /api/v1/trails/{trailId}/proof`.',
        querystring: TrailPageQuery,
        response: responses({ 200: TrailPage }, [400, 401, 403, 503]),
      },
    }, async (request) => {
      const { pageSize, bookmark, ...filter } = request.query;
      const subject = ownSubjectOf(request.principal!, 'an access log');
      return trailIndex.subjectLog(subject, filter, { pageSize: Number(pageSize ?? '50'), ...(bookmark ? { bookmark } : {}) }, 'querystring');
    });

    app.post('/api/v1/me/consents', {
      schema: {
        operationId: 'grantConsent',
        tags: ['citizens'],
        summary: 'Consent (自主授权) to a department using items of my data for a purpose, from when until when',
        body: ConsentRequest,
        response: responses({ 201: AuthorizationView }, [400, 401, 403, 404, 409, 422, 503]),
      },
    }, async (request, reply) => reply.status(201).send(await trails.grantConsent(subjectKeyOf(request.principal!), request.body)));

    app.post('/api/v1/me/consents/:authorizationId/revoke', {
      schema: {
        operationId: 'revokeConsent',
        tags: ['citizens'],
        summary: 'Withdraw my consent from now on; accesses made under it before stay on record',
        params: AuthorizationParams,
        body: ReasonRequest,
        response: responses({ 200: AuthorizationView }, [400, 401, 403, 404, 409, 503]),
      },
    }, async (request) => trails.revokeConsent(subjectKeyOf(request.principal!), request.params.authorizationId, request.body.reason));

    app.post('/api/v1/me/objections', {
      schema: {
        operationId: 'raiseObjection',
        tags: ['citizens'],
        summary: 'Object (异议) to an access to my data; the department must answer',
        body: ObjectionRequest,
        response: responses({ 201: ObjectionView }, [400, 401, 403, 404, 409, 503]),
      },
    }, async (request, reply) => reply.status(201).send(await trails.objectToAccess(subjectKeyOf(request.principal!), request.body.trailId, request.body.reason)));
  };
}

function subjectKeyOf(principal: Principal): string {
  if (!principal.subjectKey) throw new ForbiddenError('only a citizen signed in with their own key gives consents and objects to accesses');
  return principal.subjectKey;
}
