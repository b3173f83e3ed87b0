// The message modules themselves, not the package index: the index also loads the gRPC service
// definitions (and @grpc/grpc-js), which a browser cannot run.
import * as common from '@hyperledger/fabric-protos/lib/common/common_pb';
import * as configtx from '@hyperledger/fabric-protos/lib/common/configtx_pb';
import * as identities from '@hyperledger/fabric-protos/lib/msp/identities_pb';
import * as mspConfig from '@hyperledger/fabric-protos/lib/msp/msp_config_pb';
import * as chaincode from '@hyperledger/fabric-protos/lib/peer/chaincode_pb';
import * as chaincodeEvent from '@hyperledger/fabric-protos/lib/peer/chaincode_event_pb';
import * as proposal from '@hyperledger/fabric-protos/lib/peer/proposal_pb';
import * as proposalResponse from '@hyperledger/fabric-protos/lib/peer/proposal_response_pb';
import * as transaction from '@hyperledger/fabric-protos/lib/peer/transaction_pb';
import { concatBytes as concat, fromUtf8, pemBlocks } from './bytes';

/**
 * Reading a Fabric `common.Block` the way a peer does, for the proof verifier: the header's
 * ASN.1 bytes, the orderer's signatures, the channel configuration, and one endorser
 * transaction's parts. Plain TypeScript over `@hyperledger/fabric-protos`, so it runs in a
 * browser too.
 */

/** A Fabric identity (`identities.SerializedIdentity`): its MSP id and its certificate's DER. */
export interface FabricIdentity {
  readonly mspId: string;
  readonly certificate: Uint8Array;
}

/**
 * `protoutil.BlockHeaderBytes`: the ASN.1 DER of SEQUENCE { number INTEGER, previousHash OCTET
 * STRING, dataHash OCTET STRING }, what the orderer signs and whose SHA-256 the next block links to.
 */
export function blockHeaderBytes(header: common.BlockHeader): Uint8Array {
  return derElement(0x30, [
    derElement(0x02, [derUnsignedInteger(BigInt(header.getNumber()))]),
    derElement(0x04, [header.getPreviousHash_asU8()]),
    derElement(0x04, [header.getDataHash_asU8()]),
  ]);
}

/** The envelopes in block order, which `protoutil.BlockDataHash` hashes concatenated. */
export function blockEnvelopes(block: common.Block): Uint8Array[] {
  return block.getData()?.getDataList_asU8() ?? [];
}

/** One of the block's metadata slots (`common.BlockMetadataIndex`), empty when absent. */
export function blockMetadata(block: common.Block, index: number): Uint8Array {
  return block.getMetadata()?.getMetadataList_asU8()[index] ?? new Uint8Array(0);
}

/** One signature of the SIGNATURES metadata: who signed, and the bytes to check it over. */
export interface BlockSignature {
  readonly signer: FabricIdentity;
  /** `metadata.value || signatureHeader || BlockHeaderBytes(header)`, as `protoutil.BlockSignatureVerifier` builds it. */
  readonly signedBytes: Uint8Array;
  readonly signature: Uint8Array;
}

/** The orderer's signatures on the block and the index of the last config block they vouch for. */
export function blockSignatures(block: common.Block): { readonly signatures: BlockSignature[]; readonly lastConfigIndex: number | undefined } {
  const header = block.getHeader();
  if (!header) throw new Error('the block has no header');
  const metadata = common.Metadata.deserializeBinary(blockMetadata(block, common.BlockMetadataIndex.SIGNATURES));
  const value = metadata.getValue_asU8();
  const headerBytes = blockHeaderBytes(header);
  const signatures = metadata.getSignaturesList().map((entry) => {
    const signatureHeader = entry.getSignatureHeader_asU8();
    const creator = common.SignatureHeader.deserializeBinary(signatureHeader).getCreator_asU8();
    return { signer: fabricIdentity(creator), signedBytes: concat(value, signatureHeader, headerBytes), signature: entry.getSignature_asU8() };
  });
  // Fabric 2.x puts OrdererBlockMetadata in the SIGNATURES value; its LastConfig is covered by the signatures.
  const lastConfig = value.length > 0 ? common.OrdererBlockMetadata.deserializeBinary(value).getLastConfig()?.getIndex() : undefined;
  return { signatures, lastConfigIndex: lastConfig };
}

