import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Client, credentials, Server, ServerCredentials, status as grpcStatus, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { connect, EndorseError, GatewayError, signers, type Contract, type Gateway } from '@hyperledger/fabric-gateway';
import { gateway, google } from '@hyperledger/fabric-protos';
import { GatewayService } from '@hyperledger/fabric-protos/lib/gateway/gateway_grpc_pb';
import { newTestCa } from '../msp/testing/test-ca';
import { grpcError, type ErrorDetail } from './grpc-error';

// The trailer is checked the way a CityTrust client meets it: a real @hyperledger/fabric-gateway
// client calls a gRPC server on a loopback port whose Gateway service answers with grpcError.

interface Refusal {
  readonly code: grpcStatus;
  readonly message: string;
  readonly details: readonly ErrorDetail[];
}

let server: Server;
let client: Client;
let connection: Gateway;
let contract: Contract;
/** What the server answers to the next call. */
let refusal: Refusal;

const refuse = (_call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) =>
  callback(grpcError(refusal.code, refusal.message, refusal.details) as never, null);

before(async () => {
  server = new Server();
  server.addService(GatewayService, { evaluate: refuse, endorse: refuse, submit: refuse, commitStatus: refuse, chaincodeEvents: () => undefined });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))));
  client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
  const ca = await newTestCa('BigDataAdministrationMSP');
  const user = await ca.issue({ commonName: 'User1', organizationalUnits: ['client'] });
  connection = connect({
    client,
    identity: { mspId: 'BigDataAdministrationMSP', credentials: Buffer.from(user.certificatePem) },
    signer: signers.newPrivateKeySigner(user.privateKey),
  });
  contract = connection.getNetwork('citytrust').getContract('citytrust');
});

after(async () => {
  connection.close();
  client.close();
  await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
});

const twoEndorsers: ErrorDetail[] = [
  { address: '127.0.0.1:7051', mspId: 'BigDataAdministrationMSP', message: 'chaincode response 500, license 42 is revoked' },
  { address: '127.0.0.1:7051', mspId: 'MarketRegulationMSP', message: 'chaincode response 500, license 42 is revoked' },
];

test('the client reads the status code, the message and every ErrorDetail, in order, from the trailer', async () => {
  refusal = { code: grpcStatus.ABORTED, message: 'failed to endorse transaction, see attached details for more info', details: twoEndorsers };
  await assert.rejects(contract.submitTransaction('register', 'citizen-1'), (error: unknown) => {
    assert.ok(error instanceof EndorseError, `expected an EndorseError, got ${String(error)}`);
    assert.equal(error.code, grpcStatus.ABORTED);
    assert.match(error.message, /failed to endorse transaction, see attached details for more info/);
    assert.deepEqual(error.details, twoEndorsers);
    assert.match(error.transactionId, /^[0-9a-f]{64}$/);
    return true;
  });
});

test('Evaluate errors carry their details too', async () => {
  const detail = { address: '127.0.0.1:7051', mspId: 'CreditOfficeMSP', message: 'chaincode response 500, no such record' };
  refusal = { code: grpcStatus.UNKNOWN, message: `evaluate call to endorser returned error: ${detail.message}`, details: [detail] };
  await assert.rejects(contract.evaluateTransaction('read', 'record-9'), (error: unknown) => {
    assert.ok(error instanceof GatewayError);
    assert.equal(error.code, grpcStatus.UNKNOWN);
    assert.deepEqual(error.details, [detail]);
    return true;
  });
});

test('text that is not ASCII survives the trailer', async () => {
  const detail = { address: 'ledger.citytrust.local:7051', mspId: 'MarketRegulationMSP', message: '许可证已吊销 (license revoked) ✓' };
  refusal = { code: grpcStatus.FAILED_PRECONDITION, message: 'evaluate call to endorser returned error: 许可证已吊销', details: [detail] };
  await assert.rejects(contract.evaluateTransaction('read'), (error: unknown) => {
    assert.ok(error instanceof GatewayError);
    assert.deepEqual(error.details, [detail]);
    return true;
  });
});

test('an error without details has no trailer, and the client reports no details', async () => {
  refusal = { code: grpcStatus.INVALID_ARGUMENT, message: 'failed to unpack transaction proposal: the proposal does not parse', details: [] };
  assert.equal(grpcError(refusal.code, refusal.message).metadata!.get('grpc-status-details-bin').length, 0);
  await assert.rejects(contract.evaluateTransaction('read'), (error: unknown) => {
    assert.ok(error instanceof GatewayError);
    assert.equal(error.code, grpcStatus.INVALID_ARGUMENT);
    assert.deepEqual(error.details, []);
    return true;
  });
});

test('the trailer is a google.rpc.Status with the same code and message, its details typed gateway.ErrorDetail', () => {
  const [bytes] = grpcError(grpcStatus.ABORTED, 'see details', twoEndorsers).metadata!.get('grpc-status-details-bin');
  const status = google.rpc.Status.deserializeBinary(bytes as Buffer);
  assert.equal(status.getCode(), grpcStatus.ABORTED);
  assert.equal(status.getMessage(), 'see details');
  assert.deepEqual(status.getDetailsList().map((any) => any.getTypeUrl()), ['type.googleapis.com/gateway.ErrorDetail', 'type.googleapis.com/gateway.ErrorDetail']);
  assert.equal(gateway.ErrorDetail.deserializeBinary(status.getDetailsList()[1]!.getValue_asU8()).getMspId(), 'MarketRegulationMSP');
});
