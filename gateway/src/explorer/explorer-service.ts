import { verifyProofBundle, type ProofCheck } from '@citytrust/network-config';
import { blockSignatures } from '@citytrust/network-config/dist/proofs/fabric-block';
import { common } from '@hyperledger/fabric-protos';
import { ApiError, DependencyUnavailableError, NotFoundError } from '../errors';
import type { Ledger } from '../ledger/ledger';
import { decodeBlock, verifyEndorsements, type DecodedBlock, type DecodedTransaction } from './decoded-block';
import { channelLayoutOf, probeEndpoint, transactionsPerMinute, type ChannelLayout } from './network-overview';

/**
 * The explorer's questions to the ledger: the network at a glance, blocks and transactions
 * decoded. Everything is read through the ledger port (qscc), never from a ledger's files, so it
 * answers the same on the embedded ledger and on Fabric. Blocks never change once written, so
 * decoded blocks are kept in a bounded cache and a list of 100 costs the ledger only new blocks.
 */
export interface ExplorerService {
  overview(now?: Date): Promise<NetworkOverview>;
  /** Blocks numbered below `before` (the newest when absent), newest first. */
  blocks(before: number | undefined, limit: number): Promise<{ height: number; blocks: BlockSummary[] }>;
  block(number: number): Promise<{ block: BlockSummary; transactions: TransactionSummary[] }>;
  /** Transactions before the cursor position (`<block>.<index>`, exclusive), newest first; `next` continues the list. */
  transactions(before: TransactionPosition | undefined, limit: number): Promise<{ transactions: TransactionSummary[]; next: string }>;
  transaction(transactionId: string): Promise<TransactionView>;
}

export interface TransactionPosition {
  readonly block: number;
  readonly index: number;
}

export interface NetworkOverview {
  readonly ledger: { readonly reachable: boolean; readonly detail: string };
  readonly height: number;
  readonly layout: ChannelLayout | undefined;
  readonly nodes: ReadonlyArray<{ readonly role: 'peer' | 'orderer'; readonly mspId: string; readonly address: string; readonly reachable: boolean; readonly detail: string }>;
  readonly transactionsPerMinute: ReadonlyArray<{ readonly minute: string; readonly transactions: number }>;
}

export interface BlockSummary {
  readonly number: number;
  readonly time: string | undefined;
  readonly transactionCount: number;
  readonly validCount: number;
  readonly dataHash: string;
  readonly previousHash: string;
}

export interface TransactionSummary {
  readonly transactionId: string;
  readonly blockNumber: number;
  readonly index: number;
  readonly time: string;
  readonly type: string;
  readonly creator: string;
  readonly contract: string | undefined;
  readonly function: string | undefined;
  readonly validationCode: string;
  readonly sealed: boolean;
}

export interface TransactionView extends Omit<DecodedTransaction, 'endorsements'> {
  readonly endorsements: ReadonlyArray<{ readonly mspId: string; readonly subject: string; readonly signature: string; readonly verified: boolean }>;
  /** The seal checked as `citytrust proof verify` checks it (trust roots from the bundle), when the transaction carries one. */
  readonly sealVerification: { readonly valid: boolean; readonly checks: readonly ProofCheck[] } | undefined;
}

export interface ExplorerOptions {
  /** Minutes of transactions-per-minute history in the overview (default 30). */
  readonly rateWindowMinutes?: number;
  /** The most blocks the overview reads for that history (default 500), so a busy channel costs a bounded read. */
  readonly rateMaxBlocks?: number;
  /** How long a node's TCP probe may take (default 1000 ms). */
  readonly probeTimeoutMs?: number;
  /** Decoded blocks kept (default 4096). */
  readonly cacheBlocks?: number;
}

