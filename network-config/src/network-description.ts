import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { ordererNodes } from './network-nodes';
import { isImplicitMetaRule } from './endorsement-policy';
import { parsePolicyDsl, policyPrincipals, PolicyDslError } from './policy-dsl';

/**
 * The schema of a network description: the one declarative file (`network.json`) every back-end,
 * the crypto generator and the channel configuration are derived from. Adding a department is
 * adding one entry to `departments`; nothing else names departments.
 */

const port = (description: string, fallback?: number) =>
  Type.Integer({ minimum: 1024, maximum: 65535, description, ...(fallback === undefined ? {} : { default: fallback }) });

/** Host names as cryptogen puts them into certificates: lower-case labels joined by dots. */
const domainPattern = '^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$';
const mspIdPattern = '^[A-Za-z][A-Za-z0-9]*MSP$';

export const DepartmentDescriptionSchema = Type.Object({
  mspId: Type.String({
    pattern: mspIdPattern,
    description: "The department's Fabric MSP id, its identity on the ledger, e.g. 'BigDataAdministrationMSP'. Also the name of its group in the channel configuration.",
  }),
  name: Type.String({ minLength: 1, description: 'English name, as in the domain glossary.' }),
  nameZh: Type.String({ minLength: 1, description: 'Chinese name, as in the city plans.' }),
  domain: Type.String({
    pattern: domainPattern,
    description: "The department's DNS domain, as cryptogen uses it: its CA is 'ca.<domain>', its peer 'peer0.<domain>', its users 'Admin@<domain>' and 'User1@<domain>'.",
  }),
  peerPort: port("The port of the department's peer in the native back-end (on 127.0.0.1); also its anchor peer port."),
}, { additionalProperties: false, description: 'One city department that runs a peer and endorses transactions.' });

export const OrdererDescriptionSchema = Type.Object({
  mspId: Type.String({ pattern: mspIdPattern, default: 'OrdererMSP', description: "The ordering service's MSP id." }),
  domain: Type.String({ pattern: domainPattern, description: "The ordering organisation's domain; its nodes are 'orderer0.<domain>' ... 'orderer<N-1>.<domain>'." }),
  nodes: Type.Integer({
    minimum: 1, maximum: 9, default: 3,
    description: 'Raft consenters in the native back-end. Three tolerate one failure; the embedded ledger orders alone whatever this says.',
  }),
  port: port("The first orderer node's port (on 127.0.0.1); node i listens on port + 100 * i, beside the department peers' 7x51 ports.", 7050),
}, { additionalProperties: false, description: 'The ordering service: one organisation, N Raft nodes.' });

export const ChaincodeDescriptionSchema = Type.Object({
  name: Type.String({ pattern: '^[a-zA-Z0-9]+([-_][a-zA-Z0-9]+)*$', description: "The chaincode's name on the channel (Fabric's chaincode name rule)." }),
  version: Type.String({ pattern: '^[A-Za-z0-9_.+-]+$', description: "The chaincode definition's version label." }),
  endorsementPolicy: Type.String({
    minLength: 1, default: 'MAJORITY',
    description: "Who must endorse a transaction: 'MAJORITY', 'ANY' or 'ALL' (an implicit meta policy over the departments' Endorsement policies, i.e. their peers), or a Fabric signature policy such as \"OutOf(2, 'BigDataAdministrationMSP.peer', 'MarketRegulationMSP.peer')\" naming departments of this network.",
  }),
  serverPort: port('The port the chaincode server (chaincode as a service) listens on, on 127.0.0.1.', 9999),
}, { additionalProperties: false, description: 'The one chaincode the channel runs.' });

export const BlockCuttingSchema = Type.Object({
  maxMessageCount: Type.Integer({ minimum: 1, default: 500, description: 'A block is cut when it holds this many transactions (Orderer BatchSize.MaxMessageCount).' }),
  batchTimeoutMs: Type.Integer({
    minimum: 1, maximum: 3_600_000, default: 10,
    description: "A block is cut this long after its first transaction arrived (Orderer BatchTimeout). Fabric's sample uses 2 s to amortise consensus between machines; on one machine there is no network to amortise, so 10 ms keeps commit latency low (measured: 50 ms cost a fifth of the throughput at 64 concurrent clients).",
  }),
  preferredMaxBytes: Type.Integer({ minimum: 1, maximum: 4294967295, default: 2 * 1024 * 1024, description: 'A block is cut before it would exceed this size, unless one transaction alone is larger (BatchSize.PreferredMaxBytes, 2 MiB).' }),
  absoluteMaxBytes: Type.Integer({ minimum: 1, maximum: 4294967295, default: 10 * 1024 * 1024, description: 'No block may exceed this size; larger transactions are rejected (BatchSize.AbsoluteMaxBytes, 10 MiB).' }),
}, { additionalProperties: false, default: {}, description: "How the orderer cuts blocks (the channel's Orderer BatchSize and BatchTimeout). May be left out for the defaults." });

