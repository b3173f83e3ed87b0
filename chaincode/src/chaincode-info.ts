import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The chaincode's name on the channel, as the lifecycle definition and clients use it. */
export const CHAINCODE_NAME = 'citytrust';

/**
 * The contracts this chaincode serves, by contract name. A test keeps this list equal to the
 * `contracts` the chaincode exports; it is spelt out here so that `system:version` can report it
 * without the system contract importing the list it belongs to.
 */
export const CONTRACT_NAMES: readonly string[] = ['system', 'seal', 'trail', 'license', 'credit'];

/** The npm package this chaincode ships as: its name and version are the chaincode's own. */
export interface ChaincodePackage {
  readonly name: string;
  readonly version: string;
}

let cached: ChaincodePackage | undefined;

/**
 * Reads chaincode/package.json (beside `dist/`) once. Reading it at run time rather than copying
 * the version into the code means a release bumps one number.
 */
export function chaincodePackage(): ChaincodePackage {
  if (cached) return cached;
  const path = join(__dirname, '..', 'package.json');
  const json: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (typeof json !== 'object' || json === null) throw new Error(`${path} does not hold a JSON object`);
  const { name, version } = json as Record<string, unknown>;
  if (typeof name !== 'string' || typeof version !== 'string') {
    throw new Error(`${path} must have string "name" and "version" fields`);
  }
  cached = { name, version };
  return cached;
}
