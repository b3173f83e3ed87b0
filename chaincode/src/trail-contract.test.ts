import './testing/quiet-chaincode-logs';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson, generateSm2KeyPair, sealKeyId, sm2Sign, sm3, type DataSubject, type ShareTrailPage, type StoredAuthorization, type StoredObjection, type StoredShareTrail, type Sm2KeyPair } from '@citytrust/shared';
import type { Context } from 'fabric-contract-api';
import { SealContract } from './seal-contract';
import { TrailContract } from './trail-contract';
import { InMemoryLedger } from './testing/in-memory-ledger';
import { CREDIT_OFFICE_ADMIN_PEM, MARKET_REGULATION_ADMIN_PEM, MARKET_REGULATION_CLIENT_PEM } from './testing/test-department-certificates';

const trails = new TrailContract();
const MARKET = 'MarketRegulationMSP';
const CREDIT = 'CreditOfficeMSP';
const creators = {
  [MARKET]: { mspId: MARKET, certificatePem: MARKET_REGULATION_CLIENT_PEM },
  [CREDIT]: { mspId: CREDIT, certificatePem: CREDIT_OFFICE_ADMIN_PEM },
} as const;
type Department = keyof typeof creators;

const ENTERPRISE: DataSubject = { kind: 'enterprise', uscc: '914403001922038216' };
const PERSON: DataSubject = { kind: 'person', subjectKey: 'a'.repeat(64) };
const OTHER_PERSON: DataSubject = { kind: 'person', subjectKey: 'b'.repeat(64) };
const OFFICER = 'c'.repeat(64);
const PURPOSE = 'business-licence.review';

/** 2027-01-01 plus `days`, as a transaction timestamp. */
function day(days: number): { seconds: number; nanos: number } {
  return { seconds: Date.UTC(2027, 0, 1) / 1000 + days * 86_400, nanos: 0 };
}
const iso = (days: number) => new Date(Date.UTC(2027, 0, 1) + days * 86_400_000).toISOString();

/** A ledger where both departments have seal keys, and Market Regulation's catalog holds three items. */
class World {
  readonly ledger = new InMemoryLedger();
  readonly keys = new Map<Department, Sm2KeyPair>();
  private txCount = 0;

  static async create(): Promise<World> {
    const world = new World();
    for (const [department, admin] of [[MARKET, MARKET_REGULATION_ADMIN_PEM], [CREDIT, CREDIT_OFFICE_ADMIN_PEM]] as const) {
      const keys = generateSm2KeyPair();
      world.keys.set(department, keys);
      const tx = world.ledger.newTransaction({ creator: { mspId: department, certificatePem: admin }, timestamp: day(0) });
      await new SealContract().registerKey(tx.context(), keys.publicKey.toPem(), '2030-01-01T00:00:00Z', '');
      world.ledger.commit(tx);
    }
    await world.submit(MARKET, 0, (ctx, seal) => trails.registerDataItem(ctx, ...seal({ code: 'MR-ENT-BASIC', name: '企业基本信息', owner: MARKET, shareType: 'conditional', sensitivity: 2 })));
    await world.submit(MARKET, 0, (ctx, seal) => trails.registerDataItem(ctx, ...seal({ code: 'MR-ENT-PUBLIC', name: '企业公示信息', owner: MARKET, shareType: 'unconditional', sensitivity: 1 })));
    await world.submit(MARKET, 0, (ctx, seal) => trails.registerDataItem(ctx, ...seal({ code: 'MR-ENT-INSPECTION', name: '检查记录', owner: MARKET, shareType: 'not-shared', sensitivity: 3 })));
    return world;
  }

  /** The record and its seal by `department`, as the two string arguments a sealed transaction takes. */
  sealer(department: Department) {
    return (record: object): [string, string] => {
      const keys = this.keys.get(department)!;
      const digest = sm3(canonicalJson(record));
      return [JSON.stringify(record), JSON.stringify({ keyId: sealKeyId(keys.publicKey), digest: digest.toString('hex'), signature: sm2Sign(keys.privateKey, digest).toString('base64') })];
    };
  }

  async submit<T = string>(department: Department, when: number, invoke: (ctx: Context, seal: (record: object) => [string, string]) => Promise<string>): Promise<T> {
    this.txCount += 1;
    const tx = this.ledger.newTransaction({ creator: creators[department], timestamp: day(when), txId: this.txCount.toString(16).padStart(64, '0') });
    const result = await invoke(tx.context(), this.sealer(department));
    this.ledger.commit(tx);
    return JSON.parse(result) as T;
  }

