import type { DataSubject } from '@citytrust/shared';
import { ForbiddenError } from '../errors';
import type { Principal } from '../principal';

/**
 * The data subject a signed-in subject user is: a citizen's pseudonymous subject key, or the USCC
 * of the enterprise an enterprise account acts for. The `/me/...` routes act on this subject and
 * no other: none of them has a parameter that could name another. Staff have no subject (403).
 */
export function ownSubjectOf(principal: Principal, what: string): DataSubject {
  if (principal.role === 'citizen' && principal.subjectKey) return { kind: 'person', subjectKey: principal.subjectKey };
  if (principal.role === 'enterprise' && principal.uscc) return { kind: 'enterprise', uscc: principal.uscc };
  throw new ForbiddenError(`only a citizen or an enterprise signed in with their own key has ${what}`);
}

