import { test } from 'node:test';
import assert from 'node:assert/strict';
import { implicitMetaPolicy, type ImplicitMetaRule } from './implicit-meta-policy';
import type { Policy } from './policy';
import { signaturePolicy } from './signature-policy';
import { envelope, rolePrincipal, signedBy } from './testing/envelopes';
import { testDepartments, type MemberName } from './testing/departments';

const accepts: Policy = { evaluate: () => ({ satisfied: true }) };
const rejects: Policy = { evaluate: () => ({ satisfied: false, reason: 'no' }) };

/** Fabric's implicitmeta_test.go `runPolicyTest`: `count` departments of which `passing` are satisfied. */
function run(rule: ImplicitMetaRule, count: number, passing: number) {
  const subPolicies = new Map(Array.from({ length: count }, (_, i) => [`Dept${i}MSP`, i < passing ? accepts : rejects] as const));
  return implicitMetaPolicy(rule, subPolicies, 'Endorsement').evaluate([]);
}

test('ANY needs one department', () => {
  assert.equal(run('ANY', 1, 1).satisfied, true);
  assert.equal(run('ANY', 10, 1).satisfied, true);
  assert.equal(run('ANY', 10, 8).satisfied, true);
  assert.equal(run('ANY', 0, 0).satisfied, true, 'no departments: nothing to satisfy, as in Fabric');
  assert.equal(run('ANY', 10, 0).satisfied, false);
});

test('ALL needs every department', () => {
  assert.equal(run('ALL', 1, 1).satisfied, true);
  assert.equal(run('ALL', 10, 10).satisfied, true);
  assert.equal(run('ALL', 0, 0).satisfied, true);
  assert.equal(run('ALL', 10, 9).satisfied, false);
  assert.equal(run('ALL', 10, 0).satisfied, false);
});

test('MAJORITY needs more than half', () => {
  assert.equal(run('MAJORITY', 1, 1).satisfied, true);
  assert.equal(run('MAJORITY', 10, 6).satisfied, true);
  assert.equal(run('MAJORITY', 3, 2).satisfied, true);
  assert.equal(run('MAJORITY', 0, 0).satisfied, true);
  assert.equal(run('MAJORITY', 10, 5).satisfied, false, 'half is not a majority');
  assert.equal(run('MAJORITY', 10, 0).satisfied, false);
});

async function endorsementOfThree(rule: ImplicitMetaRule) {
  const departments = await testDepartments();
  const peerOf = (mspId: string) => signaturePolicy(envelope(signedBy(0), [rolePrincipal(mspId, 'PEER')]));
  const policy = implicitMetaPolicy(rule, new Map(['AMSP', 'BMSP', 'CMSP'].map((mspId) => [mspId, peerOf(mspId)] as const)), 'Endorsement');
  return (names: MemberName[]) => policy.evaluate(names.map((name) => departments.identity(name)));
}

test('MAJORITY Endorsement of three departments: one is not enough, two or three are', async () => {
  const evaluate = await endorsementOfThree('MAJORITY');

  const one = evaluate(['peerB1']);
  assert.equal(one.satisfied, false);
  assert.equal(one.reason, "MAJORITY of 3 departments' Endorsement policies needed (2); satisfied: BMSP; not satisfied: AMSP, CMSP");
  assert.equal(evaluate(['peerA1', 'peerC1']).satisfied, true);
  assert.equal(evaluate(['peerA1', 'peerB1', 'peerC1']).satisfied, true);
  assert.equal(evaluate(['peerA1', 'peerA2', 'clientB']).satisfied, false, 'two peers of one department and a client are one department');
});

test('ANY and ALL Endorsement of three departments', async () => {
  const any = await endorsementOfThree('ANY');
  const all = await endorsementOfThree('ALL');

  assert.equal(any(['peerC1']).satisfied, true);
  assert.equal(any(['clientA', 'clientB']).satisfied, false);
  assert.equal(any([]).reason, "ANY of 3 departments' Endorsement policies needed (1); satisfied: none; not satisfied: AMSP, BMSP, CMSP");
  assert.equal(all(['peerA1', 'peerB1', 'peerC1']).satisfied, true);
  assert.equal(all(['peerA1', 'peerB1']).satisfied, false);
});

test('sub-policies given as a list are named by position', () => {
  const result = implicitMetaPolicy('ALL', [accepts, rejects, accepts]).evaluate([]);

  assert.equal(result.reason, "ALL of 3 sub-policies needed (3); satisfied: #1, #3; not satisfied: #2");
});
