import './testing/quiet-chaincode-logs';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  canonicalJson,
  formatLicenseIdentifier,
  generateSm2KeyPair,
  licenseQrStatement,
  licenseSerial,
  sealKeyId,
  sm2Sign,
  sm3,
  verifyLicenseQrOffline,
  type LicensePage,
  type LicenseVerification,
  type Sm2KeyPair,
  type StoredAnnotatedCopy,
  type StoredLicense,
  type StoredLicenseType,
  type StoredLicenseUse,
} from '@citytrust/shared';
import type { Context } from 'fabric-contract-api';
import { LicenseContract } from './license-contract';
import { SealContract } from './seal-contract';
import { InMemoryLedger, MvccConflictError } from './testing/in-memory-ledger';
import { CREDIT_OFFICE_ADMIN_PEM, MARKET_REGULATION_ADMIN_PEM, MARKET_REGULATION_CLIENT_PEM } from './testing/test-department-certificates';

const licenses = new LicenseContract();
const MARKET = 'MarketRegulationMSP';
const CREDIT = 'CreditOfficeMSP';
const creators = {
  [MARKET]: { mspId: MARKET, certificatePem: MARKET_REGULATION_CLIENT_PEM },
  [CREDIT]: { mspId: CREDIT, certificatePem: CREDIT_OFFICE_ADMIN_PEM },
} as const;
type Department = keyof typeof creators;

const MARKET_USCC = '11320000MB12345675';
const BUSINESS_LICENSE = `${MARKET_USCC}001`;
const FOOD_PERMIT = `${MARKET_USCC}002`;
const ENTERPRISE = { kind: 'enterprise', uscc: '914403001922038216' } as const;
const PERSON = { kind: 'person', subjectKey: 'a'.repeat(64) } as const;
const DOCUMENT = sm3('营业执照 OFD').toString('hex');

/** 2027-01-01 (UTC) plus `days`, as a transaction timestamp. */
function day(days: number): { seconds: number; nanos: number } {
  return { seconds: Date.UTC(2027, 0, 1) / 1000 + days * 86_400, nanos: 0 };
}

/** A ledger where both departments have seal keys and Market Regulation defines two license types. */
class World {
  readonly ledger = new InMemoryLedger();
  readonly keys = new Map<Department, Sm2KeyPair>();
  /** The event the last submitted transaction set, as clients and the indexer receive it. */
  lastEvent: { name: string; payload: unknown } | undefined;
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
    await world.submit(MARKET, 0, (ctx, seal) => licenses.registerType(ctx, ...seal(businessLicenseType())));
    await world.submit(MARKET, 0, (ctx, seal) => licenses.registerType(ctx, ...seal({ ...businessLicenseType(), code: FOOD_PERMIT, name: '食品经营许可证', supervisors: [CREDIT], validity: { maxValidityDays: 1826 } })));
    return world;
  }

  seal(department: Department, record: object): string {
    const keys = this.keys.get(department)!;
    const digest = sm3(canonicalJson(record));
    return JSON.stringify({ keyId: sealKeyId(keys.publicKey), digest: digest.toString('hex'), signature: sm2Sign(keys.privateKey, digest).toString('base64') });
  }

  /** The record and its seal by `department`, as the two string arguments a sealed transaction takes. */
  sealer(department: Department) {
    return (record: object): [string, string] => [JSON.stringify(record), this.seal(department, record)];
  }

  async submit<T = string>(department: Department, when: number, invoke: (ctx: Context, seal: (record: object) => [string, string]) => Promise<string>): Promise<T> {
    const tx = this.transaction(department, when);
    const result = await invoke(tx.context(), this.sealer(department));
    this.ledger.commit(tx);
    this.lastEvent = tx.event ? { name: tx.event.name, payload: JSON.parse(tx.event.payload.toString('utf8')) } : undefined;
    return JSON.parse(result) as T;
  }

  transaction(department: Department, when: number) {
    this.txCount += 1;
    return this.ledger.newTransaction({ creator: creators[department], timestamp: day(when), txId: this.txCount.toString(16).padStart(64, '0') });
  }

  /** Issues a license as `department` for `record`, with both seals. */
  issue(department: Department, record: Record<string, unknown>, when = 1): Promise<StoredLicense> {
    return this.submit(department, when, (ctx, seal) => licenses.issue(ctx, ...seal(record), this.seal(department, licenseQrStatement(record.identifier as string, record.documentDigest as string))));
  }

  async query<T>(when: number, invoke: (ctx: Context) => Promise<string>): Promise<T> {
    return JSON.parse(await invoke(this.transaction(MARKET, when).context())) as T;
  }
}

