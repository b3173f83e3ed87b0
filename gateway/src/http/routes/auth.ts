import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { UnauthenticatedError } from '../../errors';
import { LoginRequest, responses, TokenResponse } from '../schemas';
import type { GatewayServices } from '../services';
import { userView } from './user-view';

export function authRoutes({ users, tokens }: GatewayServices): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/api/v1/auth/login', {
      schema: {
        operationId: 'login',
        tags: ['auth'],
        summary: 'Log in with a username and password; returns a short-lived access token',
        body: LoginRequest,
        response: responses({ 200: TokenResponse }, [400, 401]),
      },
    }, async (request) => {
      const user = await users.authenticate(request.body.username, request.body.password);
      // One message for an unknown user, a wrong password and a disabled account: which one it
      // was is exactly what someone guessing passwords wants to learn.
      if (!user) throw new UnauthenticatedError('username or password is wrong, or the account is disabled');
      const { token, expiresAt } = tokens.issue(user.id, user.role);
      request.log.info({ userId: user.id, role: user.role }, 'logged in');
      return { token, expiresAt: expiresAt.toISOString(), user: userView(user) };
    });
  };
}
