/**
 * A child process that belongs to the process that started it: the ledger and the chaincode
 * server under `citytrust start`, a test or a benchmark. When that owner dies without stopping it
 * (SIGKILL, a CI timeout, a test runner killing a test file), the child must not live on holding
 * its ports and CPU: it notices and shuts down as on SIGTERM, closing its stores.
 *
 * How: the owner names itself in the child's environment ({@link ownedChildEnvironment}), and the
 * child compares its parent pid with that name once a second ({@link followOwner}). A process
 * whose parent dies is re-parented (to init or a subreaper), so `process.ppid` changing is exactly
 * "the owner is gone", with no pid-reuse ambiguity and no file descriptor for the owner to keep
 * open: the children write to log files and are detached from the owner's terminal, so a pipe
 * would be one more handle to carry through `spawn`, `unref` and every caller. The cost is one
 * getppid per second and up to a second of delay.
 *
 * A child started without the variable (by `citytrust up`, which starts a network meant to outlive
 * it, stopped later by `citytrust down`) follows nobody.
 */

/** The environment variable naming the owner's pid. Read once by the child and removed, so no grandchild inherits it. */
export const ownerPidVariable = 'CITYTRUST_OWNER_PID';

/** How often a child checks that its owner is alive. */
export const ownerCheckIntervalMs = 1_000;

/** The variable to add to an owned child's environment: this process is its owner. */
export function ownedChildEnvironment(): Record<string, string> {
  return { [ownerPidVariable]: String(process.pid) };
}

export class OwnerVariableError extends Error {
  override readonly name = 'OwnerVariableError';
}

/**
 * Calls `onOwnerGone` (once) when the owner named by {@link ownerPidVariable} has died, checked
 * every second on an unref'd timer that never keeps the process alive by itself. If the owner
 * died before this runs (the variable names a pid that is no longer the parent), it is called on
 * the next tick. Returns what to call to stop watching (on a normal shutdown), and whom it follows.
 * Without the variable, nothing is watched and `owner` is undefined.
 *
 * @throws OwnerVariableError when the variable is set but is not a pid.
 */
export function followOwner(onOwnerGone: (owner: number) => void, env: NodeJS.ProcessEnv = process.env): { readonly owner?: number; stop(): void } {
  const value = env[ownerPidVariable];
  delete env[ownerPidVariable];
  if (value === undefined || value === '') return { stop: () => undefined };
  const owner = Number(value);
  // Pid 1 is a real owner: `citytrust start` as a container's first process.
  if (!Number.isInteger(owner) || owner < 1) {
    throw new OwnerVariableError(`${ownerPidVariable}=${JSON.stringify(value)} is not the pid of the process that owns this one; ` +
      `unset it to run this process on its own, or set it to the owner's pid`);
  }
  let timer: NodeJS.Timeout | undefined;
  const check = () => {
    if (process.ppid === owner) return;
    clearInterval(timer);
    timer = undefined;
    onOwnerGone(owner);
  };
  timer = setInterval(check, ownerCheckIntervalMs).unref();
  // The owner may have died between spawning this process and this line.
  setImmediate(() => { if (timer) check(); });
  return { owner, stop: () => { clearInterval(timer); timer = undefined; } };
}
