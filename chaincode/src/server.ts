#!/usr/bin/env node
import { createServer } from 'node:net';
import type { Contract } from 'fabric-contract-api';
import { Shim, type ChaincodeServerOpts } from 'fabric-shim';
import { followOwner, widenFlowControlWindows } from '@citytrust/shared';
import { chaincodeFromContracts } from './chaincode-from-contracts';
import { chaincodePackage } from './chaincode-info';
import { contracts } from './contracts';
import { ChaincodeServerConfigError, chaincodeServerOptionsFromEnv } from './server-config';

/** TLS material for the chaincode server, PEM. */
export interface ChaincodeServerTls {
  readonly key: Buffer;
  readonly cert: Buffer;
  /** When set, peers must present a client certificate issued by one of these CAs (mutual TLS). */
  readonly clientCaCerts?: Buffer;
}

/** How to run the chaincode server. */
export interface ChaincodeServerOptions {
  /** The package id the peer knows this chaincode by, `label:sha256`; sent in the REGISTER message. */
  readonly ccid: string;
  /** `host:port` to listen on; port 0 picks a free port, reported in {@link RunningChaincodeServer.address}. */
  readonly address: string;
  readonly tls?: ChaincodeServerTls;
  /** The contracts to serve; the chaincode's own {@link contracts} when absent. */
  readonly contracts?: ReadonlyArray<new () => Contract>;
}

/** A listening chaincode server. */
export interface RunningChaincodeServer {
  /** The `host:port` it listens on, with the actual port when port 0 was asked for. */
  readonly address: string;
  /**
   * Stops listening and cancels the peers' streams at once. A peer's chat stream never ends by
   * itself, so waiting for it would wait forever; the peer fails any transaction in flight and
   * dials again when the chaincode is back.
   */
  close(): Promise<void>;
}

/** Thrown when the server cannot listen; the message says why and what to change. */
export class ChaincodeServerStartError extends Error {
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'ChaincodeServerStartError';
  }
}

/**
 * The gRPC options `fabric-chaincode-node server` passes by default (lib/cmds/serverCommand.js):
 * unlimited message sizes, and keepalive settings that match the peer's.
 */
const GRPC_SERVER_OPTIONS = {
  'grpc.max_send_message_length': -1,
  'grpc.max_receive_message_length': -1,
  'grpc.keepalive_time_ms': 110000,
  'grpc.http2.min_time_between_pings_ms': 110000,
  'grpc.keepalive_timeout_ms': 20000,
  'grpc.http2.max_pings_without_data': 0,
  'grpc.keepalive_permit_without_calls': 1,
} as const;

/**
 * Runs the chaincode as a chaincode server (chaincode-as-a-service): the peer dials `address`,
 * the server answers with REGISTER for `ccid`, and transactions flow over that stream. Built the
 * way `fabric-chaincode-node server` builds it, so the chaincode behaves as it would under Fabric.
 *
 * Use it in-process from tests and the embedded ledger; `node dist/server.js` runs it alone.
 *
 * @example
 * ```ts
 * const server = await startChaincodeServer({ ccid: 'citytrust_0.1.0:abc…', address: '127.0.0.1:0' });
 * // point the peer at server.address …
 * await server.close();
 * ```
 */
export async function startChaincodeServer(options: ChaincodeServerOptions): Promise<RunningChaincodeServer> {
  const address = await resolveListenAddress(options.address);
  const { name, version } = chaincodePackage();
  const chaincode = chaincodeFromContracts(options.contracts ?? contracts, name, version);
  const server = Shim.server(chaincode, shimServerOptions(options.ccid, address, options.tls));
  const grpcServer = grpcServerOf(server);
  try {
    await server.start();
  } catch (error) {
    grpcServer.forceShutdown();
    throw startError(address, error);
  }
  // All of a peer's transactions share one stream, each TRANSACTION carrying a signed proposal.
  widenFlowControlWindows(grpcServer);
  return {
    address,
    close: async () => grpcServer.forceShutdown(),
  };
}

