import { isUscc, type DataSubject } from '@citytrust/shared';
import { InvalidArgumentError } from '../arguments';
import { RecordFields } from './record-fields';

const SUBJECT_KEY = /^[0-9a-f]{64}$/;

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
