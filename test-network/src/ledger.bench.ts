/**
 * `npm run bench:ledger`: the embedded ledger under load, against the issue's targets, brought up
 * as `citytrust up` brings it up (chaincode server and ledger in background processes) in a
 * temporary CITYTRUST_HOME on free ports. The client, an unmodified `@hyperledger/fabric-gateway`,
 * runs in this process; all three share the machine's cores.
 *
 *   npm run bench:ledger [-- --json] [-- --seconds 5] [-- --warmup 1] [-- --seed N] [-- --profile] [-- --keep-home]
 *
 * Rows: trivial writes (`system:put`, a fresh key each) and read-modify-writes (`system:increment`
 * over COUNTER_KEYS keys chosen at random from the printed seed) at concurrency 1, 16 and 64, each
 * a closed loop of submit-then-wait-for-status after a warm-up; then an open loop of trivial
 * writes at half the c=64 rate, for the latency target. Every transaction needs the endorsement of
 * a majority of the departments; one is read back to show who endorsed it.
 *
 * Prints a table; with `--json`, also one JSON object of the figures as the last line. With
 * `--profile`, the ledger and chaincode run under V8's CPU profiler (bench/cpu-profiler-preload)
 * and the table ends with where their CPU time went (the profiles are kept for Chrome DevTools).
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openLedgerClient } from '@citytrust/network-config';
import type { Contract } from '@hyperledger/fabric-gateway';
import { prepareBenchNetwork, type BenchNetwork, type StartedNetwork } from './bench/bench-network';
import { summariseCpuProfile, type CpuProfileSummary } from './bench/cpu-profile-summary';
import { measureCpu } from './bench/process-cpu';
import { procStatusBytes, sampleResidentMemory, type MemoryReading, type WatchedProcess } from './bench/process-memory';
import { newSeed, seededRandom } from './bench/seeded-random';
import { runClosedLoop, runOpenLoop, type LoadReading, type NextTransaction, type OpenLoopReading } from './bench/transaction-load';
import { transactionEndorsers } from './bench/transaction-endorsers';

/** The issue's targets. */
const TARGET = {
  /** Committed trivial writes per second at concurrency TARGET.concurrency. */
  writesPerSecond: 600,
  concurrency: 64,
  /** p50 commit latency at half the measured peak load. */
  halfLoadP50Ms: 100,
  /** Ledger and chaincode processes together. */
  residentBytes: 300 * 1024 * 1024,
  upToReadyMs: 10_000,
} as const;

const CONCURRENCIES = [1, 16, TARGET.concurrency] as const;
/** Enough counters that 64 transactions in flight rarely touch the same one (≈ 64 / 10,000). */
const COUNTER_KEYS = 10_000;
const MB = 1024 * 1024;

type WorkloadName = 'put' | 'increment';

interface Workload {
  readonly name: WorkloadName;
  readonly label: string;
  readonly next: NextTransaction;
}

interface Row extends LoadReading {
  readonly workload: WorkloadName;
  readonly label: string;
  readonly concurrency: number | 'open';
  /** Cores kept busy per process during the row. */
  readonly cores: Readonly<Record<string, number>>;
}

interface Results {
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly seed: number;
  readonly backend: 'embedded' | 'fabric';
  readonly departments: number;
  readonly endorsementPolicy: string;
  readonly upToReadyMs: number;
  readonly upSteps: StartedNetwork['steps'];
  readonly rows: readonly Row[];
  readonly halfLoad: (Row & Pick<OpenLoopReading, 'offeredPerSecond' | 'skipped'>) | undefined;
  readonly residentAtReady: Readonly<Record<string, number>>;
  readonly memory: MemoryReading;
  readonly endorsers: readonly string[];
}

