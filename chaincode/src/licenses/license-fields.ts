import {
  ANNOTATED_COPY_STATEMENT_TYPE,
  isLicenseTypeCode,
  isUscc,
  LicenseIdentifierError,
  parseLicenseIdentifier,
  type AnnotatedCopyRecord,
  type LicenseAction,
  type LicenseIdentifier,
  type LicenseIssueRecord,
  type LicenseTypeRecord,
  type LicenseUseRecord,
} from '@citytrust/shared';
import { InvalidArgumentError } from '../arguments';
import { parseLedgerTime } from '../seals/ledger-time';
import { parseDataSubject } from '../trails/data-subject';
import { RecordFields } from '../trails/record-fields';
import { LicenseRefusedError } from './license-refusal';

/** Reading the license contract's record arguments, once, at the edge of each transaction. */

const MSP_ID = /^[A-Za-z][A-Za-z0-9]*MSP$/;
const HEX64 = /^[0-9a-f]{64}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const FIELD_NAME = /^[a-z][A-Za-z0-9]{0,63}$/;
const PURPOSE = /^[a-z0-9][a-z0-9.-]{1,63}$/;
const MAX_DAYS = 100 * 366;

export function parseLicenseType(json: string): LicenseTypeRecord {
  const fields = RecordFields.parse('type', json, ['code', 'name', 'issuers', 'supervisors', 'validity', 'metadataFields']);
  const code = fields.string('code', /^.{21}$/, 'a license type code: the defining department\'s USCC and three digits');
  if (!isLicenseTypeCode(code)) throw new InvalidArgumentError('type.code', `must be the defining department's Unified Social Credit Code and three digits, got ${JSON.stringify(code)}`);
  const issuers = listOf(fields, 'issuers', 20, (value, name) => {
    const issuer = RecordFields.of(name, value, ['department', 'uscc']);
    const uscc = issuer.string('uscc', /^.{18}$/, 'a Unified Social Credit Code');
    if (!isUscc(uscc)) throw new InvalidArgumentError(issuer.name('uscc'), `is not a valid Unified Social Credit Code, got ${JSON.stringify(uscc)}`);
    return { department: issuer.string('department', MSP_ID, 'a department\'s MSP id', 64), uscc };
  });
  if (new Set(issuers.map((i) => i.department)).size !== issuers.length) throw new InvalidArgumentError('type.issuers', 'must name each department once');
  const supervisors = Array.isArray(fields.raw('supervisors')) && (fields.raw('supervisors') as unknown[]).length === 0 ? [] : fields.strings('supervisors', MSP_ID, 'MSP id', 20);
  const validity = RecordFields.of('type.validity', fields.raw('validity'), ['maxValidityDays']);
  const maxValidityDays = validity.raw('maxValidityDays') === null ? null : validity.integer('maxValidityDays', 1, MAX_DAYS);
  const metadataFields = listOf(fields, 'metadataFields', 50, (value, name) => {
    const field = RecordFields.of(name, value, ['name', 'label', 'required']);
    const required = field.raw('required');
    if (typeof required !== 'boolean') throw new InvalidArgumentError(field.name('required'), 'must be true or false');
    return { name: field.string('name', FIELD_NAME, 'a field name in camelCase, such as businessScope'), label: field.text('label', 100), required };
  });
  if (new Set(metadataFields.map((f) => f.name)).size !== metadataFields.length) throw new InvalidArgumentError('type.metadataFields', 'must name each field once');
  return { code, name: fields.text('name', 200), issuers, supervisors, validity: { maxValidityDays }, metadataFields };
}

export function parseIssueRecord(argument: string, json: string): LicenseIssueRecord {
  const fields = RecordFields.parse(argument, json, ['identifier', 'typeCode', 'holder', 'caseReference', 'validFrom', 'validUntil', 'metadata', 'documentDigest']);
  const validUntil = fields.raw('validUntil') === null ? null : date(fields, 'validUntil');
  return {
    identifier: identifierOf(fields.name('identifier'), fields.string('identifier', /^.{1,128}$/, 'an e-license identifier')).text,
    typeCode: fields.string('typeCode', /^.{21}$/, 'a license type code'),
    holder: parseDataSubject(fields.name('holder'), fields.raw('holder')),
    caseReference: fields.text('caseReference', 100),
    validFrom: date(fields, 'validFrom'),
    validUntil,
    metadata: metadataOf(fields.name('metadata'), fields.raw('metadata')),
    documentDigest: fields.string('documentDigest', HEX64, 'the SM3 digest of the license document (64 hex characters)'),
  };
}

