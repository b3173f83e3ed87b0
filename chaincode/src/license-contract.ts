import {
  canonicalJson,
  endOfDay,
  formatLicenseIdentifier,
  licenseQrStatement,
  licenseSerial,
  licenseStatusAt,
  licenseVerificationAt,
  nextLicenseVersion,
  type LicenseIssueRecord,
  type LicenseVerification,
  type LicensePage,
  type LicenseTypeRecord,
  type StoredAnnotatedCopy,
  type StoredLicense,
  type StoredLicenseType,
  type StoredLicenseUse,
  type StoredSeal,
} from '@citytrust/shared';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import type { Iterators, StateQueryResponse } from 'fabric-shim';
import { InvalidArgumentError, parsePageSize } from './arguments';
import { isoTimestamp } from './ledger-timestamp';
import { drain } from './query-iterators';
import { parseSeal, requireHex } from './seals/seal-argument';
import { readSealKey, requireSealedRecord } from './seals/seal-verification';
import { submittingDepartment } from './seals/submitter';
import { parseDataSubject, subjectKeyPart } from './trails/data-subject';
import {
  LICENSE_BY_HOLDER_OBJECT_TYPE,
  LICENSE_BY_ISSUER_OBJECT_TYPE,
  LICENSE_BY_TYPE_OBJECT_TYPE,
  LICENSE_CASE_OBJECT_TYPE,
  LICENSE_COPY_OBJECT_TYPE,
  LICENSE_EVENTS,
  LICENSE_USE_OBJECT_TYPE,
  licenseKey,
  licenseTypeKey,
} from './licenses/license-keys';
import { identifierOf, parseChangeRecord, parseCopy, parseIssueRecord, parseLicenseType, parseMove, parseUse } from './licenses/license-fields';
import { nextLicenseStatus } from './licenses/license-lifecycle';
import { LicenseRefusedError } from './licenses/license-refusal';

const DAY_MS = 86_400_000;

/**
 * E-licenses (电子证照): issued the moment a case is completed (办结即发证), sealed by the
 * issuing department, trusted across departments, used (用证) with a trail, and moved through an
 * explicit lifecycle with a reason at every step.
 *
 * - The department that defines a license type registers it: its code, who issues it, who else may
 *   move its licenses, how long they are valid and which metadata fields they carry.
 * - An issuing department issues a license for a case: the ledger checks the type allows it, the
 *   identifier (GB/T 36904, its serial derived from the case, so a case issues one license), the
 *   validity and metadata against the type, and two seals by the issuer: one over the record, one
 *   over the QR statement (identifier and document digest) that verifies offline.
 * - Moves follow `licenses/license-lifecycle.ts`; only the issuer or a supervising department moves
 *   a license. A change issues the next version and links both.
 *
 * Refusals are `[license:<check>] <reason>`. Each transaction sets one event (`license.*`).
 */
@Info({ title: 'LicenseContract', description: 'E-license types, issuance, lifecycle, uses and annotated copies' })
export class LicenseContract extends Contract {
  constructor() {
    super('license');
  }

  /** The defining department registers a license type (证照类型). */
  @Transaction()
  @Returns('string')
  async registerType(ctx: Context, typeJson: string, sealJson: string): Promise<string> {
    const type = parseLicenseType(typeJson);
    const key = licenseTypeKey(ctx, type.code);
    if ((await ctx.stub.getState(key)).length > 0) throw new LicenseRefusedError('type_exists', `license type ${type.code} is already registered; a type's code is given once`);
    const seal = await sealedAsSent(ctx, typeJson, sealJson);
    const stored: StoredLicenseType = { ...type, definedBy: seal.department, registeredAt: seal.sealedAt, seal };
    await put(ctx, key, stored);
    ctx.stub.setEvent(LICENSE_EVENTS.type, Buffer.from(canonicalJson(stored)));
    return canonicalJson(stored);
  }

