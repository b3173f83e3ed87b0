import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addCalendarMonths, sm3, usccCheckCharacter } from '@citytrust/shared';
import { exampleCreditModel } from '@citytrust/shared/dist/credit/testing/example-model';
import { startLedgerTestGateway, type LedgerTestGateway } from '../test-support/ledger-test-gateway';

/**
 * The credit ledger end to end on the embedded ledger, through the REST API as each kind of
 * user meets it: the credit office grants categories and registers the model, two departments
 * submit records, subjects are evaluated, a citizen objects and applies for repair, the source
 * department answers, a window ends, and lists follow. Every test has subjects of its own, so
 * the tests pass alone and in any order.
 */
const MARKET = 'MarketRegulationMSP';
const CREDIT = 'CreditOfficeMSP';
const PLATFORM = 'BigDataAdministrationMSP';
const DAY_MS = 86_400_000;

let gateway: LedgerTestGateway;
const tokens: Record<string, string> = {};

type Method = 'GET' | 'POST' | 'PUT';
async function call(method: Method, url: string, token: string, body?: object) {
  const response = await gateway.server.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(body ? { payload: body } : {}) });
  return { status: response.statusCode, body: response.json() };
}

let citizens = 0;
async function citizen(identityNumber: string): Promise<string> {
  citizens += 1;
  const user = await gateway.services.users.create({ username: `credit.citizen.${citizens}`, role: 'citizen', subjectKey: gateway.services.subjectKeys.derive(identityNumber), loginPublicKey: 'not used: these tests sign in with tokens' }, 'credit test');
  return gateway.services.tokens.issue(user.id, user.role).token;
}

/** A valid USCC (GB 32100) ending in `serial`: the check character computed as the standard says. */
function uscc(serial: number): string {
  const body = `91320200${String(serial).padStart(9, '0')}`;
  return body + usccCheckCharacter(body);
}

const enterprise = (serial: number) => ({ kind: 'enterprise', uscc: uscc(serial) }) as const;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString();

function record(subject: object, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { subject, category: 'administrative-penalty', severity: 'ordinary', occurredAt: daysAgo(1), reference: '锡市监罚〔2027〕88号', documentDigest: sm3('处罚决定书').toString('hex'), ...overrides };
}

async function submit(token: string, body: Record<string, unknown>) {
  const submitted = await call('POST', '/api/v1/credit/records', token, body);
  assert.equal(submitted.status, 201, JSON.stringify(submitted.body));
  return submitted.body;
}

async function profile(subject: object) {
  const answer = await call('POST', '/api/v1/credit/profiles', tokens.creditOfficer!, { subject });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body;
}

async function height(): Promise<number> {
  return (await gateway.ledger.health()).height!;
}

before(async () => {
  gateway = await startLedgerTestGateway();
  tokens.creditAdmin = (await gateway.userWithToken('admin', CREDIT)).token;
  tokens.creditOfficeOfficer = (await gateway.userWithToken('department-officer', CREDIT)).token;
  tokens.marketOfficer = (await gateway.userWithToken('department-officer', MARKET)).token;
  tokens.marketAdmin = (await gateway.userWithToken('admin', MARKET)).token;
  tokens.platformOfficer = (await gateway.userWithToken('department-officer', PLATFORM)).token;
  tokens.creditOfficer = (await gateway.userWithToken('credit-officer')).token;
  for (const [department, categories] of [[MARKET, ['administrative-penalty', 'administrative-licence']], [CREDIT, ['red-list', 'seriously-dishonest-list', 'wage-arrears-blacklist']]] as const) {
    const granted = await call('PUT', `/api/v1/credit/permissions/${department}`, tokens.creditAdmin!, { categories });
    assert.equal(granted.status, 200, JSON.stringify(granted.body));
  }
  const model = await call('POST', '/api/v1/credit/models', tokens.creditAdmin!, exampleCreditModel());
  assert.equal(model.status, 201, JSON.stringify(model.body));
});

after(() => gateway?.close());

describe('the credit office sets the rules', () => {
  test('only the credit office grants categories and registers models; anyone reads them', async () => {
    const grant = await call('PUT', `/api/v1/credit/permissions/${MARKET}`, tokens.marketAdmin!, { categories: ['red-list'] });
    assert.deepEqual([grant.status, grant.body.error.code, grant.body.error.details.check], [403, 'forbidden', 'not_credit_office']);
    const model = await call('POST', '/api/v1/credit/models', tokens.marketAdmin!, exampleCreditModel({ version: 2 }));
    assert.deepEqual([model.status, model.body.error.details.check], [403, 'not_credit_office']);
    const current = await call('GET', '/api/v1/credit/models/current', tokens.marketOfficer!);
    assert.deepEqual([current.status, current.body.version, current.body.weights['red-list'].serious, current.body.seal.department], [200, 1, 180, CREDIT]);
    const permission = await call('GET', `/api/v1/credit/permissions/${MARKET}`, tokens.creditOfficer!);
    assert.deepEqual(permission.body.categories, ['administrative-licence', 'administrative-penalty']);
  });
});

