/** The ledger back-ends a network can run on. */
export type LedgerBackend = 'embedded' | 'fabric';

export class BackendUnavailableError extends Error {
  override readonly name = 'BackendUnavailableError';
}

/**
 * Which back-end to run: `--ledger` when given, else native Fabric when FABRIC_BIN points at
 * Fabric's release binaries, else the embedded ledger. Said plainly at start by the callers.
 */
export function chooseLedgerBackend(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): LedgerBackend {
  if (flag !== undefined && flag !== 'embedded' && flag !== 'fabric') {
    throw new BackendUnavailableError(`--ledger must be 'embedded' or 'fabric', not '${flag}'`);
  }
  const backend: LedgerBackend = (flag as LedgerBackend | undefined) ?? (env.FABRIC_BIN ? 'fabric' : 'embedded');
  if (backend === 'fabric') {
    throw new BackendUnavailableError(`the native Fabric back-end${env.FABRIC_BIN ? ` (FABRIC_BIN=${env.FABRIC_BIN})` : ''} is not available in this version of CityTrust yet; ` +
      'run the embedded ledger with `--ledger embedded`' + (env.FABRIC_BIN ? ' or unset FABRIC_BIN' : ''));
  }
  return backend;
}