  /** A legal basis from Market Regulation for the credit office over MR-ENT-BASIC, days 0 to 30. */
  legalBasis(): Promise<StoredAuthorization> {
    return this.submit(MARKET, 1, (ctx, seal) => trails.registerLegalBasis(ctx, ...seal({
      kind: 'legal-basis', grantee: CREDIT, items: ['MR-ENT-BASIC'], purpose: PURPOSE, validFrom: iso(1), validUntil: iso(30), scenario: '一网通办: 企业信用修复',
    })));
  }
}

function access(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { department: CREDIT, officer: OFFICER, subject: ENTERPRISE, items: ['MR-ENT-BASIC'], purpose: PURPOSE, authorizationId: '', caseReference: 'YWTB-2027-000123', resultDigest: sm3('the data').toString('hex'), requestedAt: iso(2), ...overrides };
}

describe('the data catalog', () => {
  test('only the owning department registers an item, once', async () => {
    const world = await World.create();
    await assert.rejects(world.submit(CREDIT, 1, (ctx, seal) => trails.registerDataItem(ctx, ...seal({ code: 'MR-X', name: 'x', owner: MARKET, shareType: 'conditional', sensitivity: 2 }))),
      { message: /^\[trail:not_owner\] CreditOfficeMSP may register only its own data items; MR-X names MarketRegulationMSP/ });
    await assert.rejects(world.submit(MARKET, 1, (ctx, seal) => trails.registerDataItem(ctx, ...seal({ code: 'MR-ENT-BASIC', name: 'again', owner: MARKET, shareType: 'conditional', sensitivity: 2 }))),
      { message: /^item\.code MR-ENT-BASIC is already in the catalog/ });
    await assert.rejects(world.submit(MARKET, 1, (ctx, seal) => trails.registerDataItem(ctx, ...seal({ code: 'MR-Y', name: 'y', owner: MARKET, shareType: 'sometimes', sensitivity: 2 }))),
      { message: /^item\.shareType must be one of unconditional, conditional, not-shared, got "sometimes"/ });
  });
});