/** An organisation of the channel configuration, with the CA certificates its MSP trusts. */
export interface ConfigOrganization {
  readonly mspId: string;
  /** DER. */
  readonly rootCertificates: readonly Uint8Array[];
  readonly intermediateCertificates: readonly Uint8Array[];
}

/** What a config block says about who may sign: the orderer organisations and the application (department) ones. */
export interface ChannelTrust {
  readonly channelId: string;
  readonly orderers: readonly ConfigOrganization[];
  readonly applications: readonly ConfigOrganization[];
}

/** Reads a config block (one CONFIG envelope): its channel and the MSPs of its orderer and application organisations. */
export function channelTrustOf(configBlock: common.Block): ChannelTrust {
  const envelopes = blockEnvelopes(configBlock);
  if (envelopes.length !== 1) throw new Error(`a config block holds exactly one envelope, this one ${envelopes.length}`);
  const payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(envelopes[0]!).getPayload_asU8());
  const channelHeader = common.ChannelHeader.deserializeBinary(payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(0));
  if (channelHeader.getType() !== common.HeaderType.CONFIG) {
    throw new Error(`its envelope is of type ${headerTypeName(channelHeader.getType())}, not CONFIG`);
  }
  const channelGroup = configtx.ConfigEnvelope.deserializeBinary(payload.getData_asU8()).getConfig()?.getChannelGroup();
  const organizations = (groupName: string) => {
    const group = channelGroup?.getGroupsMap().get(groupName);
    if (!group) return [];
    return group.getGroupsMap().getEntryList().map(([name]) => organizationOf(group.getGroupsMap().get(name)!, name));
  };
  return { channelId: channelHeader.getChannelId(), orderers: organizations('Orderer'), applications: organizations('Application') };
}

function organizationOf(group: configtx.ConfigGroup, name: string): ConfigOrganization {
  const value = group.getValuesMap().get('MSP');
  if (!value) throw new Error(`organisation ${name} of the channel configuration has no MSP value`);
  const config = mspConfig.FabricMSPConfig.deserializeBinary(mspConfig.MSPConfig.deserializeBinary(value.getValue_asU8()).getConfig_asU8());
  return {
    mspId: config.getName(),
    rootCertificates: config.getRootCertsList_asU8().flatMap(certificatesOf),
    intermediateCertificates: config.getIntermediateCertsList_asU8().flatMap(certificatesOf),
  };
}

/** An endorser transaction's parts that a proof relies on. */
export interface EndorserTransaction {
  readonly channelId: string;
  readonly transactionId: string;
  readonly type: number;
  /** The transaction's timestamp, as the chaincode saw it (`GetTxTimestamp`). */
  readonly timestamp: { readonly seconds: number; readonly nanos: number };
  readonly nonce: Uint8Array;
  /** The serialized creator identity, whose SHA-256 with the nonce is the transaction id. */
  readonly creatorBytes: Uint8Array;
  readonly creator: FabricIdentity;
  readonly payload: Uint8Array;
  readonly signature: Uint8Array;
  /** The chaincode's arguments as invoked: the function name, then its arguments. */
  readonly arguments: readonly Uint8Array[];
  /** The chaincode event the transaction set, if any. */
  readonly event: { readonly name: string; readonly payload: Uint8Array } | undefined;
}

