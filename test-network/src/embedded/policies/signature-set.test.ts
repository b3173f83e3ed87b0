import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChannelMsps } from '../msp';
import { signLowS } from '@citytrust/network-config';
import { signatureSetToValidIdentities, type SignedData } from './signature-set';
import { testDepartments, type MemberName, type TestDepartments } from './testing/departments';

const data = Buffer.from('proposal response payload');

function signedBy(departments: TestDepartments, name: MemberName, signature?: Uint8Array): SignedData {
  const member = departments.members[name];
  return { identity: member.serialized(), data, signature: signature ?? signLowS(member.privateKey, data) };
}

/** The channel's MSPs, counting signature verifications. */
function counting(msps: ChannelMsps) {
  const counter = { verifications: 0 };
  return {
    counter,
    msps: {
      deserialize: msps.deserialize,
      verify: (...args: Parameters<ChannelMsps['verify']>) => {
        counter.verifications++;
        return msps.verify(...args);
      },
    },
  };
}

test('keeps each validly signing identity once, in order', async () => {
  const departments = await testDepartments();
  const { identities, rejected } = await signatureSetToValidIdentities(
    [signedBy(departments, 'peerA1'), signedBy(departments, 'peerB1')],
    departments.msps,
  );

  assert.deepEqual(identities.map((identity) => identity.mspId), ['AMSP', 'BMSP']);
  assert.deepEqual(rejected, []);
});

test('leaves out a bad signature and an identity its MSP refuses, saying why', async () => {
  const departments = await testDepartments();
  const forged = signedBy(departments, 'peerB1', signLowS(departments.members.peerA1.privateKey, data));
  const stranger = { identity: Buffer.from('not an identity'), data, signature: Buffer.alloc(0) };

  const { identities, rejected } = await signatureSetToValidIdentities([signedBy(departments, 'peerA1'), forged, stranger], departments.msps);

  assert.deepEqual(identities.map((identity) => identity.mspId), ['AMSP']);
  assert.deepEqual(rejected.map((r) => r.index), [1, 2]);
  assert.match(rejected[0]!.reason, /the signature of BMSP identity [0-9a-f]{64} does not verify/);
  assert.match(rejected[1]!.reason, /not an msp\.SerializedIdentity/);
});

test('skips a repeated identity before checking its signature again', async () => {
  const departments = await testDepartments();
  const { msps, counter } = counting(departments.msps);
  const once = signedBy(departments, 'peerA1');

  const { identities, rejected } = await signatureSetToValidIdentities([once, once, once], msps);

  assert.equal(identities.length, 1);
  assert.equal(counter.verifications, 1);
  assert.deepEqual(rejected.map((r) => r.index), [1, 2]);
  assert.match(rejected[0]!.reason, /signed more than once; it counts once/);
});

test('counts a repeated identity whose first signature was bad, as Fabric does', async () => {
  const departments = await testDepartments();
  const bad = signedBy(departments, 'peerA1', signLowS(departments.members.peerA2.privateKey, data));

  const { identities } = await signatureSetToValidIdentities([bad, signedBy(departments, 'peerA1')], departments.msps);

  assert.equal(identities.length, 1);
});
