import { randomBytes } from 'node:crypto';
import { canonicalJson, generateSm2KeyPair, sealKeyId, sm2Sign, sm3, type AuthorizationRecord, type DataItem, type DataSubject, type ShareTrailRecord, type StoredSeal, type StoredShareTrail } from '@citytrust/shared';
import type { LedgerClient } from '@citytrust/network-config';
import type { LedgerPosition } from '../trails-index/ledger-record';

export const MARKET = 'MarketRegulationMSP';
export const CREDIT = 'CreditOfficeMSP';
export const ENTERPRISE: DataSubject = { kind: 'enterprise', uscc: '914403001922038216' };

/** A person's subject key made from `n`, so a test can name many distinct people. */
export function person(n: number): DataSubject {
  return { kind: 'person', subjectKey: sm3(`test person ${n}`).toString('hex') };
}

/**
 * A share trail as the chaincode stores it, with a realistic seal's shape and size (not a seal
 * that verifies): for tests below the ledger, which write it straight into the index or hand it
 * to the indexer as a chaincode event. On the ledger only the trail contract writes trails (see
 * {@link registerSealKeys}).
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

/** A record the trail contract stored, as it returned it, and where its transaction is on the ledger. */
export type Recorded<T> = LedgerPosition & { readonly record: T };

/**
 * Submits the trail contract's transactions with their record argument sealed by the submitting
 * department's registered key, as the gateway's seal service does: the only way a trail record
 * reaches the ledger (the system contract may not emit `trail.*` events).
 */
export interface SealedTrails {
  /** A transaction's arguments: the record as canonical JSON, `extra`, then the department's seal over the record. */
  sealedArguments(department: string, record: object, ...extra: string[]): string[];
  /** Submits `trail:<transaction>` for `department` and waits for its commit; a refused or invalidated transaction throws. */
  submit<T>(department: string, transaction: string, record: object, ...extra: string[]): Promise<Recorded<T>>;
  /** The same keys, submitting through another client (e.g. one opened after the ledger restarted). */
  through(client: LedgerClient): SealedTrails;
}

/** Generates a seal key for each department, registers it on the ledger, and submits sealed trail records with them. */
export async function registerSealKeys(client: LedgerClient, departments: readonly string[] = [MARKET, CREDIT]): Promise<SealedTrails> {
  const keys = new Map(departments.map((department) => [department, generateSm2KeyPair()]));
  for (const [department, pair] of keys) {
    await client.contract(department, 'seal', 'admin').submitTransaction('registerKey', pair.publicKey.toPem(), '2036-01-01T00:00:00Z', '');
  }
  const sealedArguments = (department: string, record: object, ...extra: string[]): string[] => {
    const pair = keys.get(department);
    if (!pair) throw new Error(`no seal key was registered for ${department}; pass it to registerSealKeys`);
    const recordJson = canonicalJson(record);
    const digest = sm3(recordJson);
    const seal = { keyId: sealKeyId(pair.publicKey), digest: digest.toString('hex'), signature: sm2Sign(pair.privateKey, digest).toString('base64') };
    return [recordJson, ...extra, JSON.stringify(seal)];
  };
  const through = (connection: LedgerClient): SealedTrails => ({
    sealedArguments,
    async submit<T>(department: string, transaction: string, record: object, ...extra: string[]): Promise<Recorded<T>> {
      const submitted = await connection.contract(department, 'trail').submitAsync(transaction, { arguments: sealedArguments(department, record, ...extra) });
      const status = await submitted.getStatus();
      if (!status.successful) throw new Error(`trail:${transaction} ${status.transactionId} was invalidated with code ${status.code}`);
      return { record: JSON.parse(Buffer.from(submitted.getResult()).toString('utf8')) as T, blockNumber: status.blockNumber, transactionId: status.transactionId };
    },
    through,
  });
  return through(client);
}

/** A conditional catalog item of Market Regulation's (shared only under an authorization). */
export function dataItem(code = 'MR-ENT-BASIC', shareType: DataItem['shareType'] = 'conditional'): DataItem {
  return { code, name: `企业信息 ${code}`, owner: MARKET, shareType, sensitivity: 2 };
}

/** A legal basis Market Regulation registers for the credit office: live from a minute ago for a day. */
export function legalBasis(overrides: Partial<AuthorizationRecord> = {}): Omit<AuthorizationRecord, 'authorizationId'> {
  return {
    kind: 'legal-basis', grantee: CREDIT, items: ['MR-ENT-BASIC'], purpose: 'credit-repair.review', scenario: '一网通办: 企业信用修复',
    validFrom: new Date(Date.now() - 60_000).toISOString(), validUntil: new Date(Date.now() + 86_400_000).toISOString(), ...overrides,
  };
}

/** An access by the credit office under `authorizationId`, as its gateway would record it. */
export function shareTrail(authorizationId: string, subject: DataSubject, overrides: Partial<ShareTrailRecord> = {}): ShareTrailRecord {
  return {
    department: CREDIT, officer: sm3('officer li').toString('hex'), subject, items: ['MR-ENT-BASIC'], purpose: 'credit-repair.review',
    authorizationId, caseReference: 'YWTB-2027-000123', resultDigest: sm3('the data').toString('hex'), requestedAt: new Date().toISOString(), ...overrides,
  };
}

/**
 * A real data-sharing journey through the `trail` contract, every record sealed: an item in the
 * catalog, a legal basis, an access under it, the basis revoked, a refused attempt, an objection
 * to the access and its answer. Returns the records as stored, and where the journey ended.
 */
export async function sealedTrailJourney(trails: SealedTrails) {
  const item = await trails.submit<{ code: string }>(MARKET, 'registerDataItem', dataItem());
  const basis = await trails.submit<{ authorizationId: string }>(MARKET, 'registerLegalBasis', legalBasis());
  const access = shareTrail(basis.record.authorizationId, ENTERPRISE);
  const granted = await trails.submit<StoredShareTrail>(CREDIT, 'recordAccess', access);
  const revoked = await trails.submit<{ authorizationId: string; status: string }>(MARKET, 'revokeAuthorization', { authorizationId: basis.record.authorizationId, reason: '情形消失' });
  const refused = await trails.submit<StoredShareTrail>(CREDIT, 'recordRefusal', { ...access, resultDigest: '' }, 'authorization_revoked', 'the legal basis was revoked');
  await trails.submit(MARKET, 'objectToAccess', { trailId: granted.record.trailId, subject: ENTERPRISE, reason: '未办理该业务' });
  const answered = await trails.submit<{ trailId: string; status: string }>(CREDIT, 'answerObjection', { trailId: granted.record.trailId, outcome: 'justified', text: '依据信用修复申请 YWTB-2027-000123' });
  return { item: item.record, basis: basis.record, granted: granted.record, revoked: revoked.record, refused: refused.record, answered: answered.record, end: answered };
}
