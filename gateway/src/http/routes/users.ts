import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ConflictError, ForbiddenError, NotFoundError } from '../../errors';
import type { Principal } from '../../principal';
import { departmentRoles } from '../../roles';
import type { User } from '../../users/user';
import type { UserStore } from '../../users/user-store';
import { CreateUserRequest, DepartmentQuery, responses, UserList, UsernameParams, UserView } from '../schemas';
import type { GatewayServices } from '../services';
import { userView } from './user-view';

/**
 * Users of the gateway. An admin manages the users of their own department only; credit
 * officers and auditors belong to no department and are created by the operator with
 * `citytrust user add` (or come from the city's identity platform).
 */
export function userRoutes({ users }: GatewayServices): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/api/v1/users', {
      schema: {
        operationId: 'listUsers',
        tags: ['users'],
        summary: 'List users: an admin sees their department, an auditor everyone',
        querystring: DepartmentQuery,
        response: responses({ 200: UserList }, [400, 401, 403]),
      },
    }, async (request) => {
      const principal = request.principal!;
      const department = principal.role === 'admin' ? ownDepartment(principal, request.query.department) : request.query.department;
      return { users: (await users.list(department === undefined ? {} : { department })).map(userView) };
    });

    app.post('/api/v1/users', {
      schema: {
        operationId: 'createUser',
        tags: ['users'],
        summary: 'Create a user of the admin\'s own department',
        body: CreateUserRequest,
        response: responses({ 201: UserView }, [400, 401, 403, 409]),
      },
    }, async (request, reply) => {
      const principal = request.principal!;
      if (!departmentRoles.has(request.body.role)) {
        throw new ForbiddenError(`admins create users of their own department only; a ${request.body.role} is created by the operator with \`citytrust user add\``);
      }
      const department = ownDepartment(principal, request.body.department);
      const user = await users.create({ ...request.body, department }, principal.username);
      request.log.info({ userId: user.id, role: user.role, department }, 'user created');
      return reply.status(201).send(userView(user));
    });

    app.post('/api/v1/users/:username/disable', {
      schema: {
        operationId: 'disableUser',
        tags: ['users'],
        summary: 'Disable a user of the admin\'s own department; their tokens stop working at once',
        params: UsernameParams,
        response: responses({ 200: UserView }, [400, 401, 403, 404, 409]),
      },
    }, async (request) => {
      const principal = request.principal!;
      const target = await ownDepartmentsUser(users, principal, request.params.username);
      if (target.id === principal.id) throw new ConflictError('you cannot disable your own account; ask another admin of your department');
      const disabled = await users.disable(target.username, principal.username);
      request.log.info({ userId: disabled.id }, 'user disabled');
      return userView(disabled);
    });

    app.post('/api/v1/users/:username/enable', {
      schema: {
        operationId: 'enableUser',
        tags: ['users'],
        summary: 'Re-enable a disabled user of the admin\'s own department; records who and when',
        description: 'Undoes POST /api/v1/users/{username}/disable: the user can log in again (tokens issued before the disable work again until they expire). Enabling an enabled user changes nothing.',
        params: UsernameParams,
        response: responses({ 200: UserView }, [400, 401, 403, 404]),
      },
    }, async (request) => {
      const principal = request.principal!;
      const target = await ownDepartmentsUser(users, principal, request.params.username);
      const enabled = await users.enable(target.username, principal.username);
      request.log.info({ userId: enabled.id }, 'user enabled');
      return userView(enabled);
    });
  };
}

/** A user of the admin's own department; users of other departments are not theirs to see, so they get the same 404 as absent ones. */
async function ownDepartmentsUser(users: UserStore, principal: Principal, username: string): Promise<User> {
  const target = await users.findByUsername(username);
  if (!target || target.department !== principal.department) throw new NotFoundError(`no user named '${username}' in ${principal.department}`);
  return target;
}

/** An admin acts for their own department; naming another is refused with the reason. */
function ownDepartment(principal: Principal, requested: string | undefined): string {
  if (!principal.department) throw new ForbiddenError('this admin account has no department, so it manages no users');
  if (requested !== undefined && requested !== principal.department) {
    throw new ForbiddenError(`an admin of ${principal.department} may not act for ${requested}`);
  }
  return principal.department;
}
