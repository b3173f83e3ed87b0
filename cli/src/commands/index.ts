import type { Command } from '../command';
import { adminCommand } from './admin';
import { auditCommand } from './audit';
import { cryptoCommand } from './crypto';
import { downCommand } from './down';
import { envCommand } from './env';
import { ledgerCommand } from './ledger';
import { licenseCommand } from './license';
import { upCommand } from './up';
import { proofCommand } from './proof';
import { reconcileCommand } from './reconcile';
import { sealCommand } from './seal';
import { startCommand } from './start';
import { statusCommand } from './status';
import { userCommand } from './user';

/**
 * Every subcommand, in the order `citytrust --help` lists them. Commands that need the gateway
 * import it when they run, so that `citytrust crypto` does not pay for loading it (0.27 s → 0.08 s).
 */
export const commands: readonly Command[] = [startCommand, upCommand, downCommand, statusCommand, envCommand, ledgerCommand, adminCommand, userCommand, sealCommand, licenseCommand, proofCommand, auditCommand, reconcileCommand, cryptoCommand];