  /**
   * Issues a license for a completed case, sealed by the issuing department (`sealJson` over the
   * record, `qrSealJson` over {@link licenseQrStatement}). A case issues one license of a type:
   * a second issuance for it is refused as `duplicate_case`, naming the license it issued.
   */
  @Transaction()
  @Returns('string')
  async issue(ctx: Context, licenseJson: string, sealJson: string, qrSealJson: string): Promise<string> {
    const record = parseIssueRecord('license', licenseJson);
    const department = submittingDepartment(ctx);
    const type = await readType(ctx, record.typeCode);
    const issuer = issuerFor(type, department);
    const parts = identifierOf('license.identifier', record.identifier).parts;
    const expected = formatLicenseIdentifier({ typeCode: type.code, issuerUscc: issuer.uscc, serial: licenseSerial(type.code, issuer.uscc, record.caseReference), version: 1 });
    if (record.identifier !== expected) {
      throw new LicenseRefusedError('invalid_identifier', `a license of case ${record.caseReference} issued by ${department} (${issuer.uscc}) as type ${type.code} is ${expected}, version 001, not ${record.identifier} (version ${parts.version})`);
    }
    const caseKey = ctx.stub.createCompositeKey(LICENSE_CASE_OBJECT_TYPE, [department, type.code, record.caseReference]);
    const issued = await ctx.stub.getState(caseKey);
    if (issued.length > 0) throw new LicenseRefusedError('duplicate_case', `case ${record.caseReference} already issued license ${Buffer.from(issued).toString('utf8')} of type ${type.code}; change that license instead of issuing another`);
    const seals = await this.sealedIssue(ctx, type, record, licenseJson, sealJson, qrSealJson);
    const stored: StoredLicense = { ...record, issuer, issuedAt: seals.seal.sealedAt, status: 'valid', ...seals };
    await ctx.stub.putState(caseKey, Buffer.from(record.identifier));
    await this.storeNew(ctx, stored);
    ctx.stub.setEvent(LICENSE_EVENTS.issued, Buffer.from(canonicalJson(stored)));
    return canonicalJson(stored);
  }

  /**
   * Suspends, reinstates, revokes (吊销) or cancels (注销) a license, with a reason, following the
   * lifecycle. The move's seal is stored in `lastChange` (so the key's history holds every move's
   * seal) and so travels in the `license.status` event, where a proof finds it.
   */
  @Transaction()
  @Returns('string')
  async changeStatus(ctx: Context, moveJson: string, sealJson: string): Promise<string> {
    const move = parseMove(moveJson);
    const department = submittingDepartment(ctx);
    const license = await readLicense(ctx, move.identifier);
    requireMover(await readType(ctx, license.typeCode), license, department, move.action);
    const now = isoTimestamp(ctx.stub.getTxTimestamp());
    const to = nextLicenseStatus(license.identifier, licenseStatusAt(license, now), move.action);
    const seal = await sealedAsSent(ctx, moveJson, sealJson);
    const moved: StoredLicense = { ...license, status: to, lastChange: { from: license.status, to, reason: move.reason, by: department, at: seal.sealedAt, transactionId: ctx.stub.getTxID(), seal } };
    await put(ctx, licenseKey(ctx, license.identifier), moved);
    ctx.stub.setEvent(LICENSE_EVENTS.status, Buffer.from(canonicalJson(moved)));
    return canonicalJson(moved);
  }