describe('records from two departments are evaluated', () => {
  test('each record re-evaluates the subject; the evaluation lists its factors, the model and the grade it replaced', async () => {
    const subject = enterprise(1);
    const penalty = await submit(tokens.marketOfficer!, record(subject));
    assert.deepEqual([penalty.record.department, penalty.record.status, penalty.record.seal.department, penalty.evaluation.score, penalty.evaluation.grade, penalty.evaluation.previous], [MARKET, 'active', MARKET, 620, 'C', undefined]);
    const red = await submit(tokens.creditOfficeOfficer!, record(subject, { category: 'red-list', severity: 'serious', reference: '信用办〔2027〕1号' }));
    assert.deepEqual(red.evaluation.factors.map((f: { recordId: string; contribution: number }) => [f.recordId, f.contribution]).sort(),
      [[penalty.record.recordId, -80], [red.record.recordId, 180]].sort());
    assert.deepEqual([red.evaluation.score, red.evaluation.grade, red.evaluation.previous.grade, red.evaluation.modelVersion, red.evaluation.lists], [800, 'A', 'C', 1, ['red-list']]);
    const seen = await profile(subject);
    assert.deepEqual([seen.evaluation.evaluationId, seen.records.length], [red.evaluation.evaluationId, 2]);
    const one = await call('GET', `/api/v1/credit/records/${penalty.record.recordId}`, tokens.marketOfficer!);
    assert.deepEqual(one.body, penalty.record);
  });

  test('bad input is a 4xx with the reason, and the ledger does not change', async () => {
    const subject = enterprise(2);
    const start = await height();
    const cases: Array<[string, string, Record<string, unknown>, number, string, string | undefined]> = [
      ['unknown category', tokens.marketOfficer!, record(subject, { category: 'gossip' }), 400, 'invalid_request', undefined],
      ['unknown severity', tokens.marketOfficer!, record(subject, { severity: 'grave' }), 400, 'invalid_request', undefined],
      ['a department not allowed the category', tokens.platformOfficer!, record(subject), 403, 'forbidden', 'category_not_permitted'],
      ['a category the department was not granted', tokens.marketOfficer!, record(subject, { category: 'red-list' }), 403, 'forbidden', 'category_not_permitted'],
      ['a window outside the rules', tokens.marketOfficer!, record(subject, { disclosureMonths: 24 }), 400, 'invalid_request', 'disclosure_out_of_window'],
      ['a fact in the future', tokens.marketOfficer!, record(subject, { occurredAt: new Date(Date.now() + DAY_MS).toISOString() }), 400, 'invalid_request', 'occurred_in_future'],
    ];
    for (const [name, token, body, status, code, check] of cases) {
      const refused = await call('POST', '/api/v1/credit/records', token, body);
      assert.deepEqual([refused.status, refused.body.error.code, refused.body.error.details?.check], [status, code, check], `${name}: ${JSON.stringify(refused.body)}`);
      assert.ok(refused.body.error.message.length > 20, name);
    }
    const unknown = await call('POST', '/api/v1/credit/records', tokens.marketOfficer!, record(subject, { category: 'gossip' }));
    assert.match(unknown.body.error.message, /^category is not valid: it must be one of administrative-licence, administrative-penalty, /);
    const notPermitted = await call('POST', '/api/v1/credit/records', tokens.platformOfficer!, record(subject));
    assert.match(notPermitted.body.error.message, /^BigDataAdministrationMSP may not submit administrative-penalty records \(it may submit none yet\); the credit office grants categories$/);
    const mistyped = { kind: 'enterprise', uscc: `${subject.uscc.slice(0, 17)}${subject.uscc[17] === '0' ? '1' : '0'}` };
    for (const [url, token, body] of [['/api/v1/credit/records', tokens.marketOfficer!, record(mistyped)], ['/api/v1/credit/profiles', tokens.creditOfficer!, { subject: mistyped }]] as const) {
      const refused = await call('POST', url, token, body);
      assert.deepEqual([refused.status, refused.body.error.code, refused.body.error.details], [400, 'invalid_request', { field: 'subject.uscc' }], `${url}: ${JSON.stringify(refused.body)}`);
      assert.equal(refused.body.error.message, `subject.uscc: ${mistyped.uscc} is not a Unified Social Credit Code: its check character does not match its other characters; check it for a typo`);
    }
    assert.equal(await height(), start);
    assert.deepEqual((await profile(subject)).records, []);
  });
});

