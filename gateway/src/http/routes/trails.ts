import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { isUscc, type DataSubject } from '@citytrust/shared';
import { ForbiddenError, InvalidRequestError } from '../../errors';
import type { Principal } from '../../principal';
import { isSubjectRole } from '../../roles';
import { ownSubjectOf } from '../../subjects/own-subject';
import { InvalidIdentityNumberError, type SubjectKeyDeriver } from '../../subjects/subject-key';
import { ProofBundleSchema } from '@citytrust/network-config';
import type { Officer, TrailViewer } from '../../trails/trail-service';
import { responses } from '../schemas';
import type { GatewayServices } from '../services';
import {
  AnswerRequest,
  DataItemRequest,
  DataItemView,
  ExchangeRequest,
  ExchangeResponse,
  ItemCodeParams,
  LegalBasisRequest,
  AuthorizationView,
  ObjectionView,
  TrailParams,
  type DataSubjectInput,
} from '../trail-schemas';

/**
 * The departments' side of data sharing: the data catalog, legal bases, the data exchange
 * (every access authorized and recorded on the ledger), and answers to citizens' objections.
 */
export function trailRoutes({ trails, subjectKeys }: GatewayServices): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/api/v1/catalog/items', {
      schema: {
        operationId: 'registerDataItem',
        tags: ['data sharing'],
        summary: 'Register a data item of your department in the data-resource catalog (数据资源目录)',
        body: DataItemRequest,
        response: responses({ 201: DataItemView }, [400, 401, 403, 409, 422, 503]),
      },
    }, async (request, reply) => reply.status(201).send(await trails.registerDataItem(officerOf(request.principal!), { ...request.body, sensitivity: request.body.sensitivity as 1 | 2 | 3 | 4 })));

    app.get('/api/v1/catalog/items/:code', {
      schema: {
        operationId: 'getDataItem',
        tags: ['data sharing'],
        summary: 'A data item in the catalog: its owner, share type and sensitivity',
        params: ItemCodeParams,
        response: responses({ 200: DataItemView }, [400, 401, 403, 404, 503]),
      },
    }, async (request) => trails.getDataItem(request.params.code));

    app.post('/api/v1/authorizations/legal-bases', {
      schema: {
        operationId: 'registerLegalBasis',
        tags: ['data sharing'],
        summary: 'Let another department use your items for a purpose in a scenario, without each subject\'s consent',
        body: LegalBasisRequest,
        response: responses({ 201: AuthorizationView }, [400, 401, 403, 404, 409, 422, 503]),
      },
    }, async (request, reply) => reply.status(201).send(await trails.registerLegalBasis(officerOf(request.principal!), request.body)));

    app.post('/api/v1/exchange', {
      schema: {
        operationId: 'exchangeData',
        tags: ['data sharing'],
        summary: 'Ask for items about a subject, for a purpose, under an authorization: authorized and recorded on the ledger first',
        description: 'The ledger checks the authorization (live now, granted to your department, covering the items, the purpose and, for a consent, the subject) before anything is fetched; the access is recorded, sealed by your department, with the SM3 digest of what is returned. A refusal is **403 `access_refused`** with `details.check`, and the refused attempt is recorded on the ledger too (`details.refusalTrailId`).',
        body: ExchangeRequest,
        response: responses({ 200: ExchangeResponse }, [400, 401, 403, 409, 422, 503]),
      },
    }, async (request) => {
      const { subject, ...rest } = request.body;
      return trails.exchange(officerOf(request.principal!), { ...rest, subject: toDataSubject(subject, subjectKeys) });
    });

    app.get('/api/v1/trails/:trailId/proof', {
      schema: {
        operationId: 'getTrailProof',
        tags: ['data sharing'],
        summary: 'A trail\'s proof bundle, checkable offline without trusting the gateway (`citytrust proof verify`)',
        description: 'The block holding the trail, the ordering service\'s trust roots (with the config block they come from), the sealed record and the department\'s seal key history. A citizen or an enterprise gets the proofs of trails about them, a department those of its own accesses, an auditor any; anything else is 404.',
        params: TrailParams,
        response: responses({ 200: ProofBundleSchema }, [400, 401, 403, 404, 422, 503]),
      },
    }, async (request) => {
      const principal = request.principal!;
      const viewer: TrailViewer = principal.role === 'auditor'
        ? { kind: 'auditor' }
        : isSubjectRole(principal.role) ? { kind: 'subject', subject: ownSubjectOf(principal, 'trails of their own') } : { kind: 'department', department: officerOf(principal).department };
      return trails.proofOf(request.params.trailId, viewer);
    });

    app.post('/api/v1/objections/:trailId/answer', {
      schema: {
        operationId: 'answerObjection',
        tags: ['data sharing'],
        summary: 'Answer a citizen\'s objection to an access by your department',
        params: TrailParams,
        body: AnswerRequest,
        response: responses({ 200: ObjectionView }, [400, 401, 403, 404, 409, 503]),
      },
    }, async (request) => trails.answerObjection(officerOf(request.principal!), request.params.trailId, request.body.outcome, request.body.text));
  };
}

/** A department officer or admin acts for their department. */
export function officerOf(principal: Principal): Officer {
  if (!principal.department) throw new ForbiddenError('your account belongs to no department, so it cannot act for one');
  return { department: principal.department, userId: principal.id };
}

/**
 * The subject as the ledger knows it: an identity number becomes the subject key here and goes no
 * further. Both identifiers' check characters are checked here, at the edge, so a typo is a 400
 * naming the field (`field` is where the subject sits in the request: `subject`, `holder`).
 */
export function toDataSubject(subject: DataSubjectInput, subjectKeys: SubjectKeyDeriver, field = 'subject'): DataSubject {
  if (subject.kind === 'enterprise') {
    if (!isUscc(subject.uscc)) throw new InvalidRequestError(`${field}.uscc: ${subject.uscc} is not a Unified Social Credit Code: its check character does not match its other characters; check it for a typo`, `${field}.uscc`);
    return subject;
  }
  try {
    return { kind: 'person', subjectKey: subjectKeys.derive(subject.identityNumber) };
  } catch (error) {
    if (error instanceof InvalidIdentityNumberError) throw new InvalidRequestError(`${field}.identityNumber: ${error.message}`, `${field}.identityNumber`);
    throw error;
  }
}