  /**
   * Changes a license (变更): the issuer issues its next version for a case, and the previous
   * version becomes `changed`; each links to the other. Returns `{previous, current}`.
   */
  @Transaction()
  @Returns('string')
  async change(ctx: Context, changeJson: string, sealJson: string, qrSealJson: string): Promise<string> {
    const change = parseChangeRecord(changeJson);
    const department = submittingDepartment(ctx);
    const previous = await readLicense(ctx, change.previous);
    if (previous.issuer.department !== department) throw new LicenseRefusedError('not_issuer', `license ${previous.identifier} was issued by ${previous.issuer.department}; only it issues new versions`);
    const now = isoTimestamp(ctx.stub.getTxTimestamp());
    nextLicenseStatus(previous.identifier, licenseStatusAt(previous, now), 'change');
    const record = change.license;
    const expected = formatLicenseIdentifier(nextLicenseVersion(identifierOf('change.previous', previous.identifier).parts));
    if (record.identifier !== expected) throw new LicenseRefusedError('invalid_identifier', `the next version of ${previous.identifier} is ${expected}, not ${record.identifier}`);
    if (record.typeCode !== previous.typeCode || canonicalJson(record.holder) !== canonicalJson(previous.holder)) {
      throw new InvalidArgumentError('change.license', 'must keep the type and the holder of the license it changes; a license for another holder or type is issued, not changed');
    }
    const type = await readType(ctx, record.typeCode);
    const seals = await this.sealedIssue(ctx, type, record, changeJson, sealJson, qrSealJson);
    const changed: StoredLicense = { ...previous, status: 'changed', supersededBy: record.identifier, lastChange: { from: previous.status, to: 'changed', reason: change.reason, by: department, at: seals.seal.sealedAt, transactionId: ctx.stub.getTxID(), seal: seals.seal } };
    const current: StoredLicense = { ...record, issuer: previous.issuer, issuedAt: seals.seal.sealedAt, status: 'valid', supersedes: previous.identifier, ...seals };
    await put(ctx, licenseKey(ctx, previous.identifier), changed);
    await this.storeNew(ctx, current);
    const result = canonicalJson({ previous: changed, current });
    ctx.stub.setEvent(LICENSE_EVENTS.changed, Buffer.from(result));
    return result;
  }

  /**
   * Records a use of a license (用证): a department relied on it in a case, for a purpose. The
   * use is recorded whatever the license's status, with that status, so the trail shows what the
   * department saw.
   */
  @Transaction()
  @Returns('string')
  async recordUse(ctx: Context, useJson: string, sealJson: string): Promise<string> {
    const use = parseUse(useJson);
    const department = submittingDepartment(ctx);
    if (use.department !== department) throw new LicenseRefusedError('other_department', `the use names ${use.department} but ${department} submits it: a department records only its own uses`);
    const license = await readLicense(ctx, use.identifier);
    const seal = await sealedAsSent(ctx, useJson, sealJson);
    const stored: StoredLicenseUse = { ...use, useId: ctx.stub.getTxID(), statusAtUse: licenseStatusAt(license, seal.sealedAt), recordedAt: seal.sealedAt, seal };
    await put(ctx, ctx.stub.createCompositeKey(LICENSE_USE_OBJECT_TYPE, [use.identifier, seal.sealedAt, stored.useId]), stored);
    ctx.stub.setEvent(LICENSE_EVENTS.use, Buffer.from(canonicalJson(stored)));
    return canonicalJson(stored);
  }

  /**
   * Records an annotated copy (加注件) made for the holder, sealed by the department that makes it
   * (the citizen service); its seal is the copy's QR signature. The license must be valid now, the
   * copy must name its current document, and it must end after now and no later than the license.
   */
  @Transaction()
  @Returns('string')
  async annotateCopy(ctx: Context, copyJson: string, sealJson: string): Promise<string> {
    const { validUntilTime, ...copy } = parseCopy(copyJson);
    const license = await readLicense(ctx, copy.identifier);
    const now = isoTimestamp(ctx.stub.getTxTimestamp());
    const status = licenseStatusAt(license, now);
    if (status !== 'valid') throw new LicenseRefusedError('license_not_valid', `license ${license.identifier} is ${status}${reasonOf(license)}: only a valid license is copied`);
    if (copy.documentDigest !== license.documentDigest) throw new LicenseRefusedError('document_mismatch', `the copy names document ${copy.documentDigest}, but license ${license.identifier} is document ${license.documentDigest}`);
    if (validUntilTime <= now) throw new InvalidArgumentError('copy.validUntil', `must be after the transaction's time ${now}`);
    if (license.validUntil !== null && validUntilTime > endOfDay(license.validUntil)) throw new InvalidArgumentError('copy.validUntil', `must not be after the license's own end (${license.validUntil})`);
    const seal = await sealedAsSent(ctx, copyJson, sealJson);
    const stored: StoredAnnotatedCopy = { ...copy, madeAt: seal.sealedAt, seal };
    await put(ctx, ctx.stub.createCompositeKey(LICENSE_COPY_OBJECT_TYPE, [seal.digest]), stored);
    ctx.stub.setEvent(LICENSE_EVENTS.copy, Buffer.from(canonicalJson(stored)));
    return canonicalJson(stored);
  }

