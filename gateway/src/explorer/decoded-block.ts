import { X509Certificate } from 'node:crypto';
import { common, ledger, msp, peer } from '@hyperledger/fabric-protos';
import { headerTypeName, ledgerTime, validationCodeName } from '@citytrust/network-config/dist/proofs/fabric-block';
import { nodeProofCrypto, sealMadeIn } from '@citytrust/network-config';

/**
 * A block as the explorer shows it: read from the block's own bytes (qscc GetBlockByNumber),
 * the same bytes a peer stores, so the explorer works on the embedded ledger and on Fabric
 * alike. Values written to the ledger are not shown, only their keys: a block holds every
 * department's records, and what a role may read of those is decided by the business endpoints.
 */
export interface DecodedBlock {
  readonly number: number;
  readonly dataHash: string;
  readonly previousHash: string;
  /** The first transaction's timestamp (blocks themselves carry none); undefined for an empty block. */
  readonly time: string | undefined;
  readonly transactions: readonly DecodedTransaction[];
}

export interface DecodedTransaction {
  readonly blockNumber: number;
  readonly index: number;
  readonly transactionId: string;
  /** ENDORSER_TRANSACTION, CONFIG, ... */
  readonly type: string;
  readonly time: string;
  readonly creator: { readonly mspId: string; readonly subject: string };
  readonly chaincode: string | undefined;
  /** The contract and function as called (`trail:recordAccess` → `trail`, `recordAccess`). */
  readonly contract: string | undefined;
  readonly function: string | undefined;
  readonly validationCode: string;
  readonly endorsements: readonly DecodedEndorsement[];
  readonly reads: readonly { readonly namespace: string; readonly key: string; readonly version: string | undefined }[];
  readonly writes: readonly { readonly namespace: string; readonly key: string; readonly isDelete: boolean }[];
  readonly event: string | undefined;
  /** The SM2 seal the transaction made, as its event carries it; whether it verifies is the detail view's question. */
  readonly seal: { readonly department: string; readonly keyId: string; readonly digest: string; readonly sealedAt: string } | undefined;
}

export interface DecodedEndorsement {
  readonly mspId: string;
  readonly subject: string;
  /** DER ECDSA signature over the proposal response payload and the endorser, base64. */
  readonly signature: string;
  /** The bytes the endorser signed, kept to check the signature on demand. */
  readonly signedBytes: Uint8Array;
  readonly certificate: Uint8Array;
}

/** Decodes a `common.Block`; throws saying what is malformed. */
export function decodeBlock(bytes: Uint8Array): DecodedBlock {
  const block = common.Block.deserializeBinary(bytes);
  const header = block.getHeader();
  if (!header) throw new Error('the block has no header');
  const number = header.getNumber();
  const filter = block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.TRANSACTIONS_FILTER] ?? new Uint8Array(0);
  const transactions = (block.getData()?.getDataList_asU8() ?? []).map((envelope, index) => decodeTransaction(number, index, envelope, filter[index]));
  return {
    number,
    dataHash: hex(header.getDataHash_asU8()),
    previousHash: hex(header.getPreviousHash_asU8()),
    time: transactions[0]?.time,
    transactions,
  };
}

/** Whether each endorsement's signature verifies with its endorser's certificate (ECDSA P-256, low S, as Fabric checks). */
export async function verifyEndorsements(transaction: DecodedTransaction): Promise<boolean[]> {
  return Promise.all(transaction.endorsements.map(async (endorsement) => {
    try {
      return await nodeProofCrypto.verifyEcdsa(nodeProofCrypto.certificate(endorsement.certificate), endorsement.signedBytes, Buffer.from(endorsement.signature, 'base64'));
    } catch {
      return false;
    }
  }));
}

