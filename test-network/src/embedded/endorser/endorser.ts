import { status as grpcStatus } from '@grpc/grpc-js';
import { common, peer } from '@hyperledger/fabric-protos';
import type { ChaincodeConnection, SimulationResult } from '../chaincode-support';
import type { StateReader } from '../ledger-state';
import type { LedgerStore } from '../storage';
import { qsccName, queryQscc } from './qscc';
import type { ChannelMsps, VerifiedIdentity } from '../msp';
import type { Policy } from '../policies';
import { computeTxId, MalformedProposalError, unpackProposal, type UnpackedProposal } from '../protoutil/proposal';
import type { SigningIdentity } from '../protoutil/signing-identity';
import { prepareTransaction } from '../protoutil/transaction';

/** A department's view of one failure, as Fabric's gateway reports it in `gateway.ErrorDetail`. */
export interface EndorserErrorDetail {
  readonly mspId: string;
  readonly message: string;
}

/**
 * A refused Evaluate or Endorse, with the gRPC status code and message Fabric's gateway
 * (`internal/pkg/gateway/api.go`) answers with, so clients see the same errors on both
 * back-ends.
 */
export class EndorserError extends Error {
  override readonly name = 'EndorserError';
  constructor(readonly code: grpcStatus, message: string, readonly details: readonly EndorserErrorDetail[] = []) {
    super(message);
  }
}

export interface EndorserContext {
  readonly channelId: string;
  readonly chaincodeName: string;
  readonly chaincodeVersion: string;
  readonly msps: ChannelMsps;
  readonly state: StateReader;
  /** The block store, for the qscc queries the endorser answers itself. */
  readonly blocks: LedgerStore;
  readonly endorsementPolicy: Policy;
  /** Each department's peer, by MSP id, in the network description's order. */
  readonly peers: ReadonlyMap<string, SigningIdentity>;
  isCommitted(txId: string): Promise<boolean>;
  /** The chaincode server's connection, or an error saying why there is none. */
  chaincode(): ChaincodeConnection;
}

/**
 * The peers' endorsers and the gateway's endorsement planning in one: the proposal is checked
 * once, simulated once on committed state, and the same result signed by each chosen
 * department's peer identity. (The departments share one trust domain in this process; the
 * native back-end is where each executes on its own.)
 */
export class Endorser {
  private readonly defaultLayout: readonly string[];

  constructor(private readonly context: EndorserContext) {
    this.defaultLayout = smallestSatisfyingLayout(context);
  }

  /** Evaluate: simulate on one department's peer and return the chaincode's response; nothing is signed. */
  async evaluate(signedProposal: peer.SignedProposal, targetOrganizations: readonly string[]): Promise<peer.Response> {
    const mspId = this.checkOrganizations(targetOrganizations)[0] ?? this.defaultLayout[0]!;
    const proposal = this.checkProposal(signedProposal, mspId, (code, message) => new EndorserError(code, `evaluate call to endorser returned error: ${message}`, [{ mspId, message }]), true);
    if (proposal.chaincodeName === qsccName) {
      const response = await queryQscc(this.context.blocks, this.context.channelId, proposal.input.getArgsList_asU8());
      const status = response.getStatus();
      if (status >= 400) {
        const message = `chaincode response ${status}, ${response.getMessage()}`;
        throw new EndorserError(grpcStatus.UNKNOWN, `evaluate call to endorser returned error: ${message}`, [{ mspId, message }]);
      }
      return response;
    }
    const result = await this.simulate(proposal, mspId, (message, failedInPeer) =>
      new EndorserError(failedInPeer ? grpcStatus.ABORTED : grpcStatus.UNKNOWN, `evaluate call to endorser returned error: ${message}`, [{ mspId, message }]));
    return result.response;
  }

  /** Endorse: simulate once, have each chosen department sign, and return the unsigned transaction envelope. */
  async endorse(signedProposal: peer.SignedProposal, endorsingOrganizations: readonly string[]): Promise<common.Envelope> {
    const chosen = endorsingOrganizations.length > 0 ? this.checkOrganizations(endorsingOrganizations) : this.defaultLayout;
    const failure = (message: string) =>
      new EndorserError(grpcStatus.ABORTED, 'failed to endorse transaction, see attached details for more info', chosen.map((mspId) => ({ mspId, message })));
    const proposal = this.checkProposal(signedProposal, chosen[0]!, (_code, message) => failure(message));
    const result = await this.simulate(proposal, chosen[0]!, (message) => failure(message));

    const action = new peer.ChaincodeAction();
    action.setResults(result.readWriteSet.serializeBinary());
    if (result.event) action.setEvents(result.event.serializeBinary());
    action.setResponse(result.response);
    const chaincodeId = new peer.ChaincodeID();
    chaincodeId.setName(this.context.chaincodeName);
    chaincodeId.setVersion(this.context.chaincodeVersion);
    action.setChaincodeId(chaincodeId);
    const responsePayload = new peer.ProposalResponsePayload();
    responsePayload.setProposalHash(proposal.proposalHash);
    responsePayload.setExtension$(action.serializeBinary());
    const responsePayloadBytes = responsePayload.serializeBinary();

    const endorsed = new peer.ChaincodeEndorsedAction();
    endorsed.setProposalResponsePayload(responsePayloadBytes);
    endorsed.setEndorsementsList(chosen.map((mspId) => {
      const endorserIdentity = this.context.peers.get(mspId)!;
      const endorsement = new peer.Endorsement();
      endorsement.setEndorser(endorserIdentity.serialized);
      endorsement.setSignature(endorserIdentity.sign(Buffer.concat([responsePayloadBytes, endorserIdentity.serialized])));
      return endorsement;
    }));
    return prepareTransaction(proposal, endorsed);
  }