  @Transaction(false)
  @Returns('string')
  async getType(ctx: Context, code: string): Promise<string> {
    return canonicalJson(await readType(ctx, code));
  }

  @Transaction(false)
  @Returns('string')
  async getLicense(ctx: Context, identifier: string): Promise<string> {
    return canonicalJson(await readLicense(ctx, identifierOf('identifier', identifier).text));
  }

  /** `{"identifier"}` of the license a case issued for a type, or `{}`: how a case system finds what it already issued. */
  @Transaction(false)
  @Returns('string')
  async findByCase(ctx: Context, department: string, typeCode: string, caseReference: string): Promise<string> {
    const issued = await ctx.stub.getState(ctx.stub.createCompositeKey(LICENSE_CASE_OBJECT_TYPE, [department, typeCode, caseReference]));
    return canonicalJson(issued.length === 0 ? {} : { identifier: Buffer.from(issued).toString('utf8') });
  }

  /**
   * A license as a verifier needs it: the record, its status now (expiry read from the date),
   * and whether the issuer's key was valid when it was sealed; the key comes along, so the caller
   * can check the QR signature itself.
   */
  @Transaction(false)
  @Returns('string')
  async verify(ctx: Context, identifier: string): Promise<string> {
    const license = await readLicense(ctx, identifierOf('identifier', identifier).text);
    const verification: LicenseVerification = licenseVerificationAt(license, await readSealKey(ctx, license.qrSeal.keyId), isoTimestamp(ctx.stub.getTxTimestamp()));
    return canonicalJson(verification);
  }

  /** Every version of a license's record, oldest first: each state it passed through, and the transaction that moved it. */
  @Transaction(false)
  @Returns('string')
  async licenseHistory(ctx: Context, identifier: string): Promise<string> {
    const modifications = await drain(await ctx.stub.getHistoryForKey(licenseKey(ctx, identifierOf('identifier', identifier).text)));
    if (modifications.length === 0) throw new LicenseRefusedError('unknown_license', `${identifier} is not an e-license on the ledger`);
    return canonicalJson(modifications.reverse().map((m) => ({ transactionId: m.txId, timestamp: isoTimestamp(m.timestamp), license: JSON.parse(Buffer.from(m.value).toString('utf8')) as StoredLicense })));
  }