export function newExplorerService(ledger: Ledger, options: ExplorerOptions = {}): ExplorerService {
  const windowMinutes = options.rateWindowMinutes ?? 30;
  const maxBlocks = options.rateMaxBlocks ?? 500;
  const probeTimeoutMs = options.probeTimeoutMs ?? 1_000;
  const cacheSize = options.cacheBlocks ?? 4_096;
  const cache = new Map<number, { decoded: DecodedBlock; lastConfig: number }>();

  const load = async (number: number) => {
    const cached = cache.get(number);
    if (cached) {
      cache.delete(number);
      cache.set(number, cached);
      return cached;
    }
    const bytes = await ledger.block(number);
    const entry = { decoded: decodeBlock(bytes), lastConfig: blockSignatures(common.Block.deserializeBinary(bytes)).lastConfigIndex ?? 0 };
    cache.set(number, entry);
    if (cache.size > cacheSize) cache.delete(cache.keys().next().value!);
    return entry;
  };
  const height = async () => {
    const health = await ledger.health();
    if (health.height === undefined) throw new DependencyUnavailableError('ledger', health.detail);
    return health.height;
  };

  return {
    async overview(now = new Date()) {
      const health = await ledger.health();
      if (!health.reachable || health.height === undefined) {
        return { ledger: { reachable: false, detail: health.detail }, height: 0, layout: undefined, nodes: [], transactionsPerMinute: transactionsPerMinute([], now, windowMinutes) };
      }
      const newest = await load(health.height - 1);
      const layout = channelLayoutOf(await ledger.block(newest.lastConfig));
      const recent: DecodedBlock[] = [];
      const since = now.getTime() - windowMinutes * 60_000;
      for (let n = health.height - 1; n >= 0 && recent.length < maxBlocks; n--) {
        const { decoded } = await load(n);
        if (decoded.time !== undefined && Date.parse(decoded.time) < since) break;
        recent.push(decoded);
      }
      const endpoints = [
        ...layout.departments.flatMap((d) => d.anchorPeers.map((address) => ({ role: 'peer' as const, mspId: d.mspId, address }))),
        ...layout.ordererOrganizations.flatMap((o) => o.endpoints.map((address) => ({ role: 'orderer' as const, mspId: o.mspId, address }))),
      ];
      const nodes = await Promise.all(endpoints.map(async (node) => ({ ...node, ...(await probeEndpoint(node.address, probeTimeoutMs)) })));
      return { ledger: { reachable: true, detail: health.detail }, height: health.height, layout, nodes, transactionsPerMinute: transactionsPerMinute(recent, now, windowMinutes) };
    },

    async blocks(before, limit) {
      const top = await height();
      const from = Math.min(before ?? top, top) - 1;
      const numbers = Array.from({ length: Math.max(0, Math.min(limit, from + 1)) }, (_, i) => from - i);
      const blocks = [];
      for (const number of numbers) blocks.push(summaryOf((await load(number)).decoded));
      return { height: top, blocks };
    },

    async block(number) {
      const top = await height();
      if (number >= top) throw new NotFoundError(`no block ${number} on the channel: its height is ${top}, so the newest block is ${top - 1}`);
      const { decoded } = await load(number);
      return { block: summaryOf(decoded), transactions: decoded.transactions.map(transactionSummaryOf) };
    },

    async transactions(before, limit) {
      const top = await height();
      const found: TransactionSummary[] = [];
      let blockNumber = Math.min(before?.block ?? top - 1, top - 1);
      let below = before && before.block <= top - 1 ? before.index : Number.POSITIVE_INFINITY;
      for (; blockNumber >= 0 && found.length < limit; blockNumber--, below = Number.POSITIVE_INFINITY) {
        const { decoded } = await load(blockNumber);
        const newestFirst = decoded.transactions.filter((t) => t.index < below).reverse();
        found.push(...newestFirst.slice(0, limit - found.length).map(transactionSummaryOf));
      }
      const last = found[found.length - 1];
      const more = last !== undefined && (last.index > 0 || last.blockNumber > 0);
      return { transactions: found, next: more ? `${last.blockNumber}.${last.index}` : '' };
    },

    async transaction(transactionId) {
      const decoded = decodeBlock(await ledger.blockOfTransaction(transactionId));
      const transaction = decoded.transactions.find((t) => t.transactionId === transactionId);
      if (!transaction) throw new NotFoundError(`no transaction ${transactionId} on the channel`);
      const verified = await verifyEndorsements(transaction);
      return {
        ...transaction,
        endorsements: transaction.endorsements.map((e, i) => ({ mspId: e.mspId, subject: e.subject, signature: e.signature, verified: verified[i] ?? false })),
        sealVerification: transaction.seal ? await sealVerificationOf(ledger, transactionId) : undefined,
      };
    },
  };
}

async function sealVerificationOf(ledger: Ledger, transactionId: string): Promise<TransactionView['sealVerification']> {
  try {
    const report = await verifyProofBundle(await ledger.proofBundle(transactionId));
    return { valid: report.valid, checks: report.checks };
  } catch (error) {
    // An event that looks like a seal but is not one the proof builder recognises has nothing to verify.
    if (error instanceof ApiError && error.code === 'not_sealed') return undefined;
    throw error;
  }
}

function summaryOf(block: DecodedBlock): BlockSummary {
  return {
    number: block.number,
    time: block.time,
    transactionCount: block.transactions.length,
    validCount: block.transactions.filter((t) => t.validationCode === 'VALID').length,
    dataHash: block.dataHash,
    previousHash: block.previousHash,
  };
}

function transactionSummaryOf(t: DecodedTransaction): TransactionSummary {
  return {
    transactionId: t.transactionId,
    blockNumber: t.blockNumber,
    index: t.index,
    time: t.time,
    type: t.type,
    creator: t.creator.mspId,
    contract: t.contract,
    function: t.function,
    validationCode: t.validationCode,
    sealed: t.seal !== undefined,
  };
}
