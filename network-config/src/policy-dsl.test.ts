import { test } from 'node:test';
import assert from 'node:assert/strict';
import { common, msp } from '@hyperledger/fabric-protos';
import { parsePolicyDsl, policyPrincipals, PolicyDslError } from './policy-dsl';

// The cases of Fabric's common/policydsl/policyparser_test.go, with the envelopes built the way
// those tests build them (policydsl_builder.go), compared as serialised bytes.

type Role = 'MEMBER' | 'ADMIN' | 'CLIENT' | 'PEER' | 'ORDERER';

function principal(mspId: string, role: Role = 'MEMBER'): msp.MSPPrincipal {
  const mspRole = new msp.MSPRole();
  mspRole.setMspIdentifier(mspId);
  mspRole.setRole(msp.MSPRole.MSPRoleType[role]);
  const result = new msp.MSPPrincipal();
  result.setPrincipalClassification(msp.MSPPrincipal.Classification.ROLE);
  result.setPrincipal(mspRole.serializeBinary());
  return result;
}

function signedBy(index: number): common.SignaturePolicy {
  const rule = new common.SignaturePolicy();
  rule.setSignedBy(index);
  return rule;
}

function nOutOf(n: number, rules: common.SignaturePolicy[]): common.SignaturePolicy {
  const gate = new common.SignaturePolicy.NOutOf();
  gate.setN(n);
  gate.setRulesList(rules);
  const rule = new common.SignaturePolicy();
  rule.setNOutOf(gate);
  return rule;
}

const and = (...rules: common.SignaturePolicy[]) => nOutOf(rules.length, rules);
const or = (...rules: common.SignaturePolicy[]) => nOutOf(1, rules);

function envelope(rule: common.SignaturePolicy, identities: msp.MSPPrincipal[]): common.SignaturePolicyEnvelope {
  const result = new common.SignaturePolicyEnvelope();
  result.setVersion(0);
  result.setRule(rule);
  result.setIdentitiesList(identities);
  return result;
}

function assertParsesTo(policy: string, expected: common.SignaturePolicyEnvelope): void {
  assert.deepEqual(Buffer.from(parsePolicyDsl(policy).serializeBinary()), Buffer.from(expected.serializeBinary()), policy);
}

test('OutOf(1, ...) and OutOf(2, ...) require that many of the listed principals (TestOutOf1, TestOutOf2)', () => {
  assertParsesTo("OutOf(1, 'A.member', 'B.member')", envelope(nOutOf(1, [signedBy(0), signedBy(1)]), [principal('A'), principal('B')]));
  assertParsesTo("OutOf(2, 'A.member', 'B.member')", envelope(nOutOf(2, [signedBy(0), signedBy(1)]), [principal('A'), principal('B')]));
});

test('AND and OR are OutOf(n) and OutOf(1) (TestAnd, TestOr)', () => {
  assertParsesTo("AND('A.member', 'B.member')", envelope(and(signedBy(0), signedBy(1)), [principal('A'), principal('B')]));
  assertParsesTo("OR('A.member', 'B.member')", envelope(or(signedBy(0), signedBy(1)), [principal('A'), principal('B')]));
});

test('client, peer, admin and orderer roles become NodeOU principals (TestAndClientPeerOrderer, TestNodeOUs)', () => {
  assertParsesTo("AND('A.client', 'B.peer')", envelope(and(signedBy(0), signedBy(1)), [principal('A', 'CLIENT'), principal('B', 'PEER')]));
  assertParsesTo(
    "OR('A.peer', 'B.admin', 'C.orderer', 'D.client')",
    envelope(nOutOf(1, [signedBy(0), signedBy(1), signedBy(2), signedBy(3)]), [principal('A', 'PEER'), principal('B', 'ADMIN'), principal('C', 'ORDERER'), principal('D', 'CLIENT')]),
  );
});

test('nested gates number their principals before the enclosing gate does (TestComplex1, TestComplex2)', () => {
  assertParsesTo(
    "OR('A.member', AND('B.member', 'C.member'))",
    envelope(or(signedBy(2), and(signedBy(0), signedBy(1))), [principal('B'), principal('C'), principal('A')]),
  );
  assertParsesTo(
    "OR(AND('A.member', 'B.member'), OR('C.admin', 'D.member'))",
    envelope(or(and(signedBy(0), signedBy(1)), or(signedBy(2), signedBy(3))), [principal('A'), principal('B'), principal('C', 'ADMIN'), principal('D')]),
  );
});

