import { verifyProofBundle, type ProofBundle, type ProofReport, type ProofVerificationOptions } from '@citytrust/network-config';
import { canonicalJson, importSm2PublicKey, sealKeyId, sm2Verify, sm3, type Sm2PublicKey } from '@citytrust/shared';
import { jsonDigest, type AuditBundle, type AuditBundleEntry } from './audit-bundle';

/** The checks, by stable names that tools and tests can rely on, in the order they run. */
export type AuditCheckId =
  /** SM3 of the manifest's canonical JSON is the digest the seal signs. */
  | 'manifest-digest'
  /** The seal's key id is SM3 of its public key, and the seal is the manifest's department's. */
  | 'seal-key'
  /** The SM2 signature over the manifest's digest verifies with the key (GB/T 32918, default user ID). */
  | 'manifest-signature'
  /** The ledger attested this very seal (its proof verifies), with this key, registered to the department. */
  | 'manifest-attestation'
  /** A block the manifest lists is in the bundle with the digest listed, and every block in the bundle is listed. */
  | 'block-digest'
  /** An entry the manifest lists is in the bundle. */
  | 'entry-present'
  /** SM3 of the entry's canonical JSON is the digest the manifest lists. */
  | 'entry-digest'
  /** The trail is the one its proof proves: same transaction, block, seal and sealed record, on the attestation's channel. */
  | 'entry-record'
  /** The entry's ledger proof verifies (`citytrust proof verify`'s checks). */
  | 'entry-proof'
  /** Every entry in the bundle is listed in the manifest. */
  | 'entry-listed';

export interface AuditCheck {
  readonly id: AuditCheckId;
  readonly passed: boolean;
  /** Why it passed or failed. */
  readonly reason: string;
  /** For an entry's check: its position (1 = first) and trail. */
  readonly entry?: { readonly position: number; readonly trailId: string };
  /** For a block's check. */
  readonly blockNumber?: number;
}

export interface AuditBundleReport {
  /** True only when every check passed. */
  readonly valid: boolean;
  readonly manifest: AuditBundle['manifest'];
  /** How many entries passed every check, of those the manifest lists. */
  readonly entriesValid: number;
  /** Where the orderer roots the proofs were checked against came from (see `ProofReport`). */
  readonly trustRoots: ProofReport['trustRoots'];
  /** The first check that failed, in the order they run: what to name when the bundle is refused. */
  readonly firstFailure?: AuditCheck;
  /** Every check that ran. */
  readonly checks: readonly AuditCheck[];
}

/**
 * Checks an audit bundle offline, trusting neither the gateway that made it nor whoever passed
 * it on: the manifest's seal (SM2 over SM3, and the ledger's attestation of that seal, which
 * proves the key was the department's registered seal key at the time), each block's and each
 * entry's digest against the manifest, nothing added or removed, each trail against its sealed
 * record, and each entry's ledger proof with the proof verifier. Every check runs even when an
 * earlier one fails; `firstFailure` names the first.
 */