interface TargetCheck {
  readonly key: string;
  readonly label: string;
  readonly figure: string;
  readonly goal: string;
  readonly value: number;
  readonly met: boolean;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      seconds: { type: 'string', default: '5' },
      warmup: { type: 'string', default: '1' },
      seed: { type: 'string' },
      profile: { type: 'boolean', default: false },
      'keep-home': { type: 'boolean', default: false },
      ledger: { type: 'string', default: 'embedded' },
    },
  });
  const seconds = positiveNumber('--seconds', values.seconds);
  const warmupSeconds = positiveNumber('--warmup', values.warmup);
  const seed = values.seed === undefined ? newSeed() : Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`--seed must be an integer in 0..4294967295, not ${values.seed}`);
  const profileDir = values.profile ? mkdtempSync(join(tmpdir(), 'citytrust-ledger-profile-')) : undefined;

  if (values.ledger !== 'embedded' && values.ledger !== 'fabric') throw new Error(`--ledger must be 'embedded' or 'fabric', not '${values.ledger}'`);
  const network = await prepareBenchNetwork({
    backend: values.ledger,
    keepHome: values['keep-home'],
    ...(profileDir === undefined ? {} : { nodeOptions: `--require ${join(__dirname, 'bench', 'cpu-profiler-preload.js')}`, env: { CITYTRUST_CPU_PROFILE_DIR: profileDir } }),
  });
  const interrupted = (signal: NodeJS.Signals) => {
    progress(`${signal}: taking the network down`);
    void network.down().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  progress(`seed ${seed}; home ${network.home}`);

  let results: Results;
  let pids: readonly WatchedProcess[] = [];
  try {
    const started = await network.start();
    pids = started.processes;
    progress(`up to ready in ${(started.upToReadyMs / 1000).toFixed(2)} s`);
    results = await measure(network, started, { seconds, warmupSeconds, seed });
  } catch (error) {
    if (values['keep-home']) progress(`the processes' logs are under ${join(network.home, 'logs')}`);
    throw error;
  } finally {
    await network.down();
    process.removeListener('SIGINT', interrupted);
    process.removeListener('SIGTERM', interrupted);
  }

  const checks = targetChecks(results);
  console.log(table(results, checks));
  if (profileDir !== undefined) console.log(profileReport(profileDir, pids));
  if (values.json) console.log(json(results, checks));
}

async function measure(network: BenchNetwork, started: StartedNetwork, options: { seconds: number; warmupSeconds: number; seed: number }): Promise<Results> {
  const { description } = network;
  const { processes } = started;
  const residentAtReady: Record<string, number> = {};
  for (const { name, pid } of processes) residentAtReady[name] = (residentAtReady[name] ?? 0) + procStatusBytes(pid, 'VmRSS');
  const client = openLedgerClient({ description, crypto: started.up.crypto, address: started.gatewayAddress });
  try {
    const contract = client.contract(description.departments[0]!.mspId, 'system');
    const workloads = newWorkloads(options.seed);
    const rows: Row[] = [];
    const memoryAtPeak: MemoryReading[] = [];
    for (const workload of workloads) {
      for (const concurrency of CONCURRENCIES) {
        await runClosedLoop(contract, workload.next, { concurrency, seconds: options.warmupSeconds });
        const memory = concurrency === TARGET.concurrency ? sampleResidentMemory(processes) : undefined;
        const cpu = measureCpu(processes);
        const reading = await runClosedLoop(contract, workload.next, { concurrency, seconds: options.seconds });
        const row: Row = { ...reading, workload: workload.name, label: workload.label, concurrency, cores: cpu.stop() };
        if (memory) memoryAtPeak.push(memory.stop());
        rows.push(row);
        progress(`${workload.label}, c=${concurrency}: ${row.perSecond.toFixed(0)} tx/s, p50 ${row.p50Ms.toFixed(1)} ms`);
      }
    }
    const halfLoad = await runHalfLoad(contract, workloads[0]!, rows, processes, options.seconds);
    const sample = rows.find((row) => row.workload === 'put' && row.concurrency === TARGET.concurrency)?.sampleTxId;
    return {
      ...options,
      backend: network.backend,
      departments: description.departments.length,
      endorsementPolicy: description.chaincode.endorsementPolicy,
      upToReadyMs: started.upToReadyMs,
      upSteps: started.steps,
      rows,
      halfLoad,
      residentAtReady,
      memory: peakOf(memoryAtPeak),
      endorsers: sample === undefined ? [] : await transactionEndorsers(client, description, sample),
    };
  } finally {
    client.close();
  }
}

