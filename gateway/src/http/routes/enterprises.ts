import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { registerEnterprise } from '../../users/register-enterprise';
import { RegisterEnterpriseRequest, responses, UserView } from '../schemas';
import type { GatewayServices } from '../services';
import { userView } from './user-view';

export function enterpriseRoutes({ users }: GatewayServices): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/api/v1/enterprises', {
      schema: {
        operationId: 'registerEnterprise',
        tags: ['users'],
        summary: 'Register an enterprise\'s account: its legal representative\'s or authorized agent\'s SM2 public key, bound to the enterprise\'s USCC',
        description: 'After the person\'s identity and their authority to act for the enterprise are checked at the counter. The account sees and acts for that USCC only (`/api/v1/me/credit`, `/api/v1/me/trails`, `/api/v1/me/licenses`) and logs in as a citizen does, by signing a challenge (`POST /api/v1/auth/citizen/challenge`). An enterprise may have several accounts, one per person acting for it. A USCC whose check character does not match is 400 with `details.field` `uscc`.',
        body: RegisterEnterpriseRequest,
        response: responses({ 201: UserView }, [400, 401, 403, 409]),
      },
    }, async (request, reply) => {
      const enterprise = await registerEnterprise(users, request.body, request.principal!.username);
      request.log.info({ userId: enterprise.id, uscc: enterprise.uscc }, 'enterprise account registered');
      return reply.status(201).send(userView(enterprise));
    });
  };
}
