import type { values } from '@citytrust/gateway';
import { UsageError } from './command';

type ValueSchema = Parameters<typeof values.valueProblem>[0];

/**
 * Refuses a command-line value that breaks the gateway's rule for it (the gateway's `values`:
 * the same schemas the API validates with), before anything is started or written, so the CLI
 * cannot create a user the API would refuse. The value is echoed only when it is not a secret.
 */
export async function checkOptionValue(option: string, schema: ValueSchema, value: string, options: { secret?: boolean } = {}): Promise<void> {
  const gateway = await import('@citytrust/gateway');
  const problem = gateway.values.valueProblem(schema, value);
  if (!problem) return;
  const shown = options.secret || value.length > 80 ? '' : ` (got '${value}')`;
  throw new UsageError(`${option} is not valid: ${problem.rule}${shown}`);
}
