import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateNetworkCrypto, loadNetworkDescription, type NetworkCrypto, type NetworkDescription } from '@citytrust/network-config';
import { chaincodeEndorsementPolicy } from '../embedded-ledger';
import { Endorser, type EndorserContext } from '../endorser/endorser';
import { channelMsps, type ChannelMsps } from '../msp';
import type { Policy } from '../policies';
import { newSigningIdentity, type SigningIdentity } from '../protoutil/signing-identity';
import type { LedgerStore } from '../storage';
import { testSigner, type TestSigner } from './client-transactions';

/**
 * CityTrust's default network (three departments, MAJORITY endorsement) with fresh identities
 * from `generateNetworkCrypto` in a temporary folder, wired the way `startEmbeddedLedger` wires
 * them: the channel MSPs (departments and orderer), the endorsement policy, each department's
 * peer and the orderer as signers. Generating takes about half a second: build one per test file.
 */
export interface TestNetwork {
  readonly description: NetworkDescription;
  readonly crypto: NetworkCrypto;
  readonly channelId: string;
  readonly chaincodeName: string;
  /** The departments' MSP ids, in the description's order. */
  readonly departments: readonly string[];
  readonly msps: ChannelMsps;
  readonly endorsementPolicy: Policy;
  readonly peers: ReadonlyMap<string, SigningIdentity>;
  readonly orderer: SigningIdentity;
  /** Department `index`'s `User1`, the identity applications submit with. */
  client(index: number): TestSigner;
  admin(index: number): TestSigner;
  /** Department `index`'s peer as a proposal signer (which the Writers policy refuses). */
  peer(index: number): TestSigner;
  /** Removes the temporary folder. */
  cleanup(): Promise<void>;
}

export async function newTestNetwork(): Promise<TestNetwork> {
  const dir = await mkdtemp(join(tmpdir(), 'citytrust-test-network-'));
  const description = loadNetworkDescription(undefined, {});
  const crypto = await generateNetworkCrypto(description, join(dir, 'crypto'));
  const msps = channelMsps([
    ...crypto.departments.map((d) => ({ mspId: d.mspId, rootCertificatesPem: [d.caCertificatePem], nodeOUs: true })),
    { mspId: crypto.orderer.mspId, rootCertificatesPem: [crypto.orderer.caCertificatePem], nodeOUs: true },
  ]);
  const ordererNode = crypto.orderer.nodes[0]!;
  const department = (index: number) => {
    const found = crypto.departments[index];
    if (!found) throw new Error(`the test network has ${crypto.departments.length} departments, not ${index + 1}`);
    return found;
  };
  return {
    description,
    crypto,
    channelId: description.channel,
    chaincodeName: description.chaincode.name,
    departments: crypto.departments.map((d) => d.mspId),
    msps,
    endorsementPolicy: chaincodeEndorsementPolicy(description),
    peers: new Map(crypto.departments.map((d) => [d.mspId, newSigningIdentity(d.mspId, d.peer.certificatePem, d.peer.privateKeyPem)])),
    orderer: newSigningIdentity(crypto.orderer.mspId, ordererNode.certificatePem, ordererNode.privateKeyPem),
    client: (index) => testSigner(department(index).mspId, department(index).client.certificatePem, department(index).client.privateKeyPem),
    admin: (index) => testSigner(department(index).mspId, department(index).admin.certificatePem, department(index).admin.privateKeyPem),
    peer: (index) => testSigner(department(index).mspId, department(index).peer.certificatePem, department(index).peer.privateKeyPem),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A block store for endorsers whose tests never query qscc: any use fails the test loudly. */
export const noBlockStore: LedgerStore = new Proxy({} as LedgerStore, {
  get(_target, property) {
    throw new Error(`this test's endorser has no block store (it read '${String(property)}')`);
  },
});

/** The endorser of `network`, with the parts a test varies; by default nothing is committed. */
export function testEndorser(network: TestNetwork, parts: Pick<EndorserContext, 'state' | 'chaincode'> & Partial<EndorserContext>): Endorser {
  return new Endorser({
    channelId: network.channelId,
    chaincodeName: network.chaincodeName,
    chaincodeVersion: network.description.chaincode.version,
    msps: network.msps,
    endorsementPolicy: network.endorsementPolicy,
    peers: network.peers,
    blocks: noBlockStore,
    isCommitted: async () => false,
    ...parts,
  });
}
