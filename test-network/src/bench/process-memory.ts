import { readFileSync } from 'node:fs';

/** A process to watch, by the name the benchmark reports it under. */
export interface WatchedProcess {
  readonly name: string;
  readonly pid: number;
}

/** Resident memory of the watched processes over a sampling window, in bytes. */
export interface MemoryReading {
  /** Each process's highest sampled VmRSS. */
  readonly peakByProcess: Readonly<Record<string, number>>;
  /** The highest sum of the processes' VmRSS taken at the same moment. */
  readonly peakTotal: number;
  /** Each process's VmHWM at the end: its resident high-water mark since it started, unsampled. */
  readonly highWaterByProcess: Readonly<Record<string, number>>;
  readonly samples: number;
}

/**
 * A field of `/proc/<pid>/status` given in kB (VmRSS, VmHWM), in bytes.
 * @throws Error when the process is gone or the field is missing (not Linux).
 */
export function procStatusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the memory of pid ${pid}: ${(error as Error).message}; did the process exit? (its log is under CITYTRUST_HOME/logs/)`);
  }
  return parseProcStatusBytes(status, field, pid);
}

/** The kB field of a `/proc/<pid>/status` text, in bytes; `pid` only names it in the error. */
export function parseProcStatusBytes(status: string, field: string, pid: number): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
  if (match?.[1] === undefined) throw new Error(`/proc/${pid}/status has no ${field} line; resident memory is measured on Linux only`);
  return Number(match[1]) * 1024;
}

/**
 * Samples the processes' resident memory every `intervalMs` until stopped. Reading /proc costs
 * microseconds, so sampling does not disturb the load it watches.
 *
 * @example
 * ```ts
 * const sampler = sampleResidentMemory([{ name: 'ledger', pid }]);
 * await runLoad();
 * const { peakTotal } = sampler.stop();
 * ```
 */
export function sampleResidentMemory(processes: readonly WatchedProcess[], intervalMs = 100): { stop(): MemoryReading } {
  const peakByProcess: Record<string, number> = Object.fromEntries(processes.map((p) => [p.name, 0]));
  let peakTotal = 0;
  let samples = 0;
  const sample = () => {
    let total = 0;
    // Processes under one name (native Fabric's nodes as 'ledger') count together.
    const byName: Record<string, number> = {};
    for (const { name, pid } of processes) {
      const rss = procStatusBytes(pid, 'VmRSS');
      byName[name] = (byName[name] ?? 0) + rss;
      total += rss;
    }
    for (const [name, rss] of Object.entries(byName)) peakByProcess[name] = Math.max(peakByProcess[name] ?? 0, rss);
    peakTotal = Math.max(peakTotal, total);
    samples += 1;
  };
  // A process that dies mid-run makes the next read throw; keep the error for stop() to report
  // instead of crashing the benchmark from a timer.
  let failure: unknown;
  const sampleInTimer = () => {
    try {
      sample();
    } catch (error) {
      failure ??= error;
    }
  };
  sample();
  const timer = setInterval(sampleInTimer, intervalMs);
  // A run that fails before stop() must not be kept alive by the sampler.
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      if (failure !== undefined) throw failure;
      sample();
      const highWaterByProcess: Record<string, number> = {};
      for (const { name, pid } of processes) highWaterByProcess[name] = (highWaterByProcess[name] ?? 0) + procStatusBytes(pid, 'VmHWM');
      return { peakByProcess, peakTotal, highWaterByProcess, samples };
    },
  };
}
