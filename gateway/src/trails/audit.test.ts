import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { identityNumberProblem } from '../subjects/identity-number';
import { startLedgerTestGateway, type LedgerTestGateway } from '../test-support/ledger-test-gateway';

/**
 * Auditors on the embedded ledger with the credit service's indexer running, through the REST
 * API: tracing share trails in the off-chain index, and each anomaly rule meeting real sealed
 * trails that trigger it beside trails that do not. Each test makes its own officers, subjects
 * and authorizations and reads the report from its own start, so it passes alone and in any order.
 */
const MARKET = 'MarketRegulationMSP';
const CREDIT = 'CreditOfficeMSP';
const PERSON_ITEM = 'MR-PERSON-LICENCE';
const OTHER_ITEM = 'MR-PERSON-TAX';
const PURPOSE = 'credit-repair.review';
const inAYear = () => new Date(Date.now() + 365 * 86_400_000).toISOString();
const aMinuteAgo = () => new Date(Date.now() - 60_000).toISOString();

let gateway: LedgerTestGateway;
let marketAdmin: string;
let auditor: string;
let people = 0;

async function call(method: 'GET' | 'POST', url: string, token: string, body?: object) {
  const response = await gateway.server.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(body ? { payload: body } : {}) });
  return { status: response.statusCode, body: response.json(), text: response.body };
}

/** A well-formed identity number no other test uses: its check character is the one the gateway accepts. */
function identityNumber(): string {
  people += 1;
  const digits = `3205${String(process.pid % 100).padStart(2, '0')}1990${String(people).padStart(7, '0')}`;
  const number = [...'0123456789X'].map((check) => digits + check).find((candidate) => identityNumberProblem(candidate) === undefined);
  assert.ok(number, `no check character fits ${digits}`);
  return number;
}

/** A department officer of the credit office, with the pseudonym the ledger knows them by. */
async function creditOfficer(): Promise<{ token: string; pseudonym: string }> {
  const { user, token } = await gateway.userWithToken('department-officer', CREDIT);
  return { token, pseudonym: gateway.services.subjectKeys.officerPseudonym(user.id) };
}

async function legalBasis(overrides: object = {}): Promise<string> {
  const basis = await call('POST', '/api/v1/authorizations/legal-bases', marketAdmin, { grantee: CREDIT, items: [PERSON_ITEM], purpose: PURPOSE, scenario: '一网通办: 信用修复', validFrom: aMinuteAgo(), validUntil: inAYear(), ...overrides });
  assert.equal(basis.status, 201, JSON.stringify(basis.body));
  return basis.body.authorizationId;
}

/** An exchange about a person; returns the trail id of the access, or of the refused attempt. */
async function exchange(officer: string, authorizationId: string, identity: string, overrides: object = {}): Promise<{ status: number; trailId: string; check?: string }> {
  const response = await call('POST', '/api/v1/exchange', officer, { subject: { kind: 'person', identityNumber: identity }, items: [PERSON_ITEM], purpose: PURPOSE, authorizationId, caseReference: 'YWTB-2027-AUDIT', ...overrides });
  if (response.status === 200) return { status: 200, trailId: response.body.receipt.trailId };
  assert.equal(response.body.error.code, 'access_refused', JSON.stringify(response.body));
  return { status: response.status, trailId: response.body.error.details.refusalTrailId, check: response.body.error.details.check };
}

interface Finding {
  rule: string;
  department: string;
  officer?: string;
  authorizationId?: string;
  trails: { trailId: string; transactionId: string; blockNumber: number; outcome: string }[];
  trailCount: number;
  reason: string;
}

/** The anomaly report since `since`, with `query` parameters, once the index holds `trailIds`. */
async function report(since: string, query: string, trailIds: string[]): Promise<Finding[]> {
  await gateway.untilIndexed(...trailIds);
  const response = await call('GET', `/api/v1/audit/anomalies?from=${encodeURIComponent(since)}&${query}`, auditor);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body.findings;
}

