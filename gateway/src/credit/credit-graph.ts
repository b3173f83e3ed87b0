import { createSchema, createYoga, type YogaServerInstance } from 'graphql-yoga';
import { GraphQLError } from 'graphql';
import { creditCategories, creditLists, creditSeverities, isUscc, type CreditSubject } from '@citytrust/shared';
import { InvalidQueryError, type CreditQueries, type CreditSubjectSearch } from '@citytrust/credit-service';
import { ApiError } from '../errors';
import type { Principal } from '../principal';
import type { SubjectKeyDeriver } from '../subjects/subject-key';
import { toDataSubject } from '../http/routes/trails';
import { creditGraphSchema } from './credit-graph-schema';

/** What each GraphQL request carries: the caller the gateway authenticated and authorized. */
export interface CreditGraphContext {
  readonly principal: Principal;
}

export interface CreditGraphOptions {
  readonly queries: CreditQueries;
  readonly subjectKeys: SubjectKeyDeriver;
}

/** GraphQL enum names for the domain's kebab-case values: `administrative-penalty` is `ADMINISTRATIVE_PENALTY`. */
const enumOf = (values: readonly string[]) => Object.fromEntries(values.map((value) => [value.toUpperCase().replace(/-/g, '_'), value]));

/**
 * The credit officers' GraphQL (graphql-yoga), served by the gateway at `/graphql` behind its own
 * tokens and authorization table: only credit officers and auditors reach it. Bad input (a cursor
 * or date it cannot read, a malformed USCC or identity number) is an error with
 * `extensions.code` `BAD_USER_INPUT` and the `field`; anything else is masked.
 */
export function newCreditGraph({ queries, subjectKeys }: CreditGraphOptions): YogaServerInstance<CreditGraphContext, object> {
  const subjectOf = (input: { uscc?: string | null; identityNumber?: string | null }): CreditSubject => {
    if ((input.uscc == null) === (input.identityNumber == null)) throw badInput('subject', 'give exactly one of uscc and identityNumber');
    if (input.uscc != null && !isUscc(input.uscc)) throw badInput('subject.uscc', `must be a Unified Social Credit Code (18 characters, its check character right), got ${JSON.stringify(input.uscc)}`);
    return input.uscc != null ? { kind: 'enterprise', uscc: input.uscc } : toDataSubject({ kind: 'person', identityNumber: input.identityNumber! }, subjectKeys);
  };
  const scopeOf = <T extends { district?: string | null; industry?: string | null }>(scope: T): T => {
    if (scope.district != null && !/^[0-9]{6}$/.test(scope.district)) throw badInput('district', `is a GB/T 2260 division code of 6 digits (USCC characters 3-8), got ${JSON.stringify(scope.district)}`);
    if (scope.industry != null && !/^[0-9A-HJ-NPQRTUWXY]{2}$/.test(scope.industry)) throw badInput('industry', `is the 2 characters that open a USCC (e.g. 91), got ${JSON.stringify(scope.industry)}`);
    return scope;
  };
  const schema = createSchema<CreditGraphContext>({
    typeDefs: creditGraphSchema,
    resolvers: {
      Category: enumOf(creditCategories),
      Severity: enumOf(creditSeverities),
      CreditList: enumOf(creditLists),
      Query: {
        subject: (_: unknown, args: { subject: { uscc?: string; identityNumber?: string } }) => answer(() => queries.profile(subjectOf(args.subject))),
        subjects: (_: unknown, args: { filter?: CreditSubjectSearch | null; first: number; after?: string | null }) =>
          answer(async () => {
            const filter = Object.fromEntries(Object.entries(scopeOf(args.filter ?? {})).filter(([, value]) => value != null)) as CreditSubjectSearch;
            const page = await queries.searchSubjects(filter, { limit: args.first, ...(args.after != null ? { after: args.after } : {}) });
            return { nodes: page.entries, pageInfo: { endCursor: page.next, hasNextPage: page.next !== null } };
          }),
        gradeDistribution: (_: unknown, args: { district?: string | null; industry?: string | null }) =>
          answer(async () => {
            scopeOf(args);
            const distribution = await queries.gradeDistribution({ ...(args.district != null ? { district: args.district } : {}), ...(args.industry != null ? { industry: args.industry } : {}) });
            return { ...distribution, total: distribution.A + distribution.B + distribution.C + distribution.D };
          }),
        gradeChanges: (_: unknown, args: { from: string; until: string; first: number; after?: string | null }) =>
          answer(async () => {
            const changes = await queries.gradeChanges({ from: args.from, until: args.until }, { limit: args.first, ...(args.after != null ? { after: args.after } : {}) });
            return { transitions: changes.transitions, changes: changes.changes.entries, pageInfo: { endCursor: changes.changes.next, hasNextPage: changes.changes.next !== null } };
          }),
        whyGradeChanged: (_: unknown, args: { subject: { uscc?: string; identityNumber?: string }; from: string; until: string }) =>
          answer(() => queries.explainGradeChange(subjectOf(args.subject), args.from, args.until)),
      },
      Evaluation: { subject: (evaluation: { subject: CreditSubject }) => (evaluation.subject.kind === 'enterprise' ? `E:${evaluation.subject.uscc}` : `P:${evaluation.subject.subjectKey}`) },
      Objection: {
        outcome: (objection: { answer?: { outcome: string } }) => objection.answer?.outcome ?? null,
        answeredAt: (objection: { answer?: { answeredAt: string } }) => objection.answer?.answeredAt ?? null,
        late: (objection: { answer?: { late: boolean } }) => objection.answer?.late ?? null,
      },
      Repair: { decidedAt: (repair: { decision?: { decidedAt: string } }) => repair.decision?.decidedAt ?? null },
    },
  });
  return createYoga<CreditGraphContext>({
    schema,
    graphqlEndpoint: '/graphql',
    // No GraphiQL page (it loads its code from a CDN) and no CORS: officers' tools call it from the server side.
    graphiql: false,
    landingPage: false,
    cors: false,
    logging: false,
  });
}

function badInput(field: string, problem: string): GraphQLError {
  return new GraphQLError(`${field} ${problem}`, { extensions: { code: 'BAD_USER_INPUT', field } });
}

/** Runs a resolver, turning what the caller must fix into BAD_USER_INPUT; anything else stays masked. */
async function answer<T>(resolve: () => Promise<T>): Promise<T> {
  try {
    return await resolve();
  } catch (error) {
    // The index names a page's size `limit`; here it is `first`.
    if (error instanceof InvalidQueryError) throw badInput(error.field === 'limit' ? 'first' : error.field, error.message.slice(error.field.length + 1));
    if (error instanceof ApiError && error.statusCode === 400) throw new GraphQLError(error.message, { extensions: { code: 'BAD_USER_INPUT', field: error.details?.field } });
    throw error;
  }
}