/** A change (变更): the license it replaces, why, and the new version's record. */
export interface LicenseChangeRecord {
  readonly previous: string;
  readonly reason: string;
  readonly license: LicenseIssueRecord;
}

export function parseChangeRecord(json: string): LicenseChangeRecord {
  const fields = RecordFields.parse('change', json, ['previous', 'reason', 'license']);
  return {
    previous: identifierOf(fields.name('previous'), fields.string('previous', /^.{1,128}$/, 'an e-license identifier')).text,
    reason: fields.text('reason', 500),
    license: parseIssueRecord('change.license', JSON.stringify(fields.raw('license') ?? null)),
  };
}

export interface LicenseMove {
  readonly identifier: string;
  readonly action: LicenseAction;
  readonly reason: string;
}

export function parseMove(json: string): LicenseMove {
  const fields = RecordFields.parse('move', json, ['identifier', 'action', 'reason']);
  return {
    identifier: identifierOf(fields.name('identifier'), fields.string('identifier', /^.{1,128}$/, 'an e-license identifier')).text,
    action: fields.oneOf('action', ['suspend', 'reinstate', 'revoke', 'cancel'] as const),
    reason: fields.text('reason', 500),
  };
}

export function parseUse(json: string): LicenseUseRecord {
  const fields = RecordFields.parse('use', json, ['identifier', 'department', 'officer', 'caseReference', 'purpose']);
  return {
    identifier: identifierOf(fields.name('identifier'), fields.string('identifier', /^.{1,128}$/, 'an e-license identifier')).text,
    department: fields.string('department', MSP_ID, 'a department\'s MSP id', 64),
    officer: fields.string('officer', HEX64, 'the officer\'s pseudonym (64 hex characters)'),
    caseReference: fields.text('caseReference', 100),
    purpose: fields.string('purpose', PURPOSE, 'a purpose code such as business-licence.review'),
  };
}

export function parseCopy(json: string): AnnotatedCopyRecord & { readonly validUntilTime: string } {
  const fields = RecordFields.parse('copy', json, ['type', 'identifier', 'documentDigest', 'purpose', 'recipient', 'validUntil']);
  if (fields.raw('type') !== ANNOTATED_COPY_STATEMENT_TYPE) throw new InvalidArgumentError('copy.type', `must be "${ANNOTATED_COPY_STATEMENT_TYPE}"`);
  const validUntil = fields.string('validUntil', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/, 'an RFC 3339 UTC date-time in whole seconds, such as 2027-02-01T00:00:00Z', 20);
  return {
    type: ANNOTATED_COPY_STATEMENT_TYPE,
    identifier: identifierOf(fields.name('identifier'), fields.string('identifier', /^.{1,128}$/, 'an e-license identifier')).text,
    documentDigest: fields.string('documentDigest', HEX64, 'the SM3 digest of the license document'),
    purpose: fields.text('purpose', 200),
    recipient: fields.text('recipient', 200),
    validUntil,
    validUntilTime: parseLedgerTime('copy.validUntil', validUntil),
  };
}

/** An identifier argument, its check character checked: a mistyped identifier is refused as such. */
export function identifierOf(argument: string, text: string): { text: string; parts: LicenseIdentifier } {
  try {
    return { text, parts: parseLicenseIdentifier(text) };
  } catch (error) {
    if (error instanceof LicenseIdentifierError) throw new LicenseRefusedError('invalid_identifier', `${argument} ${JSON.stringify(text)} is not an e-license identifier: ${error.message}`);
    throw error;
  }
}

function date(fields: RecordFields, field: string): string {
  const value = fields.string(field, DATE, 'a date YYYY-MM-DD', 10);
  if (new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) throw new InvalidArgumentError(fields.name(field), `is not a date that exists: ${value}`);
  return value;
}

function metadataOf(argument: string, value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidArgumentError(argument, 'must be an object of text fields');
  for (const [name, text] of Object.entries(value)) {
    if (typeof text !== 'string' || text.length > 2000) throw new InvalidArgumentError(`${argument}.${name}`, 'must be text of at most 2000 characters');
  }
  return value as Record<string, string>;
}

function listOf<T>(fields: RecordFields, field: string, max: number, read: (value: unknown, name: string) => T): T[] {
  const value = fields.raw(field);
  if (!Array.isArray(value) || value.length === 0 || value.length > max) throw new InvalidArgumentError(fields.name(field), `must be an array of 1 to ${max} entries`);
  return value.map((entry, index) => read(entry, `${fields.name(field)}[${index}]`));
}
