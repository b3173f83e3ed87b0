import { polarityOf, type CreditCategory, type CreditSeverity } from './credit-categories';

/**
 * How long a record is in effect and disclosed, in calendar months from when it occurred. For
 * failings (失信信息) these follow the NDRC's credit-repair rules in force since 2026-04-01:
 *
 * | severity | published | minimum (repair from) | maximum (ends by itself) |
 * |---|---|---|---|
 * | minor | normally not | none | 3 months |
 * | ordinary | yes | 3 months | 1 year |
 * | serious | yes | 1 year | 3 years |
 *
 * The source department chooses a period between the minimum and the maximum (the maximum when
 * it says nothing); the record stops counting and being disclosed at its end, or earlier when it
 * is repaired or withdrawn. Positive records are not failings and are never repaired: CityTrust
 * keeps them in effect for up to three years, one year by default, and publishes them.
 */
export interface DisclosureWindow {
  /** Whether the record is published (信用公示) while in effect; a minor failing is not. */
  readonly published: boolean;
  /** The earliest a failing may be repaired, in months after it occurred. */
  readonly minimumMonths: number;
  /** The longest the record stays in effect. */
  readonly maximumMonths: number;
  /** The period when the department names none. */
  readonly defaultMonths: number;
}

const failingWindows: Readonly<Record<CreditSeverity, DisclosureWindow>> = {
  minor: { published: false, minimumMonths: 0, maximumMonths: 3, defaultMonths: 3 },
  ordinary: { published: true, minimumMonths: 3, maximumMonths: 12, defaultMonths: 12 },
  serious: { published: true, minimumMonths: 12, maximumMonths: 36, defaultMonths: 36 },
};

const positiveWindow: DisclosureWindow = { published: true, minimumMonths: 1, maximumMonths: 36, defaultMonths: 12 };

/** The window that applies to a record of this category and severity. */
export function disclosureWindowOf(category: CreditCategory, severity: CreditSeverity): DisclosureWindow {
  return polarityOf(category) === 'negative' ? failingWindows[severity] : positiveWindow;
}

/** The dates a record's window gives it, as ledger times (RFC 3339, nine fraction digits, UTC). */
export interface RecordWindow {
  readonly disclosureMonths: number;
  /** From when a failing may be repaired. */
  readonly repairableFrom: string;
  /** When the record stops counting and being disclosed, by itself. */
  readonly effectiveUntil: string;
}

/** The window of a record that occurred at `occurredAt` (a ledger time) and runs `months`. */
export function recordWindow(category: CreditCategory, severity: CreditSeverity, occurredAt: string, months: number): RecordWindow {
  const window = disclosureWindowOf(category, severity);
  return {
    disclosureMonths: months,
    repairableFrom: addCalendarMonths(occurredAt, window.minimumMonths),
    effectiveUntil: addCalendarMonths(occurredAt, months),
  };
}

/**
 * A ledger time `months` calendar months later, the day clamped to the month's last (31 January
 * plus one month is 28 or 29 February), the time of day kept to the nanosecond. Pure string
 * arithmetic on the date, so every endorser computes the same bytes.
 */
export function addCalendarMonths(ledgerTime: string, months: number): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})(T.*)$/.exec(ledgerTime);
  if (!match || !Number.isInteger(months) || months < 0) throw new RangeError(`cannot add ${months} months to ${JSON.stringify(ledgerTime)}`);
  const total = Number(match[1]) * 12 + (Number(match[2]) - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const day = Math.min(Number(match[3]), lastDay);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}${match[4]}`;
}
