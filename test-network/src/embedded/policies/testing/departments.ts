import { channelMsps, type ChannelMsps, type VerifiedIdentity } from '../../msp';
import { newTestCa, type TestMember } from '../../msp/testing/test-ca';

/**
 * Three departments (A, B, C) on one channel with NodeOUs, and members of each, for tests of
 * policies over real verified identities. Built once per test process: the certificates are
 * immutable, so tests sharing them stay independent.
 */
export interface TestDepartments {
  readonly msps: ChannelMsps;
  /** Members by name, e.g. `peerA1`, `clientB`; see {@link testDepartments}. */
  readonly members: Readonly<Record<MemberName, TestMember>>;
  /** The verified identity of a member. */
  identity(name: MemberName): VerifiedIdentity;
}

export type MemberName = 'peerA1' | 'peerA2' | 'peerA3' | 'clientA' | 'adminA' | 'ordererA' | 'peerB1' | 'peerB2' | 'clientB' | 'peerC1';

const MEMBERS: Record<MemberName, { mspId: string; role: string }> = {
  peerA1: { mspId: 'AMSP', role: 'peer' },
  peerA2: { mspId: 'AMSP', role: 'peer' },
  peerA3: { mspId: 'AMSP', role: 'peer' },
  clientA: { mspId: 'AMSP', role: 'client' },
  adminA: { mspId: 'AMSP', role: 'admin' },
  ordererA: { mspId: 'AMSP', role: 'orderer' },
  peerB1: { mspId: 'BMSP', role: 'peer' },
  peerB2: { mspId: 'BMSP', role: 'peer' },
  clientB: { mspId: 'BMSP', role: 'client' },
  peerC1: { mspId: 'CMSP', role: 'peer' },
};

let built: Promise<TestDepartments> | undefined;

export function testDepartments(): Promise<TestDepartments> {
  built ??= build();
  return built;
}

async function build(): Promise<TestDepartments> {
  const cas = new Map(await Promise.all(['AMSP', 'BMSP', 'CMSP'].map(async (mspId) => [mspId, await newTestCa(mspId)] as const)));
  const entries = await Promise.all(
    Object.entries(MEMBERS).map(async ([name, { mspId, role }]) => {
      const member = await cas.get(mspId)!.issue({ commonName: `${name}.${mspId.toLowerCase()}`, organizationalUnits: [role] });
      return [name, member] as const;
    }),
  );
  const members = Object.fromEntries(entries) as Record<MemberName, TestMember>;
  const msps = channelMsps([...cas.values()].map((ca) => ({ mspId: ca.mspId, rootCertificatesPem: [ca.certificatePem], nodeOUs: true })));
  return { msps, members, identity: (name) => msps.deserialize(members[name].serialized()) };
}
