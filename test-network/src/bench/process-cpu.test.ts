import assert from 'node:assert/strict';
import { test } from 'node:test';
import { measureCpu, parseProcStatBusySeconds, parseProcStatCpuSeconds } from './process-cpu';

test('utime and stime are fields 14 and 15, counted after a command name that may hold spaces and parentheses', () => {
  const stat = '4242 (node (ledger) x) S 1 4242 4242 0 -1 4194560 5000 0 0 0 250 75 0 0 20 0 11 0 100 1000000 30000';
  assert.equal(parseProcStatCpuSeconds(stat, 4242), 3.25);
});

test('the machine is busy for user + nice + system + irq + softirq + steal, not idle or iowait', () => {
  const stat = 'cpu  100 20 30 5000 400 5 6 7 0 0\ncpu0 50 10 15 2500 200 2 3 3 0 0\n';
  assert.equal(parseProcStatBusySeconds(stat), (100 + 20 + 30 + 5 + 6 + 7) / 100);
});

test('a busy loop in this process shows in the client cores, and the machine counts it too', () => {
  const cpu = measureCpu([{ name: 'self', pid: process.pid }]);
  const end = Date.now() + 300;
  while (Date.now() < end);
  const cores = cpu.stop();
  // Other work on a shared machine may take a share of the core; the clock ticks are 10 ms.
  assert.ok((cores.client ?? 0) > 0.2, `client ${cores.client}`);
  assert.ok(Math.abs((cores.self ?? 0) - (cores.client ?? 0)) < 0.1, `/proc/self/stat ${cores.self} and process.cpuUsage ${cores.client} agree`);
  assert.ok((cores.machine ?? 0) >= (cores.client ?? 0) - 0.1, `machine ${cores.machine} includes client ${cores.client}`);
});
