/**
 * The gateway's view of the Fabric ledger. Business endpoints reach the chain only through
 * this port, so that "the ledger is unreachable" is one condition with one answer (503 with
 * Retry-After) wherever it happens.
 */
export interface LedgerHealth {
  readonly reachable: boolean;
  /** What was checked, or why the ledger cannot be reached. */
  readonly detail: string;
}

export interface Ledger {
  health(): Promise<LedgerHealth>;
}

/**
 * The ledger of a gateway that has no Fabric network to talk to. It never pretends: health
 * says unreachable, with the reason.
 */
export function disconnectedLedger(reason: string): Ledger {
  return { health: async () => ({ reachable: false, detail: reason }) };
}