const trailIdsOf = (finding: Finding | undefined) => finding?.trails.map((t) => t.trailId).sort();

before(async () => {
  gateway = await startLedgerTestGateway({ offchainIndex: true });
  marketAdmin = (await gateway.userWithToken('admin', MARKET)).token;
  auditor = (await gateway.userWithToken('auditor')).token;
  for (const code of [PERSON_ITEM, OTHER_ITEM]) {
    const item = await call('POST', '/api/v1/catalog/items', marketAdmin, { code, name: `个人信息 ${code}`, shareType: 'conditional', sensitivity: 3 });
    assert.equal(item.status, 201, JSON.stringify(item.body));
  }
});

after(() => gateway?.close());

describe('who may audit', () => {
  test('a citizen or a department officer calling the auditors\' endpoints is refused 403, naming who may', async () => {
    const citizen = await gateway.userWithToken('citizen');
    const officer = await gateway.userWithToken('department-officer', CREDIT);
    for (const token of [citizen.token, officer.token]) {
      const search = await call('POST', '/api/v1/audit/trails/search', token, { department: CREDIT });
      assert.deepEqual([search.status, search.body.error.code, search.body.error.details.allowedRoles], [403, 'forbidden', ['auditor']]);
      const anomalies = await call('GET', '/api/v1/audit/anomalies', token);
      assert.deepEqual([anomalies.status, anomalies.body.error.code], [403, 'forbidden']);
    }
  });

  test('bad filters are a 400 naming the field, and a malformed identity number is not echoed back', async () => {
    const cases: [string, string, object | undefined, string][] = [
      ['POST', '/api/v1/audit/trails/search', { from: '2027-02-01T00:00:00Z', until: '2027-01-01T00:00:00Z' }, 'until'],
      ['POST', '/api/v1/audit/trails/search', { from: 'yesterday' }, 'from'],
      ['POST', '/api/v1/audit/trails/search', { bookmark: 'f'.repeat(64) }, 'bookmark'],
      ['POST', '/api/v1/audit/trails/search', { pageSize: 501 }, 'pageSize'],
      ['POST', '/api/v1/audit/trails/search', { department: 'market' }, 'department'],
      ['POST', '/api/v1/audit/trails/search', { subjectKey: 'a'.repeat(64) }, 'subjectKey'],
      ['GET', '/api/v1/audit/anomalies?bulkSubjects=0', undefined, 'querystring.bulkSubjects'],
      ['GET', '/api/v1/audit/anomalies?rule=bulk-pull,nosy', undefined, 'querystring.rule'],
      ['GET', '/api/v1/audit/anomalies?from=2027-02-01T00:00:00Z&until=2027-01-01T00:00:00Z', undefined, 'querystring.until'],
      ['GET', '/api/v1/audit/anomalies?groupBy=team', undefined, 'querystring.groupBy'],
    ];
    for (const [method, url, body, field] of cases) {
      const response = await call(method as 'GET' | 'POST', url, auditor, body);
      assert.deepEqual([response.status, response.body.error.code, response.body.error.details.field], [400, 'invalid_request', field], `${url} ${JSON.stringify(body)}: ${response.text}`);
    }
    const typo = '110101199003074259';
    const person = await call('POST', '/api/v1/audit/trails/search', auditor, { subject: { kind: 'person', identityNumber: typo } });
    assert.deepEqual([person.status, person.body.error.details.field], [400, 'subject.identityNumber']);
    assert.equal(person.text.includes(typo), false, 'the answer does not repeat the identity number');
  });
});