describe('a person objects to a record', () => {
  test('upheld: the record stands and the person is re-evaluated; nobody else may object or answer', async () => {
    const identityNumber = '110101199003074258';
    const person = { kind: 'person', identityNumber };
    const token = await citizen(identityNumber);
    const { record: penalty } = await submit(tokens.marketOfficer!, record(person));
    const mine = await call('GET', '/api/v1/me/credit', token);
    assert.deepEqual([mine.status, mine.body.records.map((r: { recordId: string }) => r.recordId), mine.body.evaluation.score], [200, [penalty.recordId], 620]);

    const stranger = await call('POST', '/api/v1/me/credit/objections', await citizen('320202198511111234'), { recordId: penalty.recordId, reason: '不是我' });
    assert.deepEqual([stranger.status, stranger.body.error.code, stranger.body.error.message], [404, 'not_found', `you have no credit record ${penalty.recordId}; see GET /api/v1/me/credit`]);
    const objection = await call('POST', '/api/v1/me/credit/objections', token, { recordId: penalty.recordId, reason: '罚款已缴纳, 处罚决定已撤销' });
    assert.deepEqual([objection.status, objection.body.status, objection.body.department], [201, 'open', MARKET]);
    assert.equal(Date.parse(objection.body.answerBy) - Date.parse(objection.body.raisedAt), 15 * DAY_MS);
    const again = await call('POST', '/api/v1/me/credit/objections', token, { recordId: penalty.recordId, reason: 'again' });
    assert.deepEqual([again.status, again.body.error.details.check], [409, 'already_objected']);
    assert.equal((await call('GET', `/api/v1/credit/records/${penalty.recordId}`, tokens.creditOfficer!)).body.status, 'under-objection');

    const url = `/api/v1/credit/records/${penalty.recordId}/objection/answer`;
    const wrongDepartment = await call('POST', url, tokens.creditOfficeOfficer!, { outcome: 'withdrawn', text: 'x' });
    assert.deepEqual([wrongDepartment.status, wrongDepartment.body.error.details.check], [403, 'not_source_department']);
    const halfCorrected = await call('POST', url, tokens.marketOfficer!, { outcome: 'corrected', text: 'x' });
    assert.deepEqual([halfCorrected.status, halfCorrected.body.error.details.field], [400, 'correctedSeverity']);
    const upheld = await call('POST', url, tokens.marketOfficer!, { outcome: 'upheld', text: '经复核, 处罚决定有效' });
    assert.deepEqual([upheld.status, upheld.body.objection.answer.outcome, upheld.body.objection.answer.late, upheld.body.record.status, upheld.body.evaluation.trigger, upheld.body.evaluation.score],
      [200, 'upheld', false, 'active', { kind: 'objection', recordId: penalty.recordId }, 620]);
  });

  test('withdrawn: the record stops counting and the grade recovers', async () => {
    const identityNumber = '11010519491231002X';
    const token = await citizen(identityNumber);
    const { record: penalty } = await submit(tokens.marketOfficer!, record({ kind: 'person', identityNumber }, { severity: 'serious' }));
    await call('POST', '/api/v1/me/credit/objections', token, { recordId: penalty.recordId, reason: '登记错误' });
    const withdrawn = await call('POST', `/api/v1/credit/records/${penalty.recordId}/objection/answer`, tokens.marketOfficer!, { outcome: 'withdrawn', text: '登记错误, 予以撤回' });
    assert.deepEqual([withdrawn.status, withdrawn.body.record.status, withdrawn.body.evaluation.factors, withdrawn.body.evaluation.score, withdrawn.body.evaluation.previous.score], [200, 'withdrawn', [], 700, 580]);
    const mine = await call('GET', '/api/v1/me/credit', token);
    assert.deepEqual([mine.body.evaluation.grade, mine.body.records[0].status], ['B', 'withdrawn']);
  });
});

