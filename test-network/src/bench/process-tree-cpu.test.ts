import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { processTreeCpuSeconds } from './process-tree-cpu';

test('the CPU a child process burns counts in its parent\'s tree, and not in the tree of an unrelated process', async () => {
  const child = spawn(process.execPath, ['-e', 'const end = Date.now() + 400; while (Date.now() < end); setInterval(() => {}, 1000)']);
  try {
    const before = processTreeCpuSeconds();
    await new Promise((resolve) => setTimeout(resolve, 600));
    const childBurned = processTreeCpuSeconds(child.pid!);
    // Ticks are 10 ms and a shared machine may slow the child: its 400 ms loop shows as at least a quarter.
    assert.ok(childBurned > 0.1, `the child's own tree used ${childBurned} s`);
    assert.ok(processTreeCpuSeconds() - before > 0.1, 'this process\'s tree includes the child');
    assert.equal(processTreeCpuSeconds(1 << 30), 0, 'no process has that pid, so its tree is empty');
  } finally {
    child.kill();
    await once(child, 'exit');
  }
});
