/**
 * Loaded with `--require` into the ledger and chaincode processes when the benchmark profiles
 * them: Node refuses `--cpu-prof` in NODE_OPTIONS, but allows `--require`, and V8's profiler is
 * reachable from inside the process through the inspector. Writes
 * `$CITYTRUST_CPU_PROFILE_DIR/<pid>.cpuprofile` when the process exits, in the format of
 * `node --cpu-prof` (Chrome DevTools opens it).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const directory = process.env.CITYTRUST_CPU_PROFILE_DIR;
if (directory === undefined) throw new Error('cpu-profiler-preload needs CITYTRUST_CPU_PROFILE_DIR, the folder to write the profile to');

const session = new Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.start');

// An in-process inspector session answers synchronously, so the profile can be taken in 'exit',
// which is where process.exit() from a SIGTERM handler ends up.
process.once('exit', () => {
  session.post('Profiler.stop', (error, result) => {
    if (error) {
      process.stderr.write(`cpu profile not written: ${error.message}\n`);
      return;
    }
    writeFileSync(join(directory, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
  });
});
