import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { newLoginGuard } from '../../auth/login-guard';
import { UnauthenticatedError } from '../../errors';
import { CitizenChallenge, CitizenChallengeRequest, CitizenLoginRequest, LoginRequest, responses, TokenResponse } from '../schemas';
import type { GatewayServices } from '../services';
import { userView } from './user-view';

export function authRoutes({ users, tokens, subjectChallenges, config }: GatewayServices): FastifyPluginAsyncTypebox {
  return async (app) => {
    const guard = newLoginGuard(config.limits);
    app.post('/api/v1/auth/login', {
      schema: {
        operationId: 'login',
        tags: ['auth'],
        summary: 'Log in with a username and password; returns a short-lived access token',
        body: LoginRequest,
        description: 'Failed logins are limited per account and per client address (see the gateway README); past the limit the answer is 429 with Retry-After, and the password is not even checked.',
        response: responses({ 200: TokenResponse }, [400, 401]),
      },
    }, async (request) => {
      // Before the password is hashed: the hash is what guessing costs the gateway.
      guard.admit(request.body.username, request.ip);
      const user = await users.authenticate(request.body.username, request.body.password).catch((error: unknown) => {
        guard.unanswered(request.body.username, request.ip);
        throw error;
      });
      // One message for an unknown user, a wrong password and a disabled account: which one it
      // was is exactly what someone guessing passwords wants to learn.
      if (!user) throw new UnauthenticatedError('username or password is wrong, or the account is disabled');
      guard.succeeded(request.body.username, request.ip);
      const { token, expiresAt } = tokens.issue(user.id, user.role);
      request.log.info({ userId: user.id, role: user.role }, 'logged in');
      return { token, expiresAt: expiresAt.toISOString(), user: userView(user) };
    });

    app.post('/api/v1/auth/citizen/challenge', {
      schema: {
        operationId: 'createCitizenChallenge',
        tags: ['auth'],
        summary: 'Start a citizen\'s or an enterprise\'s login: a single-use challenge to sign with the account\'s SM2 key (valid 2 minutes)',
        description: 'One login for every data subject\'s account: citizens (POST /api/v1/citizens) and enterprises\' legal representatives or agents (POST /api/v1/enterprises). The path keeps its first name, `citizen`, for the clients that use it.',
        body: CitizenChallengeRequest,
        response: responses({ 200: CitizenChallenge }, [400]),
      },
    }, async (request) => {
      const issued = await subjectChallenges.issue(request.body.username);
      return { ...issued, expiresAt: issued.expiresAt.toISOString() };
    });

    app.post('/api/v1/auth/citizen/login', {
      schema: {
        operationId: 'citizenLogin',
        tags: ['auth'],
        summary: 'Finish a citizen\'s or an enterprise\'s login with the SM2 signature of the challenge; returns an access token',
        body: CitizenLoginRequest,
        response: responses({ 200: TokenResponse }, [400, 401]),
      },
    }, async (request) => {
      const subject = await subjectChallenges.answer(request.body.challengeId, Buffer.from(request.body.signature, 'base64'));
      const { token, expiresAt } = tokens.issue(subject.id, subject.role);
      request.log.info({ userId: subject.id, role: subject.role }, 'subject logged in with their SM2 key');
      return { token, expiresAt: expiresAt.toISOString(), user: userView(subject) };
    });
  };
}
