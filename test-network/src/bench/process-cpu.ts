import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { WatchedProcess } from './process-memory';

/**
 * Linux's USER_HZ, the unit of the times in /proc/<pid>/stat. It is 100 on every architecture
 * Node runs on (the kernel fixes it for user space), which is why no sysconf call is needed.
 */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system) a process has used since it started, in seconds, from
 * `/proc/<pid>/stat` fields 14 and 15 (utime, stime).
 */
export function processCpuSeconds(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the CPU time of pid ${pid}: ${(error as Error).message}; did the process exit?`);
  }
  return parseProcStatCpuSeconds(stat, pid);
}

/** utime + stime of a `/proc/<pid>/stat` line, in seconds; `pid` only names it in the error. */
export function parseProcStatCpuSeconds(stat: string, pid: number): number {
  // The command name (field 2) is in parentheses and may hold spaces; count fields after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`cannot read utime and stime from /proc/${pid}/stat: ${stat}`);
  return (utime + stime) / CLOCK_TICKS_PER_SECOND;
}

/**
 * CPU time the whole machine has spent busy (all cores, every process, not idle nor waiting on
 * I/O) since boot, in seconds, from the first line of `/proc/stat`.
 */
export function machineBusySeconds(): number {
  return parseProcStatBusySeconds(readFileSync('/proc/stat', 'utf8'));
}

/** Busy seconds from a `/proc/stat` text: user + nice + system + irq + softirq + steal. */
export function parseProcStatBusySeconds(stat: string): number {
  const match = /^cpu\s+(.*)$/m.exec(stat);
  const ticks = (match?.[1] ?? '').split(/\s+/).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = ticks;
  if (ticks.length < 8 || ticks.some((t) => !Number.isFinite(t))) throw new Error(`cannot read the machine's CPU times from /proc/stat: ${match?.[0] ?? stat.slice(0, 200)}`);
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / CLOCK_TICKS_PER_SECOND;
}

/**
 * Measures how many cores each process kept busy over a stretch of time: on a 2-core machine
 * this says whether the ledger, the chaincode or the client is the one that ran out of CPU.
 * The benchmark's own process is measured with `process.cpuUsage()`; `machine` is every process
 * together, so a figure disturbed by other work on the machine shows as machine > the sum.
 *
 * @example
 * ```ts
 * const cpu = measureCpu([{ name: 'ledger', pid }]);
 * await runLoad();
 * cpu.stop(); // { ledger: 0.93, client: 0.41, machine: 1.52 }
 * ```
 */
export function measureCpu(processes: readonly WatchedProcess[], clientName = 'client'): { stop(): Record<string, number> } {
  const wallStart = performance.now();
  const clientStart = process.cpuUsage();
  const starts = processes.map(({ pid }) => processCpuSeconds(pid));
  const machineStart = machineBusySeconds();
  return {
    stop() {
      const wallSeconds = (performance.now() - wallStart) / 1000;
      const client = process.cpuUsage(clientStart);
      const cores: Record<string, number> = {};
      processes.forEach(({ name, pid }, i) => {
        // Processes under one name (native Fabric's nodes as 'ledger') count together.
        cores[name] = (cores[name] ?? 0) + (processCpuSeconds(pid) - (starts[i] ?? 0)) / wallSeconds;
      });
      cores[clientName] = (client.user + client.system) / 1e6 / wallSeconds;
      cores.machine = (machineBusySeconds() - machineStart) / wallSeconds;
      return cores;
    },
  };
}
