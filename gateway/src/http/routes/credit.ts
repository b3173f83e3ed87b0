import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { CreditCategory, CreditEvaluationModel } from '@citytrust/shared';
import { InvalidRequestError } from '../../errors';
import {
  CategoryPermissionRequest,
  CategoryPermissionView,
  CreditEvaluationView,
  CreditModelRequest,
  CreditModelView,
  CreditObjectionOutcomeView,
  CreditProfileRequest,
  CreditProfileView,
  CreditRecordRequest,
  CreditRecordView,
  CreditRepairOutcomeView,
  CreditSubmissionView,
  DepartmentParams,
  ListMembersView,
  ListParams,
  ModelVersionParams,
  ObjectionAnswerRequest,
  PageQuery,
  RecordParams,
  RepairDecisionRequest,
  SubjectRequest,
} from '../credit-schemas';
import { responses } from '../schemas';
import type { GatewayServices } from '../services';
import { officerOf, toDataSubject } from './trails';

const tags = ['credit'];

/**
 * The departments' and the credit office's side of credit (社会信用): source departments submit
 * sealed records and answer objections and repair applications; the credit office sets who may
 * submit which category and registers evaluation models; credit officers read profiles and lists
 * and re-evaluate subjects.
 */
export function creditRoutes({ credit, subjectKeys }: GatewayServices): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/api/v1/credit/records', {
      schema: {
        operationId: 'submitCreditRecord',
        tags,
        summary: 'Submit a credit record (信用信息) about a subject, sealed by your department; the subject is re-evaluated',
        description: 'Your department must have been granted the category by the credit office (403 `category_not_permitted` otherwise). The disclosure window follows the NDRC credit-repair rules; a period outside it is 400 `disclosure_out_of_window`.',
        body: CreditRecordRequest,
        response: responses({ 201: CreditSubmissionView }, [400, 401, 403, 404, 409, 422, 503]),
      },
    }, async (request, reply) => {
      const { subject, ...record } = request.body;
      return reply.status(201).send(await credit.submitRecord(officerOf(request.principal!), { ...record, subject: toDataSubject(subject, subjectKeys) }));
    });

    app.get('/api/v1/credit/records/:recordId', {
      schema: {
        operationId: 'getCreditRecord',
        tags,
        summary: 'A credit record, with its window and status',
        params: RecordParams,
        response: responses({ 200: CreditRecordView }, [400, 401, 403, 404, 503]),
      },
    }, async (request) => credit.getRecord(request.params.recordId));

    app.post('/api/v1/credit/records/:recordId/objection/answer', {
      schema: {
        operationId: 'answerCreditObjection',
        tags,
        summary: 'Answer a subject\'s objection to a record of your department: uphold, correct or withdraw it',
        description: 'Answer within 15 days of the objection (`answerBy`); a later answer is recorded as late. The subject is re-evaluated.',
        params: RecordParams,
        body: ObjectionAnswerRequest,
        response: responses({ 200: CreditObjectionOutcomeView }, [400, 401, 403, 404, 409, 422, 503]),
      },
    }, async (request) => {
      const { outcome, text, correctedSeverity } = request.body;
      if ((outcome === 'corrected') !== (correctedSeverity !== undefined)) {
        throw new InvalidRequestError('correctedSeverity is given with the outcome "corrected", and only then: it is the severity the record has from now on', 'correctedSeverity');
      }
      return credit.answerObjection(officerOf(request.principal!), request.params.recordId, outcome, text, correctedSeverity);
    });

    app.post('/api/v1/credit/records/:recordId/repair/decision', {
      schema: {
        operationId: 'decideCreditRepair',
        tags,
        summary: 'Approve or reject a repair (信用修复) of a record of your department',
        description: 'Approved, the record is repaired: it is no longer disclosed or counted, the subject is re-evaluated, and the `credit.repair` chaincode event tells every platform that listens.',
        params: RecordParams,
        body: RepairDecisionRequest,
        response: responses({ 200: CreditRepairOutcomeView }, [400, 401, 403, 404, 409, 422, 503]),
      },
    }, async (request) => credit.decideRepair(officerOf(request.principal!), request.params.recordId, request.body.outcome, request.body.text));

    app.put('/api/v1/credit/permissions/:department', {
      schema: {
        operationId: 'setCreditCategoryPermission',
        tags,
        summary: 'As the credit office, set the categories a department may submit',
        params: DepartmentParams,
        body: CategoryPermissionRequest,
        response: responses({ 200: CategoryPermissionView }, [400, 401, 403, 409, 422, 503]),
      },
    }, async (request) => credit.setCategoryPermission(officerOf(request.principal!), request.params.department, request.body.categories as CreditCategory[]));

    app.get('/api/v1/credit/permissions/:department', {
      schema: {
        operationId: 'getCreditCategoryPermission',
        tags,
        summary: 'The categories a department may submit',
        params: DepartmentParams,
        response: responses({ 200: CategoryPermissionView }, [400, 401, 403, 503]),
      },
    }, async (request) => credit.getCategoryPermission(request.params.department));

    app.post('/api/v1/credit/models', {
      schema: {
        operationId: 'registerCreditModel',
        tags,
        summary: 'As the credit office, register the next version of the evaluation model',
        description: 'Used for every evaluation from then on; stored evaluations keep naming the version they used. Re-evaluate subjects to bring them under it.',
        body: CreditModelRequest,
        response: responses({ 201: CreditModelView }, [400, 401, 403, 409, 422, 503]),
      },
    }, async (request, reply) => reply.status(201).send(await credit.registerModel(officerOf(request.principal!), request.body as unknown as CreditEvaluationModel)));

    app.get('/api/v1/credit/models/:version', {
      schema: {
        operationId: 'getCreditModel',
        tags,
        summary: 'An evaluation model by version, or the current one: the formula is public',
        params: ModelVersionParams,
        response: responses({ 200: CreditModelView }, [400, 401, 403, 404, 503]),
      },
    }, async (request) => credit.getModel(request.params.version === 'current' ? 'current' : Number(request.params.version)));

    app.post('/api/v1/credit/profiles', {
      schema: {
        operationId: 'getCreditProfile',
        tags,
        summary: 'A subject\'s latest evaluation (grade, score, factors, lists) and records',
        description: 'A POST so that a person\'s identity number travels in the body, never in a URL or a log.',
        body: CreditProfileRequest,
        response: responses({ 200: CreditProfileView }, [400, 401, 403, 503]),
      },
    }, async (request) => credit.profile(toDataSubject(request.body.subject, subjectKeys), Number(request.body.pageSize ?? '100'), request.body.bookmark ?? ''));

    app.post('/api/v1/credit/reevaluations', {
      schema: {
        operationId: 'reevaluateCredit',
        tags,
        summary: 'Re-evaluate a subject now, as the credit office: after a record\'s window ended, or under a new model',
        body: SubjectRequest,
        response: responses({ 200: CreditEvaluationView }, [400, 401, 403, 409, 422, 503]),
      },
    }, async (request) => credit.reevaluate(toDataSubject(request.body.subject, subjectKeys)));

    app.get('/api/v1/credit/lists/:list', {
      schema: {
        operationId: 'listCreditListMembers',
        tags,
        summary: 'The subjects on the red list or a blacklist, as of their latest evaluations',
        params: ListParams,
        querystring: PageQuery,
        response: responses({ 200: ListMembersView }, [400, 401, 403, 503]),
      },
    }, async (request) => credit.listMembers(request.params.list, Number(request.query.pageSize ?? '100'), request.query.bookmark ?? ''));
  };
}