function businessLicenseType() {
  return {
    code: BUSINESS_LICENSE,
    name: '营业执照',
    issuers: [{ department: MARKET, uscc: MARKET_USCC }],
    supervisors: [],
    validity: { maxValidityDays: null },
    metadataFields: [{ name: 'enterpriseName', label: '名称', required: true }, { name: 'businessScope', label: '经营范围', required: false }],
  };
}

function issueRecord(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const typeCode = (overrides.typeCode as string | undefined) ?? BUSINESS_LICENSE;
  const caseReference = (overrides.caseReference as string | undefined) ?? 'YWTB-2027-000001';
  return {
    identifier: formatLicenseIdentifier({ typeCode, issuerUscc: MARKET_USCC, serial: licenseSerial(typeCode, MARKET_USCC, caseReference), version: 1 }),
    typeCode,
    holder: ENTERPRISE,
    caseReference,
    validFrom: '2027-01-02',
    validUntil: null,
    metadata: { enterpriseName: '某某科技有限公司' },
    documentDigest: DOCUMENT,
    ...overrides,
  };
}

const foodPermit = (caseReference: string, validUntil = '2027-12-31') => issueRecord({ typeCode: FOOD_PERMIT, caseReference, validUntil });

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Error).message;
  }
  assert.fail('expected a refusal');
}