/** Unpacks an envelope as an endorser transaction with one action; throws saying what is not there. */
export function endorserTransactionOf(envelopeBytes: Uint8Array): EndorserTransaction {
  const envelope = common.Envelope.deserializeBinary(envelopeBytes);
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const header = payload.getHeader();
  if (!header) throw new Error('the envelope\'s payload has no header');
  const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
  const signatureHeader = common.SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8());
  const timestamp = channelHeader.getTimestamp();
  const base = {
    channelId: channelHeader.getChannelId(),
    transactionId: channelHeader.getTxId(),
    type: channelHeader.getType(),
    timestamp: { seconds: timestamp?.getSeconds() ?? 0, nanos: timestamp?.getNanos() ?? 0 },
    nonce: signatureHeader.getNonce_asU8(),
    creatorBytes: signatureHeader.getCreator_asU8(),
    creator: fabricIdentity(signatureHeader.getCreator_asU8()),
    payload: envelope.getPayload_asU8(),
    signature: envelope.getSignature_asU8(),
  };
  if (base.type !== common.HeaderType.ENDORSER_TRANSACTION) return { ...base, arguments: [], event: undefined };
  const actions = transaction.Transaction.deserializeBinary(payload.getData_asU8()).getActionsList();
  if (actions.length !== 1) throw new Error(`the transaction has ${actions.length} actions; Fabric's peers accept exactly one`);
  const actionPayload = transaction.ChaincodeActionPayload.deserializeBinary(actions[0]!.getPayload_asU8());
  const proposalPayload = proposal.ChaincodeProposalPayload.deserializeBinary(actionPayload.getChaincodeProposalPayload_asU8());
  const invocation = chaincode.ChaincodeInvocationSpec.deserializeBinary(proposalPayload.getInput_asU8());
  const responsePayload = proposalResponse.ProposalResponsePayload.deserializeBinary(actionPayload.getAction()?.getProposalResponsePayload_asU8() ?? new Uint8Array(0));
  const eventBytes = proposal.ChaincodeAction.deserializeBinary(responsePayload.getExtension_asU8()).getEvents_asU8();
  const event = eventBytes.length > 0 ? chaincodeEvent.ChaincodeEvent.deserializeBinary(eventBytes) : undefined;
  return {
    ...base,
    arguments: invocation.getChaincodeSpec()?.getInput()?.getArgsList_asU8() ?? [],
    event: event ? { name: event.getEventName(), payload: event.getPayload_asU8() } : undefined,
  };
}

/**
 * A transaction's timestamp as the ledger's records write it (`isoTimestamp` in the chaincode):
 * RFC 3339 UTC with nine fraction digits, so it compares as text with a seal's `sealedAt`.
 */
export function ledgerTime(timestamp: { readonly seconds: number; readonly nanos: number }): string {
  const whole = new Date(timestamp.seconds * 1000).toISOString().replace(/\.000Z$/, '');
  return `${whole}.${String(timestamp.nanos).padStart(9, '0')}Z`;
}

/** A `TxValidationCode`'s name, as Fabric's tools print it. */
export function validationCodeName(code: number): string {
  return Object.entries(transaction.TxValidationCode).find(([, value]) => value === code)?.[0] ?? `UNKNOWN_CODE_${code}`;
}

export function headerTypeName(type: number): string {
  return Object.entries(common.HeaderType).find(([, value]) => value === type)?.[0] ?? `type ${type}`;
}

function fabricIdentity(serialized: Uint8Array): FabricIdentity {
  const identity = identities.SerializedIdentity.deserializeBinary(serialized);
  const [certificate] = certificatesOf(identity.getIdBytes_asU8());
  if (!certificate) throw new Error(`the identity of ${identity.getMspid() || 'an unnamed MSP'} carries no certificate`);
  return { mspId: identity.getMspid(), certificate };
}

/** The certificates in an MSP's bytes: PEM text (as Fabric stores them) or one DER certificate. */
function certificatesOf(bytes: Uint8Array): Uint8Array[] {
  if (bytes[0] === 0x30) return [bytes];
  let text: string;
  try {
    text = fromUtf8(bytes);
  } catch {
    return [];
  }
  return pemBlocks(text, 'CERTIFICATE');
}

function derUnsignedInteger(value: bigint): Uint8Array {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  // Two's complement: a set top bit needs a leading zero byte to stay positive.
  if (Number.parseInt(hex.slice(0, 2), 16) & 0x80) hex = `00${hex}`;
  return Uint8Array.from(hex.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
}

function derElement(tag: number, parts: readonly Uint8Array[]): Uint8Array {
  const content = concat(...parts);
  return concat(Uint8Array.of(tag), derLength(content.length), content);
}

function derLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

