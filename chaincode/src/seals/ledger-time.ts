import { ledgerTime } from '@citytrust/shared';
import { InvalidArgumentError } from '../arguments';

/**
 * Times on the ledger are RFC 3339 UTC text with nine fraction digits, as
 * {@link isoTimestamp} writes a transaction's timestamp: fixed width, so comparing two of them
 * as strings compares the instants, and every endorser produces the same bytes.
 */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Reads a time argument (any RFC 3339 date-time with an offset) and returns it in the ledger's
 * form. Fractions beyond milliseconds are kept when the offset is Z, so a time copied from the
 * ledger round-trips exactly.
 */
export function parseLedgerTime(argument: string, text: string): string {
  if (!RFC3339.test(text) || Number.isNaN(Date.parse(text))) {
    throw new InvalidArgumentError(argument, `must be an RFC 3339 date-time with an offset, such as 2027-01-01T00:00:00Z, got ${JSON.stringify(text)}`);
  }
  const exact = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/.exec(text);
  if (exact) {
    // Date.parse rolls 2027-02-30 over to March; a date that does not round-trip does not exist.
    if (new Date(Date.parse(`${exact[1]}Z`)).toISOString().slice(0, 19) !== exact[1]) {
      throw new InvalidArgumentError(argument, `is not a date that exists: ${JSON.stringify(text)}`);
    }
    return `${exact[1]}.${(exact[2] ?? '').padEnd(9, '0')}Z`;
  }
  return ledgerTime(new Date(Date.parse(text)));
}
