import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Value } from '@sinclair/typebox/value';
import { identityNumberProblem } from '../subjects/identity-number';
import { startLedgerTestGateway, type LedgerTestGateway } from '../test-support/ledger-test-gateway';
import { newGpgHome, type GpgHome } from '../test-support/gpg-home';
import { AUDIT_BUNDLE_FORMAT, AuditBundleSchema, jsonDigest, parseAuditBundle } from './audit-bundle';
import { verifyAuditBundle } from './verify-audit-bundle';

/**
 * `POST /api/v1/audit/bundles` on an embedded ledger with the credit service's indexer running:
 * real sealed trails, exported by an auditor, and the bundle checked offline. The gateway runs
 * with a cap of 3 trails per bundle, so the cap is reached with a few real trails.
 */
const MARKET = 'MarketRegulationMSP';
const CREDIT = 'CreditOfficeMSP';
const ITEM = 'MR-PERSON-BUNDLE';
const PURPOSE = 'credit-repair.review';
const CAP = 3;

let gateway: LedgerTestGateway;
let auditor: { token: string; username: string };
let officer: string;
let basis: string;
let people = 0;

async function call(url: string, token: string, body: object) {
  const response = await gateway.server.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}` }, payload: body });
  return { status: response.statusCode, headers: response.headers, text: response.body, bytes: response.rawPayload, body: String(response.headers['content-type']).startsWith('application/json') ? response.json() : undefined };
}

/** A well-formed identity number no other test uses. */
function identityNumber(): string {
  people += 1;
  const digits = `3301${String(process.pid % 100).padStart(2, '0')}1985${String(people).padStart(7, '0')}`;
  const number = [...'0123456789X'].map((check) => digits + check).find((candidate) => identityNumberProblem(candidate) === undefined);
  assert.ok(number);
  return number;
}

/** An exchange about the person under the suite's legal basis (or for another purpose, refused); its trail id. */
async function exchange(identity: string, purpose = PURPOSE): Promise<string> {
  const response = await call('/api/v1/exchange', officer, { subject: { kind: 'person', identityNumber: identity }, items: [ITEM], purpose, authorizationId: basis, caseReference: 'YWTB-2027-BUNDLE' });
  return response.status === 200 ? response.body.receipt.trailId : response.body.error.details.refusalTrailId;
}

before(async () => {
  gateway = await startLedgerTestGateway({ offchainIndex: true, env: { GATEWAY_AUDIT_BUNDLE_MAX_TRAILS: String(CAP) } });
  const admin = (await gateway.userWithToken('admin', MARKET)).token;
  const item = await call('/api/v1/catalog/items', admin, { code: ITEM, name: '个人信息', shareType: 'conditional', sensitivity: 3 });
  assert.equal(item.status, 201, item.text);
  const legalBasis = await call('/api/v1/authorizations/legal-bases', admin, { grantee: CREDIT, items: [ITEM], purpose: PURPOSE, scenario: '一网通办: 信用修复', validFrom: new Date(Date.now() - 60_000).toISOString(), validUntil: new Date(Date.now() + 365 * 86_400_000).toISOString() });
  assert.equal(legalBasis.status, 201, legalBasis.text);
  basis = legalBasis.body.authorizationId;
  officer = (await gateway.userWithToken('department-officer', CREDIT)).token;
  const { user, token } = await gateway.userWithToken('auditor');
  auditor = { token, username: user.username };
});

after(() => gateway?.close());

describe('an auditor exports a signed audit bundle', () => {
  test('every trail about a person, each with its proof, under a manifest sealed by the gateway\'s department: it verifies offline', async () => {
    const person = identityNumber();
    const trailIds = [await exchange(person), await exchange(person, 'marketing.campaign'), await exchange(person)];
    await exchange(identityNumber());
    await gateway.untilIndexed(...trailIds);

    const response = await call('/api/v1/audit/bundles', auditor.token, { subject: { kind: 'person', identityNumber: person } });
    assert.equal(response.status, 200, response.text.slice(0, 500));
    assert.match(String(response.headers['content-type']), /^application\/json/);
    assert.match(String(response.headers['content-disposition']), /^attachment; filename="audit-bundle-[0-9T-]+Z\.json"$/);
    assert.equal(response.text.includes(person), false, 'the identity number is in no part of the bundle');
    assert.ok(Value.Check(AuditBundleSchema, response.body), 'the bundle is what the OpenAPI schema documents');

    const bundle = parseAuditBundle(response.body);
    const platform = gateway.services.config.departments[0]!.mspId;
    const subjectKey = gateway.services.subjectKeys.derive(person);
    assert.equal(bundle.format, AUDIT_BUNDLE_FORMAT);
    assert.deepEqual(bundle.manifest.query, { subject: { kind: 'person', subjectKey } });
    assert.deepEqual([bundle.manifest.auditor, bundle.manifest.department, bundle.seal.department], [auditor.username, platform, platform]);
    assert.deepEqual(bundle.manifest.entries.map((entry) => entry.trailId), [...trailIds].reverse(), 'newest first, exactly the person\'s trails');
    assert.deepEqual(bundle.entries.map((entry) => entry.trail.outcome), ['granted', 'refused', 'granted']);
    for (const [i, entry] of bundle.entries.entries()) assert.equal(bundle.manifest.entries[i]!.digest, jsonDigest(entry).toString('hex'));
    assert.equal(bundle.seal.digest, jsonDigest(bundle.manifest).toString('hex'));

    const report = await verifyAuditBundle(bundle);
    assert.equal(report.valid, true, JSON.stringify(report.firstFailure));
    assert.equal(report.entriesValid, 3);

    // The seal is an ordinary document seal of the department: the public verification service knows it.
    const verified = await gateway.server.inject({ method: 'POST', url: '/api/v1/seals/verify', payload: { digest: bundle.seal.digest, keyId: bundle.seal.keyId, signature: bundle.seal.signature, department: platform } });
    assert.equal(verified.statusCode, 200, verified.body);
    assert.equal(verified.json().attestation.transactionId, bundle.seal.attestation.transactionId);
  });

  test('a search matching more trails than a bundle holds is refused 400, asking to narrow it', async () => {
    const person = identityNumber();
    const trailIds = [];
    for (let i = 0; i <= CAP; i++) trailIds.push(await exchange(person));
    await gateway.untilIndexed(...trailIds);
    const response = await call('/api/v1/audit/bundles', auditor.token, { subject: { kind: 'person', identityNumber: person } });
    assert.deepEqual([response.status, response.body.error.code, response.body.error.details.limit], [400, 'invalid_request', CAP]);
    assert.match(response.body.error.message, /^the search matches more than 3 trails, more than one audit bundle holds; narrow it/);
  });

  test('a citizen or a department officer is refused 403, naming who may', async () => {
    const citizen = await gateway.userWithToken('citizen');
    for (const token of [citizen.token, officer]) {
      const response = await call('/api/v1/audit/bundles', token, { department: CREDIT });
      assert.deepEqual([response.status, response.body.error.code, response.body.error.details.allowedRoles], [403, 'forbidden', ['auditor']]);
    }
  });

  test('filters are validated as the search\'s: paging is no filter of a bundle, and a bad field is a 400 naming it', async () => {
    for (const [body, field] of [[{ pageSize: 10 }, 'pageSize'], [{ bookmark: '' }, 'bookmark'], [{ from: 'yesterday' }, 'from'], [{ department: 'market' }, 'department']] as const) {
      const response = await call('/api/v1/audit/bundles', auditor.token, body);
      assert.deepEqual([response.status, response.body.error.code, response.body.error.details.field], [400, 'invalid_request', field], response.text);
    }
  });
});

describe('an auditor exports an audit bundle encrypted to their OpenPGP key', () => {
  let gpg: GpgHome;
  before(async () => {
    gpg = newGpgHome();
    await gpg.generateKey('audit@example.org', 'encrypt');
    await gpg.generateKey('signing-only@example.org', 'sign');
  });
  after(() => gpg?.close());

  test('with a public key exported by gpg, the answer is an OpenPGP message that gpg decrypts into the signed bundle, which verifies', async () => {
    const person = identityNumber();
    const trailIds = [await exchange(person), await exchange(person)];
    await gateway.untilIndexed(...trailIds);

    const response = await call('/api/v1/audit/bundles', auditor.token, { subject: { kind: 'person', identityNumber: person }, openpgpPublicKey: await gpg.exportPublicKey('audit@example.org') });
    assert.equal(response.status, 200, response.text.slice(0, 500));
    assert.equal(response.headers['content-type'], 'application/pgp-encrypted');
    assert.match(String(response.headers['content-disposition']), /^attachment; filename="audit-bundle-[0-9T-]+Z\.json\.pgp"$/);
    assert.equal(response.bytes.includes(Buffer.from(AUDIT_BUNDLE_FORMAT)), false, 'nothing of the bundle is readable without the key');

    const bundle = parseAuditBundle(JSON.parse((await gpg.decrypt(response.bytes)).toString('utf8')));
    assert.deepEqual(bundle.manifest.entries.map((entry) => entry.trailId), [...trailIds].reverse());
    const report = await verifyAuditBundle(bundle);
    assert.equal(report.valid, true, JSON.stringify(report.firstFailure));
    assert.equal(report.entriesValid, 2);
  });

  test('the OpenAPI document shows the key field and both answers: the JSON bundle and the OpenPGP message', async () => {
    const document = (await gateway.server.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    const operation = document.paths['/api/v1/audit/bundles'].post;
    assert.equal(operation.requestBody.content['application/json'].schema.properties.openpgpPublicKey.type, 'string');
    assert.deepEqual(Object.keys(operation.responses['200'].content), ['application/json', 'application/pgp-encrypted']);
    assert.deepEqual(operation.responses['200'].content['application/pgp-encrypted'].schema.format, 'binary');
  });

  test('a key that is not an armored OpenPGP public key, a private key, or a key that cannot encrypt is refused 400 naming the field, saying what to send', async () => {
    const cases = [
      ['not a key', /^openpgpPublicKey is not an ASCII-armored OpenPGP public key \(.+\); export yours with `gpg --armor --export <your e-mail>`/],
      [await gpg.exportPrivateKey('audit@example.org'), /^openpgpPublicKey is a private key; send only its public half/],
      [await gpg.exportPublicKey('signing-only@example.org'), /^openpgpPublicKey \(key [0-9A-F]{40}\) has no key that can encrypt now \(.+\); add an encryption subkey/],
    ] as const;
    for (const [openpgpPublicKey, message] of cases) {
      const response = await call('/api/v1/audit/bundles', auditor.token, { department: CREDIT, openpgpPublicKey });
      assert.deepEqual([response.status, response.body.error.code, response.body.error.details.field], [400, 'invalid_request', 'openpgpPublicKey'], response.text);
      assert.match(response.body.error.message, message);
    }
  });
});
