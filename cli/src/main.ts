import { UsageError, type Command } from './command';
import { commands } from './commands';

function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return ['usage: citytrust <command> [options]', '', 'commands:', ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`), '', 'Run `citytrust <command> --help` for a command\'s options.'].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(overview());
    return name === undefined ? 2 : 0;
  }
  const command: Command | undefined = commands.find((c) => c.name === name);
  if (command === undefined) {
    console.error(`citytrust: unknown command '${name}'\n\n${overview()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.usage);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      console.error(`citytrust ${command.name}: ${error.message}\n\n${command.usage}`);
      return 2;
    }
    console.error(`citytrust ${command.name}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

/** node:util parseArgs refuses unknown options and missing values with these codes: usage errors too. */
function isParseArgsError(error: unknown): error is Error {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && (error as NodeJS.ErrnoException).code!.startsWith('ERR_PARSE_ARGS_');
}

// Exit when the command is done: a gRPC channel to a ledger that never answered can keep the
// event loop alive after the command has said why it failed.
main(process.argv.slice(2)).then((code) => process.exit(code));