  /** A holder's licenses, a page at a time (`pageSize` 1 to 1000). */
  @Transaction(false)
  @Returns('string')
  async listByHolder(ctx: Context, holderJson: string, pageSize: string, bookmark: string): Promise<string> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(holderJson);
    } catch {
      throw new InvalidArgumentError('holder', 'must be a JSON data subject');
    }
    return canonicalJson(await page(ctx, LICENSE_BY_HOLDER_OBJECT_TYPE, subjectKeyPart(parseDataSubject('holder', parsed)), pageSize, bookmark));
  }

  /** The licenses a department issued, a page at a time. */
  @Transaction(false)
  @Returns('string')
  async listByIssuer(ctx: Context, department: string, pageSize: string, bookmark: string): Promise<string> {
    return canonicalJson(await page(ctx, LICENSE_BY_ISSUER_OBJECT_TYPE, department, pageSize, bookmark));
  }

  /** The licenses of a type, a page at a time. */
  @Transaction(false)
  @Returns('string')
  async listByType(ctx: Context, typeCode: string, pageSize: string, bookmark: string): Promise<string> {
    return canonicalJson(await page(ctx, LICENSE_BY_TYPE_OBJECT_TYPE, typeCode, pageSize, bookmark));
  }

  /** The uses recorded for a license, in the order they were recorded. */
  @Transaction(false)
  @Returns('string')
  async listUses(ctx: Context, identifier: string): Promise<string> {
    const entries = await drain(await ctx.stub.getStateByPartialCompositeKey(LICENSE_USE_OBJECT_TYPE, [identifierOf('identifier', identifier).text]));
    return canonicalJson(entries.map((kv) => JSON.parse(Buffer.from(kv.value).toString('utf8')) as StoredLicenseUse));
  }

  /** The annotated copy whose QR seal has this digest. */
  @Transaction(false)
  @Returns('string')
  async getCopy(ctx: Context, digest: string): Promise<string> {
    const bytes = await ctx.stub.getState(ctx.stub.createCompositeKey(LICENSE_COPY_OBJECT_TYPE, [requireHex('digest', digest)]));
    if (bytes.length === 0) throw new LicenseRefusedError('unknown_copy', `no annotated copy with seal digest ${digest} is on the ledger`);
    return Buffer.from(bytes).toString('utf8');
  }

  /** The checks an issue and a change share: validity and metadata against the type, then both seals. */
  private async sealedIssue(ctx: Context, type: StoredLicenseType, record: LicenseIssueRecord, recordJson: string, sealJson: string, qrSealJson: string): Promise<{ seal: StoredSeal; qrSeal: StoredSeal }> {
    requireValidity(type, record);
    requireMetadata(type, record);
    const seal = await sealedAsSent(ctx, recordJson, sealJson);
    const qrSeal = await requireSealedRecord(ctx, licenseQrStatement(record.identifier, record.documentDigest), parseSeal('qrSeal', qrSealJson));
    return { seal, qrSeal };
  }

  /** Writes a new license and its index entries: one key each, written once. */
  private async storeNew(ctx: Context, license: StoredLicense): Promise<void> {
    const key = licenseKey(ctx, license.identifier);
    if ((await ctx.stub.getState(key)).length > 0) throw new LicenseRefusedError('duplicate_case', `license ${license.identifier} is already on the ledger`);
    await put(ctx, key, license);
    const pointer = Buffer.from(license.identifier);
    await ctx.stub.putState(ctx.stub.createCompositeKey(LICENSE_BY_HOLDER_OBJECT_TYPE, [subjectKeyPart(license.holder), license.identifier]), pointer);
    await ctx.stub.putState(ctx.stub.createCompositeKey(LICENSE_BY_ISSUER_OBJECT_TYPE, [license.issuer.department, license.identifier]), pointer);
    await ctx.stub.putState(ctx.stub.createCompositeKey(LICENSE_BY_TYPE_OBJECT_TYPE, [license.typeCode, license.identifier]), pointer);
  }
}

function issuerFor(type: StoredLicenseType, department: string) {
  const issuer = type.issuers.find((i) => i.department === department);
  if (!issuer) throw new LicenseRefusedError('issuer_not_allowed', `${department} may not issue ${type.code} (${type.name}); ${type.definedBy} allows ${type.issuers.map((i) => i.department).join(', ')}`);
  return issuer;
}

function requireMover(type: StoredLicenseType, license: StoredLicense, department: string, action: string): void {
  if (license.issuer.department === department || type.supervisors.includes(department)) return;
  throw new LicenseRefusedError('not_issuer', `${department} may not ${action} license ${license.identifier}: only its issuer ${license.issuer.department}${type.supervisors.length > 0 ? ` or ${type.supervisors.join(', ')}` : ''} moves it`);
}

