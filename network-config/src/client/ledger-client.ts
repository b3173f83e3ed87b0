import { createPrivateKey } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { connect, hash, type Contract, type Gateway, type Network } from '@hyperledger/fabric-gateway';
import type { NetworkCrypto } from '../identities';
import type { NetworkDescription } from '../network-description';
import { signLowSAsync } from './ecdsa-signature';

/** Which of a department's identities signs: its client (applications) or its admin. */
export type ClientRole = 'client' | 'admin';

export interface LedgerClientOptions {
  readonly description: NetworkDescription;
  readonly crypto: NetworkCrypto;
  /** host:port of the Gateway service; defaults to the embedded ledger's from the description. */
  readonly address?: string;
}

/**
 * The one client path to the ledger, on every back-end: one long-lived gRPC connection over TLS
 * and, per department identity, an unmodified `@hyperledger/fabric-gateway` Gateway on it. The
 * gateway, the CLI, the conformance suite and the benchmarks all reach the ledger this way.
 */
export interface LedgerClient {
  readonly address: string;
  /** The gRPC connection, for callers that speak a Fabric service directly. */
  readonly connection: grpc.Client;
  gateway(mspId: string, role?: ClientRole): Gateway;
  /** The channel of the description, as the given department sees it. */
  network(mspId: string, role?: ClientRole): Network;
  /** The CityTrust chaincode's contract (`contractName` e.g. 'system'), as the given department. */
  contract(mspId: string, contractName?: string, role?: ClientRole): Contract;
  close(): void;
}

export function openLedgerClient(options: LedgerClientOptions): LedgerClient {
  const { description, crypto } = options;
  const address = options.address ?? `127.0.0.1:${description.embedded.port}`;
  const tlsRoots = Buffer.from(crypto.departments.map((d) => d.tlsCaCertificatePem).join('\n'));
  const connection = new grpc.Client(address, grpc.credentials.createSsl(tlsRoots), {
    // The ledger's TLS certificate names localhost and 127.0.0.1; the override keeps hostname
    // checking working when the address is an IP.
    'grpc.ssl_target_name_override': 'localhost',
    'grpc.max_receive_message_length': 100 * 1024 * 1024,
  });
  const gateways = new Map<string, Gateway>();

  const gatewayFor = (mspId: string, role: ClientRole = 'client'): Gateway => {
    const key = `${mspId}/${role}`;
    const existing = gateways.get(key);
    if (existing) return existing;
    const department = crypto.departments.find((d) => d.mspId === mspId);
    if (!department) {
      throw new Error(`department ${mspId} is not in the network description (departments: ${crypto.departments.map((d) => d.mspId).join(', ')})`);
    }
    const identity = role === 'admin' ? department.admin : department.client;
    const privateKey = createPrivateKey(identity.privateKeyPem);
    const gateway = connect({
      client: connection,
      identity: { mspId, credentials: Buffer.from(identity.certificatePem) },
      // fabric-gateway's default signer is pure JavaScript; Node's OpenSSL is several times
      // faster. With hash.none the signer receives the message itself and hashes it once.
      hash: hash.none,
      signer: (message) => signLowSAsync(privateKey, message),
      evaluateOptions: () => ({ deadline: Date.now() + 30_000 }),
      endorseOptions: () => ({ deadline: Date.now() + 30_000 }),
      submitOptions: () => ({ deadline: Date.now() + 30_000 }),
      commitStatusOptions: () => ({ deadline: Date.now() + 60_000 }),
    });
    gateways.set(key, gateway);
    return gateway;
  };

  return {
    address,
    connection,
    gateway: gatewayFor,
    network: (mspId, role) => gatewayFor(mspId, role).getNetwork(description.channel),
    contract: (mspId, contractName, role) => gatewayFor(mspId, role).getNetwork(description.channel).getContract(description.chaincode.name, contractName),
    close() {
      for (const gateway of gateways.values()) gateway.close();
      gateways.clear();
      connection.close();
    },
  };
}
