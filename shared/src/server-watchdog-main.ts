#!/usr/bin/env node
import { followOwner } from './owner-process';
import { isSameProcess } from './process-identity';
import { stopWatchedServer, type WatchdogSettings } from './server-watchdog';

/**
 * The watchdog process (see `startServerWatchdog`): follows its owner (CITYTRUST_OWNER_PID) and
 * stops the server named in CITYTRUST_WATCHDOG when the owner dies; exits when the server exits.
 */
function main(): void {
  const settings = JSON.parse(process.env.CITYTRUST_WATCHDOG ?? 'null') as WatchdogSettings | null;
  if (settings === null) throw new Error('CITYTRUST_WATCHDOG is not set: the watchdog is started by startServerWatchdog, not by hand');
  const log = (message: string) => process.stdout.write(`${new Date().toISOString()} watchdog of ${settings.name} (pid ${settings.server.pid}): ${message}\n`);
  // This interval is what keeps the watchdog alive; followOwner's own timer is unref'd.
  const serverCheck = setInterval(() => {
    if (!isSameProcess(settings.server)) process.exit(0);
  }, 1_000);
  const following = followOwner((owner) => {
    clearInterval(serverCheck);
    log(`its owner, pid ${owner}, has died: stopping it`);
    void stopWatchedServer(settings).then((outcome) => {
      log(outcome);
      process.exit(0);
    });
  });
  if (following.owner === undefined) throw new Error('CITYTRUST_OWNER_PID is not set: a watchdog without an owner would watch nothing');
}

try {
  main();
} catch (error) {
  process.stderr.write(`server watchdog: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