test('MSP ids may contain dots and dashes; the role is the last segment (TestMSPIDWIthSpecialChars)', () => {
  assertParsesTo(
    "OR('MSP.member', 'MSP.WITH.DOTS.member', 'MSP-WITH-DASHES.member')",
    envelope(nOutOf(1, [signedBy(0), signedBy(1), signedBy(2)]), [principal('MSP'), principal('MSP.WITH.DOTS'), principal('MSP-WITH-DASHES')]),
  );
});

test('an OutOf threshold may be a quoted number (TestOutOfNumIsString)', () => {
  assertParsesTo("OutOf('1', 'A.member', 'B.member')", envelope(nOutOf(1, [signedBy(0), signedBy(1)]), [principal('A'), principal('B')]));
});

test('thresholds from 0 to n + 1 are allowed, others rejected (TestSecondPassBoundaryCheck)', () => {
  const identities = [principal('A'), principal('B')];
  assertParsesTo("OutOf(0, 'A.member', 'B.member')", envelope(nOutOf(0, [signedBy(0), signedBy(1)]), identities));
  assertParsesTo("OutOf(3, 'A.member', 'B.member')", envelope(nOutOf(3, [signedBy(0), signedBy(1)]), identities));
  assert.throws(() => parsePolicyDsl("OutOf(-1, 'A.member', 'B.member')"), /invalid t-out-of-n predicate, t -1, n 2/);
  assert.throws(() => parsePolicyDsl("OutOf(4, 'A.member', 'B.member')"), /invalid t-out-of-n predicate, t 4, n 2/);
});

test('accepts what Fabric 3.1 accepts: its gate spellings, double quotes, a trailing comma, a fractional threshold', () => {
  const expected = parsePolicyDsl("AND('A.member', OR('B.peer', 'C.peer'))").serializeBinary();
  for (const policy of ['And("A.member", Or("B.peer", "C.peer"))', "AND ( 'A.member' , OR('B.peer', 'C.peer',) )"]) {
    assert.deepEqual(parsePolicyDsl(policy).serializeBinary(), expected, policy);
  }
  const outOfOne = parsePolicyDsl("OutOf(1, 'A.member')").serializeBinary();
  for (const policy of ["outof(1, 'A.member')", "OUTOF(1, 'A.member')", "OutOf(1.7, 'A.member')"]) {
    assert.deepEqual(parsePolicyDsl(policy).serializeBinary(), outOfOne, policy);
  }
});

test('rejects lower-case and/or, which Fabric 3\'s expression engine reads as operators', () => {
  assert.throws(() => parsePolicyDsl("and('A.member', 'B.member')"), /'and' at column 1 is an operator to Fabric 3, not a gate: write AND/);
  assert.throws(() => parsePolicyDsl("OR('A.member', or('B.member'))"), /'or' at column 16 is an operator/);
});

test('rejects the malformed policies Fabric rejects (TestBadStringsNoPanic, TestOutOfErrorCase, TestBadStringBefore...)', () => {
  const rejected: Array<[string, RegExp]> = [
    ["OR('A.member', Bmember)", /unknown name Bmember/],
    ["OR('A.member', 'Bmember')", /'Bmember' .* is not a principal/],
    [`OR('A.member', '\\'Bmember\\'')`, /'Bmember'' .* is not a principal/],
    ['', /empty/],
    ['OutOf(1)', /expected at least two arguments to NOutOf. Given 1/],
    ["OutOf(true, 'A.member')", /integer threshold/],
    ['OutOf(1, 2)', /found number 2/],
    ["OutOf(1, 'true')", /'true' .* is not a principal/],
    [`OutOf('\\'\\\\\\'A\\\\\\'\\'', 'B.member')`, /integer threshold/],
    [`OutOf(1, '\\'1\\'')`, /is not a principal/],
    ["''", /invalid policy string/],
    [`'\\'\\''`, /invalid policy string/],
    ['1', /invalid policy string '1'/],
    ["'1'", /invalid policy string ''1''/],
    ["OR('A.member'", /expected ',' or '\)'/],
    ["OR('A.member') AND('B.member')", /after the policy/],
    ["NOT('A.member')", /unknown name NOT/],
    ["OR('A.member)", /not closed/],
  ];
  for (const [policy, message] of rejected) {
    assert.throws(() => parsePolicyDsl(policy), (error: unknown) => {
      assert.ok(error instanceof PolicyDslError, `${policy}: ${String(error)}`);
      assert.match(error.message, message, policy);
      return true;
    });
  }
});

test('lists the principals a policy names, in envelope order', () => {
  assert.deepEqual(policyPrincipals(parsePolicyDsl("OR('A.member', AND('B.peer', 'C.admin'))")), [
    { mspId: 'B', role: 'peer' },
    { mspId: 'C', role: 'admin' },
    { mspId: 'A', role: 'member' },
  ]);
});
