import './testing/quiet-chaincode-logs';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson, generateSm2KeyPair, sealKeyId, sm2Sign, sm3, type CreditEvaluation, type CreditEventPayload, type CreditRecordPage, type CreditSubject, type Sm2KeyPair, type StoredCreditObjection, type StoredCreditRecord, type StoredCreditRepair } from '@citytrust/shared';
import { exampleCreditModel } from '@citytrust/shared/dist/credit/testing/example-model';
import type { Context } from 'fabric-contract-api';
import { CreditContract } from './credit-contract';
import { SealContract } from './seal-contract';
import { InMemoryLedger, type SimulatedTransaction } from './testing/in-memory-ledger';
import { CREDIT_OFFICE_ADMIN_PEM, MARKET_REGULATION_ADMIN_PEM, MARKET_REGULATION_CLIENT_PEM } from './testing/test-department-certificates';

const credit = new CreditContract();
const MARKET = 'MarketRegulationMSP';
const CREDIT = 'CreditOfficeMSP';
const PLATFORM = 'BigDataAdministrationMSP';
type Department = typeof MARKET | typeof CREDIT | typeof PLATFORM;
const creators: Record<Department, { mspId: string; certificatePem: string }> = {
  [MARKET]: { mspId: MARKET, certificatePem: MARKET_REGULATION_CLIENT_PEM },
  [CREDIT]: { mspId: CREDIT, certificatePem: CREDIT_OFFICE_ADMIN_PEM },
  // The certificate only says OU=admin, which registering a seal key needs; the MSP id is the department.
  [PLATFORM]: { mspId: PLATFORM, certificatePem: MARKET_REGULATION_ADMIN_PEM },
};

const ENTERPRISE: CreditSubject = { kind: 'enterprise', uscc: '914403001922038216' };
const PERSON: CreditSubject = { kind: 'person', subjectKey: 'a'.repeat(64) };
const OTHER_PERSON: CreditSubject = { kind: 'person', subjectKey: 'b'.repeat(64) };

/** 2027-01-01 plus `days`, as a transaction timestamp, and as RFC 3339. */
const day = (days: number) => ({ seconds: Date.UTC(2027, 0, 1) / 1000 + days * 86_400, nanos: 0 });
const iso = (days: number) => new Date(Date.UTC(2027, 0, 1) + days * 86_400_000).toISOString();

/** A ledger with seal keys for three departments, Market Regulation allowed penalties and licences, the credit office red lists, and the example model. */
class World {
  readonly ledger = new InMemoryLedger();
  readonly keys = new Map<Department, Sm2KeyPair>();
  lastTransaction: SimulatedTransaction | undefined;
  private txCount = 0;

  static async create(options: { model?: boolean } = {}): Promise<World> {
    const world = new World();
    for (const department of [MARKET, CREDIT, PLATFORM] as const) {
      const keys = generateSm2KeyPair();
      world.keys.set(department, keys);
      const admin = department === CREDIT ? CREDIT_OFFICE_ADMIN_PEM : MARKET_REGULATION_ADMIN_PEM;
      const tx = world.ledger.newTransaction({ creator: { mspId: department, certificatePem: admin }, timestamp: day(-1) });
      await new SealContract().registerKey(tx.context(), keys.publicKey.toPem(), '2032-01-01T00:00:00Z', '');
      world.ledger.commit(tx);
    }
    await world.submit(CREDIT, 0, (ctx, seal) => credit.setCategoryPermission(ctx, ...seal({ department: MARKET, categories: ['administrative-penalty', 'administrative-licence'] })));
    await world.submit(CREDIT, 0, (ctx, seal) => credit.setCategoryPermission(ctx, ...seal({ department: CREDIT, categories: ['red-list', 'seriously-dishonest-list'] })));
    if (options.model ?? true) await world.submit(CREDIT, 0, (ctx, seal) => credit.registerModel(ctx, ...seal(exampleCreditModel())));
    return world;
  }

  sealer(department: Department) {
    return (record: object): [string, string] => {
      const keys = this.keys.get(department)!;
      const digest = sm3(canonicalJson(record));
      return [JSON.stringify(record), JSON.stringify({ keyId: sealKeyId(keys.publicKey), digest: digest.toString('hex'), signature: sm2Sign(keys.privateKey, digest).toString('base64') })];
    };
  }

