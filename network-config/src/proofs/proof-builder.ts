import type { Contract } from '@hyperledger/fabric-gateway';
import { common } from '@hyperledger/fabric-protos';
import { canonicalJson, sm3, type SealKeyVersion } from '@citytrust/shared';
import type { LedgerClient } from '../client/ledger-client';
import type { NetworkDescription } from '../network-description';
import { certificatePem, fromUtf8, toBase64 } from './bytes';
import { blockEnvelopes, blockSignatures, channelTrustOf, endorserTransactionOf, ledgerTime, type EndorserTransaction } from './fabric-block';
import { PROOF_BUNDLE_FORMAT, type ProofBundle } from './proof-bundle';

/** Why no bundle can be built: the transaction is not on the ledger, or it carries no seal. */
export class ProofUnavailableError extends Error {
  override readonly name = 'ProofUnavailableError';
  constructor(readonly reason: 'unknown_transaction' | 'not_sealed', readonly transactionId: string, message: string) {
    super(message);
  }
}

export interface BuildProofOptions {
  /** The department (MSP id) whose client identity asks the ledger; the description's first by default. */
  readonly department?: string;
}

/**
 * Builds the proof bundle of a sealed transaction from the ledger: its block and index, the
 * channel's last config block and the orderer roots it names, the seal the transaction recorded
 * in its chaincode event with the record it covers (the chaincode argument whose canonical JSON
 * hashes to the seal's digest), and the seal key's history. Everything is read with qscc and
 * `seal:keyHistory` through `client`; nothing in the bundle needs the builder to be trusted, as
 * {@link verifyProofBundle} recomputes it all.
 *
 * @throws ProofUnavailableError when the transaction is not on the channel or recorded no seal.
 * @example
 * ```ts
 * const bundle = await buildProofBundle(client, description, receipt.transactionId);
 * writeFileSync('proof.json', JSON.stringify(bundle, null, 2));
 * ```
 */
/** What the builder needs of the network: the channel, and a department to ask the ledger as. */
export type ProofNetwork = Pick<NetworkDescription, 'channel'> & { readonly departments: ReadonlyArray<{ readonly mspId: string }> };

export async function buildProofBundle(client: LedgerClient, description: ProofNetwork, transactionId: string, options: BuildProofOptions = {}): Promise<ProofBundle> {
  const department = options.department ?? description.departments[0]?.mspId;
  if (!department) throw new Error('the network description names no department to ask the ledger as');
  const channel = description.channel;
  const qscc = client.network(department).getContract('qscc');
  const blockBytes = await blockOfTransaction(qscc, channel, transactionId);
  const block = common.Block.deserializeBinary(blockBytes);
  const { index, transaction } = findTransaction(block, transactionId);
  const configNumber = blockSignatures(block).lastConfigIndex ?? 0;
  const configBytes = await qscc.evaluateTransaction('GetBlockByNumber', channel, String(configNumber));
  const trust = channelTrustOf(common.Block.deserializeBinary(configBytes));
  const sealed = sealedRecordOf(transaction);
  const history = JSON.parse(fromUtf8(await client.contract(department, 'seal').evaluateTransaction('keyHistory', sealed.seal.keyId))) as SealKeyVersion[];
  return {
    format: PROOF_BUNDLE_FORMAT,
    channel,
    transactionId,
    block: { number: block.getHeader()?.getNumber() ?? 0, bytes: toBase64(blockBytes) },
    transactionIndex: index,
    configBlock: { number: configNumber, bytes: toBase64(configBytes) },
    ordererRoots: trust.orderers.map((o) => ({
      mspId: o.mspId,
      rootCertificates: o.rootCertificates.map(certificatePem),
      intermediateCertificates: o.intermediateCertificates.map(certificatePem),
    })),
    sealed,
    sealKey: { history },
  };
}