describe('license types', () => {
  test('the defining department registers a type once', async () => {
    const world = await World.create();
    const type = await world.query<StoredLicenseType>(1, (ctx) => licenses.getType(ctx, BUSINESS_LICENSE));
    assert.deepEqual([type.name, type.definedBy, type.issuers], ['营业执照', MARKET, [{ department: MARKET, uscc: MARKET_USCC }]]);
    assert.match(await refusal(world.submit(MARKET, 1, (ctx, seal) => licenses.registerType(ctx, ...seal(businessLicenseType())))), /^\[license:type_exists\]/);
  });

  test('a type code must be a USCC and three digits', async () => {
    const world = await World.create();
    assert.match(await refusal(world.submit(MARKET, 1, (ctx, seal) => licenses.registerType(ctx, ...seal({ ...businessLicenseType(), code: '11320000MB12345670001' })))), /type\.code must be the defining department's Unified Social Credit Code/);
  });
});

describe('issuing a license', () => {
  test('stores it valid, sealed twice by the issuer; its QR statement verifies offline with the issuer\'s key', async () => {
    const world = await World.create();
    const license = await world.issue(MARKET, issueRecord());
    assert.deepEqual([license.status, license.issuer.department, license.seal.department, license.qrSeal.department], ['valid', MARKET, MARKET, MARKET]);
    const keys = world.keys.get(MARKET)!;
    const qr = { kind: 'license' as const, identifier: license.identifier, documentDigest: license.documentDigest, keyId: license.qrSeal.keyId, signature: license.qrSeal.signature };
    assert.equal(verifyLicenseQrOffline(qr, [{ publicKey: keys.publicKey.toPem() }]).valid, true);
  });

  test('refuses an unknown type, a department the type does not allow, and a second license for the same case', async () => {
    const world = await World.create();
    assert.match(await refusal(world.issue(MARKET, issueRecord({ typeCode: `${MARKET_USCC}009` }))), /^\[license:unknown_type\]/);
    assert.match(await refusal(world.issue(CREDIT, issueRecord())), /^\[license:issuer_not_allowed\] CreditOfficeMSP may not issue/);
    const first = await world.issue(MARKET, issueRecord());
    const again = await refusal(world.issue(MARKET, issueRecord({ metadata: { enterpriseName: '另一家公司' } })));
    assert.match(again, /^\[license:duplicate_case\] case YWTB-2027-000001 already issued license /);
    assert.ok(again.includes(first.identifier));
  });

  test('refuses an identifier whose serial is not the case\'s, or whose check character is wrong', async () => {
    const world = await World.create();
    const made = issueRecord().identifier as string;
    assert.match(await refusal(world.issue(MARKET, issueRecord({ identifier: formatLicenseIdentifier({ typeCode: BUSINESS_LICENSE, issuerUscc: MARKET_USCC, serial: 'ABC', version: 1 }) }))), /^\[license:invalid_identifier\]/);
    const wrongCheck = `${made.slice(0, -1)}${made.endsWith('A') ? 'B' : 'A'}`;
    assert.match(await refusal(world.issue(MARKET, issueRecord({ identifier: wrongCheck }))), /^\[license:invalid_identifier\] .*check character/);
  });

  test('checks validity and metadata against the type', async () => {
    const world = await World.create();
    assert.match(await refusal(world.issue(MARKET, foodPermit('C-1', '2033-01-01'))), /^\[license:invalid_validity\] licenses of .* are valid for at most 1826 days/);
    assert.match(await refusal(world.issue(MARKET, issueRecord({ typeCode: FOOD_PERMIT, caseReference: 'C-2' }))), /^\[license:invalid_validity\] .* give validUntil/);
    assert.match(await refusal(world.issue(MARKET, issueRecord({ metadata: {} }))), /^\[license:invalid_metadata\] .* requires enterpriseName \(名称\)/);
    assert.match(await refusal(world.issue(MARKET, issueRecord({ metadata: { enterpriseName: 'x', colour: 'red' } }))), /^\[license:invalid_metadata\] .* defines no field colour/);
  });

  test('refuses a QR seal that does not verify, with the seal check', async () => {
    const world = await World.create();
    const record = issueRecord();
    const forged = world.seal(CREDIT, licenseQrStatement(record.identifier as string, DOCUMENT));
    assert.match(await refusal(world.submit(MARKET, 1, (ctx, seal) => licenses.issue(ctx, ...seal(record), forged))), /^\[seal:other_department\]/);
    const otherDocument = world.seal(MARKET, licenseQrStatement(record.identifier as string, sm3('another').toString('hex')));
    assert.match(await refusal(world.submit(MARKET, 1, (ctx, seal) => licenses.issue(ctx, ...seal(record), otherDocument))), /^\[seal:digest_mismatch\]/);
  });

  test('issuances of one type by one department commit side by side: no key is shared between them', async () => {
    const world = await World.create();
    const transactions = [0, 1, 2].map(() => world.transaction(MARKET, 1));
    await Promise.all(transactions.map((tx, i) => {
      const record = issueRecord({ caseReference: `PAR-${i}` });
      return licenses.issue(tx.context(), JSON.stringify(record), world.seal(MARKET, record), world.seal(MARKET, licenseQrStatement(record.identifier as string, DOCUMENT)));
    }));
    for (const tx of transactions) assert.doesNotThrow(() => world.ledger.commit(tx), MvccConflictError);
    const page = await world.query<LicensePage>(2, (ctx) => licenses.listByType(ctx, BUSINESS_LICENSE, '10', ''));
    assert.equal(page.licenses.length, 3);
  });
});

describe('the lifecycle', () => {
  test('suspend, reinstate, revoke: each move with its reason, each state in the key\'s history', async () => {
    const world = await World.create();
    const { identifier } = await world.issue(MARKET, issueRecord());
    const move = (when: number, action: string, reason: string, by: Department = MARKET) => world.submit<StoredLicense>(by, when, (ctx, seal) => licenses.changeStatus(ctx, ...seal({ identifier, action, reason })));
    const suspended = await move(2, 'suspend', '涉嫌虚假登记，立案调查');
    assert.deepEqual([suspended.status, suspended.lastChange?.from, suspended.lastChange?.reason], ['suspended', 'valid', '涉嫌虚假登记，立案调查']);
    const seen = await world.query<LicenseVerification>(3, (ctx) => licenses.verify(ctx, identifier));
    assert.deepEqual([seen.status, seen.sealValid], ['suspended', true]);
    assert.match(await refusal(move(3, 'suspend', 'again')), /^\[license:illegal_transition\] license .* is suspended: it cannot suspend \(from suspended it can reinstate, revoke, cancel\)/);
    await move(4, 'reinstate', '调查结束，未发现问题');
    const revoked = await move(5, 'revoke', '吊销: 行政处罚决定书 2027-001');
    assert.equal(revoked.status, 'revoked');
    assert.match(await refusal(move(6, 'reinstate', 'undo')), /revoked is final/);
    const history = await world.query<Array<{ license: StoredLicense }>>(7, (ctx) => licenses.licenseHistory(ctx, identifier));
    assert.deepEqual(history.map((h) => h.license.status), ['valid', 'suspended', 'valid', 'revoked']);
  });

  test('each move keeps its mover\'s seal over the move in the key\'s history and its event; the issuance seal stays the license\'s', async () => {
    const world = await World.create();
    const license = await world.issue(MARKET, foodPermit('S-1'));
    const suspension = { identifier: license.identifier, action: 'suspend', reason: '涉嫌虚假登记' };
    const suspended = await world.submit<StoredLicense>(MARKET, 2, (ctx, seal) => licenses.changeStatus(ctx, ...seal(suspension)));
    assert.deepEqual(world.lastEvent, { name: 'license.status', payload: suspended });
    const cancelled = await world.submit<StoredLicense>(CREDIT, 3, (ctx, seal) => licenses.changeStatus(ctx, ...seal({ identifier: license.identifier, action: 'cancel', reason: '企业申请注销' })));
    const history = await world.query<Array<{ transactionId: string; license: StoredLicense }>>(4, (ctx) => licenses.licenseHistory(ctx, license.identifier));
    const moves = history.slice(1).map((h) => h.license.lastChange!);
    assert.deepEqual(moves.map((m) => [m.seal?.department, m.seal?.sealedAt, m.seal?.keyId]), [
      [MARKET, suspended.lastChange!.at, sealKeyId(world.keys.get(MARKET)!.publicKey)],
      [CREDIT, cancelled.lastChange!.at, sealKeyId(world.keys.get(CREDIT)!.publicKey)],
    ]);
    assert.equal(moves[0]!.seal!.digest, sm3(canonicalJson(suspension)).toString('hex'));
    assert.deepEqual(history.map((h) => h.license.seal), [license.seal, license.seal, license.seal]);
  });

  test('only the issuer, or a department the type names, moves a license', async () => {
    const world = await World.create();
    const license = await world.issue(MARKET, issueRecord());
    assert.match(await refusal(world.submit(CREDIT, 2, (ctx, seal) => licenses.changeStatus(ctx, ...seal({ identifier: license.identifier, action: 'suspend', reason: 'x' })))), /^\[license:not_issuer\] CreditOfficeMSP may not suspend/);
    const permit = await world.issue(MARKET, foodPermit('C-9'));
    const bySupervisor = await world.submit<StoredLicense>(CREDIT, 2, (ctx, seal) => licenses.changeStatus(ctx, ...seal({ identifier: permit.identifier, action: 'cancel', reason: '企业申请注销' })));
    assert.deepEqual([bySupervisor.status, bySupervisor.lastChange?.by], ['cancelled', CREDIT]);
  });

  test('a change issues the next version, and the two link to each other', async () => {
    const world = await World.create();
    const first = await world.issue(MARKET, issueRecord());
    const next = formatLicenseIdentifier({ typeCode: BUSINESS_LICENSE, issuerUscc: MARKET_USCC, serial: first.identifier.split('.')[7]!, version: 2 });
    const newDocument = sm3('营业执照 v2').toString('hex');
    const change = { previous: first.identifier, reason: '变更经营范围', license: issueRecord({ identifier: next, caseReference: 'YWTB-2027-000777', metadata: { enterpriseName: '某某科技有限公司', businessScope: '软件开发' }, documentDigest: newDocument }) };
    const { previous, current } = await world.submit<{ previous: StoredLicense; current: StoredLicense }>(MARKET, 3, (ctx, seal) => licenses.change(ctx, ...seal(change), world.seal(MARKET, licenseQrStatement(next, newDocument))));
    assert.deepEqual([previous.status, previous.supersededBy, current.status, current.supersedes, current.identifier.split('.').at(-2)], ['changed', next, 'valid', first.identifier, '002']);
    // The change's one seal (over the change record) is the new version's and the old one's last move's.
    assert.deepEqual([previous.lastChange?.seal, previous.lastChange?.seal?.digest], [current.seal, sm3(canonicalJson(change)).toString('hex')]);
    assert.match(await refusal(world.submit(MARKET, 4, (ctx, seal) => licenses.changeStatus(ctx, ...seal({ identifier: first.identifier, action: 'suspend', reason: 'x' })))), /is changed: it cannot suspend \(changed is final\)/);
  });

  test('a license expires at the end of its last day without a transaction, and then nothing moves it', async () => {
    const world = await World.create();
    const permit = await world.issue(MARKET, foodPermit('C-3', '2027-01-10'));
    // 2027-01-10 ends at 16:00 UTC (midnight in China Standard Time).
    assert.equal((await world.query<LicenseVerification>(9, (ctx) => licenses.verify(ctx, permit.identifier))).status, 'valid');
    assert.equal((await world.query<LicenseVerification>(10, (ctx) => licenses.verify(ctx, permit.identifier))).status, 'expired');
    assert.match(await refusal(world.submit(MARKET, 10, (ctx, seal) => licenses.changeStatus(ctx, ...seal({ identifier: permit.identifier, action: 'suspend', reason: 'x' })))), /is expired: it cannot suspend \(expired is final\)/);
  });
});

describe('finding, using and copying licenses', () => {
  test('lists a holder\'s, an issuer\'s and a type\'s licenses a page at a time', async () => {
    const world = await World.create();
    await world.issue(MARKET, issueRecord({ caseReference: 'H-1' }));
    await world.issue(MARKET, issueRecord({ caseReference: 'H-2', holder: PERSON }));
    await world.issue(MARKET, foodPermit('H-3'));
    const byHolder = await world.query<LicensePage>(2, (ctx) => licenses.listByHolder(ctx, JSON.stringify(ENTERPRISE), '1', ''));
    assert.equal(byHolder.licenses.length, 1);
    const rest = await world.query<LicensePage>(2, (ctx) => licenses.listByHolder(ctx, JSON.stringify(ENTERPRISE), '10', byHolder.bookmark));
    assert.equal(rest.licenses.length, 1);
    assert.deepEqual((await world.query<LicensePage>(2, (ctx) => licenses.listByHolder(ctx, JSON.stringify(PERSON), '10', ''))).licenses.map((l) => l.caseReference), ['H-2']);
    assert.equal((await world.query<LicensePage>(2, (ctx) => licenses.listByIssuer(ctx, MARKET, '10', ''))).licenses.length, 3);
    assert.deepEqual((await world.query<LicensePage>(2, (ctx) => licenses.listByType(ctx, FOOD_PERMIT, '10', ''))).licenses.map((l) => l.caseReference), ['H-3']);
  });

  test('records a use (用证) by a department with the status it found', async () => {
    const world = await World.create();
    const license = await world.issue(MARKET, issueRecord());
    const use = await world.submit<StoredLicenseUse>(CREDIT, 2, (ctx, seal) => licenses.recordUse(ctx, ...seal({ identifier: license.identifier, department: CREDIT, officer: 'c'.repeat(64), caseReference: 'XY-1', purpose: 'credit-repair.review' })));
    assert.deepEqual([use.statusAtUse, use.department], ['valid', CREDIT]);
    assert.match(await refusal(world.submit(CREDIT, 2, (ctx, seal) => licenses.recordUse(ctx, ...seal({ identifier: license.identifier, department: MARKET, officer: 'c'.repeat(64), caseReference: 'XY-1', purpose: 'x.y' })))), /^\[license:other_department\]/);
    assert.deepEqual((await world.query<StoredLicenseUse[]>(3, (ctx) => licenses.listUses(ctx, license.identifier))).map((u) => u.caseReference), ['XY-1']);
  });

  test('records an annotated copy of a valid license only, for its current document, within the license\'s life', async () => {
    const world = await World.create();
    const permit = await world.issue(MARKET, foodPermit('C-5'));
    const copy = { type: 'citytrust.e-license.annotated-copy', identifier: permit.identifier, documentDigest: DOCUMENT, purpose: '办理贷款', recipient: '某银行', validUntil: '2027-02-01T00:00:00Z' };
    const stored = await world.submit<StoredAnnotatedCopy>(CREDIT, 2, (ctx, seal) => licenses.annotateCopy(ctx, ...seal(copy)));
    assert.equal(stored.seal.digest, sm3(canonicalJson(copy)).toString('hex'));
    assert.deepEqual(await world.query<StoredAnnotatedCopy>(3, (ctx) => licenses.getCopy(ctx, stored.seal.digest)), stored);
    assert.match(await refusal(world.submit(CREDIT, 2, (ctx, seal) => licenses.annotateCopy(ctx, ...seal({ ...copy, validUntil: '2028-06-01T00:00:00Z' })))), /copy\.validUntil must not be after the license's own end/);
    assert.match(await refusal(world.submit(CREDIT, 2, (ctx, seal) => licenses.annotateCopy(ctx, ...seal({ ...copy, documentDigest: sm3('x').toString('hex') })))), /^\[license:document_mismatch\]/);
    await world.submit(MARKET, 3, (ctx, seal) => licenses.changeStatus(ctx, ...seal({ identifier: permit.identifier, action: 'suspend', reason: '停业整顿' })));
    assert.match(await refusal(world.submit(CREDIT, 4, (ctx, seal) => licenses.annotateCopy(ctx, ...seal(copy)))), /^\[license:license_not_valid\] license .* is suspended \(MarketRegulationMSP, .*: 停业整顿\)/);
  });
});