  async submit<T = CreditEventPayload>(department: Department, when: number, invoke: (ctx: Context, seal: (record: object) => [string, string]) => Promise<string>): Promise<T> {
    this.txCount += 1;
    const tx = this.ledger.newTransaction({ creator: creators[department], timestamp: day(when), txId: this.txCount.toString(16).padStart(64, '0') });
    this.lastTransaction = tx;
    const result = await invoke(tx.context(), this.sealer(department));
    this.ledger.commit(tx);
    return JSON.parse(result) as T;
  }

  /** Submits an attempt that must be refused with `message`, and checks that it wrote nothing. */
  async refused(department: Department, when: number, invoke: (ctx: Context, seal: (record: object) => [string, string]) => Promise<string>, message: RegExp): Promise<void> {
    const tx = this.ledger.newTransaction({ creator: creators[department], timestamp: day(when) });
    await assert.rejects(invoke(tx.context(), this.sealer(department)), { message });
    assert.deepEqual([tx.writes.size, tx.event], [0, undefined]);
  }

  query<T>(invoke: (ctx: Context) => Promise<string>): Promise<T> {
    return invoke(this.ledger.newTransaction().context()).then((json) => JSON.parse(json) as T);
  }

  penalty(when: number, overrides: Record<string, unknown> = {}): Promise<CreditEventPayload> {
    return this.submit(MARKET, when, (ctx, seal) => credit.submitRecord(ctx, ...seal(penalty(when, overrides))));
  }
}

function penalty(when: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { subject: ENTERPRISE, category: 'administrative-penalty', severity: 'ordinary', occurredAt: iso(when), reference: '市监罚〔2027〕12号', documentDigest: sm3('decision').toString('hex'), ...overrides };
}

