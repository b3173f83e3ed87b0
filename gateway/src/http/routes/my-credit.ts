import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Principal } from '../../principal';
import { ownSubjectOf } from '../../subjects/own-subject';
import { CreditObjectionRequest, CreditObjectionView, CreditProfileView, CreditRepairRequest, CreditRepairView, PageQuery } from '../credit-schemas';
import { responses } from '../schemas';
import type { GatewayServices } from '../services';

/**
 * A subject's side of credit (信用查询 / 异议 / 修复, R51), for a citizen and for an enterprise's
 * account alike: my evaluation and every record about me, my objections and my repair
 * applications. Every operation acts on the caller's own subject (a citizen's subject key, an
 * enterprise's USCC); no parameter could name another, and another subject's record is 404.
 */
export function myCreditRoutes({ credit }: GatewayServices): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/api/v1/me/credit', {
      schema: {
        operationId: 'getMyCredit',
        tags: ['citizens'],
        summary: 'My credit (a citizen\'s or an enterprise\'s): my latest evaluation and every record about me, published or not',
        querystring: PageQuery,
        response: responses({ 200: CreditProfileView }, [400, 401, 403, 503]),
      },
    }, async (request) => credit.profile(ownCreditSubjectOf(request.principal!), Number(request.query.pageSize ?? '100'), request.query.bookmark ?? ''));

    app.post('/api/v1/me/credit/objections', {
      schema: {
        operationId: 'raiseCreditObjection',
        tags: ['citizens'],
        summary: 'Object (异议) to a credit record about me; its source department must answer within 15 days',
        body: CreditObjectionRequest,
        response: responses({ 201: CreditObjectionView }, [400, 401, 403, 404, 409, 422, 503]),
      },
    }, async (request, reply) => reply.status(201).send(await credit.objectToRecord(ownCreditSubjectOf(request.principal!), request.body.recordId, request.body.reason)));

    app.post('/api/v1/me/credit/repairs', {
      schema: {
        operationId: 'applyForCreditRepair',
        tags: ['citizens'],
        summary: 'Apply to repair (信用修复) a failing about me, with my credit commitment (信用承诺)',
        description: 'Possible once the minimum period of the record\'s window has passed (`repairableFrom`): before, 422 `repair_too_early`. The source department decides.',
        body: CreditRepairRequest,
        response: responses({ 201: CreditRepairView }, [400, 401, 403, 404, 409, 422, 503]),
      },
    }, async (request, reply) => reply.status(201).send(await credit.applyForRepair(ownCreditSubjectOf(request.principal!), request.body.recordId, request.body.commitment)));
  };
}

export const ownCreditSubjectOf = (principal: Principal) => ownSubjectOf(principal, 'credit records of their own');
