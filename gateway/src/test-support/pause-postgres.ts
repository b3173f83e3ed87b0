import { readdirSync, readFileSync } from 'node:fs';

/**
 * Freezes a Postgres server (the postmaster and every backend it forked) with SIGSTOP, as a hung
 * host or a network partition would look to its clients: connections stay open, nothing answers.
 * Returns the function that thaws it (SIGCONT); call it in a `finally`.
 */
export function pausePostgres(postmasterPid: number): () => void {
  const pids = [postmasterPid, ...childrenOf(postmasterPid)];
  for (const pid of pids) process.kill(pid, 'SIGSTOP');
  return () => {
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // It exited meanwhile.
      }
    }
  };
}

function childrenOf(parent: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) children.push(Number(entry));
    } catch {
      // Gone while we looked.
    }
  }
  return children;
}
