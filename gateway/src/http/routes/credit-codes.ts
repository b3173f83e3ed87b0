import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { CreditCodeService } from '../../credit/credit-code-service';
import type { SubjectKeyDeriver } from '../../subjects/subject-key';
import { CreditCodeRequest, CreditCodeVerifyRequest, CreditCodeView, IssuedCreditCodeView } from '../credit-code-schemas';
import { responses } from '../schemas';
import { ownCreditSubjectOf } from './my-credit';
import { toDataSubject } from './trails';

/** The credit code (信用码): made for a subject by credit officers or by a citizen or an enterprise for itself, verified by anyone. */
export function creditCodeRoutes(codes: CreditCodeService, subjectKeys: SubjectKeyDeriver): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/api/v1/credit/codes', {
      schema: {
        operationId: 'issueCreditCode',
        tags: ['credit'],
        summary: 'A credit code (信用码) for a subject: its current grade, sealed by the credit office, valid 24 hours',
        description: 'The grade is the ledger\'s latest evaluation of the subject; 404 when it has none.',
        body: CreditCodeRequest,
        response: responses({ 201: IssuedCreditCodeView }, [400, 401, 403, 404, 409, 503]),
      },
    }, async (request, reply) => reply.status(201).send(await codes.issue(toDataSubject(request.body.subject, subjectKeys))));

    app.get('/api/v1/me/credit/code', {
      schema: {
        operationId: 'getMyCreditCode',
        tags: ['citizens'],
        summary: 'My credit code (信用码): my current grade, sealed by the credit office, valid 24 hours',
        response: responses({ 200: IssuedCreditCodeView }, [401, 403, 404, 409, 503]),
      },
    }, async (request) => codes.issue(ownCreditSubjectOf(request.principal!)));

    app.post('/api/v1/credit/codes/verify', {
      schema: {
        operationId: 'verifyCreditCode',
        tags: ['credit'],
        summary: 'Verify a credit code against the credit office\'s seal keys on the ledger',
        description: 'The same check anyone can make offline with the credit office\'s public key. A code that fails is 422 `credit_refused` with `details.check`: `unknown_key`, `bad_signature`, `key_revoked` or `code_expired`; a payload that cannot be read is 400.',
        body: CreditCodeVerifyRequest,
        response: responses({ 200: CreditCodeView }, [400, 422, 503]),
      },
    }, async (request) => codes.verify(request.body.qr));
  };
}
