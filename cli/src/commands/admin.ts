import { parseArgs } from 'node:util';
import { UsageError, type Command } from '../command';
import { withGatewayDatabase } from '../gateway-database';
import { checkOptionValue } from '../option-value';
import { readPassword } from '../password-input';

/** `citytrust admin bootstrap`: the first admin, created once, before anyone can log in. */
export const adminCommand: Command = {
  name: 'admin',
  summary: 'Create the first admin: admin bootstrap --username U --department MSP --password-file F',
  usage: [
    'usage: citytrust admin bootstrap --username <name> --department <MSP id> (--password-file <file> | --password-stdin)',
    '',
    'Creates the first admin of the gateway. Refused once an admin exists: then admins add users',
    'through the API, and the operator with `citytrust user add`.',
  ].join('\n'),
  async run(args) {
    const [action, ...rest] = args;
    if (action !== 'bootstrap') throw new UsageError(`unknown action '${action ?? ''}'`);
    const { values } = parseArgs({
      args: rest,
      options: { username: { type: 'string' }, department: { type: 'string' }, 'password-file': { type: 'string' }, 'password-stdin': { type: 'boolean' } },
      strict: true,
    });
    if (!values.username || !values.department) throw new UsageError('--username and --department are required');
    const password = readPassword(values);
    const { newUserStore, values: { DepartmentId, Password, Username } } = await import('@citytrust/gateway');
    // A first admin the API could not log in would block bootstrap for good: check first.
    await checkOptionValue('--username', Username, values.username);
    await checkOptionValue('--department', DepartmentId, values.department);
    await checkOptionValue('the password', Password, password, { secret: true });
    const admin = await withGatewayDatabase(async (database, config) => {
      const users = newUserStore(database.database, new Set(config.departments.map((d) => d.mspId)));
      return users.bootstrapAdmin({ username: values.username!, department: values.department!, password }, 'citytrust admin bootstrap');
    });
    console.log(`created admin '${admin.username}' of ${admin.department} (id ${admin.id}); log in with POST /api/v1/auth/login`);
    return 0;
  },
};
