import { createServer } from 'node:net';
import { join } from 'node:path';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { widenFlowControlWindows } from '@citytrust/shared';
import { channelConfig, generateNetworkCrypto, parsePolicyDsl, type NetworkCrypto, type NetworkDescription } from '@citytrust/network-config';
import { GatewayService } from '@hyperledger/fabric-protos/lib/gateway/gateway_grpc_pb';
import { DeliverService } from '@hyperledger/fabric-protos/lib/peer/events_grpc_pb';
import { ChaincodeLink } from './chaincode-link';
import { Channel, type LedgerLog } from './channel';
import { Endorser } from './endorser/endorser';
import { channelMsps } from './msp';
import { implicitMetaPolicy, signaturePolicy, type Policy } from './policies';
import { newGenesisBlock, hashOfBlock } from './protoutil/block';
import { newSigningIdentity } from './protoutil/signing-identity';
import { deliverService } from './services/deliver-service';
import { gatewayService } from './services/gateway-service';
import { openLedgerStore } from './storage';

export interface EmbeddedLedgerOptions {
  readonly description: NetworkDescription;
  /** CITYTRUST_HOME: identities under `crypto/`, blocks and state under `ledger/<channel>/`. */
  readonly home: string;
  readonly log?: LedgerLog;
  /** How long to wait for the chaincode server at start; it is re-dialled later if it is not up. */
  readonly chaincodeConnectTimeoutMs?: number;
}

export interface RunningLedger {
  /** `127.0.0.1:<port>`: Gateway and Deliver, on TLS. */
  readonly address: string;
  readonly channel: Channel;
  readonly chaincode: ChaincodeLink;
  readonly crypto: NetworkCrypto;
  close(): Promise<void>;
}

export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
}

/**
 * Starts the embedded ledger: one process that is the channel's peers and orderer. Creates the
 * identities and the genesis block on first start, recovers the block file and state on every
 * start, dials the chaincode server, and serves Fabric's Gateway and Deliver services on TLS.
 */
export async function startEmbeddedLedger(options: EmbeddedLedgerOptions): Promise<RunningLedger> {
  const { description, home } = options;
  const log = options.log ?? (() => undefined);
  const host = '127.0.0.1';
  const address = `${host}:${description.embedded.port}`;
  await assertPortFree(host, description.embedded.port, 'the embedded ledger (network description: embedded.port)');

  const crypto = await generateNetworkCrypto(description, join(home, 'crypto'));
  const msps = channelMsps([
    ...crypto.departments.map((d) => ({ mspId: d.mspId, rootCertificatesPem: [d.caCertificatePem], nodeOUs: true })),
    { mspId: crypto.orderer.mspId, rootCertificatesPem: [crypto.orderer.caCertificatePem], nodeOUs: true },
  ]);
  const ordererNode = crypto.orderer.nodes[0];
  if (!ordererNode) throw new Error('the network description has no orderer node');
  const orderer = newSigningIdentity(crypto.orderer.mspId, ordererNode.certificatePem, ordererNode.privateKeyPem);
  const peers = new Map(crypto.departments.map((d) => [d.mspId, newSigningIdentity(d.mspId, d.peer.certificatePem, d.peer.privateKeyPem)]));

  const store = await openLedgerStore(join(home, 'ledger', description.channel), { log: (line) => log('storage', { detail: line }) });
  try {
    if (store.height === 0) {
      const genesis = await newGenesisBlock(description.channel, channelConfig(description, crypto), orderer);
      await store.commitBlock(genesis);
      log('genesis block written', { channel: description.channel, hash: hashOfBlock(genesis).toString('hex') });
    }
    const endorsementPolicy = chaincodeEndorsementPolicy(description);
    const validation = {
      channelId: description.channel,
      namespace: description.chaincode.name,
      msps,
      endorsementPolicy,
      state: store,
      committedTxIds: (txIds: readonly string[]) => store.committedTxIds(txIds),
    };
    const channel = new Channel(store, validation, orderer, description.blockCutting, log);
    const chaincode = new ChaincodeLink(`${host}:${description.chaincode.serverPort}`, log);
    const endorser = new Endorser({
      ...validation,
      chaincodeName: description.chaincode.name,
      chaincodeVersion: description.chaincode.version,
      peers,
      blocks: store,
      isCommitted: async (txId: string) => (await store.transaction(txId)) !== undefined,
      chaincode: () => chaincode.current(),
    });
    await chaincode.start(options.chaincodeConnectTimeoutMs ?? 30_000);

    const server = new Server({ 'grpc.max_receive_message_length': 100 * 1024 * 1024, 'grpc.max_send_message_length': 100 * 1024 * 1024 });
    server.addService(GatewayService, gatewayService({ channel, endorser, msps, address }));
    server.addService(DeliverService, deliverService(channel, msps));
    const tls = crypto.departments[0]!.peer.tls;
    const credentials = ServerCredentials.createSsl(null, [{ cert_chain: Buffer.from(tls.certificatePem), private_key: Buffer.from(tls.privateKeyPem) }], false);
    await new Promise<void>((resolve, reject) => server.bindAsync(address, credentials, (error) => (error ? reject(new PortInUseError(`cannot listen on ${address}: ${error.message}`)) : resolve())));
    // Many clients' proposals and transactions arrive at once on each connection.
    widenFlowControlWindows(server);
    log('ledger ready', { address, channel: description.channel, height: channel.height });

    return {
      address,
      channel,
      chaincode,
      crypto,
      async close() {
        await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
        await channel.close();
        chaincode.stop();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/**
 * The chaincode's endorsement policy: MAJORITY/ANY/ALL of the departments' own Endorsement
 * policies (each `OR('<msp>.peer')`, as configtxgen's sample writes it), or a policy-DSL
 * expression over the departments' roles.
 */
export function chaincodeEndorsementPolicy(description: NetworkDescription): Policy {
  const rule = description.chaincode.endorsementPolicy;
  if (rule === 'MAJORITY' || rule === 'ANY' || rule === 'ALL') {
    return implicitMetaPolicy(rule, new Map(description.departments.map((d) => [d.mspId, signaturePolicy(parsePolicyDsl(`OR('${d.mspId}.peer')`))])), 'Endorsement');
  }
  return signaturePolicy(parsePolicyDsl(rule));
}

/** A bind error from gRPC says little; probing first lets the error name the port and its owner. */
async function assertPortFree(host: string, port: number, what: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      reject(new PortInUseError(error.code === 'EADDRINUSE'
        ? `port ${port} on ${host}, wanted by ${what}, is already in use: stop what uses it (\`ss -ltnp 'sport = :${port}'\` names it) or change the port`
        : `cannot listen on ${host}:${port} for ${what}: ${error.message}`));
    });
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}
