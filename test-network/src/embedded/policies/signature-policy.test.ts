import { test } from 'node:test';
import assert from 'node:assert/strict';
import { common, msp } from '@hyperledger/fabric-protos';
import { signaturePolicy } from './signature-policy';
import { and, envelope, identityPrincipal, nOutOf, or, principal, rolePrincipal, signedBy } from './testing/envelopes';
import { testDepartments, type MemberName } from './testing/departments';

/** Principal 0 is AMSP's peers, 1 is BMSP's, 2 is CMSP's: Fabric's `signers[0]`, `signers[1]`. */
const peers = [rolePrincipal('AMSP', 'PEER'), rolePrincipal('BMSP', 'PEER'), rolePrincipal('CMSP', 'PEER')];

async function evaluate(policy: ReturnType<typeof signaturePolicy>, names: MemberName[]) {
  const departments = await testDepartments();
  return policy.evaluate(names.map((name) => departments.identity(name)));
}

// Ported from Fabric's common/cauthdsl/cauthdsl_test.go: signer0 is an AMSP peer, signer1 a BMSP peer.

test('SignedBy(0) is satisfied by its principal and not by another department', async () => {
  const policy = signaturePolicy(envelope(signedBy(0), peers));

  assert.equal((await evaluate(policy, ['peerA1'])).satisfied, true);
  assert.equal((await evaluate(policy, ['peerB1'])).satisfied, false);
});

test('AND(0, 1) needs both departments, and one signer given twice counts once', async () => {
  const policy = signaturePolicy(envelope(and(signedBy(0), signedBy(1)), peers));

  assert.equal((await evaluate(policy, ['peerA1', 'peerB1'])).satisfied, true);
  assert.equal((await evaluate(policy, ['peerA1', 'peerA1'])).satisfied, false);
});

test('nested AND(OR(AND(0, 1), AND(0, 0)), 0) needs three signatures, each used once', async () => {
  const policy = signaturePolicy(envelope(and(or(and(signedBy(0), signedBy(1)), and(signedBy(0), signedBy(0))), signedBy(0)), peers));

  assert.equal((await evaluate(policy, ['peerA1', 'peerB1', 'peerA2'])).satisfied, true);
  assert.equal((await evaluate(policy, ['peerA1', 'peerA2', 'peerA3'])).satisfied, true, 'three distinct AMSP peers');
  assert.equal((await evaluate(policy, ['peerA1', 'peerB1'])).satisfied, false, 'too few signatures');
  assert.equal((await evaluate(policy, ['peerA1', 'peerB1', 'peerB2'])).satisfied, false, 'a second AMSP signature is missing');
  assert.equal((await evaluate(policy, ['peerA1', 'peerA1', 'peerA1'])).satisfied, false, 'one AMSP peer three times is one signer');
});

test('OutOf(2, A, B, C) counts departments, not signatures', async () => {
  const policy = signaturePolicy(envelope(nOutOf(2, signedBy(0), signedBy(1), signedBy(2)), peers));

  assert.equal((await evaluate(policy, ['peerA1', 'peerC1'])).satisfied, true);
  assert.equal((await evaluate(policy, ['peerB1', 'peerA1', 'peerC1'])).satisfied, true);
  assert.equal((await evaluate(policy, ['peerA1', 'peerA2'])).satisfied, false);
  assert.equal((await evaluate(policy, [])).satisfied, false);
});

test('matches greedily in signature order, as Fabric does', async () => {
  // AND('AMSP.member', 'AMSP.peer'): the member rule takes the first AMSP identity it meets.
  const policy = signaturePolicy(envelope(and(signedBy(0), signedBy(1)), [rolePrincipal('AMSP', 'MEMBER'), rolePrincipal('AMSP', 'PEER')]));

  assert.equal((await evaluate(policy, ['clientA', 'peerA1'])).satisfied, true);
  assert.equal((await evaluate(policy, ['peerA1', 'clientA'])).satisfied, false, 'the peer was spent on the member rule');
});

test('roles: MEMBER is any valid identity of the MSP, the others need their NodeOU', async () => {
  const expectations: [keyof msp.MSPRole.MSPRoleTypeMap, MemberName[], MemberName[]][] = [
    ['MEMBER', ['peerA1', 'clientA', 'adminA', 'ordererA'], ['peerB1']],
    ['PEER', ['peerA1'], ['clientA', 'adminA', 'ordererA', 'peerB1']],
    ['CLIENT', ['clientA'], ['peerA1', 'adminA', 'ordererA', 'clientB']],
    ['ADMIN', ['adminA'], ['peerA1', 'clientA', 'ordererA']],
    ['ORDERER', ['ordererA'], ['peerA1', 'clientA', 'adminA']],
  ];
  for (const [role, accepted, refused] of expectations) {
    const policy = signaturePolicy(envelope(signedBy(0), [rolePrincipal('AMSP', role)]));
    for (const name of accepted) assert.equal((await evaluate(policy, [name])).satisfied, true, `${name} is AMSP.${role}`);
    for (const name of refused) assert.equal((await evaluate(policy, [name])).satisfied, false, `${name} is not AMSP.${role}`);
  }
});

test('an IDENTITY principal is satisfied by that certificate only', async () => {
  const departments = await testDepartments();
  const policy = signaturePolicy(envelope(signedBy(0), [identityPrincipal(departments.members.peerA1.serialized())]));

  assert.equal((await evaluate(policy, ['peerA1'])).satisfied, true);
  assert.equal((await evaluate(policy, ['peerA2'])).satisfied, false);
});

test('says which principals no signature satisfied, and who signed', async () => {
  const policy = signaturePolicy(envelope(and(signedBy(0), signedBy(1)), peers));

  const result = await evaluate(policy, ['peerA1', 'clientB']);

  assert.equal(result.satisfied, false);
  assert.equal(
    result.reason,
    "signature policy AND('AMSP.peer', 'BMSP.peer') is not satisfied: no signature satisfies 'BMSP.peer' (signed by AMSP peer peerA1.amsp, BMSP client clientB.bmsp)",
  );
  assert.match((await evaluate(policy, ['peerA1', 'peerA1'])).reason ?? '', /no signature satisfies 'BMSP\.peer' \(signed by AMSP peer peerA1\.amsp\)$/);
});

test('refuses a malformed envelope when compiling, as cauthdsl does', () => {
  assert.throws(() => signaturePolicy(envelope(undefined, peers)), /has no rule/);
  assert.throws(() => signaturePolicy(envelope(new common.SignaturePolicy(), peers)), /neither signed_by nor n_out_of/);
  assert.throws(() => signaturePolicy(envelope(and(signedBy(-1), signedBy(0)), peers)), /signed_by -1 names no principal: the envelope has 3/);
  assert.throws(() => signaturePolicy(envelope(signedBy(3), peers)), /signed_by 3 names no principal/);
  const versioned = envelope(signedBy(0), peers);
  versioned.setVersion(1);
  assert.throws(() => signaturePolicy(versioned), /version 1/);
});

test('refuses principal types it cannot evaluate instead of misjudging them', () => {
  const ou = new msp.OrganizationUnit();
  ou.setMspIdentifier('AMSP');
  ou.setOrganizationalUnitIdentifier('finance');
  const byOu = principal(msp.MSPPrincipal.Classification.ORGANIZATION_UNIT, ou.serializeBinary());

  assert.throws(() => signaturePolicy(envelope(signedBy(0), [byOu])), /principal 0 is of type ORGANIZATION_UNIT, which the embedded ledger does not evaluate/);
});