function newWorkloads(seed: number): Workload[] {
  let written = 0;
  const random = seededRandom(seed);
  return [
    { name: 'put', label: 'put, fresh key', next: () => ({ name: 'put', arguments: [`bench/put/${written}`, String(written++)] }) },
    { name: 'increment', label: `increment, ${COUNTER_KEYS.toLocaleString('en-US')} keys`, next: () => ({ name: 'increment', arguments: [`bench/counter/${random.below(COUNTER_KEYS)}`] }) },
  ];
}

/** Trivial writes offered at half the c=64 rate: the latency a ledger at half its peak gives. */
async function runHalfLoad(contract: Contract, put: Workload, rows: readonly Row[], processes: readonly WatchedProcess[], seconds: number): Promise<Results['halfLoad']> {
  const peak = rows.find((row) => row.workload === 'put' && row.concurrency === TARGET.concurrency);
  if (!peak || peak.perSecond === 0) return undefined;
  const perSecond = peak.perSecond / 2;
  const cpu = measureCpu(processes);
  const reading = await runOpenLoop(contract, put.next, { perSecond, seconds });
  const row = { ...reading, workload: put.name, label: `${put.label}, open loop at 50%`, concurrency: 'open' as const, cores: cpu.stop() };
  progress(`${row.label} (${perSecond.toFixed(0)} tx/s offered): p50 ${row.p50Ms.toFixed(1)} ms`);
  return row;
}

function peakOf(readings: readonly MemoryReading[]): MemoryReading {
  const max = (pick: (reading: MemoryReading) => Readonly<Record<string, number>>) => {
    const peaks: Record<string, number> = {};
    for (const reading of readings) for (const [name, bytes] of Object.entries(pick(reading))) peaks[name] = Math.max(peaks[name] ?? 0, bytes);
    return peaks;
  };
  return {
    peakByProcess: max((r) => r.peakByProcess),
    peakTotal: Math.max(0, ...readings.map((r) => r.peakTotal)),
    highWaterByProcess: max((r) => r.highWaterByProcess),
    samples: readings.reduce((sum, r) => sum + r.samples, 0),
  };
}

function targetChecks(results: Results): TargetCheck[] {
  const peak = results.rows.find((row) => row.workload === 'put' && row.concurrency === TARGET.concurrency);
  const writes = peak?.perSecond ?? 0;
  const halfP50 = results.halfLoad?.p50Ms ?? Number.NaN;
  const resident = results.memory.peakTotal;
  return [
    { key: 'writesPerSecond', label: `committed trivial writes/s, c=${TARGET.concurrency}`, figure: `${writes.toFixed(0)} tx/s`, goal: `>= ${TARGET.writesPerSecond}`, value: writes, met: writes >= TARGET.writesPerSecond },
    { key: 'halfLoadP50Ms', label: 'p50 commit latency at half that load', figure: `${ms(halfP50)} ms`, goal: `< ${TARGET.halfLoadP50Ms} ms`, value: halfP50, met: halfP50 < TARGET.halfLoadP50Ms },
    { key: 'residentBytes', label: 'resident memory, ledger + chaincode', figure: `${(resident / MB).toFixed(0)} MB`, goal: `< ${TARGET.residentBytes / MB} MB`, value: resident, met: resident > 0 && resident < TARGET.residentBytes },
    { key: 'upToReadyMs', label: 'citytrust up to ready', figure: `${(results.upToReadyMs / 1000).toFixed(2)} s`, goal: `< ${TARGET.upToReadyMs / 1000} s`, value: results.upToReadyMs, met: results.upToReadyMs < TARGET.upToReadyMs },
  ];
}