describe('repair', () => {
  test('refused before the minimum period; after it, with a commitment and the source department\'s approval, the record is repaired', async () => {
    const identityNumber = '440304198001011239';
    const person = { kind: 'person', identityNumber };
    const token = await citizen(identityNumber);
    const { record: recent } = await submit(tokens.marketOfficer!, record(person, { occurredAt: daysAgo(30) }));
    const start = await height();
    const early = await call('POST', '/api/v1/me/credit/repairs', token, { recordId: recent.recordId, commitment: '本企业承诺依法经营' });
    assert.deepEqual([early.status, early.body.error.code, early.body.error.details.check], [422, 'credit_refused', 'repair_too_early']);
    assert.match(early.body.error.message, new RegExp(`^record ${recent.recordId} may be repaired from ${recent.repairableFrom}: failings of severity ordinary are disclosed for at least 3 months$`));
    assert.equal(await height(), start);

    const { record: old, evaluation } = await submit(tokens.marketOfficer!, record(person, { occurredAt: daysAgo(100), reference: '锡市监罚〔2027〕7号' }));
    const applied = await call('POST', '/api/v1/me/credit/repairs', token, { recordId: old.recordId, commitment: '本人承诺今后依法履行义务' });
    assert.deepEqual([applied.status, applied.body.status, applied.body.department], [201, 'pending', MARKET]);
    const approved = await call('POST', `/api/v1/credit/records/${old.recordId}/repair/decision`, tokens.marketOfficer!, { outcome: 'approved', text: '已履行, 准予修复' });
    assert.deepEqual([approved.status, approved.body.repair.status, approved.body.record.status, approved.body.evaluation.trigger.kind], [200, 'approved', 'repaired', 'repair']);
    assert.deepEqual(approved.body.evaluation.factors.map((f: { recordId: string }) => f.recordId), [recent.recordId]);
    assert.ok(approved.body.evaluation.score > evaluation.score, `${approved.body.evaluation.score} > ${evaluation.score}`);
  });
});

describe('disclosure windows and lists', () => {
  test('a record stops counting when its window ends; re-evaluation by a credit officer shows it', async () => {
    const subject = enterprise(3);
    // A minor failing whose window of 1 to 3 calendar months ends a few seconds from now.
    const ends = new Date(Date.now() + 4000);
    const months = [1, 2, 3].find((k) => {
      const start = new Date(ends);
      start.setUTCMonth(start.getUTCMonth() - k);
      return start.getUTCDate() === ends.getUTCDate();
    })!;
    const occurred = new Date(ends);
    occurred.setUTCMonth(occurred.getUTCMonth() - months);
    const { record: minor, evaluation } = await submit(tokens.marketOfficer!, record(subject, { severity: 'minor', disclosureMonths: months, occurredAt: occurred.toISOString() }));
    assert.deepEqual([minor.effectiveUntil, minor.published, evaluation.score], [addCalendarMonths(occurred.toISOString().replace('Z', '000000Z'), months), false, 660]);
    await new Promise((resolve) => setTimeout(resolve, ends.getTime() - Date.now() + 500));
    const reevaluated = await call('POST', '/api/v1/credit/reevaluations', tokens.creditOfficer!, { subject });
    assert.deepEqual([reevaluated.status, reevaluated.body.score, reevaluated.body.factors, reevaluated.body.previous.score, reevaluated.body.trigger.kind], [200, 700, [], 660, 'reevaluation']);
    assert.equal((await call('GET', `/api/v1/credit/records/${minor.recordId}`, tokens.creditOfficer!)).body.status, 'active');
  });

  test('a blacklist record puts a person on the list; its repair takes them off', async () => {
    const identityNumber = '110101199001011237';
    const person = { kind: 'person', identityNumber };
    const token = await citizen(identityNumber);
    const members = async () => (await call('GET', '/api/v1/credit/lists/wage-arrears-blacklist?pageSize=1000', tokens.creditOfficer!)).body.members.map((m: { subject: { subjectKey?: string } }) => m.subject.subjectKey);
    const subjectKey = gateway.services.subjectKeys.derive(identityNumber);
    const { record: arrears, evaluation } = await submit(tokens.creditOfficeOfficer!, record(person, { category: 'wage-arrears-blacklist', severity: 'serious', occurredAt: daysAgo(400), reference: '人社欠薪〔2026〕5号' }));
    assert.deepEqual(evaluation.lists, ['wage-arrears-blacklist']);
    assert.ok((await members()).includes(subjectKey));
    const citizenView = await call('GET', '/api/v1/credit/lists/wage-arrears-blacklist', token);
    assert.deepEqual([citizenView.status, citizenView.body.error.code], [403, 'forbidden']);
    await call('POST', '/api/v1/me/credit/repairs', token, { recordId: arrears.recordId, commitment: '已结清全部欠薪, 承诺按时足额支付工资' });
    const approved = await call('POST', `/api/v1/credit/records/${arrears.recordId}/repair/decision`, tokens.creditOfficeOfficer!, { outcome: 'approved', text: '欠薪已结清' });
    assert.deepEqual([approved.status, approved.body.evaluation.lists], [200, []]);
    assert.equal((await members()).includes(subjectKey), false);
  });
});
