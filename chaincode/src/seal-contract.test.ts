import './testing/quiet-chaincode-logs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson, generateSm2KeyPair, sealKeyId, sm2Sign, sm3, type Sm2KeyPair } from '@citytrust/shared';
import type { Context } from 'fabric-contract-api';
import { SealContract } from './seal-contract';
import type { Seal } from '@citytrust/shared';
import type { SealKey } from '@citytrust/shared';
import type { DocumentAttestation, DocumentSealVerification, SealKeyVersion } from '@citytrust/shared';
import { requireSealedRecord } from './seals/seal-verification';
import { InMemoryLedger } from './testing/in-memory-ledger';
import { CREDIT_OFFICE_ADMIN_PEM, MARKET_REGULATION_ADMIN_PEM, MARKET_REGULATION_CLIENT_PEM } from './testing/test-department-certificates';

const contract = new SealContract();
const MARKET = 'MarketRegulationMSP';
const CREDIT = 'CreditOfficeMSP';
const marketAdmin = { mspId: MARKET, certificatePem: MARKET_REGULATION_ADMIN_PEM };
const marketOfficer = { mspId: MARKET, certificatePem: MARKET_REGULATION_CLIENT_PEM };
const creditAdmin = { mspId: CREDIT, certificatePem: CREDIT_OFFICE_ADMIN_PEM };
type Creator = typeof marketAdmin;

/** 2027-01-01T00:00:00Z plus `days`, as a transaction timestamp. */
function day(days: number): { seconds: number; nanos: number } {
  return { seconds: Date.UTC(2027, 0, 1) / 1000 + days * 86_400, nanos: 0 };
}

async function submit(ledger: InMemoryLedger, creator: Creator, when: number, invoke: (ctx: Context) => Promise<string>): Promise<string> {
  const transaction = ledger.newTransaction({ creator, timestamp: day(when) });
  const result = await invoke(transaction.context());
  ledger.commit(transaction);
  return result;
}

async function evaluate<T>(ledger: InMemoryLedger, when: number, invoke: (ctx: Context) => Promise<string>): Promise<T> {
  return JSON.parse(await invoke(ledger.newTransaction({ timestamp: day(when) }).context())) as T;
}

function sealOf(keys: Sm2KeyPair, content: string): Seal {
  const digest = sm3(content);
  return { keyId: sealKeyId(keys.publicKey), digest: digest.toString('hex'), signature: sm2Sign(keys.privateKey, digest).toString('base64') };
}

/** A ledger where Market Regulation registered `keys` on day 0, valid for a year. */
async function withMarketKey(keys = generateSm2KeyPair()): Promise<{ ledger: InMemoryLedger; keys: Sm2KeyPair }> {
  const ledger = new InMemoryLedger();
  await submit(ledger, marketAdmin, 0, (ctx) => contract.registerKey(ctx, keys.publicKey.toPem(), '2028-01-01T00:00:00Z', ''));
  return { ledger, keys };
}

test('a department admin registers a seal key: its id is SM3 of the public key, and it becomes the current key', async () => {
  const keys = generateSm2KeyPair();
  const ledger = new InMemoryLedger();
  const transaction = ledger.newTransaction({ creator: marketAdmin, timestamp: day(0) });
  const key = JSON.parse(await contract.registerKey(transaction.context(), keys.publicKey.toPem(), '2028-01-01T00:00:00Z', '')) as SealKey;
  ledger.commit(transaction);
  assert.equal(key.keyId, sm3(keys.publicKey.toDer()).toString('hex'));
  assert.deepEqual({ ...key, registeredBy: undefined }, {
    keyId: key.keyId, department: MARKET, publicKey: keys.publicKey.toPem(), status: 'active',
    validFrom: '2027-01-01T00:00:00.000000000Z', validUntil: '2028-01-01T00:00:00.000000000Z', registeredAt: '2027-01-01T00:00:00.000000000Z', registeredBy: undefined,
  });
  assert.match(key.registeredBy, /^x509::\/C=CN\/O=MarketRegulation\/OU=admin\/CN=Admin@MarketRegulation::/);
  assert.equal(transaction.event?.name, 'seal.key');
  assert.deepEqual(await evaluate<SealKey[]>(ledger, 1, (ctx) => contract.listKeys(ctx, MARKET)), [key]);
});

