import { randomBytes } from 'node:crypto';
import type { Contract } from '@hyperledger/fabric-gateway';
import { canonicalJson, generateSm2KeyPair, sealKeyId, sm2Sign, sm3, type DataSubject, type StoredSeal, type StoredShareTrail } from '@citytrust/shared';
import type { LedgerClient } from '@citytrust/network-config';

export const MARKET = 'MarketRegulationMSP';
export const CREDIT = 'CreditOfficeMSP';
export const ENTERPRISE: DataSubject = { kind: 'enterprise', uscc: '914403001922038216' };

/** A person's subject key made from `n`, so a test can name many distinct people. */
export function person(n: number): DataSubject {
  return { kind: 'person', subjectKey: sm3(`test person ${n}`).toString('hex') };
}

/**
 * A share trail as the chaincode stores it, with a realistic seal's shape and size (not a seal
 * that verifies): what the benchmark and the query tests put on the ledger with `system:emit`,
 * or straight into the index, when sealing real trails would cost more than it shows.
 */
export function storedShareTrail(n: number, subject: DataSubject, recordedAt: Date, overrides: Partial<StoredShareTrail> = {}): StoredShareTrail {
  const time = `${recordedAt.toISOString().slice(0, 19)}.${String(recordedAt.getUTCMilliseconds()).padStart(3, '0')}${String(n % 1_000_000).padStart(6, '0')}Z`;
  const trailId = sm3(`trail ${n} ${time}`).toString('hex');
  const seal: StoredSeal = { keyId: sm3('seal key').toString('hex'), digest: sm3(trailId).toString('hex'), signature: randomBytes(72).toString('base64'), department: CREDIT, sealedAt: time };
  return {
    department: CREDIT,
    officer: sm3(`officer ${n % 17}`).toString('hex'),
    subject,
    items: n % 3 === 0 ? ['MR-ENT-BASIC', 'MR-ENT-PUBLIC'] : ['MR-ENT-BASIC'],
    purpose: n % 5 === 0 ? 'credit-repair.review' : 'business-licence.review',
    authorizationId: sm3(`authorization ${n % 7}`).toString('hex'),
    caseReference: `YWTB-2027-${String(n).padStart(6, '0')}`,
    resultDigest: sm3(`result ${n}`).toString('hex'),
    requestedAt: time,
    trailId,
    outcome: 'granted',
    recordedAt: time,
    seal,
    ...overrides,
  };
}

/** Puts `record` on the ledger as the payload of a chaincode event named `eventName`, through `system:emit`. */
export async function emitRecord(system: Contract, eventName: string, record: object | string): Promise<{ transactionId: string; blockNumber: bigint }> {
  const submitted = await system.submitAsync('emit', { arguments: [eventName, typeof record === 'string' ? record : canonicalJson(record)] });
  const status = await submitted.getStatus();
  if (!status.successful) throw new Error(`system:emit ${eventName} was invalidated with code ${status.code}`);
  return { transactionId: status.transactionId, blockNumber: status.blockNumber };
}

/**
 * A real data-sharing journey through the `trail` contract, every record sealed: seal keys
 * registered, an item in the catalog, a legal basis, an access under it, the basis revoked, a
 * refused attempt, an objection to the access and its answer. Returns the records as stored.
 */
export async function sealedTrailJourney(client: LedgerClient) {
  const keys = new Map([MARKET, CREDIT].map((department) => [department, generateSm2KeyPair()]));
  for (const [department, pair] of keys) {
    await client.contract(department, 'seal', 'admin').submitTransaction('registerKey', pair.publicKey.toPem(), '2036-01-01T00:00:00Z', '');
  }
  const submit = async <T>(department: string, transaction: string, record: object, ...extra: string[]): Promise<T> => {
    const pair = keys.get(department)!;
    const digest = sm3(canonicalJson(record));
    const seal = JSON.stringify({ keyId: sealKeyId(pair.publicKey), digest: digest.toString('hex'), signature: sm2Sign(pair.privateKey, digest).toString('base64') });
    const result = await client.contract(department, 'trail').submitTransaction(transaction, JSON.stringify(record), ...extra, seal);
    return JSON.parse(Buffer.from(result).toString('utf8')) as T;
  };
  const now = Date.now();
  const iso = (offsetMs: number) => new Date(now + offsetMs).toISOString();
  const item = await submit<{ code: string }>(MARKET, 'registerDataItem', { code: 'MR-ENT-BASIC', name: '企业基本信息', owner: MARKET, shareType: 'conditional', sensitivity: 2 });
  const basis = await submit<{ authorizationId: string }>(MARKET, 'registerLegalBasis', {
    kind: 'legal-basis', grantee: CREDIT, items: ['MR-ENT-BASIC'], purpose: 'credit-repair.review', validFrom: iso(-60_000), validUntil: iso(86_400_000), scenario: '一网通办: 企业信用修复',
  });
  const access = (overrides: object = {}) => ({
    department: CREDIT, officer: sm3('officer li').toString('hex'), subject: ENTERPRISE, items: ['MR-ENT-BASIC'], purpose: 'credit-repair.review',
    authorizationId: basis.authorizationId, caseReference: 'YWTB-2027-000123', resultDigest: sm3('the data').toString('hex'), requestedAt: iso(0), ...overrides,
  });
  const granted = await submit<StoredShareTrail>(CREDIT, 'recordAccess', access());
  const revoked = await submit<{ authorizationId: string; status: string }>(MARKET, 'revokeAuthorization', { authorizationId: basis.authorizationId, reason: '情形消失' });
  const refused = await submit<StoredShareTrail>(CREDIT, 'recordRefusal', access({ resultDigest: '' }), 'authorization_revoked', 'the legal basis was revoked');
  await submit(MARKET, 'objectToAccess', { trailId: granted.trailId, subject: ENTERPRISE, reason: '未办理该业务' });
  const answered = await submit<{ trailId: string; status: string }>(CREDIT, 'answerObjection', { trailId: granted.trailId, outcome: 'justified', text: '依据信用修复申请 YWTB-2027-000123' });
  return { item, basis, granted, revoked, refused, answered };
}