function shimServerOptions(ccid: string, address: string, tls: ChaincodeServerTls | undefined): ChaincodeServerOpts {
  const tlsProps = tls && { key: tls.key, cert: tls.cert, ...(tls.clientCaCerts ? { clientCACerts: tls.clientCaCerts } : {}) };
  // The shim's typings make tlsProps and clientCACerts required; lib/server.js treats both as optional.
  return { ccid, address, ...GRPC_SERVER_OPTIONS, ...(tlsProps ? { tlsProps } : {}) } as ChaincodeServerOpts;
}

/** The part of the shim's ChaincodeServer we need but it does not expose: its gRPC server, to stop it. */
interface ShimServerInternals {
  readonly _server?: GrpcServerInternals;
}

/** grpc-js's Server as far as we need it: stopping it. */
interface GrpcServerInternals {
  forceShutdown(): void;
}

function grpcServerOf(server: object): GrpcServerInternals {
  const grpcServer = (server as ShimServerInternals)._server;
  if (typeof grpcServer?.forceShutdown !== 'function') {
    throw new Error('fabric-shim\'s ChaincodeServer no longer keeps its gRPC server in _server; update startChaincodeServer for this fabric-shim version');
  }
  return grpcServer;
}

/**
 * The address with a concrete port. The shim does not report the port it bound, so for port 0
 * we ask the operating system for a free port first and hand that to the shim; another process
 * could take it in between, which then shows as "port in use".
 */
async function resolveListenAddress(address: string): Promise<string> {
  const { host, port } = splitAddress(address);
  if (port !== 0) return address;
  const free = await freePort(host.replace(/^\[(.*)\]$/, '$1'));
  return `${host}:${free}`;
}

function splitAddress(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  const host = address.slice(0, colon);
  const portText = address.slice(colon + 1);
  const port = Number(portText);
  if (colon <= 0 || !/^[0-9]{1,5}$/.test(portText) || port > 65535) {
    throw new ChaincodeServerConfigError(`chaincode server address ${JSON.stringify(address)} is not host:port (e.g. 127.0.0.1:9999, [::1]:9999, or port 0 for any free port)`);
  }
  return { host, port };
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const bound = probe.address();
      probe.close(() => (bound !== null && typeof bound === 'object' ? resolve(bound.port) : reject(new Error(`no port bound on ${host}`))));
    });
  });
}

function startError(address: string, error: unknown): ChaincodeServerStartError {
  const detail = error instanceof Error ? error.message : String(error);
  if (/EADDRINUSE|address already in use/i.test(detail)) {
    return new ChaincodeServerStartError(
      `cannot listen on ${address}: the port is in use; stop the process holding it or set CHAINCODE_SERVER_ADDRESS to a free host:port`,
      { cause: error },
    );
  }
  return new ChaincodeServerStartError(`cannot listen on ${address}: ${detail}`, { cause: error });
}

function log(level: 'info' | 'error', message: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ level, time: new Date().toISOString(), message, ...fields });
  (level === 'error' ? process.stderr : process.stdout).write(`${line}\n`);
}

/**
 * `citytrust-chaincode`: the server configured from the environment (see server-config.ts), until
 * SIGTERM or SIGINT, or until the process that owns it (CITYTRUST_OWNER_PID) dies.
 */
async function main(): Promise<void> {
  const options = chaincodeServerOptionsFromEnv();
  const server = await startChaincodeServer(options);
  let stopping = false;
  /** Why it stops, for the log: `{ signal }` or `{ ownerGone }` (the dead owner's pid). */
  const stop = (why: { signal: NodeJS.Signals } | { ownerGone: number }): void => {
    if (stopping) return;
    stopping = true;
    following.stop();
    log('info', 'chaincode server stopping', why);
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', (signal) => stop({ signal }));
  process.once('SIGINT', (signal) => stop({ signal }));
  // An owner that died while the server started is found at once.
  const following = followOwner((ownerGone) => stop({ ownerGone }));
  // Only now: whoever waits for this line may signal us as soon as they read it.
  log('info', 'chaincode server listening', { address: server.address, ccid: options.ccid, tls: options.tls !== undefined });
}

if (require.main === module) {
  main().catch((error: unknown) => {
    log('error', error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
