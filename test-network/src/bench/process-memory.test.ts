import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseProcStatusBytes, procStatusBytes, sampleResidentMemory } from './process-memory';

const STATUS = 'Name:\tnode\nVmPeak:\t 1200000 kB\nVmHWM:\t  140000 kB\nVmRSS:\t  120000 kB\nThreads:\t11\n';

test('reads VmRSS and VmHWM from /proc/<pid>/status in bytes', () => {
  assert.equal(parseProcStatusBytes(STATUS, 'VmRSS', 1), 120000 * 1024);
  assert.equal(parseProcStatusBytes(STATUS, 'VmHWM', 1), 140000 * 1024);
});

test('a status without the field says that memory is measured on Linux only', () => {
  assert.throws(() => parseProcStatusBytes('Name:\tnode\n', 'VmRSS', 42), /\/proc\/42\/status has no VmRSS line; resident memory is measured on Linux only/);
});

test('a process that is gone is named in the error', () => {
  assert.throws(() => procStatusBytes(2 ** 22 + 1, 'VmRSS'), /cannot read the memory of pid 4194305: .*did the process exit\?/);
});

test('sampling this process reports its peak, at least what it has resident now', async () => {
  const sampler = sampleResidentMemory([{ name: 'bench', pid: process.pid }], 5);
  await new Promise((resolve) => setTimeout(resolve, 30));
  const reading = sampler.stop();
  assert.ok(reading.samples >= 2);
  assert.ok((reading.peakByProcess.bench ?? 0) > 10 * 1024 * 1024);
  assert.equal(reading.peakTotal, reading.peakByProcess.bench);
  assert.ok((reading.highWaterByProcess.bench ?? 0) >= (reading.peakByProcess.bench ?? 0));
});
