/**
 * What a credit record (信用信息) is about: its category, whether it speaks for or against the
 * subject, how grave it is, and which red or black list it puts the subject on. Every part
 * (chaincode, gateway, off-chain index) reads these lists from here, so a category is added once.
 */

/**
 * The kinds of credit record the city's departments submit. The plans name licences and
 * penalties shared for credit-based supervision (R46, R53), red lists (R45), lists of seriously
 * dishonest entities and the wage-arrears blacklist (R52), court enforcement (judicial
 * credibility, R55), and commitments (信用承诺).
 */
export const creditCategories = [
  'administrative-licence',
  'administrative-penalty',
  'red-list',
  'seriously-dishonest-list',
  'commitment-kept',
  'commitment-broken',
  'wage-arrears-blacklist',
  'court-enforcement',
  'honour',
] as const;

export type CreditCategory = (typeof creditCategories)[number];

/** 守信 (positive) records speak for the subject, 失信 (negative) ones against it. */
export type CreditPolarity = 'positive' | 'negative';

const polarities: Readonly<Record<CreditCategory, CreditPolarity>> = {
  'administrative-licence': 'positive',
  'administrative-penalty': 'negative',
  'red-list': 'positive',
  'seriously-dishonest-list': 'negative',
  'commitment-kept': 'positive',
  'commitment-broken': 'negative',
  'wage-arrears-blacklist': 'negative',
  'court-enforcement': 'negative',
  honour: 'positive',
};

/** Whether a category speaks for (守信) or against (失信) the subject. */
export function polarityOf(category: CreditCategory): CreditPolarity {
  return polarities[category];
}

export function isCreditCategory(value: unknown): value is CreditCategory {
  return typeof value === 'string' && (creditCategories as readonly string[]).includes(value);
}

/**
 * How grave a record is (轻微 / 一般 / 严重), as the NDRC's credit-repair rules grade failings;
 * for a positive record it says how much it weighs.
 */
export const creditSeverities = ['minor', 'ordinary', 'serious'] as const;

export type CreditSeverity = (typeof creditSeverities)[number];

export function isCreditSeverity(value: unknown): value is CreditSeverity {
  return typeof value === 'string' && (creditSeverities as readonly string[]).includes(value);
}

/** The red list (红名单) and the blacklists (黑名单) a subject can be on. */
export const creditLists = ['red-list', 'seriously-dishonest-list', 'wage-arrears-blacklist'] as const;

export type CreditListName = (typeof creditLists)[number];

/**
 * The list a record of this category puts its subject on while the record is in effect, or
 * undefined: list membership is not a separate decision but follows from the records.
 */
export function listOf(category: CreditCategory): CreditListName | undefined {
  return (creditLists as readonly string[]).includes(category) ? category as CreditListName : undefined;
}

/** The department that leads the credit system (发改委信用办, R58): it sets permissions and models. */
export const CREDIT_OFFICE_DEPARTMENT = 'CreditOfficeMSP';