describe('an auditor traces share trails', () => {
  test('by subject (an identity number, answered with its key only), officer, department, item, authorization, outcome and time, a page at a time', async () => {
    const since = new Date().toISOString();
    const officer = await creditOfficer();
    const basis = await legalBasis();
    const someone = identityNumber();
    const first = await exchange(officer.token, basis, someone);
    const second = await exchange(officer.token, basis, someone);
    const refused = await exchange(officer.token, basis, someone, { purpose: 'marketing.campaign' });
    const other = await exchange(officer.token, basis, identityNumber());
    assert.deepEqual([first.status, second.status, refused.status, other.status], [200, 200, 403, 200]);
    await gateway.untilIndexed(first.trailId, second.trailId, refused.trailId, other.trailId);
    const search = async (body: object) => {
      const response = await call('POST', '/api/v1/audit/trails/search', auditor, body);
      assert.equal(response.status, 200, JSON.stringify(response.body));
      return response;
    };

    const bySubject = await search({ subject: { kind: 'person', identityNumber: someone } });
    assert.deepEqual(bySubject.body.trails.map((t: { trailId: string }) => t.trailId), [refused.trailId, second.trailId, first.trailId], 'newest first');
    assert.deepEqual(bySubject.body.trails[0].subject, { kind: 'person', subjectKey: gateway.services.subjectKeys.derive(someone) });
    assert.equal(bySubject.text.includes(someone), false, 'the answer never holds the identity number');
    assert.equal(bySubject.body.trails[1].transactionId, second.trailId);
    assert.ok(bySubject.body.index.blockNumber >= bySubject.body.trails[0].blockNumber, 'the index says it holds at least the newest trail\'s block');

    const byOfficer = await search({ officer: officer.pseudonym, from: since });
    assert.deepEqual(byOfficer.body.trails.map((t: { trailId: string }) => t.trailId), [other.trailId, refused.trailId, second.trailId, first.trailId]);
    const refusedOnly = await search({ officer: officer.pseudonym, outcome: 'refused' });
    assert.deepEqual(refusedOnly.body.trails.map((t: { trailId: string; refusal: { check: string } }) => [t.trailId, t.refusal.check]), [[refused.trailId, 'purpose_out_of_scope']]);
    const byAuthorization = await search({ authorizationId: basis, department: CREDIT, item: PERSON_ITEM, purpose: PURPOSE });
    assert.deepEqual(byAuthorization.body.trails.map((t: { trailId: string }) => t.trailId), [other.trailId, second.trailId, first.trailId]);
    const before = await search({ authorizationId: basis, until: since });
    assert.deepEqual(before.body.trails, []);
    assert.deepEqual((await search({ department: MARKET, from: since })).body.trails, [], 'Market Regulation made no access');

    const pages: string[] = [];
    let bookmark = '';
    do {
      const page = await search({ officer: officer.pseudonym, pageSize: 3, ...(bookmark ? { bookmark } : {}) });
      pages.push(page.body.trails.map((t: { trailId: string }) => t.trailId).join(','));
      bookmark = page.body.bookmark;
    } while (bookmark);
    assert.deepEqual(pages, [[other.trailId, refused.trailId, second.trailId].join(','), first.trailId]);
  });
});

