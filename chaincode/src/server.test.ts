import './testing/quiet-chaincode-logs';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chaincodePackage } from './chaincode-info';
import { ChaincodeServerStartError, startChaincodeServer } from './server';
import { dialChaincode } from './testing/peer-dialer';

const CCID = 'citytrust_0.1.0:9d2b6f0c7e1a';
const SERVER_SCRIPT = join(__dirname, 'server.js');

/** A TCP listener holding a free port on 127.0.0.1, to make that port busy. */
async function holdPort(): Promise<{ port: number; release(): Promise<void> }> {
  const holder: Server = createServer();
  holder.listen(0, '127.0.0.1');
  await once(holder, 'listening');
  const address = holder.address();
  assert.ok(address !== null && typeof address === 'object');
  return { port: address.port, release: () => new Promise((resolve) => holder.close(() => resolve())) };
}

/** Runs `node dist/server.js` with `env`, collecting its output and its first stdout line. */
function runServer(env: Record<string, string>) {
  const child = spawn(process.execPath, [SERVER_SCRIPT], {
    env: { PATH: process.env.PATH ?? '', CORE_CHAINCODE_LOGGING_LEVEL: 'CRITICAL', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const firstLine = new Promise<string>((resolve, reject) => {
    const check = (): void => {
      const newline = stdout.indexOf('\n');
      if (newline >= 0) resolve(stdout.slice(0, newline));
    };
    child.stdout.on('data', check);
    void exited.then(() => reject(new Error(`server exited before printing a line; stderr: ${stderr}`)));
  });
  firstLine.catch(() => undefined); // a test that expects an early exit never reads the line
  return { child, exited, firstLine, output: () => ({ stdout, stderr }) };
}

test('startChaincodeServer listens on a free port when asked for port 0 and registers with its ccid', async () => {
  const server = await startChaincodeServer({ ccid: CCID, address: '127.0.0.1:0' });
  try {
    assert.match(server.address, /^127\.0\.0\.1:[1-9][0-9]*$/);
    const chaincode = await dialChaincode(server.address);
    try {
      assert.equal(chaincode.registeredAs, CCID);
    } finally {
      chaincode.close();
    }
  } finally {
    await server.close();
  }
});

test('a dialled chaincode server answers transactions over the chaincode protocol', async () => {
  const server = await startChaincodeServer({ ccid: CCID, address: '127.0.0.1:0' });
  const chaincode = await dialChaincode(server.address);
  try {
    const version = await chaincode.invoke(['system:version']);
    assert.equal(version.status, 200);
    assert.deepEqual(JSON.parse(version.payload), { chaincode: 'citytrust', contracts: ['system', 'seal', 'trail', 'license', 'credit'], version: chaincodePackage().version });
    const timestamp = await chaincode.invoke(['system:timestamp'], { seconds: 1_767_225_600, nanos: 250_000_001 });
    assert.deepEqual(timestamp, { status: 200, message: '', payload: '2026-01-01T00:00:00.250000001Z' });
    const refused = await chaincode.invoke(['system:queryRange', '', '', '-1', '']);
    assert.equal(refused.status, 500);
    assert.match(refused.message, /^pageSize must be a non-negative integer/);
  } finally {
    chaincode.close();
    await server.close();
  }
});

test('a closed server refuses new peers', async () => {
  const server = await startChaincodeServer({ ccid: CCID, address: '127.0.0.1:0' });
  await server.close();
  await assert.rejects(dialChaincode(server.address), /UNAVAILABLE/);
});

test('startChaincodeServer on a port in use fails with a ChaincodeServerStartError that says so', async () => {
  const busy = await holdPort();
  try {
    await assert.rejects(startChaincodeServer({ ccid: CCID, address: `127.0.0.1:${busy.port}` }), (error: unknown) => {
      assert.ok(error instanceof ChaincodeServerStartError);
      assert.equal(error.message, `cannot listen on 127.0.0.1:${busy.port}: the port is in use; stop the process holding it or set CHAINCODE_SERVER_ADDRESS to a free host:port`);
      return true;
    });
  } finally {
    await busy.release();
  }
});

test('startChaincodeServer refuses an address that is not host:port', async () => {
  for (const address of ['9999', '127.0.0.1', '127.0.0.1:http', '127.0.0.1:65536', ':9999']) {
    await assert.rejects(startChaincodeServer({ ccid: CCID, address }), { name: 'ChaincodeServerConfigError', message: new RegExp(`^chaincode server address ${JSON.stringify(address).replace(/[.]/g, '\\.')} is not host:port`) });
  }
});

test('node dist/server.js prints one line when listening and stops cleanly on SIGTERM', async () => {
  const server = runServer({ CHAINCODE_ID: CCID, CHAINCODE_SERVER_ADDRESS: '127.0.0.1:0' });
  const listening = JSON.parse(await server.firstLine) as Record<string, unknown>;
  assert.equal(listening.message, 'chaincode server listening');
  assert.equal(listening.ccid, CCID);
  assert.equal(listening.tls, false);
  assert.ok(typeof listening.address === 'string' && /^127\.0\.0\.1:[1-9][0-9]*$/.test(listening.address));
  const chaincode = await dialChaincode(listening.address);
  assert.equal(chaincode.registeredAs, CCID);
  chaincode.close();
  server.child.kill('SIGTERM');
  assert.equal(await server.exited, 0);
  assert.match(server.output().stdout, /"message":"chaincode server stopping","signal":"SIGTERM"/);
});

test('node dist/server.js stops on SIGINT too', async () => {
  const server = runServer({ CHAINCODE_ID: CCID, CHAINCODE_SERVER_ADDRESS: '127.0.0.1:0' });
  await server.firstLine;
  server.child.kill('SIGINT');
  assert.equal(await server.exited, 0);
});

test('node dist/server.js on a port in use exits 1 with a clear error', async () => {
  const busy = await holdPort();
  try {
    const server = runServer({ CHAINCODE_ID: CCID, CHAINCODE_SERVER_ADDRESS: `127.0.0.1:${busy.port}` });
    assert.equal(await server.exited, 1);
    assert.match(server.output().stderr, new RegExp(`"message":"cannot listen on 127\\.0\\.0\\.1:${busy.port}: the port is in use; stop the process holding it`));
  } finally {
    await busy.release();
  }
});

test('node dist/server.js without CHAINCODE_ID exits 1 and says what to set', async () => {
  const server = runServer({});
  assert.equal(await server.exited, 1);
  assert.match(server.output().stderr, /"message":"CHAINCODE_ID is not set: set it to the chaincode package id/);
});