export async function verifyAuditBundle(bundle: AuditBundle, options: ProofVerificationOptions = {}): Promise<AuditBundleReport> {
  const checks: AuditCheck[] = [];
  const check = (id: AuditCheckId, passed: boolean, reason: string, where: Pick<AuditCheck, 'entry' | 'blockNumber'> = {}): boolean => {
    checks.push({ id, passed, reason, ...where });
    return passed;
  };
  const { manifest, seal } = bundle;

  const digest = jsonDigest(manifest).toString('hex');
  check('manifest-digest', digest === seal.digest, digest === seal.digest
    ? `SM3 of the manifest is ${digest}, the digest the seal signs`
    : `SM3 of the manifest is ${digest}, not the digest the seal signs (${seal.digest}): the manifest was changed after it was sealed`);

  const key = publicKeyOf(seal.publicKey);
  const keyId = key ? sealKeyId(key) : undefined;
  check('seal-key', keyId === seal.keyId && seal.department === manifest.department,
    !key ? 'the seal\'s publicKey is not an SM2 public key in PEM'
      : keyId !== seal.keyId ? `the seal names key ${seal.keyId}, but its public key's id (SM3 of its SubjectPublicKeyInfo) is ${keyId}`
        : seal.department !== manifest.department ? `the seal is ${seal.department}'s, but the manifest says ${manifest.department} made the bundle`
          : `key ${keyId} of ${seal.department}`);

  const signed = key !== undefined && sm2Verify(key, Buffer.from(seal.digest, 'hex'), Buffer.from(seal.signature, 'base64'));
  check('manifest-signature', signed, signed
    ? `the SM2 signature over ${seal.digest} verifies with key ${seal.keyId}`
    : `the SM2 signature over ${seal.digest} does not verify with the seal's key: forged, or made by another key`);

  const attestation = await verifyProofBundle(seal.attestation, options);
  check('manifest-attestation', ...attestationVerdict(bundle, attestation, key));

  // Only blocks whose bytes are the ones the manifest lists go into the proofs.
  const bytesOf = new Map(bundle.blocks.map((block) => [block.number, block.bytes]));
  const blocks = new Map<number, string>();
  const listedBlocks = new Set(manifest.blocks.map((block) => block.number));
  for (const listed of manifest.blocks) {
    const bytes = bytesOf.get(listed.number);
    const actual = bytes === undefined ? undefined : sm3(Buffer.from(bytes, 'base64')).toString('hex');
    if (bytes !== undefined && actual === listed.digest) blocks.set(listed.number, bytes);
    check('block-digest', actual === listed.digest, actual === undefined
      ? 'listed in the manifest but not in the bundle: removed after sealing'
      : actual === listed.digest ? `SM3 ${actual} as listed` : `SM3 of its bytes is ${actual}, not ${listed.digest} as the manifest lists: the block was changed`, { blockNumber: listed.number });
  }
  for (const block of bundle.blocks) {
    if (!listedBlocks.has(block.number)) check('block-digest', false, 'in the bundle but not in the manifest: added after sealing', { blockNumber: block.number });
  }

  const entries = new Map<string, AuditBundleEntry>();
  for (const entry of bundle.entries) if (!entries.has(entry.trail.trailId)) entries.set(entry.trail.trailId, entry);
  let entriesValid = 0;
  for (const [i, listed] of manifest.entries.entries()) {
    const where = { entry: { position: i + 1, trailId: listed.trailId } };
    const entry = entries.get(listed.trailId);
    if (entry === undefined) {
      check('entry-present', false, 'listed in the manifest but not in the bundle: removed after sealing', where);
      continue;
    }
    check('entry-present', true, 'in the bundle', where);
    const actual = jsonDigest(entry).toString('hex');
    const digestOk = check('entry-digest', actual === listed.digest, actual === listed.digest ? `SM3 ${actual} as listed` : `SM3 of the entry is ${actual}, not ${listed.digest} as the manifest lists: the entry was changed after sealing`, where);
    const recordProblem = recordMismatch(entry, listed.blockNumber, seal.attestation.channel);
    const recordOk = check('entry-record', recordProblem === undefined, recordProblem ?? 'the trail is the record its proof proves (transaction, block, seal, sealed fields)', where);
    const proof = reassemble(entry, blocks);
    const report = proof ? await verifyProofBundle(proof, options) : undefined;
    const failed = report?.checks.filter((c) => !c.passed) ?? [];
    const proofOk = check('entry-proof', report?.valid === true, !proof
      ? `its proof rests on block ${entry.proof.block.number} and config block ${entry.proof.configBlock.number}, and the bundle does not hold both as the manifest lists them`
      : failed.length === 0 ? `every proof check passed (transaction ${proof.transactionId} in block ${proof.block.number})` : `proof check ${failed.map((c) => `${c.id}: ${c.reason}`).join('; ')}`, where);
    if (digestOk && recordOk && proofOk) entriesValid += 1;
  }
  const listedEntries = new Set(manifest.entries.map((entry) => entry.trailId));
  const seen = new Set<string>();
  for (const [i, entry] of bundle.entries.entries()) {
    const trailId = entry.trail.trailId;
    const where = { entry: { position: i + 1, trailId } };
    if (!listedEntries.has(trailId)) check('entry-listed', false, 'in the bundle but not in the manifest: added after sealing', where);
    else if (seen.has(trailId)) check('entry-listed', false, 'a second copy of an entry the manifest lists once: added after sealing', where);
    seen.add(trailId);
  }

  const firstFailure = checks.find((c) => !c.passed);
  return { valid: firstFailure === undefined, manifest, entriesValid, trustRoots: attestation.trustRoots, ...(firstFailure ? { firstFailure } : {}), checks };
}