function decodeTransaction(blockNumber: number, index: number, envelopeBytes: Uint8Array, code: number | undefined): DecodedTransaction {
  const payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(envelopeBytes).getPayload_asU8());
  const channelHeader = common.ChannelHeader.deserializeBinary(payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(0));
  const signatureHeader = common.SignatureHeader.deserializeBinary(payload.getHeader()?.getSignatureHeader_asU8() ?? new Uint8Array(0));
  const timestamp = channelHeader.getTimestamp();
  const base = {
    blockNumber,
    index,
    transactionId: channelHeader.getTxId(),
    type: headerTypeName(channelHeader.getType()),
    time: new Date((timestamp?.getSeconds() ?? 0) * 1000 + Math.floor((timestamp?.getNanos() ?? 0) / 1e6)).toISOString(),
    creator: identityOf(signatureHeader.getCreator_asU8()),
    // Config transactions are not validated by TRANSACTIONS_FILTER's rules, but carry VALID (0) too.
    validationCode: validationCodeName(code ?? peer.TxValidationCode.VALID),
  };
  if (channelHeader.getType() !== common.HeaderType.ENDORSER_TRANSACTION) {
    return { ...base, chaincode: undefined, contract: undefined, function: undefined, endorsements: [], reads: [], writes: [], event: undefined, seal: undefined };
  }
  const action = peer.Transaction.deserializeBinary(payload.getData_asU8()).getActionsList()[0];
  const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(action?.getPayload_asU8() ?? new Uint8Array(0));
  const proposalPayload = peer.ChaincodeProposalPayload.deserializeBinary(actionPayload.getChaincodeProposalPayload_asU8());
  const spec = peer.ChaincodeInvocationSpec.deserializeBinary(proposalPayload.getInput_asU8()).getChaincodeSpec();
  const name = new TextDecoder().decode(spec?.getInput()?.getArgsList_asU8()[0] ?? new Uint8Array(0));
  const [contract, fn] = name.includes(':') ? name.split(':', 2) : [undefined, name];
  const endorsed = actionPayload.getAction();
  const responsePayloadBytes = endorsed?.getProposalResponsePayload_asU8() ?? new Uint8Array(0);
  const chaincodeAction = peer.ChaincodeAction.deserializeBinary(peer.ProposalResponsePayload.deserializeBinary(responsePayloadBytes).getExtension_asU8());
  const { reads, writes } = readWriteSetOf(chaincodeAction.getResults_asU8());
  const eventBytes = chaincodeAction.getEvents_asU8();
  const event = eventBytes.length > 0 ? peer.ChaincodeEvent.deserializeBinary(eventBytes) : undefined;
  return {
    ...base,
    chaincode: spec?.getChaincodeId()?.getName() || undefined,
    contract: contract || undefined,
    function: fn || undefined,
    endorsements: (endorsed?.getEndorsementsList() ?? []).map((endorsement) => {
      const endorser = endorsement.getEndorser_asU8();
      const identity = identityOf(endorser);
      return {
        mspId: identity.mspId,
        subject: identity.subject,
        signature: Buffer.from(endorsement.getSignature_asU8()).toString('base64'),
        signedBytes: Buffer.concat([responsePayloadBytes, endorser]),
        certificate: identity.certificate,
      };
    }),
    reads,
    writes,
    event: event?.getEventName() || undefined,
    seal: event ? sealOf(event.getPayload_asU8(), base.creator.mspId, ledgerTime({ seconds: timestamp?.getSeconds() ?? 0, nanos: timestamp?.getNanos() ?? 0 })) : undefined,
  };
}

function readWriteSetOf(results: Uint8Array): Pick<DecodedTransaction, 'reads' | 'writes'> {
  const reads: { namespace: string; key: string; version: string | undefined }[] = [];
  const writes: { namespace: string; key: string; isDelete: boolean }[] = [];
  if (results.length === 0) return { reads, writes };
  for (const namespaceSet of ledger.rwset.TxReadWriteSet.deserializeBinary(results).getNsRwsetList()) {
    const namespace = namespaceSet.getNamespace();
    const set = ledger.rwset.kvrwset.KVRWSet.deserializeBinary(namespaceSet.getRwset_asU8());
    for (const read of set.getReadsList()) {
      const version = read.getVersion();
      reads.push({ namespace, key: printable(read.getKey()), version: version ? `${version.getBlockNum()}:${version.getTxNum()}` : undefined });
    }
    for (const write of set.getWritesList()) writes.push({ namespace, key: printable(write.getKey()), isDelete: write.getIsDelete() });
  }
  return { reads, writes };
}

/**
 * The seal the transaction made, as its chaincode event carries it: found as the proof builder
 * finds it (by the submitting department at the transaction's time), so the seal shown is the one
 * the proof checks, not an older one the event's record carries (a moved license's issuance seal).
 */
function sealOf(payload: Uint8Array, creator: string, at: string): DecodedTransaction['seal'] {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(payload));
  } catch {
    return undefined;
  }
  const found = sealMadeIn(json, creator, at);
  return found && { department: found.seal.department, keyId: found.seal.keyId, digest: found.seal.digest, sealedAt: found.seal.sealedAt };
}

function identityOf(serialized: Uint8Array): { mspId: string; subject: string; certificate: Uint8Array } {
  const identity = peerIdentity(serialized);
  try {
    const certificate = new X509Certificate(identity.certificate);
    return { mspId: identity.mspId, subject: certificate.subject.split('\n').join(', '), certificate: certificate.raw };
  } catch {
    return { mspId: identity.mspId, subject: '', certificate: identity.certificate };
  }
}

function peerIdentity(serialized: Uint8Array): { mspId: string; certificate: Uint8Array } {
  if (serialized.length === 0) return { mspId: '', certificate: new Uint8Array(0) };
  const identity = msp.SerializedIdentity.deserializeBinary(serialized);
  return { mspId: identity.getMspid(), certificate: identity.getIdBytes_asU8() };
}

/** Composite keys start with U+0000 and separate parts with it; show them with a visible separator. */
function printable(key: string): string {
  return key.replace(/\u0000/g, '␀');
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
