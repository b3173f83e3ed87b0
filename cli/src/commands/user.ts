import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { UsageError, type Command } from '../command';
import { withGatewayDatabase } from '../gateway-database';
import { checkOptionValue } from '../option-value';
import { readPassword } from '../password-input';

/**
 * `citytrust user add` and `citytrust user enable`: the operator's way to add any user and to
 * re-enable a disabled one, with direct database access (for users no admin manages, such as
 * credit officers and auditors, or when no admin is left).
 */
export const userCommand: Command = {
  name: 'user',
  summary: 'Add or re-enable a user: user add --username U --role R [--department MSP] --password-file F | user enable --username U',
  usage: [
    'usage: citytrust user add --username <name> --role <role> [--department <MSP id>] (--password-file <file> | --password-stdin)',
    '       citytrust user add --username <name> --role citizen --identity-number-file <file> --public-key <SM2 SPKI PEM file>',
    '       citytrust user add --username <name> --role enterprise --uscc <USCC> --public-key <SM2 SPKI PEM file>',
    '       citytrust user enable --username <name>',
    '',
    'enable undoes a disable (POST /api/v1/users/{username}/disable); the change is recorded as made',
    'by `citytrust user enable`, with the time.',
    '',
    'roles: department-officer and admin belong to a --department; credit-officer and auditor do not.',
    'A citizen logs in with the SM2 key whose public half is given; the identity number (read from a',
    'file, never the command line) is used once to derive their pseudonymous subject key, then forgotten.',
    'An enterprise account (its legal representative or an authorized agent) is bound to the enterprise\'s',
    'Unified Social Credit Code (public, so given on the command line) and logs in with its SM2 key too.',
  ].join('\n'),
  async run(args) {
    const [action, ...rest] = args;
    if (action === 'add') return addUser(rest);
    if (action === 'enable') return enableUser(rest);
    throw new UsageError(`unknown action '${action ?? ''}'; use add or enable`);
  },
};

async function enableUser(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { username: { type: 'string' } }, strict: true });
  if (!values.username) throw new UsageError('--username is required');
  const gateway = await import('@citytrust/gateway');
  await checkOptionValue('--username', gateway.values.Username, values.username);
  const username = values.username;
  const message = await withGatewayDatabase(async (database, config) => {
    const users = gateway.newUserStore(database.database, new Set(config.departments.map((d) => d.mspId)));
    const found = await users.findByUsername(username);
    if (!found) throw new Error(`no user is named '${username}'; nothing changed`);
    if (!found.disabledAt) return `${found.role} '${username}' is not disabled; nothing changed`;
    const enabled = await users.enable(username, 'citytrust user enable');
    return `enabled ${enabled.role} '${username}' (disabled at ${found.disabledAt.toISOString()}${found.disabledBy ? ` by ${found.disabledBy}` : ''}); they can log in again`;
  });
  console.log(message);
  return 0;
}

async function addUser(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      username: { type: 'string' }, role: { type: 'string' }, department: { type: 'string' },
      'password-file': { type: 'string' }, 'password-stdin': { type: 'boolean' },
      'identity-number-file': { type: 'string' }, 'public-key': { type: 'string' }, uscc: { type: 'string' },
    },
    strict: true,
  });
  const gateway = await import('@citytrust/gateway');
  const { disconnectedLedger, gatewayServices, isRole, isSubjectRole, registerCitizen, registerEnterprise } = gateway;
  const { username, role, department } = values;
  if (!username || !role) throw new UsageError('--username and --role are required');
  // The gateway's own rules, checked before a database is started or a row written.
  await checkOptionValue('--username', gateway.values.Username, username);
  await checkOptionValue('--role', gateway.values.Role, role);
  if (!isRole(role)) throw new UsageError(`--role '${role}' is not a role`); // narrows the type; the check above explains
  if (department !== undefined) await checkOptionValue('--department', gateway.values.DepartmentId, department);
  const citizen = role === 'citizen' ? citizenDetails(values, gateway) : undefined;
  const enterprise = role === 'enterprise' ? enterpriseDetails(values, gateway) : undefined;
  const password = isSubjectRole(role) ? undefined : readPassword(values);
  if (password !== undefined) await checkOptionValue('the password', gateway.values.Password, password, { secret: true });
  const user = await withGatewayDatabase(async (database, config) => {
    const services = gatewayServices(config, database.database, disconnectedLedger('not needed to add a user'));
    if (role === 'citizen') return registerCitizen(services.users, services.subjectKeys, { username, ...citizen! }, 'citytrust user add');
    if (role === 'enterprise') return registerEnterprise(services.users, { username, ...enterprise! }, 'citytrust user add');
    return services.users.create({ username, role, password: password!, ...(department ? { department } : {}) }, 'citytrust user add');
  });
  console.log(`created ${user.role} '${user.username}'${user.department ? ` of ${user.department}` : ''}${user.subjectKey ? ` with subject key ${user.subjectKey}` : ''}${user.uscc ? ` for USCC ${user.uscc}` : ''} (id ${user.id})`);
  return 0;
}

function citizenDetails(
  values: { 'identity-number-file'?: string; 'public-key'?: string },
  gateway: Pick<typeof import('@citytrust/gateway'), 'identityNumberProblem' | 'normaliseIdentityNumber'>,
): { identityNumber: string; publicKey: string } {
  if (!values['identity-number-file'] || !values['public-key']) throw new UsageError('a citizen needs --identity-number-file and --public-key');
  const identityNumber = gateway.normaliseIdentityNumber(readFileSync(values['identity-number-file'], 'utf8'));
  // Never echoed: the identity number is personal data.
  const problem = gateway.identityNumberProblem(identityNumber);
  if (problem) throw new UsageError(`the identity number in ${values['identity-number-file']} is not valid: ${problem}`);
  return { identityNumber, publicKey: readFileSync(values['public-key'], 'utf8') };
}

function enterpriseDetails(
  values: { uscc?: string; 'public-key'?: string },
  gateway: Pick<typeof import('@citytrust/gateway'), 'usccProblem'>,
): { uscc: string; publicKey: string } {
  if (!values.uscc || !values['public-key']) throw new UsageError('an enterprise needs --uscc and --public-key');
  const problem = gateway.usccProblem(values.uscc);
  if (problem) throw new UsageError(`--uscc '${values.uscc}' is not valid: ${problem}`);
  return { uscc: values.uscc, publicKey: readFileSync(values['public-key'], 'utf8') };
}
