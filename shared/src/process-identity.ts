import { readFileSync } from 'node:fs';

/**
 * A process as it was when it was recorded: its pid and the time it started (clock ticks after
 * boot, field 22 of `/proc/<pid>/stat`). A pid alone names whatever process holds it now, which
 * after a crash and a reboot or a busy day may be someone else's; the pair names one process for
 * its whole life. Check it with {@link isSameProcess} before signalling a recorded pid.
 */
export interface ProcessIdentity {
  readonly pid: number;
  readonly startTime: string;
}

/**
 * The identity of the running process `pid`, or undefined when no such process runs (a zombie,
 * killed but not yet reaped, counts as gone). Linux only: it reads `/proc`.
 */
export function processIdentity(pid: number): ProcessIdentity | undefined {
  const fields = statFields(pid);
  if (fields === undefined || fields[0] === 'Z') return undefined;
  const startTime = fields[19];
  return startTime === undefined ? undefined : { pid, startTime };
}

/** Whether the process recorded as `identity` is still running (same pid, same start time). */
export function isSameProcess(identity: ProcessIdentity): boolean {
  return processIdentity(identity.pid)?.startTime === identity.startTime;
}

/** The command line of a running process (its argv), or undefined when it is gone or hidden. */
export function processCommandLine(pid: number): string[] | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return raw === '' ? undefined : raw.replace(/\0$/, '').split('\0');
  } catch {
    return undefined;
  }
}

/** The fields of `/proc/<pid>/stat` after the command name, starting with the state (field 3). */
function statFields(pid: number): string[] | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may itself contain spaces and parentheses.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}