describe('accesses under a legal basis', () => {
  test('an access in scope is recorded under the subject, in time order, with its seal and one event', async () => {
    const world = await World.create();
    const basis = await world.legalBasis();
    assert.deepEqual(JSON.parse(await trails.checkAccess(world.ledger.newTransaction({ creator: creators[CREDIT], timestamp: day(2) }).context(), JSON.stringify(access({ authorizationId: basis.authorizationId })))), { allowed: true, owners: { 'MR-ENT-BASIC': MARKET } });
    const tx = world.ledger.newTransaction({ creator: creators[CREDIT], timestamp: day(2), txId: 'f'.repeat(64) });
    const trail = JSON.parse(await trails.recordAccess(tx.context(), ...world.sealer(CREDIT)(access({ authorizationId: basis.authorizationId })))) as StoredShareTrail;
    world.ledger.commit(tx);
    assert.deepEqual([trail.trailId, trail.outcome, trail.recordedAt, trail.seal.department], ['f'.repeat(64), 'granted', '2027-01-03T00:00:00.000000000Z', CREDIT]);
    assert.equal(tx.event?.name, 'trail.access');
    assert.deepEqual(JSON.parse(tx.event!.payload.toString()), trail);
    const page = JSON.parse(await trails.listSubjectTrails(world.ledger.newTransaction().context(), JSON.stringify(ENTERPRISE), '10', '')) as ShareTrailPage;
    assert.deepEqual(page.trails, [trail]);
    assert.deepEqual(JSON.parse(await trails.getTrail(world.ledger.newTransaction().context(), trail.trailId)), trail);
  });

  test('each way out of scope is refused with its check, and nothing is written', async () => {
    const world = await World.create();
    const basis = await world.legalBasis();
    const cases: Array<[string, Department, number, Record<string, unknown>, RegExp]> = [
      ['unknown item', CREDIT, 2, { items: ['MR-NOPE'] }, /^\[trail:unknown_item\] MR-NOPE is not in the data catalog/],
      ['item not shared', CREDIT, 2, { items: ['MR-ENT-INSPECTION'] }, /^\[trail:item_not_shared\] MR-ENT-INSPECTION \(检查记录\) is not shared by MarketRegulationMSP/],
      ['no authorization', CREDIT, 2, { authorizationId: '' }, /^\[trail:authorization_required\] MR-ENT-BASIC is shared only under an authorization/],
      ['unknown authorization', CREDIT, 2, { authorizationId: 'e'.repeat(64) }, /^\[trail:unknown_authorization\]/],
      ['before the window', CREDIT, 0, {}, /^\[trail:authorization_not_yet_valid\] authorization [0-9a-f]{64} is valid from 2027-01-02T00:00:00\.000000000Z/],
      ['after the window', CREDIT, 31, {}, /^\[trail:authorization_expired\] authorization [0-9a-f]{64} expired at 2027-01-31T00:00:00\.000000000Z/],
      ['another department', MARKET, 2, { department: MARKET }, /^\[trail:other_department\] authorization [0-9a-f]{64} was granted to CreditOfficeMSP, not MarketRegulationMSP/],
      ['another purpose', CREDIT, 2, { purpose: 'marketing' }, /^\[trail:purpose_out_of_scope\] authorization [0-9a-f]{64} is for the purpose business-licence\.review, not marketing/],
      ['an item outside it', CREDIT, 2, { items: ['MR-ENT-BASIC', 'MR-ENT-PUBLIC'] }, /^\[trail:item_out_of_scope\] authorization [0-9a-f]{64} does not cover MR-ENT-PUBLIC/],
      ['acting for another department', MARKET, 2, {}, /^\[trail:other_department\] the trail names CreditOfficeMSP but MarketRegulationMSP submits it/],
    ];
    for (const [name, department, when, overrides, message] of cases) {
      const check = JSON.parse(await trails.checkAccess(world.ledger.newTransaction({ creator: creators[department], timestamp: day(when) }).context(), JSON.stringify(access({ authorizationId: basis.authorizationId, ...overrides }))));
      assert.deepEqual([check.allowed, `[trail:${check.check}] ${check.reason}`.match(message) !== null], [false, true], name);
      const tx = world.ledger.newTransaction({ creator: creators[department], timestamp: day(when) });
      await assert.rejects(trails.recordAccess(tx.context(), ...world.sealer(department)(access({ authorizationId: basis.authorizationId, ...overrides }))), { message }, name);
      assert.equal(tx.writes.size, 0, name);
    }
  });

  test('unconditionally shared items need no authorization', async () => {
    const world = await World.create();
    const trail = await world.submit<StoredShareTrail>(CREDIT, 2, (ctx, seal) => trails.recordAccess(ctx, ...seal(access({ items: ['MR-ENT-PUBLIC'] }))));
    assert.equal(trail.outcome, 'granted');
  });

  test('after revocation by the owner, the same access is refused with the reason', async () => {
    const world = await World.create();
    const basis = await world.legalBasis();
    await world.submit(CREDIT, 2, (ctx, seal) => trails.recordAccess(ctx, ...seal(access({ authorizationId: basis.authorizationId }))));
    await assert.rejects(world.submit(CREDIT, 3, (ctx, seal) => trails.revokeAuthorization(ctx, ...seal({ authorizationId: basis.authorizationId, reason: 'not ours' }))),
      { message: /^\[trail:not_owner\] authorization [0-9a-f]{64} was recorded by MarketRegulationMSP; only it may revoke it/ });
    await world.submit(MARKET, 3, (ctx, seal) => trails.revokeAuthorization(ctx, ...seal({ authorizationId: basis.authorizationId, reason: 'scenario closed' })));
    await assert.rejects(world.submit(CREDIT, 4, (ctx, seal) => trails.recordAccess(ctx, ...seal(access({ authorizationId: basis.authorizationId })))),
      { message: /^\[trail:authorization_revoked\] authorization [0-9a-f]{64} was revoked at 2027-01-04T00:00:00\.000000000Z \(scenario closed\)/ });
  });

  test('concurrent accesses to one subject write different keys, so none conflicts with another', async () => {
    const world = await World.create();
    const basis = await world.legalBasis();
    const concurrent = await Promise.all([1, 2, 3].map(async (n) => {
      const tx = world.ledger.newTransaction({ creator: creators[CREDIT], timestamp: day(2), txId: String(n).repeat(64) });
      await trails.recordAccess(tx.context(), ...world.sealer(CREDIT)(access({ authorizationId: basis.authorizationId, caseReference: `case-${n}` })));
      return tx;
    }));
    for (const tx of concurrent) world.ledger.commit(tx); // would throw MvccConflictError on a shared key
    const page = JSON.parse(await trails.listSubjectTrails(world.ledger.newTransaction().context(), JSON.stringify(ENTERPRISE), '2', '')) as ShareTrailPage;
    assert.equal(page.trails.length, 2);
    assert.notEqual(page.bookmark, '');
  });
});

