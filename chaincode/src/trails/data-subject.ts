import type { DataSubject } from '@citytrust/shared';
import { InvalidArgumentError } from '../arguments';
import { RecordFields } from './record-fields';

const USCC_CHARACTERS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const SUBJECT_KEY = /^[0-9a-f]{64}$/;

/**
 * Whether `code` is a Unified Social Credit Code (统一社会信用代码, GB 32100-2015): 18 characters
 * from the standard's 31-character set whose last is the check character over the first 17.
 */
export function isUscc(code: string): boolean {
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code)) return false;
  const sum = USCC_WEIGHTS.reduce((total, weight, i) => total + USCC_CHARACTERS.indexOf(code[i]!) * weight, 0);
  return USCC_CHARACTERS[(31 - (sum % 31)) % 31] === code[17];
}

/** Reads a data subject: `{"kind":"enterprise","uscc":…}` or `{"kind":"person","subjectKey":<64 hex>}`. */
export function parseDataSubject(argument: string, value: unknown): DataSubject {
  const kind = typeof value === 'object' && value !== null ? (value as { kind?: unknown }).kind : undefined;
  if (kind === 'enterprise') {
    const fields = RecordFields.of(argument, value, ['kind', 'uscc']);
    const uscc = fields.string('uscc', /^.{18}$/, 'an 18-character Unified Social Credit Code');
    if (!isUscc(uscc)) throw new InvalidArgumentError(fields.name('uscc'), `is not a valid Unified Social Credit Code (its check character does not match), got ${JSON.stringify(uscc)}`);
    return { kind, uscc };
  }
  if (kind === 'person') {
    const fields = RecordFields.of(argument, value, ['kind', 'subjectKey']);
    return { kind, subjectKey: fields.string('subjectKey', SUBJECT_KEY, 'a pseudonymous subject key (64 lower-case hex characters; never an identity number)') };
  }
  throw new InvalidArgumentError(`${argument}.kind`, `must be "enterprise" (with uscc) or "person" (with subjectKey), got ${JSON.stringify(kind ?? null)}`);
}

/** The subject as one key part: `E:<uscc>` or `P:<subject key>`. */
export function subjectKeyPart(subject: DataSubject): string {
  return subject.kind === 'enterprise' ? `E:${subject.uscc}` : `P:${subject.subjectKey}`;
}

export function sameSubject(a: DataSubject, b: DataSubject): boolean {
  return subjectKeyPart(a) === subjectKeyPart(b);
}