export const EmbeddedLedgerSchema = Type.Object({
  port: port("The embedded ledger's one gRPC port on 127.0.0.1, serving the Gateway and Deliver services.", 7051),
}, { additionalProperties: false, default: {}, description: 'The embedded ledger (one Node process playing every peer and the orderer). May be left out for the defaults.' });

export const NetworkDescriptionSchema = Type.Object({
  name: Type.String({ pattern: '^[a-z][a-z0-9-]*$', description: "The network's name, e.g. 'citytrust'; used to name what a back-end creates for it." }),
  channel: Type.String({ pattern: '^[a-z][a-z0-9.-]*$', maxLength: 249, description: "The Fabric channel's name (Fabric's rule: lower case, digits, '.' and '-', starting with a letter, at most 249 characters)." }),
  departments: Type.Array(DepartmentDescriptionSchema, { minItems: 1, description: 'The departments that run peers, in the order they are listed everywhere.' }),
  orderer: OrdererDescriptionSchema,
  chaincode: ChaincodeDescriptionSchema,
  blockCutting: BlockCuttingSchema,
  embedded: EmbeddedLedgerSchema,
}, { additionalProperties: false, description: 'A CityTrust network: its departments, channel, chaincode, policy, block cutting and ports.' });

export type DepartmentDescription = Static<typeof DepartmentDescriptionSchema>;
export type OrdererDescription = Static<typeof OrdererDescriptionSchema>;
export type ChaincodeDescription = Static<typeof ChaincodeDescriptionSchema>;
export type BlockCutting = Static<typeof BlockCuttingSchema>;
export type NetworkDescription = Static<typeof NetworkDescriptionSchema>;

/** The description shipped with this package: CityTrust's three departments. */
export const defaultNetworkDescriptionPath = join(__dirname, '..', 'network.json');

/** Thrown for a description that cannot be used; each problem names the file and the field. */
export class NetworkDescriptionError extends Error {
  constructor(readonly source: string, readonly problems: readonly string[]) {
    super(problems.map((problem) => `${source}: ${problem}`).join('\n'));
    this.name = 'NetworkDescriptionError';
  }
}

/**
 * Reads and checks a network description. Without a path it reads the file named by the
 * environment variable `CITYTRUST_NETWORK`, else the packaged `network.json`.
 *
 * @example
 * ```ts
 * const network = loadNetworkDescription();
 * network.departments.map((d) => d.mspId); // ['BigDataAdministrationMSP', ...]
 * ```
 * @throws NetworkDescriptionError when the file is missing, not JSON, or breaks a rule.
 */