async function blockOfTransaction(qscc: Contract, channel: string, transactionId: string): Promise<Uint8Array> {
  try {
    return await qscc.evaluateTransaction('GetBlockByTxID', channel, transactionId);
  } catch (error) {
    // Fabric's qscc answers "no such transaction ID [<id>] in index" in the error's details.
    if (/no such transaction ID/i.test(errorText(error))) {
      throw new ProofUnavailableError('unknown_transaction', transactionId, `transaction ${transactionId} is not on channel ${channel}`);
    }
    throw error;
  }
}

function findTransaction(block: common.Block, transactionId: string): { index: number; transaction: EndorserTransaction } {
  const envelopes = blockEnvelopes(block);
  for (const [index, envelope] of envelopes.entries()) {
    const transaction = endorserTransactionOf(envelope);
    if (transaction.transactionId === transactionId) return { index, transaction };
  }
  throw new Error(`the ledger answered block ${block.getHeader()?.getNumber()} for transaction ${transactionId}, which does not hold it`);
}

/**
 * The seal the transaction made, found in its event's payload (beside a record, inside an answer,
 * or the payload itself for a document attestation) as the one by the submitting department at
 * the transaction's own time; and the record it covers, among the chaincode's arguments.
 */
function sealedRecordOf(transaction: EndorserTransaction): ProofBundle['sealed'] {
  const { event, transactionId } = transaction;
  if (!event) throw new ProofUnavailableError('not_sealed', transactionId, `transaction ${transactionId} set no chaincode event: it recorded no sealed record`);
  let payload: unknown;
  try {
    payload = JSON.parse(fromUtf8(event.payload));
  } catch {
    throw new ProofUnavailableError('not_sealed', transactionId, `transaction ${transactionId}'s event '${event.name}' is not JSON: it recorded no sealed record`);
  }
  const found = sealMadeIn(payload, transaction.creator.mspId, ledgerTime(transaction.timestamp));
  if (!found) throw new ProofUnavailableError('not_sealed', transactionId, `transaction ${transactionId}'s event '${event.name}' carries no seal made in it: only sealed records have proofs`);
  const record = transaction.arguments.slice(1).map(parseJson).find((argument) => argument !== undefined && sm3(canonicalJson(argument.value)).toString('hex') === found.seal.digest);
  return { event: event.name, sealPath: found.path, ...(record ? { record: record.value } : {}), seal: found.seal };
}

type Seal = ProofBundle['sealed']['seal'];

/**
 * The seal a transaction made, in its event's payload: the one by its submitting department
 * (`by`) at its own time (`at`, the ledger's nine-digit time), wherever it sits (beside a record,
 * inside an answer, or the payload itself), and its path there. A payload may carry other seals
 * too (a moved license carries its issuance seal), which were made by earlier transactions.
 */
export function sealMadeIn(payload: unknown, by: string, at: string): { seal: Seal; path: string[] } | undefined {
  return findSeal(payload, [], (seal) => seal.sealedAt === at && seal.department === by);
}

function findSeal(value: unknown, path: string[], made: (seal: Seal) => boolean): { seal: Seal; path: string[] } | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const fields = value as Record<string, unknown>;
  const { keyId, digest, signature, department, sealedAt } = fields;
  if (typeof keyId === 'string' && typeof digest === 'string' && typeof signature === 'string' && typeof department === 'string' && typeof sealedAt === 'string') {
    const seal = { keyId, digest, signature, department, sealedAt };
    if (made(seal)) return { seal, path };
  }
  for (const [name, child] of Object.entries(fields)) {
    const found = findSeal(child, [...path, name], made);
    if (found) return found;
  }
  return undefined;
}

function parseJson(bytes: Uint8Array): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(fromUtf8(bytes)) as unknown };
  } catch {
    return undefined;
  }
}

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const details = (error as Error & { details?: Array<{ message?: string }> }).details ?? [];
  return [error.message, ...details.map((d) => d.message ?? '')].join(' ');
}

