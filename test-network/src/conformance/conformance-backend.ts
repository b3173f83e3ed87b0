import type { NetworkCrypto, NetworkDescription } from '@citytrust/network-config';
import { BackendUnavailableError, type LedgerBackend } from '../network/ledger-backend';
import { embeddedConformanceBackend } from './embedded-conformance-backend';
import { fabricConformanceBackend } from './fabric-conformance-backend';

/**
 * A ledger back-end as the conformance suite drives it: started from a network description in
 * a home folder, and then reached only through its Gateway and Deliver services. The suite's
 * operational cases also need to stop it abruptly and start it again, and to take its chaincode
 * server away and bring it back.
 */
export interface ConformanceBackend {
  readonly name: LedgerBackend;
  /** Starts the network described by `description` with its state under `home`; resolves once it commits transactions. */
  start(home: string, description: NetworkDescription): Promise<RunningBackend>;
}

/** A started back-end. Every method resolves only once the change is complete. */
export interface RunningBackend {
  /** The identities the network was started with: the suite's clients sign with them. */
  readonly crypto: NetworkCrypto;
  /** host:port of the Gateway service the suite's clients dial. */
  readonly address: string;
  /** Stops everything gracefully; safe to call when already stopped. */
  stop(): Promise<void>;
  /** Kills the ledger's process(es) with SIGKILL, as a power cut would: no shutdown code runs. */
  crash(): Promise<void>;
  /** Starts the ledger again on the same home after `crash` or `stop`; it must recover what it committed. */
  restart(): Promise<void>;
  /** Stops only the chaincode server, leaving the ledger running. */
  stopChaincodeServer(): Promise<void>;
  /** Starts the chaincode server stopped by `stopChaincodeServer` again. */
  startChaincodeServer(): Promise<void>;
}

/**
 * The back-end named by `CITYTRUST_LEDGER`: `embedded` (the default) or `fabric`, real Fabric
 * from the release FABRIC_BIN names (`npm run test:fabric`). Asking for `fabric` without
 * FABRIC_BIN throws, so the suite fails and says so instead of passing without having tested
 * anything; a FABRIC_BIN that is no usable release fails each file's start the same way.
 *
 * @throws BackendUnavailableError for `fabric` without FABRIC_BIN, or an unknown name.
 */
export function conformanceBackend(env: Readonly<Record<string, string | undefined>> = process.env): ConformanceBackend {
  const name = env.CITYTRUST_LEDGER || 'embedded';
  if (name === 'embedded') return embeddedConformanceBackend;
  if (name === 'fabric') {
    if (!env.FABRIC_BIN) {
      throw new BackendUnavailableError('CITYTRUST_LEDGER=fabric: the conformance suite runs against real Fabric from FABRIC_BIN, which is not set; ' +
        'point FABRIC_BIN at Fabric v3.1 release binaries (bin/ and config/), or run it against the embedded ledger (unset CITYTRUST_LEDGER)');
    }
    return fabricConformanceBackend;
  }
  throw new BackendUnavailableError(`CITYTRUST_LEDGER must be 'embedded' (the default) or 'fabric', not '${name}'`);
}
