import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The ledger back-ends a network can run on. */
export type LedgerBackend = 'embedded' | 'fabric';

export class BackendUnavailableError extends Error {
  override readonly name = 'BackendUnavailableError';
}

/**
 * Which back-end to run: `--ledger` when given, else native Fabric when FABRIC_BIN points at
 * Fabric's release binaries, else the embedded ledger. Said plainly at start by the callers;
 * whether FABRIC_BIN holds a usable release is `checkFabricRelease`'s to say.
 */
export function chooseLedgerBackend(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): LedgerBackend {
  if (flag !== undefined && flag !== 'embedded' && flag !== 'fabric') {
    throw new BackendUnavailableError(`--ledger must be 'embedded' or 'fabric', not '${flag}'`);
  }
  return (flag as LedgerBackend | undefined) ?? (env.FABRIC_BIN ? 'fabric' : 'embedded');
}

/** The file that says which back-end `up` last ran from a home: clients dial that one's Gateway. */
function backendFile(home: string): string {
  return join(home, 'ledger-backend.json');
}

/** Remembers that `home`'s ledger runs on `backend`, so later commands (status, ledger info, start) reach the right one. */
export function recordLedgerBackend(home: string, backend: LedgerBackend): void {
  mkdirSync(home, { recursive: true });
  writeFileSync(backendFile(home), `${JSON.stringify({ backend })}\n`);
}

/** The back-end `up` last ran from `home`; the embedded ledger when none was recorded. */
export function recordedLedgerBackend(home: string): LedgerBackend {
  try {
    const { backend } = JSON.parse(readFileSync(backendFile(home), 'utf8')) as { backend?: unknown };
    return backend === 'fabric' ? 'fabric' : 'embedded';
  } catch {
    return 'embedded';
  }
}
