import { common, msp } from '@hyperledger/fabric-protos';

/**
 * Fabric's signature-policy language (`common/policydsl/policyparser.go`):
 *
 * ```
 * policy    := gate
 * gate      := AND(arg, ...) | OR(arg, ...) | OutOf(threshold, arg, ...)
 * arg       := gate | 'MSPID.role'
 * role      := member | admin | client | peer | orderer
 * threshold := integer | 'integer'
 * ```
 *
 * Gate names are accepted as Fabric 3 accepts them: `AND`/`And`, `OR`/`Or`, `OutOf`/`outof`/`OUTOF`
 * (lower-case `and` and `or` are operators of the expression engine Fabric 3 parses with, so it
 * rejects them). As in Fabric, a trailing comma is allowed and a fractional threshold is
 * truncated. The result is byte-for-byte the `SignaturePolicyEnvelope` Fabric's
 * `policydsl.FromString` builds (checked against Fabric 3.1's own parser), including
 * its principal order: a gate's nested gates number their principals first, then the gate's own
 * principals follow in order (so `OR('A.member', AND('B.member', 'C.member'))` lists B, C, A).
 * Principals are not de-duplicated, as in Fabric.
 */

/** Thrown for a policy string Fabric would reject; the message points at the offending text. */
export class PolicyDslError extends Error {
  constructor(readonly policy: string, problem: string) {
    super(`invalid signature policy "${policy}": ${problem}`);
    this.name = 'PolicyDslError';
  }
}

/** A principal of the DSL: one MSP and the role its signer must hold. */
export interface PolicyPrincipal {
  readonly mspId: string;
  readonly role: PrincipalRole;
}

export type PrincipalRole = 'member' | 'admin' | 'client' | 'peer' | 'orderer';

const roleTypes: Readonly<Record<PrincipalRole, msp.MSPRole.MSPRoleTypeMap[keyof msp.MSPRole.MSPRoleTypeMap]>> = {
  member: msp.MSPRole.MSPRoleType.MEMBER,
  admin: msp.MSPRole.MSPRoleType.ADMIN,
  client: msp.MSPRole.MSPRoleType.CLIENT,
  peer: msp.MSPRole.MSPRoleType.PEER,
  orderer: msp.MSPRole.MSPRoleType.ORDERER,
};

/** Fabric's principal pattern: `[[:alnum:].-]+` then `.` then a role; the MSP id match is greedy. */
const principalPattern = /^([A-Za-z0-9.-]+)\.(admin|member|client|peer|orderer)$/;

const gateNames: Readonly<Record<string, 'and' | 'or' | 'outof'>> = {
  AND: 'and', And: 'and',
  OR: 'or', Or: 'or',
  OUTOF: 'outof', OutOf: 'outof', outof: 'outof',
};

/**
 * Parses a signature policy such as `OutOf(2, 'BigDataAdministrationMSP.peer', 'MarketRegulationMSP.peer')`
 * into the envelope Fabric stores in channel configuration and chaincode definitions.
 *
 * @example
 * ```ts
 * const envelope = parsePolicyDsl("AND('Org1MSP.peer', OR('Org2MSP.peer', 'Org3MSP.peer'))");
 * envelope.getIdentitiesList().length; // 3
 * ```
 * @throws PolicyDslError when the text is not a policy Fabric accepts.
 */
export function parsePolicyDsl(policy: string): common.SignaturePolicyEnvelope {
  const gate = new Parser(policy).parsePolicy();
  const identities: msp.MSPPrincipal[] = [];
  const rule = buildRule(policy, gate, identities);
  const envelope = new common.SignaturePolicyEnvelope();
  envelope.setVersion(0);
  envelope.setRule(rule);
  envelope.setIdentitiesList(identities);
  return envelope;
}

/**
 * The principals a policy names, in the envelope's order. Used to check that a policy only
 * mentions organisations that exist before it reaches the ledger.
 */
