import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LedgerClient, NetworkDescription } from '@citytrust/network-config';
import { citytrustHome } from '@citytrust/shared';

/** A client of the ledger that `citytrust start` or `citytrust up` brought up from CITYTRUST_HOME. */
export interface RunningLedger {
  readonly description: NetworkDescription;
  readonly client: LedgerClient;
}

/**
 * Opens the one client path to the ledger started from this CITYTRUST_HOME, with the identities
 * it generated there; says what to do when none was ever started. The caller closes the client.
 */
export async function openRunningLedger(): Promise<RunningLedger> {
  const { loadNetworkCrypto, loadNetworkDescription, openLedgerClient } = await import('@citytrust/network-config');
  const { ledgerGatewayAddress, recordedLedgerBackend } = await import('@citytrust/test-network');
  const description = loadNetworkDescription();
  const home = citytrustHome();
  const cryptoDir = join(home, 'crypto');
  if (!existsSync(cryptoDir)) {
    throw new Error(`the ledger did not answer: none was ever started from ${home} (it has no identities in ${cryptoDir}); ` +
      '`citytrust up` starts one, `citytrust status` shows what runs');
  }
  const address = ledgerGatewayAddress(recordedLedgerBackend(home), description, home);
  return { description, client: openLedgerClient({ description, crypto: loadNetworkCrypto(description, cryptoDir), address }) };
}