describe('who may submit what', () => {
  test('only the credit office sets a department\'s categories and registers models', async () => {
    const world = await World.create({ model: false });
    await world.refused(MARKET, 1, (ctx, seal) => credit.setCategoryPermission(ctx, ...seal({ department: MARKET, categories: ['red-list'] })),
      /^\[credit:not_credit_office\] only the credit office \(CreditOfficeMSP\) may set which department may submit which category; this transaction comes from MarketRegulationMSP/);
    await world.refused(MARKET, 1, (ctx, seal) => credit.registerModel(ctx, ...seal(exampleCreditModel())), /^\[credit:not_credit_office\]/);
    assert.deepEqual(await world.query((ctx) => credit.getCategoryPermission(ctx, PLATFORM)), { department: PLATFORM, categories: [] });
  });

  test('a department submits only the categories it was granted, and only known categories and severities', async () => {
    const world = await World.create();
    await world.refused(MARKET, 1, (ctx, seal) => credit.submitRecord(ctx, ...seal(penalty(1, { category: 'red-list' }))),
      /^\[credit:category_not_permitted\] MarketRegulationMSP may not submit red-list records \(it may submit administrative-licence, administrative-penalty\); the credit office grants categories/);
    await world.refused(PLATFORM, 1, (ctx, seal) => credit.submitRecord(ctx, ...seal(penalty(1))), /^\[credit:category_not_permitted\] BigDataAdministrationMSP may not submit administrative-penalty records \(it may submit none yet\)/);
    await world.refused(MARKET, 1, (ctx, seal) => credit.submitRecord(ctx, ...seal(penalty(1, { category: 'gossip' }))), /^record\.category must be one of administrative-licence, .*, got "gossip"/);
    await world.refused(MARKET, 1, (ctx, seal) => credit.submitRecord(ctx, ...seal(penalty(1, { severity: 'grave' }))), /^record\.severity must be one of minor, ordinary, serious, got "grave"/);
    await world.refused(MARKET, 1, (ctx, seal) => credit.submitRecord(ctx, ...seal(penalty(1, { disclosureMonths: 2 }))), /^\[credit:disclosure_out_of_window\] administrative-penalty records of severity ordinary are in effect for 3 to 12 months, got 2/);
    await world.refused(MARKET, 1, (ctx, seal) => credit.submitRecord(ctx, ...seal(penalty(2))), /^\[credit:occurred_in_future\] occurredAt 2027-01-03T00:00:00\.000000000Z is after the transaction's time/);
  });

  test('models are registered in version order, with consistent arithmetic', async () => {
    const world = await World.create();
    await world.refused(CREDIT, 1, (ctx, seal) => credit.registerModel(ctx, ...seal(exampleCreditModel({ version: 3 }))), /^\[credit:model_version\] the next model is version 2 \(the current one is 1\), got 3/);
    await world.refused(CREDIT, 1, (ctx, seal) => credit.registerModel(ctx, ...seal(exampleCreditModel({ version: 2, gradeThresholds: { A: 600, B: 650, C: 500 } }))), /^\[credit:invalid_model\] the grade thresholds must satisfy maxScore ≥ A > B > C > minScore/);
    await world.refused(CREDIT, 1, (ctx, seal) => credit.registerModel(ctx, ...seal(exampleCreditModel({ version: 2, decay: [{ fromDays: 0, percent: 50 }, { fromDays: 10, percent: 60 }] }))), /^\[credit:invalid_model\] model\.decay\[1\] must come later than the step before it/);
    const { honour: _, ...missing } = exampleCreditModel().weights;
    await world.refused(CREDIT, 1, (ctx, seal) => credit.registerModel(ctx, ...seal({ ...exampleCreditModel({ version: 2 }), weights: missing })), /^model\.weights\.honour must be a JSON object/);
    await world.submit(CREDIT, 1, (ctx, seal) => credit.registerModel(ctx, ...seal(exampleCreditModel({ version: 2, baseScore: 750 }))));
    assert.equal(world.lastTransaction?.event?.name, 'credit.model');
    assert.equal((await world.query<{ baseScore: number }>((ctx) => credit.getModel(ctx, ''))).baseScore, 750);
    assert.equal((await world.query<{ baseScore: number }>((ctx) => credit.getModel(ctx, '1'))).baseScore, 700);
  });
});

describe('records and evaluations', () => {
  test('records from two departments are evaluated with their factors, the model version and the grade they replaced', async () => {
    const world = await World.create();
    const first = await world.penalty(10);
    assert.equal(world.lastTransaction?.event?.name, 'credit.record');
    assert.deepEqual(JSON.parse(world.lastTransaction!.event!.payload.toString()), first);
    assert.deepEqual([first.record?.department, first.record?.status, first.record?.published, first.record?.repairableFrom, first.record?.effectiveUntil], [MARKET, 'active', true, '2027-04-11T00:00:00.000000000Z', '2028-01-11T00:00:00.000000000Z']);
    assert.deepEqual([first.evaluation?.score, first.evaluation?.grade, first.evaluation?.modelVersion, first.evaluation?.previous], [620, 'C', 1, undefined]);
    const red = await world.submit(CREDIT, 20, (ctx, seal) => credit.submitRecord(ctx, ...seal({ subject: ENTERPRISE, category: 'red-list', severity: 'serious', occurredAt: iso(20), reference: '信用办〔2027〕3号', documentDigest: sm3('red').toString('hex') })));
    const evaluation = red.evaluation!;
    assert.deepEqual(evaluation.factors.map((f) => [f.recordId, f.category, f.contribution]), [[first.record!.recordId, 'administrative-penalty', -80], [red.record!.recordId, 'red-list', 180]]);
    assert.deepEqual([evaluation.score, evaluation.grade, evaluation.previous?.grade, evaluation.previous?.score, evaluation.trigger], [800, 'A', 'C', 620, { kind: 'record', recordId: red.record!.recordId }]);
    assert.deepEqual(await world.query((ctx) => credit.getEvaluation(ctx, JSON.stringify(ENTERPRISE))), evaluation);
    const history = await world.query<CreditEvaluation[]>((ctx) => credit.evaluationHistory(ctx, JSON.stringify(ENTERPRISE)));
    assert.deepEqual(history.map((e) => e.grade), ['A', 'C']);
    const page = await world.query<CreditRecordPage>((ctx) => credit.listSubjectRecords(ctx, JSON.stringify(ENTERPRISE), '1', ''));
    assert.equal(page.records.length, 1);
    assert.notEqual(page.bookmark, '');
  });

  test('before a model is registered records are kept but nobody is evaluated', async () => {
    const world = await World.create({ model: false });
    const submitted = await world.penalty(1);
    assert.equal(submitted.evaluation, undefined);
    await world.refused(CREDIT, 2, (ctx) => credit.reevaluate(ctx, JSON.stringify(ENTERPRISE)), /^\[credit:no_model\]/);
    await assert.rejects(world.query((ctx) => credit.getEvaluation(ctx, JSON.stringify(ENTERPRISE))), { message: /^\[credit:unknown_evaluation\]/ });
  });

  test('a record stops counting at the end of its window; re-evaluation by the credit office shows it', async () => {
    const world = await World.create();
    const submitted = await world.penalty(0, { disclosureMonths: 3 });
    assert.equal(submitted.record?.effectiveUntil, '2027-04-01T00:00:00.000000000Z');
    await world.refused(MARKET, 95, (ctx) => credit.reevaluate(ctx, JSON.stringify(ENTERPRISE)), /^\[credit:not_credit_office\]/);
    const before = await world.submit<CreditEvaluation>(CREDIT, 89, (ctx) => credit.reevaluate(ctx, JSON.stringify(ENTERPRISE)));
    assert.deepEqual([before.score, before.factors.length], [620, 1]);
    const after = await world.submit<CreditEvaluation>(CREDIT, 90, (ctx) => credit.reevaluate(ctx, JSON.stringify(ENTERPRISE)));
    assert.deepEqual([after.score, after.grade, after.factors, after.previous?.score, after.trigger], [700, 'B', [], 620, { kind: 'reevaluation' }]);
    assert.equal(world.lastTransaction?.event?.name, 'credit.evaluation');
  });

  test('a minor failing is kept from publication, and counts for at most three months', async () => {
    const world = await World.create();
    const minor = await world.penalty(1, { severity: 'minor' });
    assert.deepEqual([minor.record?.published, minor.record?.disclosureMonths, minor.record?.repairableFrom], [false, 3, iso(1).replace('.000Z', '.000000000Z')]);
    await world.refused(MARKET, 1, (ctx, seal) => credit.submitRecord(ctx, ...seal(penalty(1, { severity: 'minor', disclosureMonths: 4 }))), /^\[credit:disclosure_out_of_window\] administrative-penalty records of severity minor are in effect for 0 to 3 months, got 4/);
  });

  test('list membership follows the records in effect, and the lists can be read a page at a time', async () => {
    const world = await World.create();
    await world.submit(CREDIT, 1, (ctx, seal) => credit.submitRecord(ctx, ...seal({ subject: PERSON, category: 'seriously-dishonest-list', severity: 'serious', occurredAt: iso(1), reference: 'r', documentDigest: sm3('x').toString('hex'), disclosureMonths: 12 })));
    const members = (list: string) => world.query<{ members: Array<{ subject: CreditSubject }> }>((ctx) => credit.listMembers(ctx, list, '10', ''));
    assert.deepEqual((await members('seriously-dishonest-list')).members.map((m) => m.subject), [PERSON]);
    assert.deepEqual((await members('red-list')).members, []);
    await world.submit(CREDIT, 400, (ctx) => credit.reevaluate(ctx, JSON.stringify(PERSON)));
    assert.deepEqual((await members('seriously-dishonest-list')).members, []);
    await assert.rejects(world.query((ctx) => credit.listMembers(ctx, 'grey-list', '10', '')), { message: /^list must be one of red-list, seriously-dishonest-list, wage-arrears-blacklist/ });
  });

  test('a subject with 500 records is evaluated in one transaction, each record a factor', async () => {
    const world = await World.create();
    for (let i = 0; i < 500; i++) {
      const tx = world.ledger.newTransaction({ creator: creators[MARKET], timestamp: day(1), txId: `r${i}`.padStart(64, '0') });
      // Committed directly with a plain submit each would re-evaluate 500 times; this builds the state the last one sees.
      await credit.submitRecord(tx.context(), ...world.sealer(MARKET)(penalty(0, { category: i % 2 ? 'administrative-licence' : 'administrative-penalty', severity: 'minor', reference: `ref-${i}` })));
      world.ledger.commit(tx);
    }
    const started = process.hrtime.bigint();
    const evaluation = await world.submit<CreditEvaluation>(CREDIT, 2, (ctx) => credit.reevaluate(ctx, JSON.stringify(ENTERPRISE)));
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    assert.equal(evaluation.factors.length, 500);
    assert.equal(evaluation.score, 0); // 700 + 250 × 10 − 250 × 40, held at the model's minimum
    console.log(`# evaluated 500 records in ${elapsedMs.toFixed(1)} ms (in-memory ledger, this process)`);
  });
});

describe('objections', () => {
  test('the subject objects; the source department upholds; the record stands and the subject is re-evaluated', async () => {
    const world = await World.create();
    const { record } = await world.penalty(1, { subject: PERSON });
    await world.refused(PLATFORM, 2, (ctx, seal) => credit.objectToRecord(ctx, ...seal({ recordId: record!.recordId, subject: OTHER_PERSON, reason: 'not me' })),
      /^\[credit:subject_mismatch\] record [0-9a-f]{64} is not about this subject: a subject objects to only records about itself/);
    const raised = await world.submit(PLATFORM, 2, (ctx, seal) => credit.objectToRecord(ctx, ...seal({ recordId: record!.recordId, subject: PERSON, reason: '处罚已撤销' })));
    assert.deepEqual([raised.objection?.status, raised.objection?.answerBy, raised.record?.status], ['open', '2027-01-18T00:00:00.000000000Z', 'under-objection']);
    await world.refused(PLATFORM, 3, (ctx, seal) => credit.objectToRecord(ctx, ...seal({ recordId: record!.recordId, subject: PERSON, reason: 'again' })), /^\[credit:already_objected\]/);
    await world.refused(CREDIT, 3, (ctx, seal) => credit.answerObjection(ctx, ...seal({ recordId: record!.recordId, outcome: 'withdrawn', text: 'x' })),
      /^\[credit:not_source_department\] the objection to record [0-9a-f]{64} concerns a record of MarketRegulationMSP; only it answers it, not CreditOfficeMSP/);
    const answered = await world.submit(MARKET, 20, (ctx, seal) => credit.answerObjection(ctx, ...seal({ recordId: record!.recordId, outcome: 'upheld', text: '经核实, 处罚有效' })));
    assert.deepEqual([answered.objection?.answer?.outcome, answered.objection?.answer?.late, answered.record?.status, answered.evaluation?.score, answered.evaluation?.trigger.kind], ['upheld', true, 'active', 620, 'objection']);
    assert.equal(world.lastTransaction?.event?.name, 'credit.objection');
    await world.refused(MARKET, 21, (ctx, seal) => credit.answerObjection(ctx, ...seal({ recordId: record!.recordId, outcome: 'withdrawn', text: 'x' })), /^\[credit:already_answered\]/);
  });

  test('a withdrawn record stops counting; a corrected one counts at its new severity', async () => {
    const world = await World.create();
    const withdrawn = (await world.penalty(1)).record!;
    const corrected = (await world.penalty(1, { severity: 'serious', reference: 'b' })).record!;
    for (const record of [withdrawn, corrected]) await world.submit(PLATFORM, 2, (ctx, seal) => credit.objectToRecord(ctx, ...seal({ recordId: record.recordId, subject: ENTERPRISE, reason: 'wrong' })));
    const afterWithdrawal = await world.submit(MARKET, 3, (ctx, seal) => credit.answerObjection(ctx, ...seal({ recordId: withdrawn.recordId, outcome: 'withdrawn', text: '撤回' })));
    assert.deepEqual([afterWithdrawal.record?.status, afterWithdrawal.evaluation?.factors.map((f) => f.recordId), afterWithdrawal.evaluation?.score], ['withdrawn', [corrected.recordId], 580]);
    await world.refused(MARKET, 3, (ctx, seal) => credit.answerObjection(ctx, ...seal({ recordId: corrected.recordId, outcome: 'corrected', text: 'x' })), /^answer\.correctedSeverity is given with the outcome "corrected", and only then/);
    const afterCorrection = await world.submit(MARKET, 4, (ctx, seal) => credit.answerObjection(ctx, ...seal({ recordId: corrected.recordId, outcome: 'corrected', text: '改为一般', correctedSeverity: 'ordinary' })));
    assert.deepEqual([afterCorrection.record?.severity, afterCorrection.record?.correctedFrom?.severity, afterCorrection.record?.disclosureMonths, afterCorrection.evaluation?.score], ['ordinary', 'serious', 12, 620]);
  });
});

describe('repair', () => {
  test('after the minimum period, with a commitment, approved by the source department: no longer disclosed or counted, and a repair event', async () => {
    const world = await World.create();
    const { record } = await world.penalty(0, { subject: PERSON });
    const apply = (when: number) => world.submit(PLATFORM, when, (ctx, seal) => credit.applyForRepair(ctx, ...seal({ recordId: record!.recordId, subject: PERSON, commitment: '本人承诺按时履行义务' })));
    await world.refused(PLATFORM, 89, (ctx, seal) => credit.applyForRepair(ctx, ...seal({ recordId: record!.recordId, subject: PERSON, commitment: '承诺' })),
      /^\[credit:repair_too_early\] record [0-9a-f]{64} may be repaired from 2027-04-01T00:00:00\.000000000Z: failings of severity ordinary are disclosed for at least 3 months/);
    await world.refused(PLATFORM, 90, (ctx, seal) => credit.applyForRepair(ctx, ...seal({ recordId: record!.recordId, subject: OTHER_PERSON, commitment: '承诺' })), /^\[credit:subject_mismatch\]/);
    const applied = await apply(90);
    assert.deepEqual([applied.repair?.status, applied.repair?.department], ['pending', MARKET]);
    await world.refused(PLATFORM, 91, (ctx, seal) => credit.applyForRepair(ctx, ...seal({ recordId: record!.recordId, subject: PERSON, commitment: 'again' })), /^\[credit:repair_pending\]/);
    const rejected = await world.submit(MARKET, 92, (ctx, seal) => credit.decideRepair(ctx, ...seal({ recordId: record!.recordId, outcome: 'rejected', text: '未履行' })));
    assert.deepEqual([rejected.repair?.status, rejected.record, rejected.evaluation], ['rejected', undefined, undefined]);
    await apply(93);
    await world.refused(CREDIT, 94, (ctx, seal) => credit.decideRepair(ctx, ...seal({ recordId: record!.recordId, outcome: 'approved', text: 'x' })), /^\[credit:not_source_department\]/);
    const approved = await world.submit(MARKET, 94, (ctx, seal) => credit.decideRepair(ctx, ...seal({ recordId: record!.recordId, outcome: 'approved', text: '已履行, 准予修复' })));
    assert.equal(world.lastTransaction?.event?.name, 'credit.repair');
    assert.deepEqual([approved.repair?.status, approved.record?.status, approved.record?.endedAt, approved.evaluation?.score, approved.evaluation?.previous?.score], ['approved', 'repaired', '2027-04-05T00:00:00.000000000Z', 700, 620]);
    assert.equal((await world.query<StoredCreditRepair>((ctx) => credit.getRepair(ctx, record!.recordId))).status, 'approved');
    await world.refused(PLATFORM, 95, (ctx, seal) => credit.objectToRecord(ctx, ...seal({ recordId: record!.recordId, subject: PERSON, reason: 'x' })), /^\[credit:record_ended\] record [0-9a-f]{64} was repaired at 2027-04-05/);
  });

  test('positive records are not repaired, and a record under objection waits for the answer', async () => {
    const world = await World.create();
    const licence = (await world.submit(MARKET, 0, (ctx, seal) => credit.submitRecord(ctx, ...seal(penalty(0, { category: 'administrative-licence' }))))).record!;
    await world.refused(PLATFORM, 200, (ctx, seal) => credit.applyForRepair(ctx, ...seal({ recordId: licence.recordId, subject: ENTERPRISE, commitment: 'x' })), /^\[credit:not_repairable\]/);
    const failing = (await world.penalty(0, { severity: 'minor' })).record!;
    await world.submit(PLATFORM, 1, (ctx, seal) => credit.objectToRecord(ctx, ...seal({ recordId: failing.recordId, subject: ENTERPRISE, reason: 'x' })));
    await world.refused(PLATFORM, 2, (ctx, seal) => credit.applyForRepair(ctx, ...seal({ recordId: failing.recordId, subject: ENTERPRISE, commitment: 'x' })), /^\[credit:objection_open\]/);
    assert.equal((await world.query<StoredCreditObjection>((ctx) => credit.getObjection(ctx, failing.recordId))).status, 'open');
    assert.equal((await world.query<StoredCreditRecord>((ctx) => credit.getRecord(ctx, failing.recordId))).status, 'under-objection');
  });
});
