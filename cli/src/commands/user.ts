import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { UsageError, type Command } from '../command';
import { withGatewayDatabase } from '../gateway-database';
import { readPassword } from '../password-input';

/** `citytrust user add`: the operator's way to add any user, with direct database access. */
export const userCommand: Command = {
  name: 'user',
  summary: 'Add a user: user add --username U --role R [--department MSP] --password-file F',
  usage: [
    'usage: citytrust user add --username <name> --role <role> [--department <MSP id>] (--password-file <file> | --password-stdin)',
    '       citytrust user add --username <name> --role citizen --identity-number-file <file> --public-key <SM2 SPKI PEM file>',
    '',
    'roles: department-officer and admin belong to a --department; credit-officer and auditor do not.',
    'A citizen logs in with the SM2 key whose public half is given; the identity number (read from a',
    'file, never the command line) is used once to derive their pseudonymous subject key, then forgotten.',
  ].join('\n'),
  async run(args) {
    const [action, ...rest] = args;
    if (action !== 'add') throw new UsageError(`unknown action '${action ?? ''}'`);
    const { values } = parseArgs({
      args: rest,
      options: {
        username: { type: 'string' }, role: { type: 'string' }, department: { type: 'string' },
        'password-file': { type: 'string' }, 'password-stdin': { type: 'boolean' },
        'identity-number-file': { type: 'string' }, 'public-key': { type: 'string' },
      },
      strict: true,
    });
    const { disconnectedLedger, gatewayServices, isRole, registerCitizen } = await import('@citytrust/gateway');
    const { username, role, department } = values;
    if (!username || !role) throw new UsageError('--username and --role are required');
    if (!isRole(role)) throw new UsageError(`--role must be department-officer, credit-officer, auditor, admin or citizen (got '${role}')`);
    const citizen = role === 'citizen' ? citizenDetails(values) : undefined;
    const password = citizen ? undefined : readPassword(values);
    const user = await withGatewayDatabase(async (database, config) => {
      const services = gatewayServices(config, database.database, disconnectedLedger('not needed to add a user'));
      if (citizen) return registerCitizen(services.users, services.subjectKeys, { username, ...citizen }, 'citytrust user add');
      return services.users.create({ username, role: role as Exclude<typeof role, 'citizen'>, password: password!, ...(department ? { department } : {}) }, 'citytrust user add');
    });
    console.log(`created ${user.role} '${user.username}'${user.department ? ` of ${user.department}` : ''}${user.subjectKey ? ` with subject key ${user.subjectKey}` : ''} (id ${user.id})`);
    return 0;
  },
};

function citizenDetails(values: { 'identity-number-file'?: string; 'public-key'?: string }): { identityNumber: string; publicKey: string } {
  if (!values['identity-number-file'] || !values['public-key']) throw new UsageError('a citizen needs --identity-number-file and --public-key');
  return {
    identityNumber: readFileSync(values['identity-number-file'], 'utf8').trim(),
    publicKey: readFileSync(values['public-key'], 'utf8'),
  };
}
