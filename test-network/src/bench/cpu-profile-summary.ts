import { readFileSync } from 'node:fs';

/** The parts of V8's `.cpuprofile` (written by `node --cpu-prof`) that a self-time summary reads. */
interface CpuProfile {
  readonly nodes: ReadonlyArray<{
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  }>;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Where CPU time went, by self time (time spent in a function's own code, not its callees). */
export interface CpuProfileSummary {
  readonly totalMs: number;
  /** Time the process had nothing to run. */
  readonly idleMs: number;
  /** Heaviest functions: `name (file:line)`. */
  readonly functions: ReadonlyArray<{ readonly name: string; readonly selfMs: number }>;
  /** Heaviest places: a package (`node_modules/<pkg>`), a source file of ours, `node:<module>`, or `(garbage collector)`. */
  readonly places: ReadonlyArray<{ readonly name: string; readonly selfMs: number }>;
}

/**
 * Summarises a CPU profile by self time, for the benchmark's "where the time goes" section.
 *
 * @example
 * ```ts
 * const { functions } = summariseCpuProfile('/tmp/prof/CPU.20250101.120000.4242.0.001.cpuprofile', 10);
 * ```
 */
export function summariseCpuProfile(path: string, top: number): CpuProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const byFunction = new Map<string, number>();
  const byPlace = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  profile.samples.forEach((id, i) => {
    const deltaUs = profile.timeDeltas[i] ?? 0;
    const frame = nodes.get(id);
    totalUs += deltaUs;
    if (!frame) return;
    if (frame.functionName === '(idle)') {
      idleUs += deltaUs;
      return;
    }
    const where = frame.url === '' ? '' : ` (${shortPath(frame.url)}:${frame.lineNumber + 1})`;
    add(byFunction, `${frame.functionName || '(anonymous)'}${where}`, deltaUs);
    add(byPlace, placeOf(frame.url, frame.functionName), deltaUs);
  });
  const heaviest = (map: Map<string, number>) =>
    [...map].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, us]) => ({ name, selfMs: us / 1000 }));
  return { totalMs: totalUs / 1000, idleMs: idleUs / 1000, functions: heaviest(byFunction), places: heaviest(byPlace) };
}

function add(map: Map<string, number>, key: string, value: number): void {
  map.set(key, (map.get(key) ?? 0) + value);
}

/** A package, one of our files, a Node built-in, or V8's own bucket such as `(garbage collector)`. */
export function placeOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return url;
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (packageMatch?.[1] !== undefined) return `node_modules/${packageMatch[1]}`;
  return shortPath(url);
}

/** `file:///work/main/test-network/dist/embedded/x.js` → `test-network/dist/embedded/x.js`. */
function shortPath(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const packageIndex = path.lastIndexOf('node_modules/');
  if (packageIndex >= 0) return path.slice(packageIndex);
  const parts = path.split('/');
  const dist = parts.lastIndexOf('dist');
  return dist > 0 ? parts.slice(dist - 1).join('/') : path;
}
