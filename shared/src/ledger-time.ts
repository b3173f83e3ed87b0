/**
 * An instant as the ledger writes times: RFC 3339 UTC with nine fraction digits
 * (`2027-01-02T03:04:05.678000000Z`), so that two times compare as strings.
 */
export function ledgerTime(instant: Date = new Date()): string {
  return instant.toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}
