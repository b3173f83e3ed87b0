import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { status as grpcStatus } from '@grpc/grpc-js';
import { connect, EndorseError, GatewayError, hash, signers, type Gateway, type SubmitError } from '@hyperledger/fabric-gateway';
import { generateNetworkCrypto, type Identity } from '@citytrust/network-config';
import { gateway as gatewayProtos } from '@hyperledger/fabric-protos';
import { startConformanceNetwork, type ConformanceNetwork } from './conformance-network';

/**
 * Who may transact: the creator of a proposal must hold a certificate from its department's CA
 * with a client or admin role, and must have signed with that certificate's key. Checked at
 * endorsement (the proposal) and at ordering (the transaction envelope).
 */

let net: ConformanceNetwork;
before(async () => {
  net = await startConformanceNetwork('identities');
});
after(async () => {
  await net?.close();
});

/** A gateway on the suite's connection that presents `certificatePem` as `mspId` and signs with `privateKeyPem`. */
function gatewayAs(mspId: string, certificatePem: string, privateKeyPem: string): Gateway {
  return connect({
    client: net.client.connection,
    identity: { mspId, credentials: Buffer.from(certificatePem) },
    signer: signers.newPrivateKeySigner(createPrivateKey(privateKeyPem)),
    hash: hash.sha256,
  });
}

/**
 * The same refusal (the same gRPC status) in each back-end's words: real Fabric says as little as
 * its peer log's "access denied"; the embedded ledger says which check failed.
 */
function byBackend(wording: { fabric: RegExp; embedded: RegExp }): RegExp {
  return net.backend === 'fabric' ? wording.fabric : wording.embedded;
}

async function assertEndorsementRefused(gateway: Gateway, key: string, detail: RegExp): Promise<void> {
  const contract = gateway.getNetwork(net.description.channel).getContract(net.description.chaincode.name, 'system');
  try {
    await assert.rejects(contract.submitTransaction('put', key, 'must not be written'), (error: unknown) => {
      assert.ok(error instanceof EndorseError, `an EndorseError, got ${String(error)}`);
      assert.equal(error.code, grpcStatus.ABORTED);
      assert.ok(error.details.length > 0, 'the error carries the endorsers\' reasons');
      for (const d of error.details) assert.match(d.message, detail);
      return true;
    });
  } finally {
    gateway.close();
  }
  await assertNotWritten(key);
}

test('a certificate that claims a department\'s MSP but was issued by another CA is refused at endorsement: not a member of the channel', async () => {
  const department = net.departments[0]!;
  // Another network's identities with the same MSP ids, CA names and roles: only the CA key differs.
  const impostors = await generateNetworkCrypto(net.description, join(net.home, 'impostor-crypto'));
  const impostor: Identity = impostors.departments[0]!.client;
  assert.equal(impostor.mspId, department);

  await assertEndorsementRefused(gatewayAs(department, impostor.certificatePem, impostor.privateKeyPem), 'identities/forged-creator', byBackend({
    fabric: new RegExp(`access denied: channel \\[${net.description.channel}\\] creator org unknown, creator is malformed`),
    embedded: new RegExp(`access denied: the proposal's creator is not a member of channel ${net.description.channel}: .*is not issued by ${department}'s CA`),
  }));
});

test('evaluating with such a certificate fails too: FAILED_PRECONDITION, access denied', async () => {
  const department = net.departments[0]!;
  const impostor = (await generateNetworkCrypto(net.description, join(net.home, 'impostor-crypto'))).departments[0]!.client;
  const gateway = gatewayAs(department, impostor.certificatePem, impostor.privateKeyPem);
  try {
    const contract = gateway.getNetwork(net.description.channel).getContract(net.description.chaincode.name, 'system');
    await assert.rejects(contract.evaluateTransaction('version'), (error: unknown) => {
      assert.ok(error instanceof GatewayError, `a GatewayError, got ${String(error)}`);
      assert.equal(error.code, grpcStatus.FAILED_PRECONDITION);
      assert.match(error.message, byBackend({
        fabric: /evaluate call to endorser returned error: error validating proposal: access denied: channel \[\S+\] creator org unknown/,
        embedded: /evaluate call to endorser returned error: access denied: the proposal's creator is not a member/,
      }));
      return true;
    });
  } finally {
    gateway.close();
  }
});

test('a proposal signed with another key than its creator certificate\'s is refused: the signature does not verify', async () => {
  const [department, other] = net.departments as [string, string];
  const genuine = net.crypto.departments[0]!.client;
  const someoneElse = net.crypto.departments.find((d) => d.mspId === other)!.client;

  await assertEndorsementRefused(gatewayAs(department, genuine.certificatePem, someoneElse.privateKeyPem), 'identities/wrong-key', byBackend({
    fabric: new RegExp(`access denied: channel \\[${net.description.channel}\\] creator org \\[${department}\\]`),
    embedded: /access denied: the proposal's signature does not verify against its creator/,
  }));
});

test('a department\'s peer identity may endorse but not propose: the channel\'s Writers are its clients and admins', async () => {
  const department = net.departments[0]!;
  const peer = net.crypto.departments[0]!.peer;

  await assertEndorsementRefused(gatewayAs(department, peer.certificatePem, peer.privateKeyPem), 'identities/peer-proposes', byBackend({
    fabric: /policy \[\/Channel\/Application\/Writers\]: \[implicit policy evaluation failed - 0 sub-policies were satisfied/,
    embedded: new RegExp(`access denied: ${department} identity is neither a client nor an admin`),
  }));
});

test('a transaction envelope signed with another key than its creator\'s is refused by the orderer: SubmitError ABORTED, status FORBIDDEN', async () => {
  const contract = net.system();
  const transaction = await contract.newProposal('put', { arguments: ['identities/bad-envelope-signature', 'v'] }).endorse();
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const payloadDigest = createHash('sha256').update(payloadOf(transaction.getBytes())).digest();
  const forgedSignature = await signers.newPrivateKeySigner(privateKey)(payloadDigest);
  const forged = net.client.gateway(net.departments[0]!).newSignedTransaction(transaction.getBytes(), forgedSignature);

  // As Fabric's orderer: broadcast checks the envelope against the channel's Writers policy, a 4xx the gateway does not retry.
  await assert.rejects(forged.submit(), (error: unknown) => {
    // fabric-gateway exports SubmitError as a type only: recognise it by its name.
    assert.ok(error instanceof GatewayError && error.name === 'SubmitError', `a SubmitError, got ${String(error)}`);
    assert.equal((error as SubmitError).transactionId, transaction.getTransactionId());
    assert.equal(error.code, grpcStatus.ABORTED);
    assert.match(error.message, /received unsuccessful response from orderer: status=FORBIDDEN/);
    return true;
  });
  await assertNotWritten('identities/bad-envelope-signature');
  await assert.rejects(net.qscc().evaluateTransaction('GetTransactionByID', net.description.channel, transaction.getTransactionId()),
    /no such transaction ID/, 'nothing was ordered');
});

/** The envelope payload inside a gateway.PreparedTransaction's bytes: what the client signs. */
function payloadOf(preparedTransactionBytes: Uint8Array): Uint8Array {
  return gatewayProtos.PreparedTransaction.deserializeBinary(preparedTransactionBytes).getEnvelope()!.getPayload_asU8();
}

async function assertNotWritten(key: string): Promise<void> {
  await assert.rejects(net.system().evaluateTransaction('get', key), (error: unknown) => {
    assert.ok(error instanceof GatewayError);
    assert.match(error.details[0]?.message ?? '', new RegExp(`key "${key}" not found`));
    return true;
  }, `nothing was written at ${key}`);
}