/** Whether the attestation proves this seal: its proof verifies, and it recorded this digest, key, signature and public key. */
function attestationVerdict(bundle: AuditBundle, report: ProofReport, key: Sm2PublicKey | undefined): [boolean, string] {
  const { seal } = bundle;
  const attested = seal.attestation.sealed.seal;
  const failed = report.checks.filter((c) => !c.passed);
  if (failed.length > 0) return [false, `the proof of the ledger's attestation does not verify: ${failed.map((c) => `${c.id}: ${c.reason}`).join('; ')}`];
  if (attested.digest !== seal.digest || attested.keyId !== seal.keyId || attested.signature !== seal.signature) {
    return [false, `the ledger attested a seal over ${attested.digest} by key ${attested.keyId}, not this seal (over ${seal.digest} by key ${seal.keyId}): the manifest was re-signed, or the attestation belongs to another bundle`];
  }
  if (attested.department !== seal.department || attested.sealedAt !== seal.sealedAt) {
    return [false, `the ledger attested the seal for ${attested.department} at ${attested.sealedAt}, not ${seal.department} at ${seal.sealedAt}`];
  }
  const registered = seal.attestation.sealKey.history.find((version) => version.key.keyId === seal.keyId)?.key.publicKey;
  const registeredKey = registered === undefined ? undefined : publicKeyOf(registered);
  if (!key || !registeredKey || !registeredKey.toDer().equals(key.toDer())) return [false, `the seal's public key is not the one the ledger registered as key ${seal.keyId}`];
  return [true, `attested on the ledger in transaction ${seal.attestation.transactionId} (block ${seal.attestation.block.number}) at ${attested.sealedAt}, with key ${seal.keyId} registered to ${seal.department} and valid then`];
}

/** Where the index's trail and the ledger's proof disagree, in words; undefined when they agree. */
function recordMismatch({ trail, proof }: AuditBundleEntry, listedBlock: number, channel: string): string | undefined {
  if (proof.transactionId !== trail.transactionId || trail.trailId !== trail.transactionId) return `the trail ${trail.trailId} (transaction ${trail.transactionId}) is not the transaction its proof proves (${proof.transactionId})`;
  if (proof.block.number !== trail.blockNumber || listedBlock !== trail.blockNumber) return `the trail says block ${trail.blockNumber}, the manifest ${listedBlock}, its proof block ${proof.block.number}`;
  if (proof.channel !== channel) return `its proof is of channel ${proof.channel}, the manifest's seal was attested on ${channel}`;
  if (canonicalJson(trail.seal) !== canonicalJson(proof.sealed.seal)) return 'the trail\'s seal is not the seal its transaction recorded';
  const record = proof.sealed.record;
  if (typeof record !== 'object' || record === null) return 'its proof carries no sealed record';
  const differing = Object.entries(record).filter(([field, value]) => canonicalJson(value) !== canonicalJson((trail as Record<string, unknown>)[field] ?? null)).map(([field]) => field);
  if (differing.length > 0) return `the trail's ${differing.join(', ')} differ from the record sealed on the ledger`;
  return undefined;
}

/** The entry's proof bundle with its blocks' bytes put back; undefined when the bundle lacks one intact. */
function reassemble({ proof }: AuditBundleEntry, blocks: ReadonlyMap<number, string>): ProofBundle | undefined {
  const block = blocks.get(proof.block.number);
  const configBlock = blocks.get(proof.configBlock.number);
  if (block === undefined || configBlock === undefined) return undefined;
  return { ...proof, block: { number: proof.block.number, bytes: block }, configBlock: { number: proof.configBlock.number, bytes: configBlock } };
}

function publicKeyOf(pem: string): Sm2PublicKey | undefined {
  try {
    return importSm2PublicKey(pem);
  } catch {
    return undefined;
  }
}