test('only an admin may register a key: a department officer is refused and nothing is written', async () => {
  const ledger = new InMemoryLedger();
  const transaction = ledger.newTransaction({ creator: marketOfficer, timestamp: day(0) });
  await assert.rejects(contract.registerKey(transaction.context(), generateSm2KeyPair().publicKey.toPem(), '2028-01-01T00:00:00Z', ''),
    { message: /^\[seal:forbidden\] only an administrator of MarketRegulationMSP \(a certificate with OU=admin\) may register its seal keys/ });
  assert.equal(transaction.writes.size, 0);
});

test('a department with a current key is told to rotate instead of registering a second', async () => {
  const { ledger } = await withMarketKey();
  await assert.rejects(submit(ledger, marketAdmin, 1, (ctx) => contract.registerKey(ctx, generateSm2KeyPair().publicKey.toPem(), '2028-01-01T00:00:00Z', '')),
    { message: /^publicKeyPem cannot be registered: MarketRegulationMSP already has the current seal key [0-9a-f]{64}; rotate it/ });
});

test('a key that is not SM2, a backdated validity or a validity end before its start is refused with the argument named', async () => {
  const ledger = new InMemoryLedger();
  const register = (pem: string, until: string, from: string) => submit(ledger, marketAdmin, 0, (ctx) => contract.registerKey(ctx, pem, until, from));
  const pem = generateSm2KeyPair().publicKey.toPem();
  await assert.rejects(register('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n', '2028-01-01T00:00:00Z', ''), { message: /^publicKeyPem is not an SM2 public key/ });
  await assert.rejects(register(pem, '2028-01-01T00:00:00Z', '2026-12-31T00:00:00Z'), { message: /^validFrom must not be before the transaction's time/ });
  await assert.rejects(register(pem, '2026-06-01T00:00:00Z', ''), { message: /^validUntil must be after the key's validFrom/ });
  await assert.rejects(register(pem, 'next year', ''), { message: /^validUntil must be an RFC 3339 date-time/ });
  await assert.rejects(register(pem, '2027-02-30T00:00:00Z', ''), { message: /^validUntil is not a date that exists/ });
  await assert.rejects(register(pem, '2040-01-01T00:00:00Z', ''), { message: /^validUntil must be at most 10 years after validFrom/ });
});

test('a document sealed with the current key is attested with its department and time', async () => {
  const { ledger, keys } = await withMarketKey();
  const seal = sealOf(keys, 'business licence scan');
  const attestation = JSON.parse(await submit(ledger, marketOfficer, 5, (ctx) => contract.attestDocument(ctx, JSON.stringify(seal)))) as DocumentAttestation;
  assert.deepEqual(attestation, { ...seal, department: MARKET, sealedAt: '2027-01-06T00:00:00.000000000Z', transactionId: 'tx2' });
  const verification = await evaluate<DocumentSealVerification>(ledger, 100, (ctx) => contract.verifySeal(ctx, JSON.stringify(seal), ''));
  assert.equal(verification.valid, true);
  assert.equal(verification.checkedAt, attestation.sealedAt);
  assert.deepEqual(verification.attestation, attestation);
  const expectingCredit = await evaluate<DocumentSealVerification>(ledger, 100, (ctx) => contract.verifySeal(ctx, JSON.stringify(seal), CREDIT));
  assert.deepEqual(expectingCredit.valid ? undefined : expectingCredit.check, 'other_department');
});

test('forged, tampered, unknown and other departments\' seals are refused, each naming its check, and nothing is written', async () => {
  const { ledger, keys } = await withMarketKey();
  const creditKeys = generateSm2KeyPair();
  await submit(ledger, creditAdmin, 0, (ctx) => contract.registerKey(ctx, creditKeys.publicKey.toPem(), '2028-01-01T00:00:00Z', ''));
  const genuine = sealOf(keys, 'permit');
  const cases: Array<[string, Seal, RegExp]> = [
    ['forged signature', { ...genuine, signature: sm2Sign(generateSm2KeyPair().privateKey, Buffer.from(genuine.digest, 'hex')).toString('base64') }, /^\[seal:bad_signature\] the signature is not MarketRegulationMSP's SM2 signature/],
    ['tampered digest', { ...genuine, digest: sm3('another permit').toString('hex') }, /^\[seal:bad_signature\]/],
    ['unknown key', sealOf(generateSm2KeyPair(), 'permit'), /^\[seal:unknown_key\] seal key [0-9a-f]{64} is not registered on the ledger/],
    ['another department\'s key', sealOf(creditKeys, 'permit'), /^\[seal:other_department\] seal key [0-9a-f]{64} belongs to CreditOfficeMSP, but the record is submitted by MarketRegulationMSP/],
  ];
  for (const [name, seal, message] of cases) {
    const transaction = ledger.newTransaction({ creator: marketOfficer, timestamp: day(3) });
    await assert.rejects(contract.attestDocument(transaction.context(), JSON.stringify(seal)), { message }, name);
    assert.equal(transaction.writes.size, 0, name);
  }
  await assert.rejects(submit(ledger, marketOfficer, 3, (ctx) => contract.attestDocument(ctx, '{"keyId":"00","digest":"11","signature":"!"}')), { message: /^seal\.keyId must be 64 lower-case hex characters/ });
  await assert.rejects(submit(ledger, marketOfficer, 3, (ctx) => contract.attestDocument(ctx, JSON.stringify({ ...genuine, signature: 'AAAA' }))), { message: /^seal\.signature must be a DER SM2 signature in base64/ });
  await assert.rejects(submit(ledger, marketOfficer, 3, (ctx) => contract.attestDocument(ctx, JSON.stringify({ ...genuine, note: 1 }))), { message: /^seal has fields a seal does not have: note/ });
});

test('after rotation, old seals still verify as valid at their time, the old key seals no more, and the new key does', async () => {
  const { ledger, keys } = await withMarketKey();
  const before = sealOf(keys, 'issued before the rotation');
  await submit(ledger, marketOfficer, 1, (ctx) => contract.attestDocument(ctx, JSON.stringify(before)));
  const next = generateSm2KeyPair();
  const rotated = JSON.parse(await submit(ledger, marketAdmin, 2, (ctx) => contract.rotateKey(ctx, sealKeyId(keys.publicKey), next.publicKey.toPem(), '2029-01-01T00:00:00Z'))) as SealKey;
  assert.equal(rotated.validFrom, '2027-01-03T00:00:00.000000000Z');

  const old = await evaluate<DocumentSealVerification>(ledger, 3, (ctx) => contract.verifySeal(ctx, JSON.stringify(before), ''));
  assert.equal(old.valid, true);
  assert.equal(old.key?.status, 'retired');
  await assert.rejects(submit(ledger, marketOfficer, 3, (ctx) => contract.attestDocument(ctx, JSON.stringify(sealOf(keys, 'too late')))),
    { message: new RegExp(`^\\[seal:key_retired\\] seal key ${sealKeyId(keys.publicKey)} was replaced by ${rotated.keyId} at 2027-01-03T00:00:00.000000000Z`) });
  await submit(ledger, marketOfficer, 3, (ctx) => contract.attestDocument(ctx, JSON.stringify(sealOf(next, 'after the rotation'))));

  const history = await evaluate<SealKeyVersion[]>(ledger, 4, (ctx) => contract.keyHistory(ctx, sealKeyId(keys.publicKey)));
  assert.deepEqual(history.map((version) => version.key.status), ['retired', 'active']);
  await assert.rejects(submit(ledger, marketAdmin, 4, (ctx) => contract.rotateKey(ctx, sealKeyId(keys.publicKey), generateSm2KeyPair().publicKey.toPem(), '2029-01-01T00:00:00Z')),
    { message: /^currentKeyId [0-9a-f]{64} is not MarketRegulationMSP's current seal key/ });
});

test('after revocation, new seals with the key are refused with the reason, and earlier ones still verify as valid then', async () => {
  const { ledger, keys } = await withMarketKey();
  const before = sealOf(keys, 'sealed on day 1');
  await submit(ledger, marketOfficer, 1, (ctx) => contract.attestDocument(ctx, JSON.stringify(before)));
  const revoked = JSON.parse(await submit(ledger, marketAdmin, 2, (ctx) => contract.revokeKey(ctx, sealKeyId(keys.publicKey), 'token lost', ''))) as SealKey;
  assert.equal(revoked.status, 'revoked');
  assert.equal(revoked.revokedAt, '2027-01-03T00:00:00.000000000Z');

  await assert.rejects(submit(ledger, marketOfficer, 3, (ctx) => contract.attestDocument(ctx, JSON.stringify(sealOf(keys, 'day 3')))),
    { message: /^\[seal:key_revoked\] seal key [0-9a-f]{64} was revoked at 2027-01-03T00:00:00\.000000000Z \(token lost\)/ });
  const old = await evaluate<DocumentSealVerification>(ledger, 3, (ctx) => contract.verifySeal(ctx, JSON.stringify(before), ''));
  assert.deepEqual([old.valid, old.checkedAt], [true, '2027-01-02T00:00:00.000000000Z']);
  // The department has no current key now: it registers a new one.
  await submit(ledger, marketAdmin, 3, (ctx) => contract.registerKey(ctx, generateSm2KeyPair().publicKey.toPem(), '2028-01-01T00:00:00Z', ''));
});

test('a revocation backdated to a compromise invalidates attested seals from then on', async () => {
  const { ledger, keys } = await withMarketKey();
  const early = sealOf(keys, 'day 1');
  const late = sealOf(keys, 'day 5');
  await submit(ledger, marketOfficer, 1, (ctx) => contract.attestDocument(ctx, JSON.stringify(early)));
  await submit(ledger, marketOfficer, 5, (ctx) => contract.attestDocument(ctx, JSON.stringify(late)));
  await submit(ledger, marketAdmin, 6, (ctx) => contract.revokeKey(ctx, sealKeyId(keys.publicKey), 'key copied on day 3', '2027-01-04T00:00:00Z'));
  assert.equal((await evaluate<DocumentSealVerification>(ledger, 7, (ctx) => contract.verifySeal(ctx, JSON.stringify(early), ''))).valid, true);
  const verdict = await evaluate<DocumentSealVerification>(ledger, 7, (ctx) => contract.verifySeal(ctx, JSON.stringify(late), ''));
  assert.deepEqual(verdict.valid ? undefined : verdict.check, 'key_revoked');
});

test('a seal made after the key\'s validity ended is refused as expired', async () => {
  const { ledger, keys } = await withMarketKey();
  await assert.rejects(submit(ledger, marketOfficer, 400, (ctx) => contract.attestDocument(ctx, JSON.stringify(sealOf(keys, 'late')))),
    { message: /^\[seal:key_expired\] seal key [0-9a-f]{64} expired at 2028-01-01T00:00:00\.000000000Z/ });
});

test('an admin revokes only their own department\'s keys', async () => {
  const { ledger, keys } = await withMarketKey();
  await assert.rejects(submit(ledger, creditAdmin, 1, (ctx) => contract.revokeKey(ctx, sealKeyId(keys.publicKey), 'not ours', '')),
    { message: /^keyId [0-9a-f]{64} is not a seal key of CreditOfficeMSP/ });
});

test('a sealed record is accepted only if the seal\'s digest is SM3 of the record\'s canonical JSON', async () => {
  const { ledger, keys } = await withMarketKey();
  const record = { licence: 'L-1', holder: '91310000MA1K4XXX0X', status: 'issued' };
  const seal = sealOf(keys, canonicalJson(record));
  const accepted = await requireSealedRecord(ledger.newTransaction({ creator: marketOfficer, timestamp: day(1) }).context(), { status: 'issued', holder: record.holder, licence: 'L-1' }, seal);
  assert.deepEqual(accepted, { ...seal, department: MARKET, sealedAt: '2027-01-02T00:00:00.000000000Z' });
  await assert.rejects(requireSealedRecord(ledger.newTransaction({ creator: marketOfficer, timestamp: day(1) }).context(), { ...record, status: 'revoked' }, seal),
    { message: /^\[seal:digest_mismatch\] the seal's digest [0-9a-f]{64} is not SM3 of the record's canonical JSON/ });
});
