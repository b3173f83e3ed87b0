import type { Command } from '../command';

/** Every subcommand, in the order `citytrust --help` lists them. */
export const commands: readonly Command[] = [];
