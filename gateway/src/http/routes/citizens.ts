import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { registerCitizen } from '../../users/register-citizen';
import { RegisterCitizenRequest, responses, UserView } from '../schemas';
import type { GatewayServices } from '../services';
import { userView } from './user-view';

export function citizenRoutes({ users, subjectKeys }: GatewayServices): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/api/v1/citizens', {
      schema: {
        operationId: 'registerCitizen',
        tags: ['users'],
        summary: 'Register a citizen (after real-name verification at the counter) with their SM2 public key',
        description: 'The identity number is used once, to derive the pseudonymous subject key, and is never stored, logged or returned.',
        body: RegisterCitizenRequest,
        response: responses({ 201: UserView }, [400, 401, 403, 409]),
      },
    }, async (request, reply) => {
      const citizen = await registerCitizen(users, subjectKeys, request.body, request.principal!.username);
      request.log.info({ userId: citizen.id }, 'citizen registered');
      return reply.status(201).send(userView(citizen));
    });
  };
}
