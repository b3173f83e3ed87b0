import type { CreditSubject } from '@citytrust/shared';

/**
 * What a credit officer filters subjects by, read from the subject itself so that no other
 * register is needed. An enterprise's Unified Social Credit Code (GB 32100-2015) carries them:
 *
 *     9 1 320200 MA1XXXXX X 5
 *     │ │ └──┬─┘ └────┬───┘ └ check character
 *     │ │    │        └ organisation code (9 characters)
 *     │ │    └ administrative division of the registering authority (GB/T 2260, 6 digits)
 *     │ └ entity category within that authority (1 enterprise, 2 individual business, 3 farmers' co-operative, …)
 *     └ registration authority (1 organisation establishment, 5 civil affairs, 9 market regulation, Y other, …)
 *
 * - `district`: characters 3–8, the GB/T 2260 code of the division whose authority registered
 *   the entity (e.g. 320214, 无锡市新吴区).
 * - `industry`: characters 1–2, the registration authority and entity category (e.g. 91, an
 *   enterprise registered with market regulation; 51, a social organisation). The USCC encodes
 *   no GB/T 4754 industry code; this is the closest sector the code itself carries, and it is
 *   what "industry" filters on here.
 *
 * A person (known only by a pseudonymous subject key) has neither.
 */
export interface SubjectAttributes {
  readonly district: string | null;
  readonly industry: string | null;
}

export function subjectAttributes(subject: CreditSubject): SubjectAttributes {
  if (subject.kind !== 'enterprise') return { district: null, industry: null };
  return { district: subject.uscc.slice(2, 8), industry: subject.uscc.slice(0, 2) };
}
