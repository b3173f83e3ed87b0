import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sm3, usccCheckCharacter } from '@citytrust/shared';
import { exampleCreditModel } from '@citytrust/shared/dist/credit/testing/example-model';
import { startLedgerTestGateway, type LedgerTestGateway } from '../test-support/ledger-test-gateway';

/**
 * The credit officers' GraphQL through HTTP with real tokens, on the embedded ledger with the
 * off-chain indexer running as `citytrust start` runs it: records submitted through REST, read
 * back through `/graphql` once indexed.
 */
const MARKET = 'MarketRegulationMSP';
const CREDIT = 'CreditOfficeMSP';
const DAY_MS = 86_400_000;

let gateway: LedgerTestGateway;
const tokens: Record<string, string> = {};

/** A valid USCC registered in `district` (GB/T 2260) with category `industry`, ending in `serial`. */
function uscc(industry: string, district: string, serial: number): string {
  const body = `${industry}${district}${String(serial).padStart(9, '0')}`;
  return body + usccCheckCharacter(body);
}

const XINWU = uscc('91', '320214', 1);
const LIANGXI = uscc('91', '320213', 2);
const SOCIETY = uscc('51', '320213', 3);

async function rest(method: 'GET' | 'POST' | 'PUT', url: string, token: string, body?: object) {
  const response = await gateway.server.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(body ? { payload: body } : {}) });
  assert.ok(response.statusCode < 300, `${method} ${url}: ${response.statusCode} ${response.body}`);
  return response.json();
}

async function graph(query: string, variables: object = {}, token = tokens.creditOfficer!) {
  const response = await gateway.server.inject({ method: 'POST', url: '/graphql', headers: { authorization: `Bearer ${token}` }, payload: { query, variables } });
  return { status: response.statusCode, body: response.json() };
}

function record(subjectUscc: string, overrides: Record<string, unknown> = {}) {
  return {
    subject: { kind: 'enterprise', uscc: subjectUscc }, category: 'administrative-penalty', severity: 'ordinary', occurredAt: new Date(Date.now() - DAY_MS).toISOString(),
    reference: '锡市监罚〔2027〕88号', documentDigest: sm3('处罚决定书').toString('hex'), ...overrides,
  };
}