function table(results: Results, checks: readonly TargetCheck[]): string {
  const loadRows = [...results.rows, ...(results.halfLoad ? [results.halfLoad] : [])];
  const header = ['workload', 'conc.', 'committed', 'tx/s', 'p50 ms', 'p99 ms', 'MVCC', 'invalid', 'errors', 'cores: ledger/chaincode/client/all'];
  const cells = loadRows.map((row) => [
    row.label,
    row.concurrency === 'open' ? `${(row as NonNullable<Results['halfLoad']>).offeredPerSecond.toFixed(0)}/s` : String(row.concurrency),
    String(row.committed),
    row.perSecond.toFixed(0),
    ms(row.p50Ms),
    ms(row.p99Ms),
    String(row.invalid.MVCC_READ_CONFLICT ?? 0),
    String(count(row.invalid) - (row.invalid.MVCC_READ_CONFLICT ?? 0)),
    String(count(row.errors)),
    ['ledger', 'chaincode', 'client', 'machine'].map((name) => (row.cores[name] ?? Number.NaN).toFixed(2)).join(' / '),
  ]);
  const problems = loadRows.flatMap((row) => {
    const codes = Object.entries(row.invalid).filter(([code]) => code !== 'MVCC_READ_CONFLICT');
    const lines = codes.map(([code, n]) => `  ${row.label}, c=${row.concurrency}: ${n} committed ${code}`);
    if (count(row.errors) > 0) lines.push(`  ${row.label}, c=${row.concurrency}: errors ${JSON.stringify(row.errors)}; first: ${row.firstError ?? ''}`);
    if ('skipped' in row && typeof row.skipped === 'number' && row.skipped > 0) lines.push(`  ${row.label}: ${row.skipped} submissions skipped, 1,000 already in flight`);
    return lines;
  });
  const memory = results.memory;
  const mb = (bytes: number | undefined) => `${((bytes ?? Number.NaN) / MB).toFixed(0)} MB`;
  const peak = results.rows.find((row) => row.workload === 'put' && row.concurrency === TARGET.concurrency);
  const cost = peak ? cpuMsPerTransaction(peak) : undefined;
  return [
    `${results.backend === 'fabric' ? 'Native Fabric (3 Raft orderers, a peer and a chaincode server per department; ledger = orderers + peers, chaincode = the servers, summed)' : 'Embedded ledger'}, ${results.departments} departments, endorsement ${results.endorsementPolicy}; ${results.seconds} s per row after ${results.warmupSeconds} s warm-up; seed ${results.seed}`,
    'client (this process), ledger and chaincode in three processes sharing 2 cores; latency = submit start → commit status VALID;',
    'cores = CPU each process kept busy during the row, and all = the whole machine (more than the sum: other work disturbed the row)',
    '',
    ...aligned(header, cells),
    '',
    ...(problems.length > 0 ? ['not committed VALID:', ...problems, ''] : []),
    ...(cost ? [
      `CPU per committed trivial write at c=${TARGET.concurrency}: ledger ${cost.ledger.toFixed(2)} ms, chaincode ${cost.chaincode.toFixed(2)} ms, client ${cost.client.toFixed(2)} ms; ` +
        `together ${cost.total.toFixed(2)} ms, so 2 idle cores could commit at most ~${(2000 / cost.total).toFixed(0)} tx/s`,
    ] : []),
    `endorsed by (a c=${TARGET.concurrency} put, read back with qscc): ${results.endorsers.join(', ') || 'none read'}`,
    `citytrust up: ${results.upSteps.map((s) => `${s.step} ${(s.ms / 1000).toFixed(2)} s`).join('; ')}`,
    `resident memory at ready: ledger ${mb(results.residentAtReady.ledger)}, chaincode ${mb(results.residentAtReady.chaincode)}; ` +
      `peak during the c=${TARGET.concurrency} rows: ledger ${mb(memory.peakByProcess.ledger)}, chaincode ${mb(memory.peakByProcess.chaincode)}, together ${mb(memory.peakTotal)} ` +
      `(VmHWM: ledger ${mb(memory.highWaterByProcess.ledger)}, chaincode ${mb(memory.highWaterByProcess.chaincode)})`,
    '',
    ...aligned(['target', 'figure', 'goal', ''], checks.map((c) => [c.label, c.figure, c.goal, c.met ? 'met' : 'NOT met'])),
  ].join('\n');
}

/**
 * CPU milliseconds each process spent per committed transaction in a row: unlike tx/s, hardly
 * disturbed by other work on the machine, and it bounds what the machine's cores can commit.
 */
function cpuMsPerTransaction(row: Row): { ledger: number; chaincode: number; client: number; total: number } {
  const per = (name: string) => ((row.cores[name] ?? Number.NaN) * row.seconds * 1000) / row.committed;
  const cost = { ledger: per('ledger'), chaincode: per('chaincode'), client: per('client') };
  return { ...cost, total: cost.ledger + cost.chaincode + cost.client };
}

