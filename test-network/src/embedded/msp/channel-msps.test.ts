import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { msp } from '@hyperledger/fabric-protos';
import { channelMsps, type ChannelMspsOptions } from './channel-msps';
import { signLowS } from '@citytrust/network-config';
import { IdentityError, type IdentityCheck } from './identity-error';
import { newTestCa, serializedIdentity, type TestCa } from './testing/test-ca';

const DAY_MS = 24 * 60 * 60 * 1000;

async function department(mspId: string) {
  const ca = await newTestCa(mspId);
  return { ca, config: { mspId, rootCertificatesPem: [ca.certificatePem], nodeOUs: true } };
}

async function channelOf(cas: TestCa[], options?: ChannelMspsOptions) {
  return channelMsps(cas.map((ca) => ({ mspId: ca.mspId, rootCertificatesPem: [ca.certificatePem], nodeOUs: true })), options);
}

function refusedFor(check: IdentityCheck, messagePart: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof IdentityError, `expected an IdentityError, got ${String(error)}`);
    assert.equal(error.check, check, error.message);
    assert.match(error.message, messagePart);
    return true;
  };
}

test('accepts a peer of a channel department, with its role from the subject OU', async () => {
  const org1 = await newTestCa('Org1MSP');
  const peer = await org1.issue({ commonName: 'peer0.org1', organizationalUnits: ['peer'] });
  const msps = await channelOf([org1]);

  const identity = msps.deserialize(peer.serialized());

  assert.equal(identity.mspId, 'Org1MSP');
  assert.deepEqual([...identity.roles].sort(), ['member', 'peer']);
  assert.equal(identity.id, createHash('sha256').update(identity.certificate.raw).digest('hex'));
  assert.deepEqual(Buffer.from(identity.serialized), Buffer.from(peer.serialized()));
});

test('tells clients, admins and orderers apart by their OU', async () => {
  const org1 = await newTestCa('Org1MSP');
  const msps = await channelOf([org1]);
  for (const role of ['client', 'admin', 'orderer'] as const) {
    const member = await org1.issue({ commonName: `${role}.org1`, organizationalUnits: ['department', role] });
    assert.deepEqual([...msps.deserialize(member.serialized()).roles].sort(), ['member', role].sort());
  }
});

