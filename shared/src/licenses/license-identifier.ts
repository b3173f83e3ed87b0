import { isUscc } from '../uscc';
import { mod37_36CheckCharacter } from './iso7064';

/**
 * The e-license identifier (电子证照标识) with the structure of GB/T 36904-2018:
 *
 *     1.2.156.3005.2 . <type code> . <issuer USCC> . <serial> . <version> . <check>
 *     e.g. 1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U
 *
 * - the root: the national e-license OID arc 1.2.156.3005.2;
 * - the license type code (证照类型代码, GB/T 36902): the defining department's Unified Social
 *   Credit Code and a three-digit number it gives the type, 21 characters;
 * - the issuing department's Unified Social Credit Code (证照颁发机构代码), 18 characters;
 * - the serial (流水号) the issuer gives the license, 1 to 32 of 0-9A-Z;
 * - the version (版本号), three digits from 001: a change of the license is a new version;
 * - the check character (校验位): ISO/IEC 7064 MOD 37,36 (hybrid) over the type code, issuer,
 *   serial and version written together without the dots. The hybrid MOD 37,36 system is the one
 *   the standard's national implementations use (identifiers published by issuing systems check
 *   out with it, e.g. the one above); it is also the only ISO 7064 system that protects a 0-9A-Z
 *   string with one character of the same set, which is what the identifier's last part is.
 */
export interface LicenseIdentifier {
  readonly typeCode: string;
  readonly issuerUscc: string;
  readonly serial: string;
  /** 1 to 999. */
  readonly version: number;
}

/** The national e-license root OID (电子证照根代码). */
export const LICENSE_ROOT_OID = '1.2.156.3005.2';

const TYPE_CODE = /^[0-9A-HJ-NPQRTUWXY]{18}[0-9]{3}$/;
const SERIAL = /^[0-9A-Z]{1,32}$/;
const VERSION = /^(?!000)[0-9]{3}$/;

/** Why a text is not an e-license identifier: which part is wrong, and how. */
export class LicenseIdentifierError extends Error {
  constructor(readonly part: 'structure' | 'root' | 'typeCode' | 'issuerUscc' | 'serial' | 'version' | 'check', reason: string) {
    super(reason);
    this.name = 'LicenseIdentifierError';
  }
}

/** Whether `code` is a license type code: a Unified Social Credit Code and three digits. */
export function isLicenseTypeCode(code: string): boolean {
  return TYPE_CODE.test(code) && isUscc(code.slice(0, 18));
}

/** The identifier's text, its check character computed. Throws {@link LicenseIdentifierError} on a bad part. */
export function formatLicenseIdentifier(identifier: LicenseIdentifier): string {
  requireParts(identifier);
  const version = String(identifier.version).padStart(3, '0');
  const body = `${identifier.typeCode}${identifier.issuerUscc}${identifier.serial}${version}`;
  return [LICENSE_ROOT_OID, identifier.typeCode, identifier.issuerUscc, identifier.serial, version, mod37_36CheckCharacter(body)].join('.');
}

/**
 * Reads an identifier's text, or throws {@link LicenseIdentifierError} naming the part that is
 * wrong; a mistyped character is caught by the check character.
 */
export function parseLicenseIdentifier(text: string): LicenseIdentifier {
  if (!text.startsWith(`${LICENSE_ROOT_OID}.`)) {
    throw new LicenseIdentifierError('root', `an e-license identifier starts with the national root ${LICENSE_ROOT_OID}., got ${JSON.stringify(text.slice(0, 40))}`);
  }
  const parts = text.slice(LICENSE_ROOT_OID.length + 1).split('.');
  if (parts.length !== 5) {
    throw new LicenseIdentifierError('structure', `an e-license identifier is ${LICENSE_ROOT_OID}.<type code>.<issuer USCC>.<serial>.<version>.<check>, got ${parts.length} parts after the root`);
  }
  const [typeCode, issuerUscc, serial, version, check] = parts as [string, string, string, string, string];
  if (!VERSION.test(version)) throw new LicenseIdentifierError('version', `the version is three digits from 001, got ${JSON.stringify(version)}`);
  const identifier = { typeCode, issuerUscc, serial, version: Number(version) };
  requireParts(identifier);
  const expected = mod37_36CheckCharacter(`${typeCode}${issuerUscc}${serial}${version}`);
  if (check !== expected) {
    throw new LicenseIdentifierError('check', `the check character is ${JSON.stringify(check)} but the identifier's parts give ${expected} (ISO 7064 MOD 37,36): a character was mistyped or altered`);
  }
  return identifier;
}

/** The identifier of the same license one version on: what a change (变更) issues. */
export function nextLicenseVersion(identifier: LicenseIdentifier): LicenseIdentifier {
  if (identifier.version >= 999) throw new LicenseIdentifierError('version', 'the license is at version 999, the last the identifier can hold');
  return { ...identifier, version: identifier.version + 1 };
}

function requireParts({ typeCode, issuerUscc, serial, version }: LicenseIdentifier): void {
  if (!isLicenseTypeCode(typeCode)) {
    throw new LicenseIdentifierError('typeCode', `the license type code is the defining department's Unified Social Credit Code and three digits (21 characters), got ${JSON.stringify(typeCode)}`);
  }
  if (!isUscc(issuerUscc)) {
    throw new LicenseIdentifierError('issuerUscc', `the issuer is named by its Unified Social Credit Code (18 characters, GB 32100 check character), got ${JSON.stringify(issuerUscc)}`);
  }
  if (!SERIAL.test(serial)) throw new LicenseIdentifierError('serial', `the serial is 1 to 32 of 0-9 and A-Z, got ${JSON.stringify(serial)}`);
  if (!Number.isInteger(version) || version < 1 || version > 999) throw new LicenseIdentifierError('version', `the version is 1 to 999, got ${version}`);
}
