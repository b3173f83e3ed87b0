import { parseArgs } from 'node:util';
import { isRole, newUserStore } from '@citytrust/gateway';
import { UsageError, type Command } from '../command';
import { withGatewayDatabase } from '../gateway-database';
import { readPassword } from '../password-input';

/** `citytrust user add`: the operator's way to add any staff user, with direct database access. */
export const userCommand: Command = {
  name: 'user',
  summary: 'Add a user: user add --username U --role R [--department MSP] --password-file F',
  usage: [
    'usage: citytrust user add --username <name> --role <role> [--department <MSP id>] (--password-file <file> | --password-stdin)',
    '',
    'roles: department-officer and admin belong to a --department; credit-officer and auditor do not.',
  ].join('\n'),
  async run(args) {
    const [action, ...rest] = args;
    if (action !== 'add') throw new UsageError(`unknown action '${action ?? ''}'`);
    const { values } = parseArgs({
      args: rest,
      options: {
        username: { type: 'string' }, role: { type: 'string' }, department: { type: 'string' },
        'password-file': { type: 'string' }, 'password-stdin': { type: 'boolean' },
      },
      strict: true,
    });
    const { username, role, department } = values;
    if (!username || !role) throw new UsageError('--username and --role are required');
    if (!isRole(role) || role === 'citizen') throw new UsageError(`--role must be department-officer, credit-officer, auditor or admin (got '${role}')`);
    const password = readPassword(values);
    const user = await withGatewayDatabase(async (database, config) => {
      const users = newUserStore(database.database, new Set(config.departments.map((d) => d.mspId)));
      return users.create({ username, role, password, ...(department ? { department } : {}) }, 'citytrust user add');
    });
    console.log(`created ${user.role} '${user.username}'${user.department ? ` of ${user.department}` : ''} (id ${user.id})`);
    return 0;
  },
};
