/**
 * The GraphQL schema credit officers and auditors query at `/graphql` (SDL with descriptions,
 * which introspection and any GraphQL client show). It reads the off-chain index, which follows
 * the ledger's credit events; the ledger stays the source of truth (REST reads it directly).
 */
export const creditGraphSchema = /* GraphQL */ `
"""
Credit (社会信用) for credit officers and auditors, read from the off-chain index. Subjects are
named as the ledger keys them: \`E:<USCC>\` for an enterprise, \`P:<subject key>\` for a person
(a pseudonym; identity numbers are turned into it at the door and go no further). Times are the
ledger's, RFC 3339 UTC.
"""
type Query {
  "A subject's profile: grade, score, the factors of its latest evaluation, its records, its evaluation history and its list memberships. Null when the index holds no evaluation of it."
  subject(subject: SubjectInput!): SubjectProfile
  "Subjects by grade, category, district, industry and list, in subject order, a page at a time (first: 1 to 500, default 50; after: the previous page's endCursor)."
  subjects(filter: SubjectFilter, first: Int = 50, after: String): SubjectConnection!
  "How many subjects have each grade, in the whole city or within a district or industry."
  gradeDistribution(district: String, industry: String): GradeDistribution!
  "Evaluations that changed a subject's grade in [from, until), oldest first, with totals by transition."
  gradeChanges(from: String!, until: String!, first: Int = 50, after: String): GradeChanges!
  "Why the subject's grade at 'until' differs from its grade at 'from': the evaluations in between, the model versions they used, and the records whose part changed."
  whyGradeChanged(subject: SubjectInput!, from: String!, until: String!): GradeChangeExplanation!
}

"Whose credit: exactly one of an enterprise's USCC or a person's identity number (turned into their subject key, never stored)."
input SubjectInput {
  uscc: String
  identityNumber: String
}

"Every field given narrows the search."
input SubjectFilter {
  grade: Grade
  "Subjects with a record of this category in force now."
  category: Category
  "GB/T 2260 code (6 digits) of the division whose authority registered the enterprise: characters 3-8 of its USCC. Persons have none."
  district: String
  "Registration authority and entity category: characters 1-2 of the USCC (91 an enterprise registered with market regulation, 92 an individual business, 51 a social organisation, ...). The USCC carries no GB/T 4754 industry code; this is the sector it does carry. Persons have none."
  industry: String
  "Subjects on this red list or blacklist as of their latest evaluation."
  list: CreditList
}

"A credit grade, best first, as the evaluation model's thresholds give it."
enum Grade { A B C D }

enum Category {
  ADMINISTRATIVE_LICENCE
  ADMINISTRATIVE_PENALTY
  RED_LIST
  SERIOUSLY_DISHONEST_LIST
  COMMITMENT_KEPT
  COMMITMENT_BROKEN
  WAGE_ARREARS_BLACKLIST
  COURT_ENFORCEMENT
  HONOUR
}

"How grave a record is (轻微 / 一般 / 严重); for a positive record, how much it weighs."
enum Severity { MINOR ORDINARY SERIOUS }

"The red list (红名单) and the blacklists (黑名单)."
enum CreditList { RED_LIST SERIOUSLY_DISHONEST_LIST WAGE_ARREARS_BLACKLIST }

"A subject's standing: its latest evaluation and what officers filter it by."
type Standing {
  subject: String!
  grade: Grade!
  score: Int!
  modelVersion: Int!
  evaluatedAt: String!
  district: String
  industry: String
  lists: [CreditList!]!
}

type SubjectProfile {
  standing: Standing!
  "The latest evaluation as the ledger stores it."
  evaluation: Evaluation!
  memberships: [ListMembership!]!
  "The subject's records, newest first (at most 500), each with its objection and repair."
  records: [CreditRecordEntry!]!
  "Its evaluations, newest first (at most 100)."
  history: [Evaluation!]!
}

"A list the subject is on, and since when without a break."
type ListMembership {
  list: CreditList!
  since: String!
}

"An evaluation: score and grade under a model version, with the factors that made it and the evaluation it replaced."
type Evaluation {
  evaluationId: String!
  subject: String!
  grade: Grade!
  score: Int!
  modelVersion: Int!
  evaluatedAt: String!
  "What caused it: a new record, an objection's answer, a repair (with the record), or a re-evaluation by the credit office."
  trigger: EvaluationTrigger!
  factors: [Factor!]!
  lists: [CreditList!]!
  "The evaluation it replaced; null for the subject's first."
  previous: PreviousEvaluation
}

type EvaluationTrigger {
  "record, objection, repair or reevaluation"
  kind: String!
  recordId: String
}

"One record's part in an evaluation: contribution = trunc(weight x decayPercent / 100)."
type Factor {
  recordId: String!
  category: Category!
  severity: Severity!
  ageDays: Int!
  weight: Int!
  decayPercent: Int!
  contribution: Int!
}

type PreviousEvaluation {
  evaluationId: String!
  grade: Grade!
  score: Int!
  modelVersion: Int!
  evaluatedAt: String!
}

"A credit record (信用信息) as the ledger stores it."
type CreditRecord {
  recordId: String!
  "The source department (MSP id)."
  department: String!
  category: Category!
  severity: Severity!
  "active, under-objection, withdrawn or repaired; a record also stops counting at effectiveUntil by itself."
  status: String!
  published: Boolean!
  occurredAt: String!
  recordedAt: String!
  repairableFrom: String!
  effectiveUntil: String!
  disclosureMonths: Int!
  reference: String!
  documentDigest: String!
  endedAt: String
}

type CreditRecordEntry {
  record: CreditRecord!
  objection: Objection
  repair: Repair
}

"A subject's objection (异议) and the source department's answer."
type Objection {
  reason: String!
  raisedAt: String!
  answerBy: String!
  "open or answered"
  status: String!
  "upheld, corrected or withdrawn, once answered"
  outcome: String
  answeredAt: String
  late: Boolean
}

"An application to repair (信用修复) with its credit commitment, and the decision."
type Repair {
  commitment: String!
  appliedAt: String!
  "pending, approved or rejected"
  status: String!
  decidedAt: String
}

type PageInfo {
  "Pass as 'after' for the next page; null on the last."
  endCursor: String
  hasNextPage: Boolean!
}

type SubjectConnection {
  nodes: [Standing!]!
  pageInfo: PageInfo!
}

type GradeDistribution {
  A: Int!
  B: Int!
  C: Int!
  D: Int!
  total: Int!
}

"How many evaluations moved subjects from one grade to another; from is null for a first evaluation."
type GradeTransition {
  from: Grade
  to: Grade!
  count: Int!
}

type GradeChange {
  subject: String!
  from: Grade
  to: Grade!
  evaluation: Evaluation!
}

type GradeChanges {
  transitions: [GradeTransition!]!
  changes: [GradeChange!]!
  pageInfo: PageInfo!
}

"A record whose part differs between the two dates: added, removed, reweighed (decay, correction or a new model), or the trigger of an evaluation between them."
type ExplainedRecord {
  record: CreditRecord!
  change: String!
  contributionAtFrom: Int
  contributionAtUntil: Int
}

type GradeChangeExplanation {
  subject: String!
  "The evaluation in force at 'from' (null: none yet)."
  atFrom: Evaluation
  "The evaluation in force at 'until'."
  atUntil: Evaluation
  "Evaluations after 'from' up to 'until', oldest first."
  evaluations: [Evaluation!]!
  modelVersions: [Int!]!
  records: [ExplainedRecord!]!
}
`;
