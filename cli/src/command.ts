/** One `citytrust <name> ...` subcommand. */
export interface Command {
  /** The word after `citytrust`. */
  readonly name: string;
  /** One line for `citytrust --help`. */
  readonly summary: string;
  /** Full usage text, shown by `citytrust <name> --help` and on a usage error. */
  readonly usage: string;
  /** Runs the command; resolves to the process exit code. */
  run(args: string[]): Promise<number>;
}

/** A mistake in how the command was called: the CLI prints the message and the usage, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
