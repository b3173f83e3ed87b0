import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { importSm2PublicKey, Sm2KeyError } from '@citytrust/shared';
import { InvalidRequestError } from '../../errors';
import { InvalidIdentityNumberError } from '../../subjects/subject-key';
import { RegisterCitizenRequest, responses, UserView } from '../schemas';
import type { GatewayServices } from '../services';
import { userView } from './user-view';

/**
 * Registering a citizen binds their SM2 login key to their pseudonymous subject key. The identity
 * number is used once, to derive that key, and is never stored, logged or returned.
 */
export function citizenRoutes({ users, subjectKeys }: GatewayServices): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/api/v1/citizens', {
      schema: {
        operationId: 'registerCitizen',
        tags: ['users'],
        summary: 'Register a citizen (after real-name verification at the counter) with their SM2 public key',
        body: RegisterCitizenRequest,
        response: responses({ 201: UserView }, [400, 401, 403, 409]),
      },
    }, async (request, reply) => {
      const { username, identityNumber, publicKey } = request.body;
      let subjectKey: string;
      try {
        subjectKey = subjectKeys.derive(identityNumber);
      } catch (error) {
        if (error instanceof InvalidIdentityNumberError) throw new InvalidRequestError(error.message, 'body.identityNumber');
        throw error;
      }
      let citizenPublicKey: string;
      try {
        citizenPublicKey = importSm2PublicKey(publicKey).toPem();
      } catch (error) {
        if (error instanceof Sm2KeyError) throw new InvalidRequestError(`the public key is not an SM2 SubjectPublicKeyInfo PEM: ${error.message}`, 'body.publicKey');
        throw error;
      }
      const citizen = await users.create({ username, role: 'citizen', subjectKey, citizenPublicKey }, request.principal!.username);
      request.log.info({ userId: citizen.id }, 'citizen registered');
      return reply.status(201).send(userView(citizen));
    });
  };
}
