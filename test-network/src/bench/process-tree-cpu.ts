import { readdirSync, readFileSync } from 'node:fs';
import { parseProcStatCpuSeconds } from './process-cpu';

/**
 * CPU time (user + system, in seconds) used so far by `root` and every live process descended
 * from it, from `/proc`. A benchmark whose process starts the ledger, the chaincode and Postgres
 * (whose server forks a backend per connection) reads the whole stack's CPU with one call, and
 * the difference over a run divided by the operations gives CPU per operation: a figure that
 * other work on a shared machine does not distort the way it distorts throughput. A process
 * that exits within a run takes its CPU time out of the sum, so measure between steady states.
 */
export function processTreeCpuSeconds(root: number = process.pid): number {
  const stats = new Map<number, { parent: number; cpuSeconds: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // it exited while the folder was read
    }
    stats.set(pid, { parent: parentOf(stat), cpuSeconds: parseProcStatCpuSeconds(stat, pid) });
  }
  const inTree = (pid: number): boolean => {
    for (let at: number | undefined = pid, hops = 0; at !== undefined && at > 0 && hops < 64; at = stats.get(at)?.parent, hops++) {
      if (at === root) return true;
    }
    return false;
  };
  let total = 0;
  for (const [pid, { cpuSeconds }] of stats) if (inTree(pid)) total += cpuSeconds;
  return total;
}

/** Field 4 of a `/proc/<pid>/stat` line, the parent's pid, counted after the command name. */
function parentOf(stat: string): number {
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}