export function policyPrincipals(envelope: common.SignaturePolicyEnvelope): PolicyPrincipal[] {
  return envelope.getIdentitiesList().map((principal) => {
    const role = msp.MSPRole.deserializeBinary(principal.getPrincipal_asU8());
    const name = (Object.keys(roleTypes) as PrincipalRole[]).find((r) => roleTypes[r] === role.getRole());
    if (name === undefined) throw new Error(`unknown MSP role ${role.getRole()} in policy principal`);
    return { mspId: role.getMspIdentifier(), role: name };
  });
}

interface Gate {
  readonly kind: 'gate';
  readonly threshold: number;
  readonly args: ReadonlyArray<Gate | Principal>;
}

interface Principal {
  readonly kind: 'principal';
  readonly mspId: string;
  readonly role: PrincipalRole;
}

function buildRule(policy: string, gate: Gate, identities: msp.MSPPrincipal[]): common.SignaturePolicy {
  if (gate.threshold < 0 || gate.threshold > gate.args.length + 1) {
    throw new PolicyDslError(policy, `invalid t-out-of-n predicate, t ${gate.threshold}, n ${gate.args.length}`);
  }
  // Fabric evaluates nested gates before the gate itself, so their principals are numbered first.
  const nested = new Map<number, common.SignaturePolicy>();
  gate.args.forEach((arg, index) => {
    if (arg.kind === 'gate') nested.set(index, buildRule(policy, arg, identities));
  });
  const rules = gate.args.map((arg, index) => nested.get(index) ?? signedBy(addIdentity(arg as Principal, identities)));
  const nOutOf = new common.SignaturePolicy.NOutOf();
  nOutOf.setN(gate.threshold);
  nOutOf.setRulesList(rules);
  const rule = new common.SignaturePolicy();
  rule.setNOutOf(nOutOf);
  return rule;
}

function addIdentity(principal: Principal, identities: msp.MSPPrincipal[]): number {
  const role = new msp.MSPRole();
  role.setMspIdentifier(principal.mspId);
  role.setRole(roleTypes[principal.role]);
  const identity = new msp.MSPPrincipal();
  identity.setPrincipalClassification(msp.MSPPrincipal.Classification.ROLE);
  identity.setPrincipal(role.serializeBinary());
  identities.push(identity);
  return identities.length - 1;
}

function signedBy(index: number): common.SignaturePolicy {
  const rule = new common.SignaturePolicy();
  rule.setSignedBy(index);
  return rule;
}

type Token =
  | { readonly type: 'name'; readonly text: string; readonly at: number }
  | { readonly type: 'string'; readonly text: string; readonly at: number }
  | { readonly type: 'number'; readonly text: string; readonly at: number }
  | { readonly type: '(' | ')' | ','; readonly at: number }
  | { readonly type: 'end'; readonly at: number };

/** Recursive descent over the tokens; positions in errors are 1-based columns. */
class Parser {
  private readonly tokens: Token[];
  private next = 0;

  constructor(private readonly policy: string) {
    this.tokens = tokenize(policy);
  }

  parsePolicy(): Gate {
    const first = this.peek();
    if (first.type === 'end') throw this.error('the policy is empty');
    if (first.type !== 'name') throw this.error(`invalid policy string '${this.policy}': expected AND, OR or OutOf`);
    const gate = this.parseGate();
    const rest = this.peek();
    if (rest.type !== 'end') throw this.error(`unexpected ${describe(rest)} at column ${rest.at + 1} after the policy`);
    return gate;
  }

  private parseGate(): Gate {
    const name = this.take();
    if (name.type !== 'name') throw this.error(`expected AND, OR or OutOf at column ${name.at + 1}`);
    const gate = gateNames[name.text];
    if (name.text === 'and' || name.text === 'or') {
      throw this.error(`'${name.text}' at column ${name.at + 1} is an operator to Fabric 3, not a gate: write ${name.text.toUpperCase()}`);
    }
    if (gate === undefined) {
      throw this.error(`unknown name ${name.text} at column ${name.at + 1}: expected AND, OR or OutOf, or a quoted principal like 'Org1MSP.peer'`);
    }
    this.expect('(');
    const threshold = gate === 'outof' ? this.parseThreshold() : undefined;
    const args: Array<Gate | Principal> = [];
    if (gate === 'outof' && this.peek().type === ')') {
      throw this.error(`expected at least two arguments to NOutOf. Given 1 (column ${name.at + 1})`);
    }
    if (gate === 'outof') this.expect(',');
    for (;;) {
      args.push(this.parseArgument());
      const separator = this.take();
      if (separator.type === ')') break;
      if (separator.type !== ',') throw this.error(`expected ',' or ')' at column ${separator.at + 1}, found ${describe(separator)}`);
      if (this.peek().type === ')') {
        this.take();
        break;
      }
    }
    return { kind: 'gate', threshold: threshold ?? (gate === 'and' ? args.length : 1), args };
  }

