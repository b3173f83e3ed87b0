import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { status as grpcStatus } from '@grpc/grpc-js';
import { EndorseError, GatewayError } from '@hyperledger/fabric-gateway';
import { startConformanceNetwork, type ConformanceNetwork } from './conformance-network';
import { text, validationCodeName } from './ledger-reads';

/**
 * What a client sees when something other than its own transaction goes wrong: a chaincode the
 * channel does not run, an error raised by the chaincode, and the chaincode server going away
 * and coming back.
 */

let net: ConformanceNetwork;
before(async () => {
  net = await startConformanceNetwork('errors');
});
after(async () => {
  await net?.close();
});

test('evaluating a chaincode the channel does not run fails with FAILED_PRECONDITION naming it', async () => {
  const contract = net.network().getContract('no-such-chaincode');
  await assert.rejects(contract.evaluateTransaction('anything'), (error: unknown) => {
    assert.ok(error instanceof GatewayError, `a GatewayError, got ${String(error)}`);
    assert.equal(error.code, grpcStatus.FAILED_PRECONDITION);
    // Fabric's gateway asks discovery for peers running the chaincode, and says so in these words.
    assert.match(error.message, new RegExp(`^9 FAILED_PRECONDITION: no peers available to evaluate chaincode no-such-chaincode in channel ${net.description.channel}`));
    return true;
  });
});

test('an error raised by the chaincode in an evaluation comes back as UNKNOWN with the chaincode\'s message and status 500', async () => {
  await assert.rejects(net.system().evaluateTransaction('get', 'errors/missing'), (error: unknown) => {
    assert.ok(error instanceof GatewayError, `a GatewayError, got ${String(error)}`);
    assert.equal(error.code, grpcStatus.UNKNOWN);
    assert.match(error.message, /evaluate call to endorser returned error: chaincode response 500, key "errors\/missing" not found/);
    assert.equal(error.details.length, 1);
    assert.ok(net.departments.includes(error.details[0]!.mspId), `the detail names the department whose peer answered: ${error.details[0]!.mspId}`);
    assert.match(error.details[0]!.message, /^chaincode response 500, key "errors\/missing" not found: it was never written, or it was deleted$/);
    return true;
  });
});

test('an error raised by the chaincode during endorsement is an EndorseError ABORTED whose details carry the chaincode\'s message', async () => {
  await net.system().submitTransaction('put', 'errors/not-a-counter', 'abc');
  await assert.rejects(net.system().submitTransaction('increment', 'errors/not-a-counter'), (error: unknown) => {
    assert.ok(error instanceof EndorseError, `an EndorseError, got ${String(error)}`);
    assert.equal(error.code, grpcStatus.ABORTED);
    assert.ok(error.details.length > 0);
    for (const detail of error.details) assert.match(detail.message, /^chaincode response 500, .*"errors\/not-a-counter" holds "abc", not a counter/);
    return true;
  });
});

test('with the chaincode server stopped, calls fail naming the chaincode server; once it is back the ledger reconnects by itself', async () => {
  const address = `127.0.0.1:${net.description.chaincode.serverPort}`;
  await net.stopChaincodeServer();
  try {
    const failure = await firstFailure(() => net.system().evaluateTransaction('version'), 5_000);
    assert.ok(failure instanceof GatewayError, `a GatewayError, got ${String(failure)}`);
    assert.equal(failure.code, grpcStatus.ABORTED);
    // The peer dials the chaincode server when a call needs it; each back-end names the address in its own words.
    const at = address.replace(/\./g, '\\.');
    assert.match(failure.details[0]?.message ?? '', net.backend === 'fabric'
      ? new RegExp(`could not launch chaincode .*error creating grpc connection to ${at}: .*connection refused`)
      : new RegExp(`chaincode server at ${at} is not connected`));
  } finally {
    await net.startChaincodeServer();
  }

  const version = await firstSuccess(() => net.system().evaluateTransaction('version'), 15_000);
  assert.match(text(version), /"chaincode":"citytrust"/);
  const status = await (await net.system().submitAsync('put', { arguments: ['errors/after-reconnect', 'v'] })).getStatus();
  assert.equal(validationCodeName(status.code), 'VALID');
});

/** Calls `attempt` until it throws (the ledger may take a moment to notice a dropped server); returns the error. */
async function firstFailure(attempt: () => Promise<unknown>, withinMs: number): Promise<unknown> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      await attempt();
    } catch (error) {
      return error;
    }
    if (Date.now() > deadline) throw new Error(`calls kept succeeding for ${withinMs} ms after the chaincode server stopped`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Calls `attempt` until it succeeds; fails with the last error after `withinMs`. */
async function firstSuccess<T>(attempt: () => Promise<T>, withinMs: number): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`the ledger did not serve the chaincode again within ${withinMs} ms: ${error instanceof Error ? error.message : String(error)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
