import { api, ApiProblem } from './api';

/**
 * The explorer's way to the credit officers' GraphQL (`/graphql`), through the same door as
 * REST: the session's token, and the gateway's 401 and 403 as {@link ApiProblem}s. GraphQL
 * answers a query it cannot serve with 200 and `errors`; those become an ApiProblem too, with
 * the error's code and the field it names, so a view says what was wrong with what was typed.
 */
export async function creditGraph<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const answer = await api<{ data?: T; errors?: Array<{ message: string; extensions?: { code?: string; field?: string } }> }>('POST', '/graphql', { query, variables });
  const error = answer.errors?.[0];
  if (error || !answer.data) {
    // The message names the field already (e.g. "subject.uscc is not a valid USCC").
    throw new ApiProblem(400, error?.extensions?.code ?? 'graphql_error', error?.message ?? 'the gateway answered without data');
  }
  return answer.data;
}

/** Whose credit, as the schema's `SubjectInput` takes it: an enterprise's USCC or a person's identity number. */
export type SubjectInput = { uscc: string } | { identityNumber: string };
