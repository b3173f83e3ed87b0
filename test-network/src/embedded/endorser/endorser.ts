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

  /** Each department's peer as the channel's MSPs know it. */
  private readonly peerIdentities: ReadonlyMap<string, VerifiedIdentity>;

  constructor(private readonly context: EndorserContext) {
    this.peerIdentities = new Map([...context.peers].map(([mspId, identity]) => [mspId, context.msps.deserialize(identity.serialized)]));
    this.defaultLayout = smallestSatisfyingLayout(context.endorsementPolicy, this.peerIdentities);
  }

  /**
   * Evaluate: simulate on one department's peer and return the chaincode's response; nothing is
   * signed. Of the target organisations, those not on the channel are passed over, as Fabric's
   * gateway does; the first known one evaluates.
   */
  async evaluate(signedProposal: peer.SignedProposal, targetOrganizations: readonly string[]): Promise<peer.Response> {
    const proposal = this.unpack(signedProposal, (message) => `failed to unpack transaction proposal: ${message}`);
    const { channelId } = this.context;
    if (proposal.channelId !== channelId) {
      throw new EndorserError(grpcStatus.UNAVAILABLE, `failed to get config for channel [${proposal.channelId}]: channel not found; this ledger serves channel '${channelId}'`);
    }
    const targets = targetOrganizations.filter((mspId) => this.context.peers.has(mspId));
    if (!this.servesChaincode(proposal) || (targetOrganizations.length > 0 && targets.length === 0)) {
      throw new EndorserError(grpcStatus.FAILED_PRECONDITION, `no peers available to evaluate chaincode ${proposal.chaincodeName} in channel ${proposal.channelId}; ${this.offer()}`);
    }
    const mspId = targets[0] ?? this.defaultLayout[0]!;
    const refuse = (code: grpcStatus, message: string) => new EndorserError(code, `evaluate call to endorser returned error: ${message}`, [{ mspId, message }]);
    await this.preProcess(proposal, (message) => refuse(grpcStatus.FAILED_PRECONDITION, message), true);
    if (proposal.chaincodeName === qsccName) {
      const response = await queryQscc(this.context.blocks, channelId, proposal.input.getArgsList_asU8());
      const status = response.getStatus();
      if (status >= 400) throw refuse(grpcStatus.UNKNOWN, `chaincode response ${status}, ${response.getMessage()}`);
      return response;
    }
    const result = await this.simulate(proposal, mspId, (message, failedInPeer) => refuse(failedInPeer ? grpcStatus.ABORTED : grpcStatus.UNKNOWN, message));
    return result.response;
  }

  /**
   * Endorse: simulate once, have each chosen department sign, and return the unsigned transaction
   * envelope. Without endorsing organisations the smallest satisfying layout is chosen.
   */
  async endorse(signedProposal: peer.SignedProposal, endorsingOrganizations: readonly string[]): Promise<common.Envelope> {
    const proposal = this.unpack(signedProposal, (message) => message);
    const chosen = endorsingOrganizations.length > 0 ? this.checkOrganizations(endorsingOrganizations) : this.defaultLayout;
    if (proposal.channelId !== this.context.channelId || !this.servesChaincode(proposal)) {
      // Fabric's gateway finds no endorsement plan for a channel or chaincode its peers do not have.
      throw new EndorserError(grpcStatus.FAILED_PRECONDITION, `no endorsement plan for chaincode ${proposal.chaincodeName} on channel ${proposal.channelId}: ${this.offer()}`);
    }
    const failure = endorsingOrganizations.length > 0
      // The gateway asks every named organisation and reports each one's failure...
      ? (message: string) => new EndorserError(grpcStatus.ABORTED, 'failed to collect enough transaction endorsements, see attached details for more info', chosen.map((mspId) => ({ mspId, message })))
      // ...or, choosing itself, runs the proposal on its first endorser and stops when that fails.
      : (message: string) => new EndorserError(grpcStatus.ABORTED, 'failed to endorse transaction, see attached details for more info', [{ mspId: chosen[0]!, message }]);
    await this.preProcess(proposal, failure, false);
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
    endorsed.setEndorsementsList(await Promise.all(chosen.map(async (mspId) => {
      const endorserIdentity = this.context.peers.get(mspId)!;
      const signed = Buffer.concat([responsePayloadBytes, endorserIdentity.serialized]);
      const signature = await endorserIdentity.sign(signed);
      this.context.msps.recordOwnSignature(this.peerIdentities.get(mspId)!, signed, signature);
      const endorsement = new peer.Endorsement();
      endorsement.setEndorser(endorserIdentity.serialized);
      endorsement.setSignature(signature);
      return endorsement;
    })));
    return prepareTransaction(proposal, endorsed);
  }

  /** The organisations a client named, each of which must be a department of the channel. */
  private checkOrganizations(organizations: readonly string[]): string[] {
    const unknown = organizations.filter((mspId) => !this.context.peers.has(mspId));
    if (unknown.length > 0) {
      throw new EndorserError(grpcStatus.UNAVAILABLE, `failed to find any endorsing peers for org(s): ${unknown.join(', ')}; ${this.offer()}`);
    }
    return [...new Set(organizations)];
  }

  private servesChaincode(proposal: UnpackedProposal): boolean {
    return proposal.chaincodeName === this.context.chaincodeName || proposal.chaincodeName === qsccName;
  }

  /** What this ledger has, for error messages that say what to ask for instead. */
  private offer(): string {
    return `this ledger serves chaincode '${this.context.chaincodeName}' (and qscc) on channel '${this.context.channelId}', endorsed by ${[...this.context.peers.keys()].join(', ')}`;
  }

  /** The gateway's own parse of the proposal; a malformed one is INVALID_ARGUMENT, with no endorser involved. */
  private unpack(signedProposal: peer.SignedProposal, describe: (message: string) => string): UnpackedProposal {
    try {
      return unpackProposal(signedProposal);
    } catch (error) {
      if (error instanceof MalformedProposalError) throw new EndorserError(grpcStatus.INVALID_ARGUMENT, describe(error.message));
      throw error;
    }
  }

  /**
   * The peer's checks before it simulates (Fabric's `ValidateProposalMessage` and `preProcess`):
   * header, creator, signature, transaction id, duplicate, and the channel's Writers (client or
   * admin) for the application chaincode. Each failure is an error with the proposal, which the
   * gateway reports as FAILED_PRECONDITION from Evaluate.
   */
  private async preProcess(proposal: UnpackedProposal, refuse: (message: string) => EndorserError, evaluating: boolean): Promise<void> {
    const header = proposal.channelHeader;
    if (header.getType() !== common.HeaderType.ENDORSER_TRANSACTION) throw refuse(`invalid header type ${header.getType()}: only endorser transactions are proposed`);
    const creatorBytes = proposal.signatureHeader.getCreator_asU8();
    if (computeTxId(proposal.signatureHeader.getNonce_asU8(), creatorBytes) !== proposal.txId) {
      throw refuse(`incorrectly formed transaction id ${proposal.txId}: it must be SHA-256(nonce ‖ creator)`);
    }
    let creator: VerifiedIdentity;
    try {
      creator = this.context.msps.deserialize(creatorBytes);
    } catch (error) {
      throw refuse(`access denied: the proposal's creator is not a member of channel ${this.context.channelId}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const [signatureValid, duplicate] = await Promise.all([
      this.context.msps.verify(creator, proposal.signedProposal.getProposalBytes_asU8(), proposal.signedProposal.getSignature_asU8()),
      this.context.isCommitted(proposal.txId),
    ]);
    if (!signatureValid) throw refuse('access denied: the proposal\'s signature does not verify against its creator');
    if (duplicate) throw refuse(`duplicate transaction found [${proposal.txId}]`);
    if (proposal.chaincodeName === qsccName) {
      if (!evaluating) throw refuse('qscc answers queries of the ledger: evaluate it, do not submit it');
      return;
    }
    if (!creator.roles.has('client') && !creator.roles.has('admin')) {
      throw refuse(`access denied: ${creator.mspId} identity is neither a client nor an admin (the channel's Writers policy)`);
    }
  }

  private async simulate(proposal: UnpackedProposal, mspId: string, refuse: (message: string, failedInPeer: boolean) => EndorserError): Promise<SimulationResult> {
    if (proposal.hasTransientData) throw refuse('transient data (private data collections) is not supported by the embedded ledger', true);
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
function smallestSatisfyingLayout(policy: Policy, peers: ReadonlyMap<string, VerifiedIdentity>): string[] {
  const departments = [...peers].map(([mspId, identity]) => ({ mspId, identity }));
  for (let size = 1; size <= departments.length; size++) {
    const layout = firstCombination(departments, size, (chosen) => policy.evaluate(chosen.map((d) => d.identity)).satisfied);
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
