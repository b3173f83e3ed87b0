import { Value } from '@sinclair/typebox/value';
import type { ProofBundle } from '@citytrust/network-config';
import { MAX_PAGE_SIZE, type TrailSearch } from '@citytrust/credit-service';
import { DEFAULT_SM2_USER_ID, sm3 } from '@citytrust/shared';
import { InvalidRequestError } from '../errors';
import { TrailView } from '../http/trail-schemas';
import type { Ledger } from '../ledger/ledger';
import type { SealService } from '../seals/seal-service';
import type { IndexedTrail, IndexFreshness, TrailIndex } from '../trails/trail-index';
import { AUDIT_BUNDLE_FORMAT, jsonDigest, MAX_AUDIT_BUNDLE_TRAILS, type AuditBundle, type AuditBundleEntry, type AuditManifest, type AuditQuery } from './audit-bundle';

/** Proofs asked of the ledger at once: enough to hide its latency, few enough to leave it to others. */
const PROOF_CONCURRENCY = 8;

export interface AuditBundleBuilderOptions {
  readonly trailIndex: TrailIndex;
  readonly ledger: Ledger;
  readonly seals: SealService;
  /** The gateway's department, whose seal signs every manifest. */
  readonly department: string;
  readonly maxTrails?: number;
  readonly now?: () => Date;
}

export interface AuditBundleRequest {
  /** The search as the index runs it (a person already turned into their subject key). */
  readonly search: TrailSearch;
  /** The username of the auditor exporting it, for the manifest. */
  readonly auditor: string;
}

/** Exports signed audit bundles ({@link AuditBundle}). */
export interface AuditBundleBuilder {
  /**
   * Every trail the search matches (at most `maxTrails`: more is a 400 asking to narrow it), each
   * with its ledger proof, under a manifest sealed by the department and attested on the ledger.
   */
  build(request: AuditBundleRequest): Promise<AuditBundle>;
}

export function newAuditBundleBuilder(options: AuditBundleBuilderOptions): AuditBundleBuilder {
  const { trailIndex, ledger, seals, department } = options;
  const maxTrails = options.maxTrails ?? MAX_AUDIT_BUNDLE_TRAILS;
  const now = options.now ?? (() => new Date());

  /** The matching trails, newest first, read a page at a time; the first page says how current the index is. */
  const matchingTrails = async (search: TrailSearch): Promise<{ trails: IndexedTrail[]; index: IndexFreshness }> => {
    const trails: IndexedTrail[] = [];
    let index: IndexFreshness | undefined;
    let bookmark = '';
    do {
      const page = await trailIndex.searchTrails(search, { pageSize: MAX_PAGE_SIZE, ...(bookmark ? { bookmark } : {}) }, 'body');
      index ??= page.index;
      trails.push(...page.trails);
      bookmark = page.bookmark;
      if (trails.length > maxTrails) {
        throw new InvalidRequestError(`the search matches more than ${maxTrails} trails, more than one audit bundle holds; narrow it (a shorter from/until period, or a department, officer, item, purpose, authorization or subject) and export each part`, undefined, { limit: maxTrails });
      }
    } while (bookmark !== '');
    return { trails, index: index! };
  };

  return {
    async build({ search, auditor }) {
      const createdAt = now().toISOString();
      const { trails, index } = await matchingTrails(search);
      const proofs = await mapConcurrently(trails, PROOF_CONCURRENCY, (trail) => ledger.proofBundle(trail.transactionId));
      const blocks = new Map<number, string>();
      const entries = trails.map((trail, i): AuditBundleEntry => {
        const { block, configBlock, ...proof } = proofs[i]!;
        blocks.set(block.number, block.bytes);
        blocks.set(configBlock.number, configBlock.bytes);
        // The entry as the response carries it: what the schema documents, no undefined fields,
        // so that the digest computed here is the digest of what the verifier reads.
        return jsonValue({ trail: Value.Clean(TrailView, structuredClone(trail)) as AuditBundleEntry['trail'], proof: { ...proof, block: { number: block.number }, configBlock: { number: configBlock.number } } });
      });
      const blockList = [...blocks].sort(([a], [b]) => a - b).map(([number, bytes]) => ({ number, bytes }));
      const manifest: AuditManifest = jsonValue({
        format: AUDIT_BUNDLE_FORMAT,
        query: auditQueryOf(search),
        createdAt,
        auditor,
        department,
        index,
        entries: entries.map((entry) => ({ trailId: entry.trail.trailId, blockNumber: entry.trail.blockNumber, digest: jsonDigest(entry).toString('hex') })),
        blocks: blockList.map(({ number, bytes }) => ({ number, digest: sm3(Buffer.from(bytes, 'base64')).toString('hex') })),
      });
      // Sealed as a document the ledger attests: the attestation's proof shows, offline, that the
      // key was the department's registered seal key and valid when it signed; and the export
      // itself is on the ledger.
      const receipt = await seals.sealDocument(department, jsonDigest(manifest));
      const attestation = await ledger.proofBundle(receipt.transactionId);
      return {
        format: AUDIT_BUNDLE_FORMAT,
        manifest,
        seal: {
          algorithm: 'SM2-SM3',
          userId: DEFAULT_SM2_USER_ID,
          department,
          keyId: receipt.keyId,
          publicKey: publicKeyOf(attestation, receipt.keyId),
          digest: receipt.digest,
          signature: receipt.signature,
          sealedAt: receipt.sealedAt,
          attestation,
        },
        entries,
        blocks: blockList,
      };
    },
  };
}

/** The search as the manifest records it: the index's own filters, a person by their subject key. */
function auditQueryOf(search: TrailSearch): AuditQuery {
  const { subject, ...filters } = search;
  return { ...filters, ...(subject ? { subject: subject.kind === 'person' ? { kind: 'person', subjectKey: subject.subjectKey } : { kind: 'enterprise', uscc: subject.uscc } } : {}) };
}

/** The seal key's public half as the ledger registered it (the attestation carries its history). */
function publicKeyOf(attestation: ProofBundle, keyId: string): string {
  const version = attestation.sealKey.history.find((entry) => entry.key.keyId === keyId);
  if (!version) throw new Error(`the ledger's history of seal key ${keyId} does not hold that key`);
  return version.key.publicKey;
}

/** A value exactly as JSON carries it (undefined fields gone), so its canonical JSON is the reader's. */
function jsonValue<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** `work` over every item, at most `concurrency` at a time, results in the items' order. */
async function mapConcurrently<T, R>(items: readonly T[], concurrency: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  }));
  return results;
}
