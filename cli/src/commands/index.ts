import type { Command } from '../command';
import { adminCommand } from './admin';
import { cryptoCommand } from './crypto';
import { startCommand } from './start';
import { statusCommand } from './status';
import { userCommand } from './user';

/** Every subcommand, in the order `citytrust --help` lists them. */
export const commands: readonly Command[] = [startCommand, statusCommand, adminCommand, userCommand, cryptoCommand];