/** Waits until the indexer has written these evaluations. */
async function untilIndexed(...evaluationIds: string[]): Promise<void> {
  const deadline = Date.now() + 20_000;
  while ((await gateway.database.database.pool.query('SELECT 1 FROM offchain.credit_evaluations WHERE evaluation_id = ANY($1)', [evaluationIds])).rowCount !== evaluationIds.length) {
    if (Date.now() > deadline) throw new Error(`the off-chain index did not hold evaluations ${evaluationIds.join(', ')} within 20 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

let beforeSecondRecord: string;
let penaltyId: string;
let redId: string;
let lastEvaluationId: string;

before(async () => {
  gateway = await startLedgerTestGateway({ offchainIndex: true });
  tokens.creditAdmin = (await gateway.userWithToken('admin', CREDIT)).token;
  tokens.creditOfficeOfficer = (await gateway.userWithToken('department-officer', CREDIT)).token;
  tokens.marketOfficer = (await gateway.userWithToken('department-officer', MARKET)).token;
  tokens.creditOfficer = (await gateway.userWithToken('credit-officer')).token;
  tokens.auditor = (await gateway.userWithToken('auditor')).token;
  await rest('PUT', `/api/v1/credit/permissions/${MARKET}`, tokens.creditAdmin, { categories: ['administrative-penalty', 'administrative-licence'] });
  await rest('PUT', `/api/v1/credit/permissions/${CREDIT}`, tokens.creditAdmin, { categories: ['red-list', 'seriously-dishonest-list'] });
  await rest('POST', '/api/v1/credit/models', tokens.creditAdmin, exampleCreditModel());
  const penalty = await rest('POST', '/api/v1/credit/records', tokens.marketOfficer, record(XINWU));
  penaltyId = penalty.record.recordId;
  beforeSecondRecord = new Date().toISOString();
  const red = await rest('POST', '/api/v1/credit/records', tokens.creditOfficeOfficer, record(XINWU, { category: 'red-list', severity: 'serious', reference: '信用办〔2027〕1号' }));
  redId = red.record.recordId;
  const licence = await rest('POST', '/api/v1/credit/records', tokens.marketOfficer, record(LIANGXI, { category: 'administrative-licence', severity: 'minor' }));
  const dishonest = await rest('POST', '/api/v1/credit/records', tokens.creditOfficeOfficer, record(SOCIETY, { category: 'seriously-dishonest-list', severity: 'serious' }));
  lastEvaluationId = red.evaluation.evaluationId;
  await untilIndexed(penalty.evaluation.evaluationId, red.evaluation.evaluationId, licence.evaluation.evaluationId, dishonest.evaluation.evaluationId);
});

after(() => gateway?.close());

test('only credit officers and auditors reach /graphql, with the gateway\'s tokens; others get its 401 and 403', async () => {
  const anonymous = await gateway.server.inject({ method: 'POST', url: '/graphql', payload: { query: '{ gradeDistribution { total } }' } });
  assert.deepEqual([anonymous.statusCode, anonymous.json().error.code], [401, 'unauthenticated']);
  const officer = await graph('{ gradeDistribution { total } }', {}, tokens.marketOfficer);
  assert.deepEqual([officer.status, officer.body.error.code], [403, 'forbidden']);
  const auditor = await graph('{ gradeDistribution { total } }', {}, tokens.auditor);
  assert.deepEqual([auditor.status, auditor.body.data.gradeDistribution.total], [200, 3]);
});

test('a subject\'s profile: grade, score, factors, records with their departments, history and list membership', async () => {
  const { status, body } = await graph(`query ($uscc: String) { subject(subject: { uscc: $uscc }) {
    standing { subject grade score modelVersion district industry lists }
    evaluation { evaluationId grade previous { grade } factors { recordId category severity contribution } }
    memberships { list since }
    records { record { recordId department category status } }
    history { grade trigger { kind recordId } } } }`, { uscc: XINWU });
  assert.equal(status, 200, JSON.stringify(body));
  const profile = body.data.subject;
  assert.deepEqual(profile.standing, { subject: `E:${XINWU}`, grade: 'A', score: 800, modelVersion: 1, district: '320214', industry: '91', lists: ['RED_LIST'] });
  assert.deepEqual([profile.evaluation.evaluationId, profile.evaluation.grade, profile.evaluation.previous.grade], [lastEvaluationId, 'A', 'C']);
  assert.deepEqual(profile.evaluation.factors.map((f: { recordId: string; contribution: number }) => [f.recordId, f.contribution]).sort(), [[penaltyId, -80], [redId, 180]].sort());
  assert.deepEqual(profile.records.map((r: { record: { recordId: string; department: string; category: string; status: string } }) => [r.record.recordId, r.record.department, r.record.category, r.record.status]),
    [[redId, CREDIT, 'RED_LIST', 'active'], [penaltyId, MARKET, 'ADMINISTRATIVE_PENALTY', 'active']]);
  assert.deepEqual(profile.history, [{ grade: 'A', trigger: { kind: 'record', recordId: redId } }, { grade: 'C', trigger: { kind: 'record', recordId: penaltyId } }]);
  assert.equal(profile.memberships.length, 1);
  assert.equal(profile.memberships[0].list, 'RED_LIST');
  const unknown = await graph('{ subject(subject: { uscc: "91320214000000099X" }) { standing { grade } } }');
  assert.deepEqual(unknown.body.errors.map((e: { extensions: { code: string; field: string } }) => [e.extensions.code, e.extensions.field]), [['BAD_USER_INPUT', 'subject.uscc']]);
});

test('search filters by grade, category, district, industry and list, a page at a time by cursor', async () => {
  const search = async (filter: object, first = 50, after?: string) => {
    const { body } = await graph('query ($filter: SubjectFilter, $first: Int, $after: String) { subjects(filter: $filter, first: $first, after: $after) { nodes { subject grade } pageInfo { endCursor hasNextPage } } }', { filter, first, after });
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    return body.data.subjects;
  };
  assert.deepEqual((await search({ district: '320213' })).nodes.map((n: { subject: string }) => n.subject), [`E:${SOCIETY}`, `E:${LIANGXI}`].sort());
  assert.deepEqual((await search({ industry: '51' })).nodes, [{ subject: `E:${SOCIETY}`, grade: 'D' }]);
  assert.deepEqual((await search({ grade: 'A' })).nodes, [{ subject: `E:${XINWU}`, grade: 'A' }]);
  assert.deepEqual((await search({ category: 'ADMINISTRATIVE_PENALTY' })).nodes, [{ subject: `E:${XINWU}`, grade: 'A' }]);
  assert.deepEqual((await search({ list: 'SERIOUSLY_DISHONEST_LIST' })).nodes, [{ subject: `E:${SOCIETY}`, grade: 'D' }]);
  const first = await search({}, 2);
  assert.deepEqual([first.nodes.length, first.pageInfo.hasNextPage], [2, true]);
  const second = await search({}, 2, first.pageInfo.endCursor);
  assert.deepEqual([second.nodes.length, second.pageInfo], [1, { endCursor: null, hasNextPage: false }]);
  assert.deepEqual([...first.nodes, ...second.nodes].map((n: { subject: string }) => n.subject), [`E:${XINWU}`, `E:${LIANGXI}`, `E:${SOCIETY}`].sort());
  const bad = await graph('{ subjects(after: "bm90IGEgY3Vyc29y") { nodes { subject } } }');
  assert.deepEqual(bad.body.errors.map((e: { extensions: { code: string; field: string } }) => [e.extensions.code, e.extensions.field]), [['BAD_USER_INPUT', 'after']]);
});

test('grade distribution, in the city and in a district; changes over a period with their transitions', async () => {
  const { body } = await graph('{ city: gradeDistribution { A B C D total } liangxi: gradeDistribution(district: "320213") { A B C D total } }');
  assert.deepEqual(body.data, { city: { A: 1, B: 1, C: 0, D: 1, total: 3 }, liangxi: { A: 0, B: 1, C: 0, D: 1, total: 2 } });
  const changes = await graph('query ($from: String!, $until: String!) { gradeChanges(from: $from, until: $until) { transitions { from to count } changes { subject from to } } }',
    { from: beforeSecondRecord, until: new Date(Date.now() + 60_000).toISOString() });
  assert.deepEqual(changes.body.data.gradeChanges.transitions, [{ from: null, to: 'B', count: 1 }, { from: null, to: 'D', count: 1 }, { from: 'C', to: 'A', count: 1 }]);
  assert.deepEqual(changes.body.data.gradeChanges.changes.map((c: { subject: string }) => c.subject), [`E:${XINWU}`, `E:${LIANGXI}`, `E:${SOCIETY}`]);
  const backwards = await graph('{ gradeChanges(from: "2027-02-01T00:00:00Z", until: "2027-01-01T00:00:00Z") { transitions { count } } }');
  assert.deepEqual(backwards.body.errors.map((e: { extensions: { code: string; field: string } }) => [e.extensions.code, e.extensions.field]), [['BAD_USER_INPUT', 'until']]);
});

test('why the grade changed between two dates: the evaluations, model versions and records involved', async () => {
  // A new model version, and the credit office re-evaluates the subject under it.
  await rest('POST', '/api/v1/credit/models', tokens.creditAdmin!, exampleCreditModel({ version: 2, gradeThresholds: { A: 900, B: 650, C: 500 } }));
  const reevaluated = await rest('POST', '/api/v1/credit/reevaluations', tokens.creditOfficer!, { subject: { kind: 'enterprise', uscc: XINWU } });
  await untilIndexed(reevaluated.evaluationId);
  const { body } = await graph(`query ($uscc: String, $from: String!, $until: String!) { whyGradeChanged(subject: { uscc: $uscc }, from: $from, until: $until) {
    atFrom { grade modelVersion } atUntil { grade modelVersion } evaluations { grade modelVersion trigger { kind } } modelVersions
    records { record { recordId category } change contributionAtFrom contributionAtUntil } } }`, { uscc: XINWU, from: beforeSecondRecord, until: new Date(Date.now() + 60_000).toISOString() });
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  const why = body.data.whyGradeChanged;
  assert.deepEqual([why.atFrom, why.atUntil], [{ grade: 'C', modelVersion: 1 }, { grade: 'B', modelVersion: 2 }]);
  assert.deepEqual(why.evaluations, [{ grade: 'A', modelVersion: 1, trigger: { kind: 'record' } }, { grade: 'B', modelVersion: 2, trigger: { kind: 'reevaluation' } }]);
  assert.deepEqual(why.modelVersions, [1, 2]);
  assert.deepEqual(why.records, [{ record: { recordId: redId, category: 'RED_LIST' }, change: 'added', contributionAtFrom: null, contributionAtUntil: 180 }]);
});