describe('a person\'s consent, refusals and objections', () => {
  test('a consent covers only its subject; a refused attempt is recorded; the subject objects and the department answers', async () => {
    const world = await World.create();
    const consent = await world.submit<StoredAuthorization>(MARKET, 1, (ctx, seal) => trails.grantConsent(ctx, ...seal({
      kind: 'consent', grantee: CREDIT, items: ['MR-ENT-BASIC'], purpose: PURPOSE, validFrom: iso(1), validUntil: iso(30), subject: PERSON,
    })));
    assert.deepEqual([consent.kind, consent.recordedBy, consent.subject], ['consent', MARKET, PERSON]);
    const granted = await world.submit<StoredShareTrail>(CREDIT, 2, (ctx, seal) => trails.recordAccess(ctx, ...seal(access({ subject: PERSON, authorizationId: consent.authorizationId }))));
    await assert.rejects(world.submit(CREDIT, 2, (ctx, seal) => trails.recordAccess(ctx, ...seal(access({ subject: OTHER_PERSON, authorizationId: consent.authorizationId })))),
      { message: /^\[trail:subject_out_of_scope\] authorization [0-9a-f]{64} is another subject's consent/ });
    const refused = await world.submit<StoredShareTrail>(CREDIT, 2, (ctx) => {
      const [trail, seal] = world.sealer(CREDIT)(access({ subject: OTHER_PERSON, authorizationId: consent.authorizationId, resultDigest: '' }));
      return trails.recordRefusal(ctx, trail, 'subject_out_of_scope', 'another subject\'s consent', seal);
    });
    assert.deepEqual([refused.outcome, refused.refusal], ['refused', { check: 'subject_out_of_scope', reason: 'another subject\'s consent' }]);

    await assert.rejects(world.submit(MARKET, 3, (ctx, seal) => trails.objectToAccess(ctx, ...seal({ trailId: granted.trailId, subject: OTHER_PERSON, reason: 'not me' }))),
      { message: /^\[trail:subject_out_of_scope\]/ });
    const objection = await world.submit<StoredObjection>(MARKET, 3, (ctx, seal) => trails.objectToAccess(ctx, ...seal({ trailId: granted.trailId, subject: PERSON, reason: '我没有办理该业务' })));
    assert.deepEqual([objection.status, objection.department], ['open', CREDIT]);
    await assert.rejects(world.submit(MARKET, 4, (ctx, seal) => trails.answerObjection(ctx, ...seal({ trailId: granted.trailId, outcome: 'justified', text: 'x' }))),
      { message: /^\[trail:other_department\] the objection concerns an access by CreditOfficeMSP; only it answers/ });
    const answered = await world.submit<StoredObjection>(CREDIT, 4, (ctx, seal) => trails.answerObjection(ctx, ...seal({ trailId: granted.trailId, outcome: 'justified', text: '依据信用修复申请 YWTB-2027-000123' })));
    assert.deepEqual([answered.status, answered.answer?.outcome, answered.answer?.answeredAt], ['answered', 'justified', '2027-01-05T00:00:00.000000000Z']);
  });

  test('a person is known to the ledger only by a subject key: an identity number in its place is refused', async () => {
    const world = await World.create();
    await assert.rejects(world.submit(CREDIT, 2, (ctx, seal) => trails.recordAccess(ctx, ...seal(access({ subject: { kind: 'person', subjectKey: '110101199003074258' }, items: ['MR-ENT-PUBLIC'] })))),
      { message: /^trail\.subject\.subjectKey must be a pseudonymous subject key \(64 lower-case hex characters; never an identity number\)/ });
    await assert.rejects(world.submit(CREDIT, 2, (ctx, seal) => trails.recordAccess(ctx, ...seal(access({ subject: { kind: 'person', subjectKey: 'a'.repeat(64), name: '王小明' }, items: ['MR-ENT-PUBLIC'] })))),
      { message: /^trail\.subject has fields it does not define: name/ });
  });
});

test('lengths are counted in characters, as the gateway\'s API counts them: 200 four-byte characters make a 200-character name', async () => {
  const world = await World.create();
  const name = '𩲸'.repeat(200);
  const item = await world.submit<{ name: string }>(MARKET, 1, (ctx, seal) => trails.registerDataItem(ctx, ...seal({ code: 'MR-ASTRAL', name, owner: MARKET, shareType: 'conditional', sensitivity: 2 })));
  assert.equal(item.name, name);
  await assert.rejects(world.submit(MARKET, 1, (ctx, seal) => trails.registerDataItem(ctx, ...seal({ code: 'MR-ASTRAL-2', name: `${name}x`, owner: MARKET, shareType: 'conditional', sensitivity: 2 }))),
    { message: /^item\.name must be text of 1 to 200 characters/ });
});
