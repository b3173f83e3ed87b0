import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sm3 } from '@citytrust/shared';
import { InvalidRequestError } from '../../errors';
import { ownSubjectOf } from '../../subjects/own-subject';
import { responses } from '../schemas';
import type { GatewayServices } from '../services';
import {
  AnnotatedCopyRequest,
  AnnotatedCopyResponse,
  ChangeLicenseRequest,
  ChangeLicenseResponse,
  HolderLicensesRequest,
  HolderLicensesResponse,
  IdentifierParams,
  IssueLicenseRequest,
  IssueLicenseResponse,
  LicenseList,
  LicenseTimelineResponse,
  LicenseTypeRequest,
  LicenseTypeView,
  LicenseVerificationResponse,
  LicenseView,
  RecordUseRequest,
  RecordUseResponse,
  StatusChangeRequest,
  TimelineQuery,
  TypeCodeParams,
  VerifyLicenseRequest,
} from '../license-schemas';
import { officerOf, toDataSubject } from './trails';

const tags = ['e-licenses'];

/**
 * E-licenses (电子证照): license types, issuance when a case is completed, the lifecycle, a
 * holder's licenses, public verification, uses (用证) and holders' annotated copies (加注件).
 */
export function licenseRoutes({ licenses, subjectKeys }: GatewayServices): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/api/v1/licenses/types', {
      schema: {
        operationId: 'registerLicenseType', tags,
        summary: 'Register a license type your department defines: who issues it, who supervises, validity and metadata fields',
        body: LicenseTypeRequest,
        response: responses({ 201: LicenseTypeView }, [400, 401, 403, 409, 422, 503]),
      },
    }, async (request, reply) => reply.status(201).send(await licenses.registerType(officerOf(request.principal!), request.body)));

    app.get('/api/v1/licenses/types/:code', {
      schema: {
        operationId: 'getLicenseType', tags,
        summary: 'A license type: its issuers, validity rule and metadata fields',
        params: TypeCodeParams,
        response: responses({ 200: LicenseTypeView }, [400, 404, 503]),
      },
    }, async (request) => licenses.getType(request.params.code));

    app.post('/api/v1/licenses', {
      schema: {
        operationId: 'issueLicense', tags,
        summary: 'Issue a license when a case is completed (办结即发证), sealed by your department',
        description: 'Idempotent by case: the same request for the same case and type again answers **200** with the license it issued; a different request for that case is **409** (`details.check` `duplicate_case`): change the license instead. A department the type does not name is **403** `issuer_not_allowed`; an unknown type **404**.',
        body: IssueLicenseRequest,
        response: responses({ 200: IssueLicenseResponse, 201: IssueLicenseResponse }, [400, 401, 403, 404, 409, 422, 503]),
      },
    }, async (request, reply) => {
      const { holder, document, documentDigest, ...rest } = request.body;
      const issued = await licenses.issue(officerOf(request.principal!), { ...rest, holder: toDataSubject(holder, subjectKeys, 'holder'), documentDigest: digestOf(document, documentDigest) });
      return reply.status(issued.created ? 201 : 200).send({ license: issued.license, qr: issued.qr });
    });

    app.post('/api/v1/licenses/:identifier/status', {
      schema: {
        operationId: 'changeLicenseStatus', tags,
        summary: 'Suspend, reinstate, revoke (吊销) or cancel (注销) a license, with a reason',
        description: 'Only the issuer or a department the type names as supervisor. A move the lifecycle does not allow from the license\'s state (expiry included) is **409** `illegal_transition`, naming the moves it allows.',
        params: IdentifierParams,
        body: StatusChangeRequest,
        response: responses({ 200: LicenseView }, [400, 401, 403, 404, 409, 422, 503]),
      },
    }, async (request) => licenses.changeStatus(officerOf(request.principal!), request.params.identifier, request.body.action, request.body.reason));

    app.post('/api/v1/licenses/:identifier/versions', {
      schema: {
        operationId: 'changeLicense', tags,
        summary: 'Change a license (变更): issue its next version; the previous becomes changed, and each links to the other',
        params: IdentifierParams,
        body: ChangeLicenseRequest,
        response: responses({ 201: ChangeLicenseResponse }, [400, 401, 403, 404, 409, 422, 503]),
      },
    }, async (request, reply) => {
      const { document, documentDigest, ...rest } = request.body;
      const changed = await licenses.change(officerOf(request.principal!), request.params.identifier, { ...rest, documentDigest: digestOf(document, documentDigest) });
      return reply.status(201).send(changed);
    });

    app.post('/api/v1/licenses/holder-search', {
      schema: {
        operationId: 'listHolderLicenses', tags,
        summary: 'A holder\'s licenses, for a case: a person\'s through the data exchange, authorized and recorded',
        description: 'An enterprise\'s licenses are public registrations and are listed directly. A person\'s are personal data: the read goes through the data exchange for the catalog item `EL-HOLDER-LICENSES` (authorized on the ledger by a consent or legal basis, recorded as a share trail); a refusal is **403** `access_refused` with `details.check`.',
        body: HolderLicensesRequest,
        response: responses({ 200: HolderLicensesResponse }, [400, 401, 403, 404, 409, 422, 503]),
      },
    }, async (request) => {
      const { holder, ...rest } = request.body;
      return licenses.holderLicenses(officerOf(request.principal!), { ...rest, holder: toDataSubject(holder, subjectKeys, 'holder') });
    });

    app.post('/api/v1/licenses/verify', {
      schema: {
        operationId: 'verifyLicense', tags,
        summary: 'Verify a license by identifier or QR payload, online: its status now, and whatever you present checked',
        description: 'No login. Answers **200** with `valid` and the status now, and for a license that is not valid, the move that made it so and its reason. A QR whose signature, key or fields do not check out, a document whose SM3 digest is not the license\'s, or an annotated copy used for another purpose, recipient or after its time is **422** `license_refused` with `details.check`. An identifier with a wrong check character is **400**; an unknown one **404**.',
        body: VerifyLicenseRequest,
        response: responses({ 200: LicenseVerificationResponse }, [400, 404, 422, 503]),
      },
    }, async (request) => {
      const { identifier, qr, document, documentDigest, purpose, recipient } = request.body;
      if (identifier === undefined && qr === undefined) throw new InvalidRequestError('send the license\'s identifier or its QR payload', 'identifier');
      if ((purpose === undefined) !== (recipient === undefined)) throw new InvalidRequestError('state both the purpose and the recipient an annotated copy is relied on for', purpose === undefined ? 'purpose' : 'recipient');
      const presented = document === undefined && documentDigest === undefined ? undefined : digestOf(document, documentDigest);
      return licenses.verify({
        ...(identifier !== undefined ? { identifier } : {}),
        ...(qr !== undefined ? { qr } : {}),
        ...(presented !== undefined ? { documentDigest: presented } : {}),
        ...(purpose !== undefined && recipient !== undefined ? { use: { purpose, recipient } } : {}),
      });
    });

    app.post('/api/v1/licenses/:identifier/uses', {
      schema: {
        operationId: 'recordLicenseUse', tags,
        summary: 'Rely on a license in a case (用证): verified, and recorded on the ledger with the status found',
        params: IdentifierParams,
        body: RecordUseRequest,
        response: responses({ 201: RecordUseResponse }, [400, 401, 403, 404, 422, 503]),
      },
    }, async (request, reply) => reply.status(201).send(await licenses.recordUse(officerOf(request.principal!), request.params.identifier, request.body.caseReference, request.body.purpose)));

    app.get('/api/v1/licenses/:identifier/timeline', {
      schema: {
        operationId: 'getLicenseTimeline', tags,
        summary: 'A license\'s provenance from the ledger: issued, moved (with reasons), changed into new versions and used, each with its department, transaction and block',
        description: 'Read from the ledger itself: the license record\'s history and the uses recorded under it, oldest first, `limit` events a page (default 50, at most 200), the next page by the answer\'s `cursor`. Each event made by a transaction carries the seal its department made in it. Verifications through `POST /api/v1/licenses/verify` are reads and leave no trace; a use (`POST /api/v1/licenses/{identifier}/uses`) does. Staff read any license\'s timeline; a citizen or an enterprise only those of the licenses they hold (see `GET /api/v1/me/licenses`): another\'s is **404**, like an unknown license. A mistyped identifier is **400**.',
        params: IdentifierParams,
        querystring: TimelineQuery,
        response: responses({ 200: LicenseTimelineResponse }, [400, 401, 403, 404, 503]),
      },
    }, async (request) => {
      const { role } = request.principal!;
      const reader = role === 'citizen' || role === 'enterprise' ? { kind: 'holder', holder: ownSubjectOf(request.principal!, 'license timelines') } as const : { kind: 'staff' } as const;
      return licenses.timeline(request.params.identifier, { limit: Number(request.query.limit ?? '50'), cursor: request.query.cursor ?? '' }, reader);
    });

    app.get('/api/v1/me/licenses', {
      schema: {
        operationId: 'listMyLicenses', tags: ['citizens'],
        summary: 'My e-licenses (a citizen\'s or an enterprise\'s)',
        response: responses({ 200: LicenseList }, [401, 403, 503]),
      },
    }, async (request) => ({ licenses: await licenses.ownLicenses(ownSubjectOf(request.principal!, 'licenses here')) }));

    app.post('/api/v1/me/licenses/:identifier/annotated-copies', {
      schema: {
        operationId: 'createAnnotatedCopy', tags: ['citizens'],
        summary: 'An annotated copy (加注件) of my license for one purpose, to one recipient, until a time',
        description: 'The copy is recorded on the ledger and sealed by the citizen service; its QR verifies offline, only for its purpose and recipient, until its time. A license that is not valid now is **422** `license_refused` (`license_not_valid`); another holder\'s license is **404**.',
        params: IdentifierParams,
        body: AnnotatedCopyRequest,
        response: responses({ 201: AnnotatedCopyResponse }, [400, 401, 403, 404, 422, 503]),
      },
    }, async (request, reply) => reply.status(201).send(await licenses.annotateCopy(ownSubjectOf(request.principal!, 'licenses here'), request.params.identifier, request.body)));
  };
}

/** The document's SM3 digest: computed from its bytes when they are sent, else the one given; one of the two is required. */
function digestOf(document: string | undefined, documentDigest: string | undefined): string {
  if (document !== undefined && documentDigest !== undefined) throw new InvalidRequestError('send the document or its digest, not both', 'documentDigest');
  if (document !== undefined) return sm3(Buffer.from(document, 'base64')).toString('hex');
  if (documentDigest === undefined) throw new InvalidRequestError('send the license document (base64) or its SM3 digest', 'documentDigest');
  return documentDigest;
}

