import { CREDIT_EVENTS, TRAIL_EVENTS } from '@citytrust/shared';
import { COMPOSITE_KEY_SEPARATOR, InvalidArgumentError } from './arguments';
import { LICENSE_EVENTS, LICENSE_OBJECT_TYPES } from './licenses/license-keys';
import { CREDIT_OBJECT_TYPES } from './credit/credit-keys';
import { DOCUMENT_SEAL_OBJECT_TYPE, DOCUMENT_SEALED_EVENT, SEAL_KEY_EVENT } from './seal-contract';
import { CURRENT_SEAL_KEY_OBJECT_TYPE, SEAL_KEY_BY_DEPARTMENT_OBJECT_TYPE, SEAL_KEY_OBJECT_TYPE } from './seals/seal-key';
import {
  AUTHORIZATION_OBJECT_TYPE,
  CONSENT_BY_SUBJECT_OBJECT_TYPE,
  DATA_ITEM_OBJECT_TYPE,
  OBJECTION_OBJECT_TYPE,
  TRAIL_ID_OBJECT_TYPE,
  TRAIL_OBJECT_TYPE,
} from './trail-contract';

/**
 * What the domain contracts own on the ledger: the object types of their composite keys and the
 * names of their chaincode events. Only they may write these, after their own checks (seals,
 * authorizations); the system contract, which writes whatever it is given, is kept out, or any
 * department could forge a seal key, a trail, a license, or a `trail.access` event that an off-chain index
 * would believe.
 */
const DOMAIN_OBJECT_TYPES: ReadonlyMap<string, string> = new Map([
  ...[SEAL_KEY_OBJECT_TYPE, SEAL_KEY_BY_DEPARTMENT_OBJECT_TYPE, CURRENT_SEAL_KEY_OBJECT_TYPE, DOCUMENT_SEAL_OBJECT_TYPE].map((type) => [type, 'seal'] as const),
  ...[DATA_ITEM_OBJECT_TYPE, AUTHORIZATION_OBJECT_TYPE, CONSENT_BY_SUBJECT_OBJECT_TYPE, TRAIL_OBJECT_TYPE, TRAIL_ID_OBJECT_TYPE, OBJECTION_OBJECT_TYPE].map((type) => [type, 'trail'] as const),
  ...LICENSE_OBJECT_TYPES.map((type) => [type, 'license'] as const),
  ...Object.values(CREDIT_OBJECT_TYPES).map((type) => [type, 'credit'] as const),
]);
const DOMAIN_EVENTS: ReadonlyMap<string, string> = new Map([
  ...[SEAL_KEY_EVENT, DOCUMENT_SEALED_EVENT].map((name) => [name, 'seal'] as const),
  ...Object.values(TRAIL_EVENTS).map((name) => [name, 'trail'] as const),
  ...Object.values(LICENSE_EVENTS).map((name) => [name, 'license'] as const),
  ...Object.values(CREDIT_EVENTS).map((name) => [name, 'credit'] as const),
]);
const DOMAIN_EVENT_PREFIXES = [...new Set([...DOMAIN_EVENTS.keys()].map((name) => name.slice(0, name.indexOf('.') + 1)))];

/** Refuses a key (simple or composite) in a domain contract's namespace. */
export function requireOutsideDomain(argument: string, key: string): string {
  if (key.startsWith(COMPOSITE_KEY_SEPARATOR)) requireNotDomainObjectType(argument, key.slice(1, key.indexOf(COMPOSITE_KEY_SEPARATOR, 1)));
  return key;
}

/** Refuses a composite key object type that a domain contract owns. */
export function requireNotDomainObjectType(argument: string, objectType: string): string {
  const owner = DOMAIN_OBJECT_TYPES.get(objectType);
  if (owner) throw new InvalidArgumentError(argument, `is in the ${owner} contract's namespace ("${objectType}"): only the ${owner} contract writes there, after its own checks`);
  return objectType;
}

/** Refuses an event name in a domain contract's namespace (`seal.*`, `trail.*`, `credit.*`). */
export function requireNotDomainEvent(argument: string, eventName: string): string {
  const prefix = DOMAIN_EVENT_PREFIXES.find((p) => eventName.startsWith(p));
  if (prefix) throw new InvalidArgumentError(argument, `${JSON.stringify(eventName)} is in the ${prefix.slice(0, -1)} contract's event namespace (${prefix}*): listeners trust those events to come from it`);
  return eventName;
}