test('refuses a certificate issued by another department\'s CA', async () => {
  const org1 = await newTestCa('Org1MSP');
  const org2 = await newTestCa('Org2MSP');
  const impostor = await org2.issue({ commonName: 'peer0.org2', organizationalUnits: ['peer'] });
  const msps = await channelOf([org1, org2]);

  assert.throws(() => msps.deserialize(impostor.serialized('Org1MSP')), refusedFor('untrusted-issuer', /not issued by Org1MSP's CA/));
});

test('refuses an identity of an MSP that is not on the channel, naming the channel\'s MSPs', async () => {
  const org1 = await newTestCa('Org1MSP');
  const org3 = await newTestCa('Org3MSP');
  const outsider = await org3.issue({ commonName: 'user.org3', organizationalUnits: ['client'] });
  const msps = await channelOf([org1]);

  assert.throws(() => msps.deserialize(outsider.serialized()), refusedFor('unknown-msp', /unknown MSP id 'Org3MSP' \(channel MSPs: Org1MSP\)/));
});

test('refuses an expired certificate, saying when it expired', async () => {
  const org1 = await newTestCa('Org1MSP');
  const notAfter = new Date(Date.now() - DAY_MS);
  const expired = await org1.issue({ commonName: 'old.org1', organizationalUnits: ['client'], notBefore: new Date(Date.now() - 3 * DAY_MS), notAfter });
  const msps = await channelOf([org1]);

  const day = notAfter.toISOString().slice(0, 10);
  assert.throws(() => msps.deserialize(expired.serialized()), refusedFor('expired', new RegExp(`expired on ${day}`)));
});

test('refuses a certificate that is not valid yet', async () => {
  const org1 = await newTestCa('Org1MSP');
  const early = await org1.issue({ commonName: 'early.org1', organizationalUnits: ['client'], notBefore: new Date(Date.now() + DAY_MS) });
  const msps = await channelOf([org1]);

  assert.throws(() => msps.deserialize(early.serialized()), refusedFor('not-yet-valid', /is not valid before/));
});

test('re-checks validity on every use, even when the identity is cached', async () => {
  const org1 = await newTestCa('Org1MSP');
  const client = await org1.issue({ commonName: 'user.org1', organizationalUnits: ['client'], notAfter: new Date(Date.now() + DAY_MS) });
  let now = Date.now();
  const msps = await channelOf([org1], { now: () => now });
  const first = msps.deserialize(client.serialized());

  assert.equal(msps.deserialize(client.serialized()), first, 'the second call is served from the cache');
  now += 2 * DAY_MS;
  assert.throws(() => msps.deserialize(client.serialized()), refusedFor('expired', /certificate .*CN=user\.org1.* expired on/));
});

test('refuses a certificate without a NodeOU role when NodeOUs are on, and accepts it as a plain member when off', async () => {
  const { ca, config } = await department('Org1MSP');
  const roleless = await ca.issue({ commonName: 'nobody.org1', organizationalUnits: ['finance'] });

  assert.throws(() => channelMsps([config]).deserialize(roleless.serialized()), refusedFor('node-ou', /no NodeOU role \(subject OU finance/));
  const withoutNodeOUs = channelMsps([{ ...config, nodeOUs: false }]);
  assert.deepEqual([...withoutNodeOUs.deserialize(roleless.serialized()).roles], ['member']);
});

test('refuses a certificate claiming two NodeOU roles', async () => {
  const org1 = await newTestCa('Org1MSP');
  const both = await org1.issue({ commonName: 'both.org1', organizationalUnits: ['client', 'admin'] });
  const msps = await channelOf([org1]);

  assert.throws(() => msps.deserialize(both.serialized()), refusedFor('node-ou', /several NodeOU roles \(client, admin\)/));
});

test('refuses the CA\'s own certificate as an identity', async () => {
  const org1 = await newTestCa('Org1MSP');
  const msps = await channelOf([org1]);

  assert.throws(() => msps.deserialize(serializedIdentity('Org1MSP', org1.certificatePem)), refusedFor('ca-certificate', /is a CA certificate/));
});

test('accepts a member issued by a configured intermediate CA, and refuses it when the intermediate is not configured', async () => {
  const { ca, config } = await department('Org1MSP');
  const intermediate = await ca.intermediate('ica.org1');
  const peer = await intermediate.issue({ commonName: 'peer1.org1', organizationalUnits: ['peer'] });

  const withIntermediate = channelMsps([{ ...config, intermediateCertificatesPem: [intermediate.certificatePem] }]);
  assert.equal(withIntermediate.deserialize(peer.serialized()).mspId, 'Org1MSP');
  assert.throws(() => channelMsps([config]).deserialize(peer.serialized()), refusedFor('untrusted-issuer', /its issuer: .*CN=ica\.org1/));
});

test('refuses a configuration whose intermediate CA does not chain to the MSP\'s roots', async () => {
  const { config } = await department('Org1MSP');
  const stranger = await (await newTestCa('Org2MSP')).intermediate('ica.org2');

  assert.throws(
    () => channelMsps([{ ...config, intermediateCertificatesPem: [stranger.certificatePem] }]),
    /intermediate certificate .*CN=ica\.org2 does not chain to any of Org1MSP's root certificates/,
  );
});

test('refuses a configuration that names an MSP twice or has no root', async () => {
  const { config } = await department('Org1MSP');
  assert.throws(() => channelMsps([config, config]), /MSP Org1MSP is configured twice/);
  assert.throws(() => channelMsps([{ ...config, rootCertificatesPem: [] }]), /MSP Org1MSP has no root CA certificate/);
});

test('refuses bytes that are not a serialized identity, or a certificate that is not PEM', async () => {
  const org1 = await newTestCa('Org1MSP');
  const peer = await org1.issue({ commonName: 'peer0.org1', organizationalUnits: ['peer'] });
  const msps = await channelOf([org1]);

  assert.throws(() => msps.deserialize(Buffer.from([0xff, 0xff, 0xff])), refusedFor('malformed', /not an msp\.SerializedIdentity/));
  const der = new msp.SerializedIdentity();
  der.setMspid('Org1MSP');
  der.setIdBytes(msps.deserialize(peer.serialized()).certificate.raw);
  assert.throws(() => msps.deserialize(der.serializeBinary()), refusedFor('malformed', /must be the PEM text/));
});

test('verifies a low-S signature by the identity and refuses a tampered message or another signer', async () => {
  const org1 = await newTestCa('Org1MSP');
  const peer = await org1.issue({ commonName: 'peer0.org1', organizationalUnits: ['peer'] });
  const other = await org1.issue({ commonName: 'peer1.org1', organizationalUnits: ['peer'] });
  const msps = await channelOf([org1]);
  const identity = msps.deserialize(peer.serialized());
  const message = Buffer.from('proposal response payload');

  const signature = signLowS(peer.privateKey, message);

  assert.equal(await msps.verify(identity, message, signature), true);
  assert.equal(await msps.verify(identity, Buffer.from('proposal response payloaD'), signature), false);
  assert.equal(await msps.verify(identity, message, signLowS(other.privateKey, message)), false);
  assert.equal(await msps.verify(identity, message, Buffer.from('not a signature')), false);
});

test('deserialises and verifies thousands of signatures per second once an identity is cached', async () => {
  const org1 = await newTestCa('Org1MSP');
  const client = await org1.issue({ commonName: 'user.org1', organizationalUnits: ['client'] });
  const msps = await channelOf([org1]);
  const serialized = client.serialized();
  const message = Buffer.alloc(2048, 7);
  const signature = signLowS(client.privateKey, message);
  const rounds = 2000;

  const started = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) {
    assert.equal(await msps.verify(msps.deserialize(serialized), message, signature), true);
  }
  const perSecond = Math.round(rounds / (Number(process.hrtime.bigint() - started) / 1e9));
  console.log(`deserialize + verify: ${perSecond}/s`);
  // Far below what Node does (tens of thousands per second): a guard against re-parsing, not a benchmark.
  assert.ok(perSecond > 1000, `only ${perSecond} verifications per second`);
});

test('remembers signatures found valid and signatures this process made, and nothing else', async () => {
  const org1 = await newTestCa('Org1MSP');
  const peer = await org1.issue({ commonName: 'peer0.org1', organizationalUnits: ['peer'] });
  const msps = await channelOf([org1]);
  const identity = msps.deserialize(peer.serialized());
  const message = Buffer.from('endorsed payload');
  // Signed over another message, so only the memory can make it verify for this one: recording is
  // trusted, which is why only the endorser records, and only signatures it has just made.
  const recorded = Buffer.from(signLowS(peer.privateKey, Buffer.from('another payload')));

  msps.recordOwnSignature(identity, message, recorded);
  assert.equal(await msps.verify(identity, message, recorded), true);
  assert.equal(await msps.verify(identity, Buffer.from('endorsed payloaD'), recorded), false);
  // A bad signature is never remembered as good: asking twice gives the same answer.
  const bad = Buffer.from(signLowS(peer.privateKey, Buffer.from('x')));
  assert.equal(await msps.verify(identity, message, bad), false);
  assert.equal(await msps.verify(identity, message, bad), false);
});
