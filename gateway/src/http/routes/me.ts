import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { Role } from '../../values';
import { responses } from '../schemas';

const Me = Type.Object({
  id: Type.String(),
  username: Type.String(),
  role: Role,
  department: Type.Optional(Type.String()),
  subjectKey: Type.Optional(Type.String()),
  uscc: Type.Optional(Type.String()),
  source: Type.Union([Type.Literal('local'), Type.Literal('oidc')]),
});

export function meRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/api/v1/me', {
      schema: { operationId: 'getMe', tags: ['auth'], summary: 'Who the access token belongs to', response: responses({ 200: Me }, [401, 403]) },
    }, async (request) => request.principal!);
  };
}
