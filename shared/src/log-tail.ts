import { closeSync, openSync, readSync, statSync } from 'node:fs';

/**
 * The last `lines` lines a process wrote to its log since byte `from`, reading at most the final
 * 16 KiB: what an error message or `status` shows of why a process died. Logs are appended to
 * across runs, so starting at this run's first byte keeps an earlier run's failure from passing
 * for this one's. Says so when the process wrote nothing, or the log cannot be read.
 */
export function logTail(path: string, from = 0, lines = 15): string {
  try {
    const size = statSync(path).size;
    if (size <= from) return '(it wrote nothing to its log)';
    const fd = openSync(path, 'r');
    try {
      const length = Math.min(size - from, 16 * 1024);
      const buffer = Buffer.alloc(length);
      readSync(fd, buffer, 0, length, size - length);
      return buffer.toString('utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } finally {
      closeSync(fd);
    }
  } catch {
    return '(no log)';
  }
}