describe('the anomaly report', () => {
  test('bulk-pull: an officer reading more than N subjects within the window, per officer or per department', async () => {
    const since = new Date().toISOString();
    const [bulk, calm] = [await creditOfficer(), await creditOfficer()];
    const basis = await legalBasis();
    const pulled = [];
    for (let i = 0; i < 4; i++) pulled.push(await exchange(bulk.token, basis, identityNumber()));
    const again = await exchange(bulk.token, basis, identityNumber());
    const calmReads = [await exchange(calm.token, basis, identityNumber()), await exchange(calm.token, basis, identityNumber())];
    const all = [...pulled, again, ...calmReads].map((r) => r.trailId);

    const perOfficer = await report(since, 'rule=bulk-pull&bulkSubjects=4&bulkWindowMinutes=60', all);
    assert.deepEqual(perOfficer.map((f) => [f.rule, f.department, f.officer, f.trailCount]), [['bulk-pull', CREDIT, bulk.pseudonym, 5]], 'the calm officer read 2 subjects: no finding');
    assert.deepEqual(trailIdsOf(perOfficer[0]), [...pulled.map((r) => r.trailId), again.trailId].sort());
    assert.match(perOfficer[0]!.reason, /^read the data of 5 distinct subjects within 01:00:00 \(more than 4\)/);
    assert.ok(perOfficer[0]!.trails.every((t) => t.transactionId === t.trailId && t.blockNumber > 0 && t.outcome === 'granted'));

    const perDepartment = await report(since, 'rule=bulk-pull&bulkSubjects=6&groupBy=department', all);
    assert.deepEqual(perDepartment.map((f) => [f.department, f.officer, f.trailCount]), [[CREDIT, undefined, 7]]);
    assert.deepEqual(await report(since, 'rule=bulk-pull&bulkSubjects=7&groupBy=department', all), [], 'seven subjects are not more than seven');
  });

  test('outside-window: attempts under an authorization not yet valid or already revoked, and not the accesses within it', async () => {
    const since = new Date().toISOString();
    const officer = await creditOfficer();
    const early = await exchange(officer.token, await legalBasis({ validFrom: inAYear(), validUntil: new Date(Date.now() + 2 * 365 * 86_400_000).toISOString() }), identityNumber());
    const { consent, token: citizen, identity } = await consentingCitizen();
    const lawful = await exchange(officer.token, consent, identity);
    const revoke = await call('POST', `/api/v1/me/consents/${consent}/revoke`, citizen, { reason: '不再同意' });
    assert.equal(revoke.status, 200, JSON.stringify(revoke.body));
    const late = await exchange(officer.token, consent, identity);
    assert.deepEqual([early.check, lawful.status, late.check], ['authorization_not_yet_valid', 200, 'authorization_revoked']);

    const findings = await report(since, 'rule=outside-window', [early.trailId, lawful.trailId, late.trailId]);
    assert.deepEqual(findings.map((f) => [f.rule, f.officer, trailIdsOf(f)![0]]), [
      ['outside-window', officer.pseudonym, late.trailId],
      ['outside-window', officer.pseudonym, early.trailId],
    ], 'newest first; the access while the consent was live is no finding');
    assert.match(findings[0]!.reason, /refused, authorization_revoked: .*不再同意/);
    assert.equal(findings[0]!.authorizationId, consent);
  });

  test('out-of-scope: a purpose or an item the authorization does not cover, and not the access within its scope', async () => {
    const since = new Date().toISOString();
    const officer = await creditOfficer();
    const basis = await legalBasis();
    const someone = identityNumber();
    const inScope = await exchange(officer.token, basis, someone);
    const purpose = await exchange(officer.token, basis, someone, { purpose: 'marketing.campaign' });
    const item = await exchange(officer.token, basis, someone, { items: [PERSON_ITEM, OTHER_ITEM] });
    assert.deepEqual([inScope.status, purpose.check, item.check], [200, 'purpose_out_of_scope', 'item_out_of_scope']);

    const findings = await report(since, 'rule=out-of-scope', [inScope.trailId, purpose.trailId, item.trailId]);
    assert.deepEqual(findings.map((f) => [f.rule, f.officer, f.authorizationId, trailIdsOf(f)![0]]), [
      ['out-of-scope', officer.pseudonym, basis, item.trailId],
      ['out-of-scope', officer.pseudonym, basis, purpose.trailId],
    ]);
    assert.match(findings[1]!.reason, /refused, purpose_out_of_scope: .*not marketing\.campaign/);
  });

  test('revoked-after-use: a consent withdrawn soon after an access under it, and not one still in force', async () => {
    const since = new Date().toISOString();
    const officer = await creditOfficer();
    const withdrawn = await consentingCitizen();
    const kept = await consentingCitizen();
    const used = await exchange(officer.token, withdrawn.consent, withdrawn.identity);
    const revoke = await call('POST', `/api/v1/me/consents/${withdrawn.consent}/revoke`, withdrawn.token, { reason: '我没有办理此业务' });
    // Committed after the revocation: once the index holds it, it holds the revocation too.
    const alsoUsed = await exchange(officer.token, kept.consent, kept.identity);
    assert.deepEqual([used.status, revoke.status, alsoUsed.status], [200, 200, 200]);

    const findings = await report(since, 'rule=revoked-after-use&revokedWithinMinutes=60', [used.trailId, alsoUsed.trailId]);
    assert.deepEqual(findings.map((f) => [f.rule, f.department, f.authorizationId, trailIdsOf(f)]), [['revoked-after-use', CREDIT, withdrawn.consent, [used.trailId]]]);
    assert.match(findings[0]!.reason, /\(consent\) was revoked at .* \(我没有办理此业务\) within 01:00:00 after 1 access\(es\) under it: the subject may have withdrawn it/);
  });

  test('repeated-refusals: an officer refused N times within the window, and not one refused fewer times', async () => {
    const since = new Date().toISOString();
    const [prober, clumsy] = [await creditOfficer(), await creditOfficer()];
    const basis = await legalBasis();
    const probes = [];
    for (let i = 0; i < 3; i++) probes.push(await exchange(prober.token, basis, identityNumber(), { purpose: 'marketing.campaign' }));
    const slip = await exchange(clumsy.token, basis, identityNumber(), { purpose: 'marketing.campaign' });
    const findings = await report(since, 'rule=repeated-refusals&refusals=3&refusalWindowMinutes=10', [...probes, slip].map((r) => r.trailId));
    assert.deepEqual(findings.map((f) => [f.rule, f.officer, f.trailCount]), [['repeated-refusals', prober.pseudonym, 3]]);
    assert.deepEqual(trailIdsOf(findings[0]), probes.map((r) => r.trailId).sort());
    assert.ok(findings[0]!.trails.every((t) => t.outcome === 'refused'));
    assert.match(findings[0]!.reason, /^was refused 3 times within 00:10:00 \(3 or more\)/);
  });

  test('every rule runs by default, with its parameters in the answer and the index\'s freshness', async () => {
    const response = await call('GET', '/api/v1/audit/anomalies', auditor);
    assert.equal(response.status, 200);
    assert.deepEqual(response.body.parameters, { rules: ['bulk-pull', 'outside-window', 'out-of-scope', 'revoked-after-use', 'repeated-refusals'], groupBy: 'officer', bulkSubjects: 50, bulkWindowMinutes: 60, refusals: 3, refusalWindowMinutes: 60, revokedWithinMinutes: 1440, limit: 100, trailsPerFinding: 50 });
    assert.equal(Date.parse(response.body.until) - Date.parse(response.body.from), 7 * 86_400_000);
    assert.equal(typeof response.body.index.blockNumber, 'number');
  });
});

/** A citizen who consents to the credit office using their licence record for the review. */
async function consentingCitizen(): Promise<{ consent: string; token: string; identity: string }> {
  const identity = identityNumber();
  const citizen = await gateway.services.users.create({ username: `citizen.audit.${people}`, role: 'citizen', subjectKey: gateway.services.subjectKeys.derive(identity), loginPublicKey: 'not used: these tests sign in with tokens' }, 'audit test');
  const token = gateway.services.tokens.issue(citizen.id, citizen.role).token;
  const consent = await call('POST', '/api/v1/me/consents', token, { grantee: CREDIT, items: [PERSON_ITEM], purpose: PURPOSE, validFrom: aMinuteAgo(), validUntil: inAYear() });
  assert.equal(consent.status, 201, JSON.stringify(consent.body));
  return { consent: consent.body.authorizationId, token, identity };
}