/** Columns padded to their widest cell: the first left-aligned, the rest right-aligned. */
function aligned(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

function profileReport(profileDir: string, processes: readonly WatchedProcess[]): string {
  const lines = [`\nwhere the CPU time went (self time, whole life of each process; profiles in ${profileDir}):`];
  for (const { name, pid } of processes) {
    const file = readdirSync(profileDir).find((f) => f === `${pid}.cpuprofile`);
    if (file === undefined) {
      lines.push(`\n${name} (pid ${pid}): no profile written (it writes one when it exits; did it exit cleanly on SIGTERM?)`);
      continue;
    }
    const summary: CpuProfileSummary = summariseCpuProfile(join(profileDir, file), 15);
    const busy = summary.totalMs - summary.idleMs;
    const share = (selfMs: number) => `${((100 * selfMs) / busy).toFixed(1).padStart(5)}%`;
    lines.push(`\n${name} (pid ${pid}): ${(busy / 1000).toFixed(1)} s busy of ${(summary.totalMs / 1000).toFixed(1)} s profiled — ${file}`);
    lines.push('  by place:', ...summary.places.map((p) => `    ${share(p.selfMs)}  ${p.name}`));
    lines.push('  by function:', ...summary.functions.map((f) => `    ${share(f.selfMs)}  ${f.name}`));
  }
  return lines.join('\n');
}

function json(results: Results, checks: readonly TargetCheck[]): string {
  const round = (value: number) => (Number.isFinite(value) ? Math.round(value * 10) / 10 : null);
  const row = (r: Row) => ({
    workload: r.workload,
    concurrency: r.concurrency,
    committed: r.committed,
    perSecond: round(r.perSecond),
    p50Ms: round(r.p50Ms),
    p99Ms: round(r.p99Ms),
    mvccConflicts: r.invalid.MVCC_READ_CONFLICT ?? 0,
    invalid: r.invalid,
    errors: r.errors,
    cores: Object.fromEntries(Object.entries(r.cores).map(([name, cores]) => [name, Math.round(cores * 100) / 100])),
    cpuMsPerTx: Object.fromEntries(Object.entries(cpuMsPerTransaction(r)).map(([name, value]) => [name, Math.round(value * 100) / 100])),
  });
  const megabytes = (bytes: Readonly<Record<string, number>>) => Object.fromEntries(Object.entries(bytes).map(([name, b]) => [name, round(b / MB)]));
  return JSON.stringify({
    benchmark: 'ledger',
    ledger: results.backend,
    secondsPerRow: results.seconds,
    warmupSeconds: results.warmupSeconds,
    seed: results.seed,
    counterKeys: COUNTER_KEYS,
    departments: results.departments,
    endorsementPolicy: results.endorsementPolicy,
    endorsers: results.endorsers,
    upToReadyMs: Math.round(results.upToReadyMs),
    rows: results.rows.map(row),
    halfLoad: results.halfLoad ? { ...row(results.halfLoad), offeredPerSecond: round(results.halfLoad.offeredPerSecond), skipped: results.halfLoad.skipped } : null,
    residentAtReadyMB: megabytes(results.residentAtReady),
    residentPeakMB: { ...megabytes(results.memory.peakByProcess), total: round(results.memory.peakTotal / MB) },
    residentHighWaterMB: megabytes(results.memory.highWaterByProcess),
    targets: Object.fromEntries(checks.map((c) => [c.key, { value: round(c.key === 'residentBytes' ? c.value / MB : c.value), goal: c.goal, met: c.met }])),
    targetsMet: checks.every((c) => c.met),
  });
}

function count(tally: Readonly<Record<string, number>>): number {
  return Object.values(tally).reduce((sum, n) => sum + n, 0);
}

function ms(value: number): string {
  return Number.isFinite(value) ? value.toFixed(1) : '-';
}

function positiveNumber(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${flag} must be a positive number of seconds, not ${JSON.stringify(text)}`);
  return value;
}

/** Progress goes to stderr, so stdout holds only the table and, with --json, the JSON line. */
function progress(message: string): void {
  process.stderr.write(`ledger bench: ${message}\n`);
}

main().catch((error: unknown) => {
  console.error(`ledger benchmark: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
