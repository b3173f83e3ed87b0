import { readFileSync } from 'node:fs';
import type { ChaincodeServerOptions, ChaincodeServerTls } from './server';

/** Where the chaincode server listens when `CHAINCODE_SERVER_ADDRESS` is not set. */
export const DEFAULT_CHAINCODE_SERVER_ADDRESS = '127.0.0.1:9999';

/** Thrown when the environment does not describe a chaincode server; the message says which variable to fix. */
export class ChaincodeServerConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChaincodeServerConfigError';
  }
}

/**
 * The chaincode server's options from the environment, the variables Fabric's
 * chaincode-as-a-service images use:
 *
 * - `CHAINCODE_ID` (required): the package id the peer knows the chaincode by, `label:sha256`.
 * - `CHAINCODE_SERVER_ADDRESS`: `host:port` to listen on, default {@link DEFAULT_CHAINCODE_SERVER_ADDRESS};
 *   port 0 picks a free port.
 * - `CHAINCODE_TLS_KEY_FILE` and `CHAINCODE_TLS_CERT_FILE` (PEM), together: serve TLS.
 * - `CHAINCODE_TLS_CLIENT_CACERT_FILE` (PEM), with the two above: also require the peer's client
 *   certificate, issued by this CA (mutual TLS).
 */
export function chaincodeServerOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): ChaincodeServerOptions {
  const ccid = env.CHAINCODE_ID ?? '';
  if (ccid.length === 0) {
    throw new ChaincodeServerConfigError('CHAINCODE_ID is not set: set it to the chaincode package id the peer uses, e.g. citytrust_0.1.0:<sha256 of the package>');
  }
  const address = env.CHAINCODE_SERVER_ADDRESS || DEFAULT_CHAINCODE_SERVER_ADDRESS;
  const tls = tlsFromEnv(env);
  return tls ? { ccid, address, tls } : { ccid, address };
}

function tlsFromEnv(env: NodeJS.ProcessEnv): ChaincodeServerTls | undefined {
  const keyFile = env.CHAINCODE_TLS_KEY_FILE || undefined;
  const certFile = env.CHAINCODE_TLS_CERT_FILE || undefined;
  const clientCaFile = env.CHAINCODE_TLS_CLIENT_CACERT_FILE || undefined;
  if (!keyFile && !certFile && !clientCaFile) return undefined;
  if (!keyFile || !certFile) {
    throw new ChaincodeServerConfigError('TLS needs both CHAINCODE_TLS_KEY_FILE and CHAINCODE_TLS_CERT_FILE (PEM files); set both, or neither for plain gRPC');
  }
  const key = readPem('CHAINCODE_TLS_KEY_FILE', keyFile);
  const cert = readPem('CHAINCODE_TLS_CERT_FILE', certFile);
  return clientCaFile ? { key, cert, clientCaCerts: readPem('CHAINCODE_TLS_CLIENT_CACERT_FILE', clientCaFile) } : { key, cert };
}

function readPem(variable: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new ChaincodeServerConfigError(`${variable}=${path} cannot be read: ${(error as Error).message}`);
  }
}
