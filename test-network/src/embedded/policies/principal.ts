import { X509Certificate } from 'node:crypto';
import { msp } from '@hyperledger/fabric-protos';
import type { MspRole, VerifiedIdentity } from '../msp';

/** An `msp.MSPPrincipal` compiled once, so that evaluating a policy decodes no protobuf. */
export interface Principal {
  /** As the policy DSL writes it, e.g. `'Org1MSP.peer'`. */
  readonly description: string;
  /** Fabric's `SatisfiesPrincipal` for an identity its MSP has already validated. */
  isSatisfiedBy(identity: VerifiedIdentity): boolean;
}

const ROLE_NAMES: Record<number, MspRole> = {
  [msp.MSPRole.MSPRoleType.MEMBER]: 'member',
  [msp.MSPRole.MSPRoleType.ADMIN]: 'admin',
  [msp.MSPRole.MSPRoleType.CLIENT]: 'client',
  [msp.MSPRole.MSPRoleType.PEER]: 'peer',
  [msp.MSPRole.MSPRoleType.ORDERER]: 'orderer',
};

/**
 * Compiles the principals the embedded ledger's MSPs can decide:
 * - `ROLE`: the identity belongs to the MSP and holds the role. Every valid identity is a
 *   `member`; `client`, `peer`, `admin`, `orderer` come from the NodeOU (with NodeOUs, Fabric
 *   grants admin by OU; explicitly listed admincerts are not supported here).
 * - `IDENTITY`: exactly this certificate of this MSP.
 *
 * `ORGANIZATION_UNIT`, `ANONYMITY` and `COMBINED` principals are refused with an error rather
 * than misjudged.
 */
export function compilePrincipal(principal: msp.MSPPrincipal, index: number): Principal {
  const classification = principal.getPrincipalClassification();
  const bytes = principal.getPrincipal_asU8();
  switch (classification) {
    case msp.MSPPrincipal.Classification.ROLE:
      return rolePrincipal(decode(() => msp.MSPRole.deserializeBinary(bytes), 'msp.MSPRole', index), index);
    case msp.MSPPrincipal.Classification.IDENTITY:
      return identityPrincipal(decode(() => msp.SerializedIdentity.deserializeBinary(bytes), 'msp.SerializedIdentity', index), index);
    default: {
      const name = Object.entries(msp.MSPPrincipal.Classification).find(([, value]) => value === classification)?.[0] ?? String(classification);
      throw new Error(
        `principal ${index} is of type ${name}, which the embedded ledger does not evaluate: express the policy with ROLE principals ('Org1MSP.peer') or IDENTITY principals`,
      );
    }
  }
}

function rolePrincipal(role: msp.MSPRole, index: number): Principal {
  const mspId = role.getMspIdentifier();
  const roleName = ROLE_NAMES[role.getRole()];
  if (roleName === undefined) {
    throw new Error(`principal ${index} names MSP role ${role.getRole()}, which is none of MEMBER, ADMIN, CLIENT, PEER, ORDERER`);
  }
  return {
    description: `'${mspId}.${roleName}'`,
    isSatisfiedBy: (identity) => identity.mspId === mspId && identity.roles.has(roleName),
  };
}

function identityPrincipal(serialized: msp.SerializedIdentity, index: number): Principal {
  const mspId = serialized.getMspid();
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(Buffer.from(serialized.getIdBytes_asU8()));
  } catch (error) {
    throw new Error(`principal ${index} is an IDENTITY whose id_bytes are not a certificate: ${(error as Error).message}`);
  }
  const raw = certificate.raw;
  return {
    description: `identity '${certificate.subject.split('\n').join(', ')}' of ${mspId}`,
    // Fabric compares the certificates' DER, not the serialized bytes, which may differ in PEM layout.
    isSatisfiedBy: (identity) => identity.mspId === mspId && identity.certificate.raw.equals(raw),
  };
}

function decode<T>(parse: () => T, type: string, index: number): T {
  try {
    return parse();
  } catch (error) {
    throw new Error(`principal ${index} is not a valid ${type}: ${(error as Error).message}`);
  }
}
