/**
 * What the credit views ask the GraphQL schema for (gateway/src/credit/credit-graph-schema.ts)
 * and the shapes that come back, shared by the profile and the grade-change explanation.
 */
export interface Evaluation {
  evaluationId: string; grade: string; score: number; modelVersion: number; evaluatedAt: string;
  trigger: { kind: string; recordId: string | null };
  factors: Array<{ recordId: string; category: string; severity: string; ageDays: number; weight: number; decayPercent: number; contribution: number }>;
  lists: string[];
  previous: { grade: string; score: number } | null;
}
export interface CreditRecord {
  recordId: string; department: string; category: string; severity: string; status: string; occurredAt: string; effectiveUntil: string; reference: string;
}
export const evaluationFields = 'evaluationId grade score modelVersion evaluatedAt trigger { kind recordId } factors { recordId category severity ageDays weight decayPercent contribution } lists previous { grade score }';
export const recordFields = 'recordId department category severity status occurredAt effectiveUntil reference';
