import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accessDecision } from './access-decision';
import type { ShareTrailRecord, StoredAuthorization, StoredDataItem } from './trail-records';

const seal = { keyId: 'k'.repeat(64), digest: 'd'.repeat(64), signature: 'c2ln', department: 'MarketRegulationMSP', sealedAt: '2027-01-01T00:00:00.000000000Z' };
const item = (code: string, shareType: StoredDataItem['shareType']): StoredDataItem => ({ code, name: code, owner: 'MarketRegulationMSP', shareType, sensitivity: 2, registeredAt: seal.sealedAt, seal });
const person = { kind: 'person', subjectKey: 'a'.repeat(64) } as const;
const trail: ShareTrailRecord = {
  department: 'CreditOfficeMSP', officer: 'b'.repeat(64), subject: person, items: ['MR-ENT-BASIC'], purpose: 'credit-repair.review',
  authorizationId: 'f'.repeat(64), caseReference: 'case-1', resultDigest: '', requestedAt: '2027-06-01T00:00:00.000Z',
};
const consent: StoredAuthorization = {
  authorizationId: 'f'.repeat(64), kind: 'consent', subject: person, grantee: 'CreditOfficeMSP', items: ['MR-ENT-BASIC'], purpose: 'credit-repair.review',
  validFrom: '2027-01-01T00:00:00.000000000Z', validUntil: '2028-01-01T00:00:00.000000000Z', status: 'active', recordedBy: 'BigDataAdministrationMSP', recordedAt: seal.sealedAt, seal,
};
const at = '2027-06-01T00:00:00.000000000Z';
const conditional = [item('MR-ENT-BASIC', 'conditional')];

test('a live consent covering the department, the items, the purpose and the subject allows the access, naming each item\'s owner', () => {
  assert.deepEqual(accessDecision(trail, conditional, consent, at), { allowed: true, owners: { 'MR-ENT-BASIC': 'MarketRegulationMSP' } });
});

test('unconditional items need no authorization, conditional ones do, and an unshared item is never given', () => {
  const open = { ...trail, authorizationId: '' };
  assert.equal(accessDecision(open, [item('MR-ENT-BASIC', 'unconditional')], undefined, at).allowed, true);
  assert.deepEqual(accessDecision(open, conditional, undefined, at), { allowed: false, check: 'authorization_required', reason: 'MR-ENT-BASIC is shared only under an authorization (consent or legal basis); name one in authorizationId' });
  assert.deepEqual(accessDecision(trail, [item('MR-ENT-BASIC', 'not-shared')], consent, at), { allowed: false, check: 'item_not_shared', reason: 'MR-ENT-BASIC (MR-ENT-BASIC) is not shared by MarketRegulationMSP' });
});

test('each way an authorization can fail to cover the access is refused by its own check', () => {
  const cases: Array<[string, Partial<StoredAuthorization>, Partial<ShareTrailRecord>]> = [
    ['authorization_revoked', { status: 'revoked', revokedAt: '2027-05-01T00:00:00.000000000Z', revocationReason: 'withdrawn' }, {}],
    ['authorization_not_yet_valid', { validFrom: '2027-07-01T00:00:00.000000000Z' }, {}],
    ['authorization_expired', { validUntil: at }, {}],
    ['other_department', { grantee: 'PublicSecurityMSP' }, {}],
    ['item_out_of_scope', {}, { items: ['MR-ENT-BASIC', 'MR-ENT-PENALTY'] }],
    ['purpose_out_of_scope', { purpose: 'tax.audit' }, {}],
    ['subject_out_of_scope', { subject: { kind: 'person', subjectKey: 'c'.repeat(64) } }, {}],
  ];
  for (const [check, authorization, access] of cases) {
    const items = (access.items ?? trail.items).map((code) => item(code, 'conditional'));
    const decision = accessDecision({ ...trail, ...access }, items, { ...consent, ...authorization }, at);
    assert.deepEqual([decision.allowed, !decision.allowed && decision.check], [false, check]);
  }
});

test('a revocation takes effect from its time: an access before it is still covered', () => {
  const revoked = { ...consent, status: 'revoked', revokedAt: '2027-07-01T00:00:00.000000000Z', revocationReason: 'withdrawn' } as const;
  assert.equal(accessDecision(trail, conditional, revoked, at).allowed, true);
});

test('a named authorization that is not recorded is refused as unknown', () => {
  assert.deepEqual(accessDecision(trail, conditional, undefined, at), { allowed: false, check: 'unknown_authorization', reason: `${'f'.repeat(64)} is not a recorded authorization` });
});