function requireValidity(type: LicenseTypeRecord, record: LicenseIssueRecord): void {
  const { maxValidityDays } = type.validity;
  if (record.validUntil === null) {
    if (maxValidityDays !== null) throw new LicenseRefusedError('invalid_validity', `licenses of ${type.code} are valid for at most ${maxValidityDays} days: give validUntil`);
    return;
  }
  if (record.validUntil < record.validFrom) throw new LicenseRefusedError('invalid_validity', `validUntil ${record.validUntil} is before validFrom ${record.validFrom}`);
  const days = (Date.parse(record.validUntil) - Date.parse(record.validFrom)) / DAY_MS + 1;
  if (maxValidityDays !== null && days > maxValidityDays) throw new LicenseRefusedError('invalid_validity', `licenses of ${type.code} are valid for at most ${maxValidityDays} days; ${record.validFrom} to ${record.validUntil} is ${days}`);
}

function requireMetadata(type: LicenseTypeRecord, record: LicenseIssueRecord): void {
  const known = new Set(type.metadataFields.map((f) => f.name));
  const unknown = Object.keys(record.metadata).filter((name) => !known.has(name));
  if (unknown.length > 0) throw new LicenseRefusedError('invalid_metadata', `${type.code} defines no field ${unknown.join(', ')}; its fields are ${[...known].join(', ')}`);
  const missing = type.metadataFields.filter((f) => f.required && !(record.metadata[f.name] ?? '').trim());
  if (missing.length > 0) throw new LicenseRefusedError('invalid_metadata', `${type.code} requires ${missing.map((f) => `${f.name} (${f.label})`).join(', ')}`);
}

async function readType(ctx: Context, code: string): Promise<StoredLicenseType> {
  const bytes = await ctx.stub.getState(licenseTypeKey(ctx, code));
  if (bytes.length === 0) throw new LicenseRefusedError('unknown_type', `license type ${code} is not registered; its defining department registers it first`);
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as StoredLicenseType;
}

async function readLicense(ctx: Context, identifier: string): Promise<StoredLicense> {
  const bytes = await ctx.stub.getState(licenseKey(ctx, identifier));
  if (bytes.length === 0) throw new LicenseRefusedError('unknown_license', `${identifier} is not an e-license on the ledger`);
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as StoredLicense;
}

function reasonOf(license: StoredLicense): string {
  return license.lastChange ? ` (${license.lastChange.by}, ${license.lastChange.at}: ${license.lastChange.reason})` : '';
}

async function page(ctx: Context, objectType: string, prefix: string, pageSize: string, bookmark: string): Promise<LicensePage> {
  const size = parsePageSize('pageSize', pageSize);
  if (size < 1 || size > 1000) throw new InvalidArgumentError('pageSize', `must be from 1 to 1000, got ${size}`);
  const { iterator, metadata }: Partial<StateQueryResponse<Iterators.StateQueryIterator>> & { iterator: Iterators.StateQueryIterator } = await ctx.stub.getStateByPartialCompositeKeyWithPagination(objectType, [prefix], size, bookmark);
  const identifiers = (await drain(iterator)).map((kv) => Buffer.from(kv.value).toString('utf8'));
  const licenses = await Promise.all(identifiers.map((identifier) => readLicense(ctx, identifier)));
  // As in the trail contract: an absent bookmark means the last page.
  return { licenses, bookmark: metadata?.bookmark ?? '' };
}

/** The seal check over a record argument exactly as the department sent and sealed it. */
function sealedAsSent(ctx: Context, recordJson: string, sealJson: string): Promise<StoredSeal> {
  return requireSealedRecord(ctx, JSON.parse(recordJson) as unknown, parseSeal('seal', sealJson));
}

async function put(ctx: Context, key: string, record: object): Promise<void> {
  await ctx.stub.putState(key, Buffer.from(canonicalJson(record)));
}
