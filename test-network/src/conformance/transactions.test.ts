import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { status as grpcStatus } from '@grpc/grpc-js';
import { EndorseError, GatewayError } from '@hyperledger/fabric-gateway';
import { common } from '@hyperledger/fabric-protos';
import { startConformanceNetwork, type ConformanceNetwork } from './conformance-network';
import { blockBytesByNumber, endorsingMspIds, findOccurrences, occurrencesIn, processedTransaction, text, validationCodeName as codeName } from './ledger-reads';

/**
 * Endorse, order, validate, commit: what a client sees for a transaction that satisfies the
 * endorsement policy (MAJORITY of three departments), one that does not, a stale read, and a
 * transaction id used twice.
 */

let net: ConformanceNetwork;
before(async () => {
  net = await startConformanceNetwork('transactions');
});
after(async () => {
  await net?.close();
});

test('a transaction endorsed by a majority of the departments commits VALID in a block, and another department reads its write', async () => {
  const [first, second, third] = net.departments as [string, string, string];
  const proposal = net.system(first).newProposal('put', { arguments: ['majority/key', 'written by two of three'], endorsingOrganizations: [first, second] });
  const status = await (await (await proposal.endorse()).submit()).getStatus();

  assert.equal(codeName(status.code), 'VALID');
  assert.equal(status.code, 0);
  assert.equal(status.successful, true);
  assert.equal(status.transactionId, proposal.getTransactionId());
  assert.ok(status.blockNumber > 0n, `committed in block ${status.blockNumber}, after the genesis block`);
  const committed = await processedTransaction(net.qscc(third), net.description.channel, status.transactionId);
  assert.equal(committed.getValidationcode(), 0);
  assert.deepEqual(endorsingMspIds(committed.getTransactionenvelope()!).sort(), [first, second].sort());
  assert.equal(text(await net.system(third).evaluateTransaction('get', 'majority/key')), 'written by two of three');
});

test('without named endorsers the gateway gathers a majority itself', async () => {
  const submitted = await net.system().submitAsync('put', { arguments: ['majority/chosen', 'v'] });
  const status = await submitted.getStatus();

  assert.equal(codeName(status.code), 'VALID');
  const committed = await processedTransaction(net.qscc(), net.description.channel, status.transactionId);
  const endorsers = new Set(endorsingMspIds(committed.getTransactionenvelope()!));
  assert.ok(endorsers.size * 2 > net.departments.length, `endorsed by ${[...endorsers].join(', ')}: a majority of ${net.departments.length}`);
});

test('a transaction endorsed by a single department is invalidated with ENDORSEMENT_POLICY_FAILURE (10) and its write is not visible', async () => {
  const [first, second] = net.departments as [string, string];
  const proposal = net.system(first).newProposal('put', { arguments: ['minority/key', 'one department only'], endorsingOrganizations: [first] });
  const status = await (await (await proposal.endorse()).submit()).getStatus();

  assert.equal(codeName(status.code), 'ENDORSEMENT_POLICY_FAILURE');
  assert.equal(status.code, 10);
  assert.equal(status.successful, false);
  const block = common.Block.deserializeBinary(await blockBytesByNumber(net.qscc(), net.description.channel, Number(status.blockNumber)));
  assert.deepEqual(occurrencesIn(block, status.transactionId).map((o) => o.validationCode), [10], 'the block\'s TRANSACTIONS_FILTER records it');
  await assert.rejects(net.system(second).evaluateTransaction('get', 'minority/key'), (error: unknown) => {
    assert.ok(error instanceof GatewayError);
    assert.match(error.details[0]?.message ?? '', /chaincode response 500, key "minority\/key" not found/);
    return true;
  });
});

test('of two increments endorsed on the same read, the first ordered commits VALID and the second MVCC_READ_CONFLICT (11); the counter is 1', async () => {
  const contract = net.system();
  const earlier = await contract.newProposal('increment', { arguments: ['mvcc/counter'] }).endorse();
  const later = await contract.newProposal('increment', { arguments: ['mvcc/counter'] }).endorse();
  assert.deepEqual([text(earlier.getResult()), text(later.getResult())], ['1', '1'], 'both simulated on the same committed state');

  const submittedEarlier = await earlier.submit();
  const submittedLater = await later.submit();
  const statuses = await Promise.all([submittedEarlier.getStatus(), submittedLater.getStatus()]);

  assert.deepEqual(statuses.map((s) => [codeName(s.code), s.code]), [['VALID', 0], ['MVCC_READ_CONFLICT', 11]]);
  assert.equal(text(await contract.evaluateTransaction('get', 'mvcc/counter')), '1');
});

test('a committed proposal cannot be endorsed again: EndorseError ABORTED with "duplicate transaction found"', async () => {
  const proposal = net.system().newProposal('put', { arguments: ['duplicate/endorsed', 'once'] });
  const status = await (await (await proposal.endorse()).submit()).getStatus();
  assert.equal(codeName(status.code), 'VALID');

  await assert.rejects(proposal.endorse(), (error: unknown) => {
    assert.ok(error instanceof EndorseError, `an EndorseError, got ${String(error)}`);
    assert.equal(error.transactionId, proposal.getTransactionId());
    assert.equal(error.code, grpcStatus.ABORTED);
    assert.match(error.message, /failed to endorse transaction, see attached details for more info/);
    assert.ok(error.details.length > 0, 'the error names the endorsers that refused');
    for (const detail of error.details) assert.match(detail.message, new RegExp(`duplicate transaction found \\[${proposal.getTransactionId()}\\]`));
    return true;
  });
});

test('the same signed transaction submitted twice: the second copy is recorded DUPLICATE_TXID (9) and the commit status stays the first VALID', async () => {
  const contract = net.system();
  const transaction = await contract.newProposal('increment', { arguments: ['duplicate/counter'] }).endorse();
  const first = await (await transaction.submit()).getStatus();
  assert.equal(codeName(first.code), 'VALID');

  const copy = net.client.gateway(net.departments[0]!).newTransaction(transaction.getBytes());
  assert.equal(copy.getTransactionId(), transaction.getTransactionId());
  const resubmitted = await copy.submit();
  const occurrences = await findOccurrences(net.network(), first.blockNumber, transaction.getTransactionId(), 2);

  assert.deepEqual(occurrences.map((o) => codeName(o.validationCode)), ['VALID', 'DUPLICATE_TXID']);
  assert.equal(occurrences[1]!.validationCode, 9);
  assert.equal(BigInt(occurrences[0]!.blockNumber), first.blockNumber);
  const status = await resubmitted.getStatus();
  assert.deepEqual([codeName(status.code), status.blockNumber], ['VALID', first.blockNumber]);
  const indexed = common.Block.deserializeBinary(await net.qscc().evaluateTransaction('GetBlockByTxID', net.description.channel, transaction.getTransactionId()));
  assert.equal(BigInt(indexed.getHeader()!.getNumber()), first.blockNumber, 'qscc finds the block of the valid copy');
  assert.equal(text(await contract.evaluateTransaction('get', 'duplicate/counter')), '1', 'the duplicate changed nothing');
});
