import './testing/quiet-chaincode-logs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChaincodeStub } from 'fabric-shim';
import { chaincodeFromContracts } from './chaincode-from-contracts';
import { CONTRACT_NAMES } from './chaincode-info';
import { contracts } from './contracts';
import { SystemContract } from './system-contract';
import { InMemoryLedger } from './testing/in-memory-ledger';

// These tests go through fabric-shim's own routing and marshalling (ChaincodeFromContract), as a
// peer's Invoke does: they check what the decorators declared, not just what the methods do.

const chaincode = chaincodeFromContracts(contracts, '@citytrust/chaincode', '0.1.0');

async function invoke(ledger: InMemoryLedger, ...args: string[]): Promise<{ status: number; message: string; payload: string }> {
  const transaction = ledger.newTransaction({ args });
  const response = await chaincode.Invoke(transaction as unknown as ChaincodeStub);
  if (response.status === 200) ledger.commit(transaction);
  return { status: response.status, message: response.message ?? '', payload: Buffer.from(response.payload ?? []).toString('utf8') };
}

test('the exported contracts are the ones CONTRACT_NAMES reports', () => {
  assert.deepEqual(contracts.map((Contract) => new Contract().getName()), CONTRACT_NAMES);
});

test('the exported contracts array is left as it was: the shim appends its metadata contract to a copy', () => {
  chaincodeFromContracts(contracts, 'title', '1');
  assert.equal(contracts.length, CONTRACT_NAMES.length);
});

/** What fabric-contract-api's decorators recorded for a contract: the metadata ChaincodeFromContract serves. */
function declaredTransactions(Contract: new () => object): Array<{ name: string; tag: string[]; parameters: Array<{ name: string }> }> {
  const reflect = Reflect as unknown as { getMetadata(key: string, target: object): unknown };
  return reflect.getMetadata('fabric:transactions', Contract.prototype) as Array<{ name: string; tag: string[]; parameters: Array<{ name: string }> }>;
}

test('queries are declared evaluate-only and writes submit, with their parameters named', () => {
  const transactions = Object.fromEntries(
    declaredTransactions(SystemContract).map((t) => [t.name, `${t.tag.includes('SUBMIT') ? 'submit' : 'evaluate'}(${t.parameters.map((p) => p.name).join(', ')})`]),
  );
  assert.deepEqual(transactions, {
    version: 'evaluate()',
    put: 'submit(key, value)',
    get: 'evaluate(key)',
    writeThenRead: 'submit(key, value)',
    increment: 'submit(key)',
    delete: 'submit(key)',
    putComposite: 'submit(objectType, attributesJson, value)',
    queryByPartialCompositeKey: 'evaluate(objectType, attributesJson, pageSize, bookmark)',
    queryRange: 'evaluate(startKey, endKey, pageSize, bookmark)',
    history: 'evaluate(key)',
    emit: 'submit(eventName, payload)',
    timestamp: 'evaluate()',
  });
});

test('a transaction\'s string result is the response payload, byte for byte', async () => {
  const ledger = new InMemoryLedger();
  assert.deepEqual(await invoke(ledger, 'system:put', 'k', '值 value'), { status: 200, message: '', payload: '' });
  assert.deepEqual(await invoke(ledger, 'system:get', 'k'), { status: 200, message: '', payload: '值 value' });
  assert.deepEqual(await invoke(ledger, 'system:increment', 'n'), { status: 200, message: '', payload: '1' });
  assert.match((await invoke(ledger, 'system:version')).payload, /^\{"chaincode":"citytrust","contracts":\["system","seal","trail","license","credit"\],"version":"[^"]+"\}$/);
});

test('system is the default contract, so its transactions answer without the prefix', async () => {
  const ledger = new InMemoryLedger();
  await invoke(ledger, 'put', 'k', 'v');
  assert.equal((await invoke(ledger, 'get', 'k')).payload, 'v');
});

test('an argument error reaches the client as the error message', async () => {
  const response = await invoke(new InMemoryLedger(), 'system:queryRange', '', '', 'ten', '');
  assert.equal(response.status, 500);
  assert.equal(response.message, 'pageSize must be a non-negative integer no greater than 2147483647 (0 for no paging), got "ten"');
});

test('a wrong number of arguments or an unknown transaction is refused by the shim', async () => {
  const ledger = new InMemoryLedger();
  assert.deepEqual(await invoke(ledger, 'system:put', 'only-a-key'), { status: 500, message: 'Expected 2 parameters, but 1 have been supplied', payload: '' });
  const unknown = await invoke(ledger, 'system:transfer', 'a', 'b');
  assert.equal(unknown.status, 500);
  assert.match(unknown.message, /transfer/);
});