  private parseThreshold(): number {
    const token = this.take();
    const text = token.type === 'number' || token.type === 'string' ? token.text : undefined;
    if (text === undefined || !/^-?\d+(\.\d+)?$/.test(text)) {
      throw this.error(`OutOf expects an integer threshold first, found ${describe(token)} at column ${token.at + 1}`);
    }
    return Math.trunc(Number(text)); // Fabric converts the number with Go's int(), which truncates
  }

  private parseArgument(): Gate | Principal {
    const token = this.peek();
    if (token.type === 'name') return this.parseGate();
    this.take();
    if (token.type !== 'string') {
      throw this.error(`expected a quoted principal like 'Org1MSP.peer' or a nested gate at column ${token.at + 1}, found ${describe(token)}`);
    }
    const match = principalPattern.exec(token.text);
    if (match === null) {
      throw this.error(`'${token.text}' at column ${token.at + 1} is not a principal: expected 'MSPID.role' with role member, admin, client, peer or orderer`);
    }
    return { kind: 'principal', mspId: match[1] as string, role: match[2] as PrincipalRole };
  }

  private expect(type: '(' | ',' | ')'): void {
    const token = this.take();
    if (token.type !== type) throw this.error(`expected '${type}' at column ${token.at + 1}, found ${describe(token)}`);
  }

  private peek(): Token {
    return this.tokens[this.next] ?? { type: 'end', at: this.policy.length };
  }

  private take(): Token {
    const token = this.peek();
    if (token.type !== 'end') this.next += 1;
    return token;
  }

  private error(problem: string): PolicyDslError {
    return new PolicyDslError(this.policy, problem);
  }
}

function describe(token: Token): string {
  switch (token.type) {
    case 'end': return 'the end of the policy';
    case 'name': return `name ${token.text}`;
    case 'string': return `string '${token.text}'`;
    case 'number': return `number ${token.text}`;
    default: return `'${token.type}'`;
  }
}

function tokenize(policy: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < policy.length) {
    const char = policy[at] as string;
    if (/\s/.test(char)) {
      at += 1;
    } else if (char === '(' || char === ')' || char === ',') {
      tokens.push({ type: char, at });
      at += 1;
    } else if (char === "'" || char === '"') {
      const { text, end } = readString(policy, at);
      tokens.push({ type: 'string', text, at });
      at = end;
    } else {
      const word = /^(-?\d+(?:\.\d+)?|[A-Za-z_][A-Za-z0-9_]*)/.exec(policy.slice(at));
      if (word === null) throw new PolicyDslError(policy, `unexpected character '${char}' at column ${at + 1}`);
      const text = word[0];
      tokens.push(/^-?\d/.test(text) ? { type: 'number', text, at } : { type: 'name', text, at });
      at += text.length;
    }
  }
  return tokens;
}

/** Reads a quoted string starting at `start`; a backslash escapes the next character. */
function readString(policy: string, start: number): { text: string; end: number } {
  const quote = policy[start];
  let text = '';
  for (let at = start + 1; at < policy.length; at += 1) {
    const char = policy[at] as string;
    if (char === quote) return { text, end: at + 1 };
    if (char === '\\') {
      at += 1;
      text += policy[at] ?? '';
    } else {
      text += char;
    }
  }
  throw new PolicyDslError(policy, `the string starting at column ${start + 1} is not closed`);
}