export function loadNetworkDescription(path?: string, env: Readonly<Record<string, string | undefined>> = process.env): NetworkDescription {
  const file = path ?? (env.CITYTRUST_NETWORK || defaultNetworkDescriptionPath);
  const source = file === defaultNetworkDescriptionPath ? 'network.json' : file;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const hint = path === undefined && env.CITYTRUST_NETWORK ? ' (named by CITYTRUST_NETWORK)' : '';
    throw new NetworkDescriptionError(source, [`cannot read the network description${hint}: ${(error as Error).message}`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new NetworkDescriptionError(source, [`is not valid JSON: ${(error as Error).message}`]);
  }
  return parseNetworkDescription(json, source);
}

/**
 * Checks a parsed description against the schema and the rules that span fields, filling in
 * the documented defaults for fields left out.
 *
 * @param source names the description in error messages (usually its file name).
 * @throws NetworkDescriptionError listing every problem found.
 */
export function parseNetworkDescription(json: unknown, source: string): NetworkDescription {
  const withDefaults = Value.Default(NetworkDescriptionSchema, structuredClone(json));
  const schemaProblems = [...Value.Errors(NetworkDescriptionSchema, withDefaults)].map(describeSchemaError);
  if (schemaProblems.length > 0) throw new NetworkDescriptionError(source, unique(schemaProblems));
  const description = withDefaults as NetworkDescription;
  const ruleProblems = crossFieldProblems(description);
  if (ruleProblems.length > 0) throw new NetworkDescriptionError(source, ruleProblems);
  return description;
}

function describeSchemaError(error: ValueError): string {
  const at = error.path === '' ? '/' : error.path;
  const schema: TSchema = error.schema;
  switch (error.type) {
    case ValueErrorType.StringPattern: return `${at} must match ${String(schema.pattern)}`;
    case ValueErrorType.StringMinLength: return `${at} must not be empty`;
    case ValueErrorType.StringMaxLength: return `${at} must be at most ${String(schema.maxLength)} characters`;
    case ValueErrorType.IntegerMinimum:
    case ValueErrorType.NumberMinimum: return `${at} must be at least ${String(schema.minimum)}`;
    case ValueErrorType.IntegerMaximum:
    case ValueErrorType.NumberMaximum: return `${at} must be at most ${String(schema.maximum)}`;
    case ValueErrorType.Integer: return `${at} must be an integer`;
    case ValueErrorType.ArrayMinItems: return `${at} must list at least ${String(schema.minItems)} item(s)`;
    case ValueErrorType.ObjectRequiredProperty: return `${at} is required`;
    case ValueErrorType.ObjectAdditionalProperties: return `${at} is not a known field (see the schema in network-config/src/network-description.ts)`;
    default: return `${at}: ${error.message.charAt(0).toLowerCase()}${error.message.slice(1)}`;
  }
}

function crossFieldProblems(description: NetworkDescription): string[] {
  return [
    ...duplicates(
      [...description.departments.map((d, i) => ({ value: d.mspId, at: `/departments/${i}/mspId` })), { value: description.orderer.mspId, at: '/orderer/mspId' }],
      'MSP id',
    ),
    ...duplicates(
      [...description.departments.map((d, i) => ({ value: d.domain, at: `/departments/${i}/domain` })), { value: description.orderer.domain, at: '/orderer/domain' }],
      'domain',
    ),
    ...duplicates(
      [
        { value: description.embedded.port, at: '/embedded/port' },
        { value: description.chaincode.serverPort, at: '/chaincode/serverPort' },
        ...description.departments.map((d, i) => ({ value: d.peerPort, at: `/departments/${i}/peerPort` })),
        ...ordererNodes(description).map((node, i) => ({ value: node.port, at: i === 0 ? '/orderer/port' : `/orderer/port (+${100 * i} for ${node.hostname})` })),
      ].filter((entry) => entry.value <= 65535),
      'port',
    ),
    ...ordererPortProblems(description),
    ...blockCuttingProblems(description),
    ...endorsementPolicyProblems(description),
  ];
}

function duplicates(entries: ReadonlyArray<{ value: string | number; at: string }>, what: string): string[] {
  const firstSeen = new Map<string | number, string>();
  const problems: string[] = [];
  for (const { value, at } of entries) {
    const earlier = firstSeen.get(value);
    if (earlier === undefined) firstSeen.set(value, at);
    else problems.push(`${at} repeats the ${what} ${JSON.stringify(value)} of ${earlier}; each must be unique`);
  }
  return problems;
}

function ordererPortProblems(description: NetworkDescription): string[] {
  const last = ordererNodes(description).at(-1);
  return last !== undefined && last.port > 65535
    ? [`/orderer/port ${description.orderer.port} leaves no room for ${description.orderer.nodes} nodes (node i listens on port + 100 * i); lower it`]
    : [];
}

function blockCuttingProblems({ blockCutting }: NetworkDescription): string[] {
  return blockCutting.preferredMaxBytes > blockCutting.absoluteMaxBytes
    ? [`/blockCutting/preferredMaxBytes (${blockCutting.preferredMaxBytes}) must not exceed /blockCutting/absoluteMaxBytes (${blockCutting.absoluteMaxBytes})`]
    : [];
}

function endorsementPolicyProblems(description: NetworkDescription): string[] {
  const policy = description.chaincode.endorsementPolicy;
  if (isImplicitMetaRule(policy)) return [];
  let principals;
  try {
    principals = policyPrincipals(parsePolicyDsl(policy));
  } catch (error) {
    if (!(error instanceof PolicyDslError)) throw error;
    return [`/chaincode/endorsementPolicy must be MAJORITY, ANY, ALL or a Fabric signature policy: ${error.message}`];
  }
  const known = new Set(description.departments.map((d) => d.mspId));
  return principals
    .filter((principal) => !known.has(principal.mspId))
    .map((principal) => `/chaincode/endorsementPolicy names ${principal.mspId}, which is not one of /departments (${[...known].join(', ')})`);
}

function unique(problems: string[]): string[] {
  return [...new Set(problems)];
}
