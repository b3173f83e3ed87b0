import type { DataSubject } from './trail-records';

/** Whether two subjects are the same person (subject key) or the same enterprise (USCC). */
export function isSameSubject(a: DataSubject, b: DataSubject): boolean {
  return a.kind === 'person' ? b.kind === 'person' && a.subjectKey === b.subjectKey : b.kind === 'enterprise' && a.uscc === b.uscc;
}
