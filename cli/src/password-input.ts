import { readFileSync } from 'node:fs';
import { UsageError } from './command';

/**
 * A password for a new user, from a file (`--password-file`, first line) or standard input
 * (`--password-stdin`): never from the command line, where other users of the machine can see it.
 */
export function readPassword(options: { 'password-file'?: string; 'password-stdin'?: boolean }): string {
  if (options['password-file'] && options['password-stdin']) throw new UsageError('give --password-file or --password-stdin, not both');
  if (options['password-file']) return firstLine(readFileSync(options['password-file'], 'utf8'));
  if (options['password-stdin']) return firstLine(readFileSync(0, 'utf8'));
  throw new UsageError('a password is needed: --password-file <file> or --password-stdin');
}

function firstLine(text: string): string {
  return text.split(/\r?\n/)[0] ?? '';
}