  /** The organisations a client named, each of which must be a department of the channel. */
  private checkOrganizations(organizations: readonly string[]): string[] {
    const unknown = organizations.filter((mspId) => !this.context.peers.has(mspId));
    if (unknown.length > 0) {
      throw new EndorserError(grpcStatus.UNAVAILABLE, `no endorsing peers found for organization(s) ${unknown.join(', ')} on channel ${this.context.channelId}; its departments are ${[...this.context.peers.keys()].join(', ')}`);
    }
    return [...new Set(organizations)];
  }

  /** Fabric's endorser pre-processing (`ValidateProposalMessage`, the ACL check and the duplicate check are below, in simulate). */
  private checkProposal(signedProposal: peer.SignedProposal, mspId: string, refuse: (code: grpcStatus, message: string) => EndorserError, evaluating = false): UnpackedProposal {
    let proposal: UnpackedProposal;
    try {
      proposal = unpackProposal(signedProposal);
    } catch (error) {
      if (error instanceof MalformedProposalError) throw new EndorserError(grpcStatus.INVALID_ARGUMENT, `failed to unpack transaction proposal: ${error.message}`, [{ mspId, message: error.message }]);
      throw error;
    }
    const header = proposal.channelHeader;
    if (header.getType() !== common.HeaderType.ENDORSER_TRANSACTION) throw refuse(grpcStatus.FAILED_PRECONDITION, `invalid header type ${header.getType()}: only endorser transactions are proposed`);
    if (proposal.channelId !== this.context.channelId) throw refuse(grpcStatus.FAILED_PRECONDITION, `channel '${proposal.channelId}' not found; this ledger serves channel '${this.context.channelId}'`);
    const creatorBytes = proposal.signatureHeader.getCreator_asU8();
    let creator: VerifiedIdentity;
    try {
      creator = this.context.msps.deserialize(creatorBytes);
    } catch (error) {
      throw refuse(grpcStatus.FAILED_PRECONDITION, `access denied: the proposal's creator is not a member of channel ${this.context.channelId}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!this.context.msps.verify(creator, signedProposal.getProposalBytes_asU8(), signedProposal.getSignature_asU8())) {
      throw refuse(grpcStatus.FAILED_PRECONDITION, 'access denied: the proposal\'s signature does not verify against its creator');
    }
    if (!creator.roles.has('client') && !creator.roles.has('admin')) {
      throw refuse(grpcStatus.FAILED_PRECONDITION, `access denied: ${creator.mspId} identity is neither a client nor an admin (the channel's Writers policy)`);
    }
    if (computeTxId(proposal.signatureHeader.getNonce_asU8(), creatorBytes) !== proposal.txId) {
      throw refuse(grpcStatus.FAILED_PRECONDITION, `incorrectly formed transaction id ${proposal.txId}: it must be SHA-256(nonce ‖ creator)`);
    }
    if (proposal.chaincodeName === qsccName && !evaluating) {
      throw refuse(grpcStatus.FAILED_PRECONDITION, 'qscc answers queries of the ledger: evaluate it, do not submit it');
    }
    if (proposal.chaincodeName !== this.context.chaincodeName && proposal.chaincodeName !== qsccName) {
      throw refuse(grpcStatus.FAILED_PRECONDITION, `chaincode definition for '${proposal.chaincodeName}' not found on channel '${this.context.channelId}' (it runs '${this.context.chaincodeName}')`);
    }
    return proposal;
  }

  private async simulate(proposal: UnpackedProposal, mspId: string, refuse: (message: string, failedInPeer: boolean) => EndorserError): Promise<SimulationResult> {
    if (proposal.hasTransientData) throw refuse('transient data (private data collections) is not supported by the embedded ledger', true);
    if (await this.context.isCommitted(proposal.txId)) throw refuse(`duplicate transaction found [${proposal.txId}]`, true);
    let result: SimulationResult;
    try {
      result = await this.context.chaincode().execute({
        channelId: proposal.channelId,
        txId: proposal.txId,
        namespace: this.context.chaincodeName,
        signedProposal: proposal.signedProposal,
        input: proposal.input,
        state: this.context.state,
      });
    } catch (error) {
      throw refuse(`error in simulation: failed to execute transaction ${proposal.txId} on ${mspId}'s peer: ${error instanceof Error ? error.message : String(error)}`, true);
    }
    const status = result.response.getStatus();
    if (status < 200 || status >= 400) throw refuse(`chaincode response ${status}, ${result.response.getMessage()}`, false);
    return result;
  }
}

/**
 * The gateway's default endorsement plan: the fewest departments, earliest in the network
 * description, whose peers satisfy the chaincode's endorsement policy (Fabric's gateway asks
 * discovery for such a layout).
 */
function smallestSatisfyingLayout(context: EndorserContext): string[] {
  const departments = [...context.peers.entries()].map(([mspId, identity]) => ({ mspId, identity: context.msps.deserialize(identity.serialized) }));
  for (let size = 1; size <= departments.length; size++) {
    const layout = firstCombination(departments, size, (chosen) => context.endorsementPolicy.evaluate(chosen.map((d) => d.identity)).satisfied);
    if (layout) return layout.map((d) => d.mspId);
  }
  throw new Error('no combination of the departments\' peers satisfies the endorsement policy: check the network description');
}

function firstCombination<T>(items: readonly T[], size: number, accept: (chosen: T[]) => boolean, start = 0, chosen: T[] = []): T[] | undefined {
  if (chosen.length === size) return accept(chosen) ? [...chosen] : undefined;
  for (let i = start; i < items.length; i++) {
    const found = firstCombination(items, size, accept, i + 1, [...chosen, items[i]!]);
    if (found) return found;
  }
  return undefined;
}
