import { createHash } from 'node:crypto';
import { canonicalJson } from '@citytrust/shared';
import type { NetworkDescription } from './network-description';

/**
 * The id the chaincode server registers with and the peers know it by, in Fabric's form
 * `<label>:<sha256>`. Fabric hashes the chaincode-as-a-service package (`metadata.json` plus the
 * `connection.json` naming the server's address); this hashes the same facts in canonical JSON,
 * so the id is stable for a description and changes when the name, version or address does.
 */
export function chaincodePackageId(description: NetworkDescription): string {
  const label = `${description.chaincode.name}_${description.chaincode.version}`;
  const connection = { address: `127.0.0.1:${description.chaincode.serverPort}`, dial_timeout: '10s', tls_required: false };
  const digest = createHash('sha256').update(canonicalJson({ type: 'ccaas', label, connection })).digest('hex');
  return `${label}:${digest}`;
}
