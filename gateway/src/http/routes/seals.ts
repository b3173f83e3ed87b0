import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ForbiddenError, InvalidRequestError } from '../../errors';
import { documentDigest } from '../../seals/seal-service';
import { responses } from '../schemas';
import { DocumentSealReceipt, SealDocumentRequest, SealKeyList, SealKeyQuery, SealVerification, VerifySealRequest } from '../seal-schemas';
import type { GatewayServices } from '../services';

/**
 * The signing service (a department officer has a document sealed by their department and
 * attested on the ledger) and public verification of seals, which needs no login.
 */
export function sealRoutes({ seals }: GatewayServices): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/api/v1/seals/sign', {
      schema: {
        operationId: 'sealDocument',
        tags: ['seals'],
        summary: 'Seal a document (or its SM3 digest) with your department\'s SM2 seal; the ledger attests it',
        description: 'The answer\'s signature is over the 32 digest bytes and verifies with `openssl pkeyutl -verify -rawin -digest sm3 -pkeyopt distid:1234567812345678 -pubin -inkey <department key PEM> -in digest.bin -sigfile seal.sig`.',
        body: SealDocumentRequest,
        response: responses({ 201: DocumentSealReceipt }, [400, 401, 403, 409, 422, 503]),
      },
    }, async (request, reply) => {
      const department = request.principal!.department;
      if (!department) throw new ForbiddenError('your account belongs to no department, so there is no seal to seal with');
      const digest = 'digest' in request.body ? Buffer.from(request.body.digest, 'hex') : documentDigest(Buffer.from(request.body.document, 'base64'));
      const receipt = await seals.sealDocument(department, digest);
      request.log.info({ department, keyId: receipt.keyId, transactionId: receipt.transactionId }, 'document sealed');
      return reply.status(201).send(receipt);
    });

    app.post('/api/v1/seals/verify', {
      schema: {
        operationId: 'verifySeal',
        tags: ['seals'],
        summary: 'Check a seal: who sealed it, when, and whether their key was valid then',
        description: '200 only for a seal that passes every check; otherwise 422 `seal_refused` with `details.check` naming the check that failed (unknown_key, other_department, key_not_yet_valid, key_expired, key_retired, key_revoked, bad_signature).',
        body: VerifySealRequest,
        response: responses({ 200: SealVerification }, [400, 422, 503]),
      },
    }, async (request) => {
      const { digest, document, keyId, signature, department } = request.body;
      if ((digest === undefined) === (document === undefined)) {
        throw new InvalidRequestError('send exactly one of `document` (base64) and `digest` (SM3, hex)', digest === undefined ? 'document' : 'digest');
      }
      const digestHex = digest ?? documentDigest(Buffer.from(document!, 'base64')).toString('hex');
      const verification = await seals.verify({ keyId, digest: digestHex, signature }, department);
      return {
        valid: true as const,
        department: verification.key.department,
        keyId,
        checkedAt: verification.checkedAt,
        keyStatus: verification.key.status,
        ...(verification.attestation ? { attestation: verification.attestation } : {}),
        key: verification.key,
      };
    });

    app.get('/api/v1/seals/keys', {
      schema: {
        operationId: 'listSealKeys',
        tags: ['seals'],
        summary: 'A department\'s seal keys on the ledger, with their public keys, for offline verification',
        querystring: SealKeyQuery,
        response: responses({ 200: SealKeyList }, [400, 503]),
      },
    }, async (request) => {
      return { keys: await seals.ledgerKeys(request.query.department) };
    });
  };
}
