// The rule's own module, not the package index, which loads Node-only crypto.
import { sealKeyEndedAt } from '@citytrust/shared/dist/seals/seal-key-validity';
// Message modules, not the package index, which loads gRPC (see fabric-block.ts).
import * as common from '@hyperledger/fabric-protos/lib/common/common_pb';
import { TxValidationCode } from '@hyperledger/fabric-protos/lib/peer/transaction_pb';
// The module itself, not the package index: the index loads Node-only crypto, and this verifier
// must also run in a browser.
import { canonicalJson } from '@citytrust/shared/dist/canonical-json';
import { concatBytes, equalBytes, fromBase64, fromUtf8, pemBlocks, toHex, utf8 } from './bytes';
import { chainToRoot, signingCertificateProblem } from './certificate-chain';
import {
  blockEnvelopes,
  blockMetadata,
  blockSignatures,
  channelTrustOf,
  headerTypeName,
  ledgerTime,
  validationCodeName,
  type ChannelTrust,
  type EndorserTransaction,
  type FabricIdentity,
  endorserTransactionOf,
} from './fabric-block';
import type { ProofBundle } from './proof-bundle';
import type { ProofCertificate, ProofCrypto } from './proof-crypto';
import type { ProofCheck, ProofCheckId, ProofReport } from './proof-report';

export interface ProofVerificationOptions {
  /**
   * The ordering service's root (or intermediate) CA certificates, PEM, as the verifier knows
   * them from elsewhere (the channel's published config, the operator). When given, the blocks
   * must be signed under these; when not, under the roots in the bundle's config block, and the
   * report says so.
   */
  readonly trustedOrdererRoots?: readonly string[];
}

/** Checks a proof bundle; resolves to the report, never rejects on a bad bundle (a bad bundle is a failed check). */
export type ProofVerifier = (bundle: ProofBundle, options?: ProofVerificationOptions) => Promise<ProofReport>;

/**
 * The proof verifier over a given {@link ProofCrypto}: Node's in {@link verifyProofBundle}, the
 * browser's in the explorer. Every check runs even when another fails, so the report shows
 * exactly which part of the evidence is wrong.
 */
export function newProofVerifier(crypto: ProofCrypto): ProofVerifier {
  return async (bundle, options = {}) => {
    const evidence = readEvidence(bundle);
    const pinned = options.trustedOrdererRoots !== undefined;
    const checks: ProofCheck[] = [];
    const run = async (id: ProofCheckId, check: () => string | Promise<string>) => {
      try {
        checks.push({ id, passed: true, reason: await check() });
      } catch (error) {
        checks.push({ id, passed: false, reason: error instanceof Error ? error.message : String(error) });
      }
    };
    await run('transaction', () => checkTransaction(bundle, evidence, crypto));
    await run('data-hash', () => checkDataHash(evidence.block(), crypto, `block ${bundle.block.number}`));
    await run('creator', () => checkCreator(evidence, crypto));
    await run('trust-roots', () => checkTrustRoots(bundle, evidence, crypto, options.trustedOrdererRoots));
    await run('orderer-signature', () => checkOrdererSignatures(bundle, evidence, crypto, options.trustedOrdererRoots));
    await run('validation-code', () => checkValidationCode(bundle, evidence));
    await run('seal-recorded', () => checkSealRecorded(bundle, evidence));
    if (bundle.sealed.record !== undefined) await run('seal-digest', () => checkSealDigest(bundle, crypto));
    await run('seal-signature', () => checkSealSignature(bundle, crypto));
    await run('seal-key', () => checkSealKey(bundle, evidence, crypto));
    return {
      valid: checks.every((check) => check.passed),
      transactionId: bundle.transactionId,
      blockNumber: bundle.block.number,
      channel: bundle.channel,
      trustRoots: pinned ? 'pinned' : 'bundle',
      checks,
    };
  };
}

/** The bundle's bytes decoded once; each accessor throws, naming the part, when it does not decode. */
interface Evidence {
  block(): common.Block;
  configBlock(): common.Block;
  transaction(): EndorserTransaction;
  channelTrust(): ChannelTrust;
  /** The transaction's time, when the creator's, the orderer's and the seal's keys had to be valid. */
  transactionTime(): Date;
}

function readEvidence(bundle: ProofBundle): Evidence {
  const once = <T>(what: string, read: () => T): (() => T) => {
    let result: { value: T } | { error: Error } | undefined;
    return () => {
      if (!result) {
        try {
          result = { value: read() };
        } catch (error) {
          result = { error: new Error(`${what} cannot be read: ${error instanceof Error ? error.message : String(error)}`) };
        }
      }
      if ('error' in result) throw result.error;
      return result.value;
    };
  };
  const block = once(`block ${bundle.block.number}`, () => common.Block.deserializeBinary(fromBase64(bundle.block.bytes)));
  const configBlock = once(`config block ${bundle.configBlock.number}`, () => common.Block.deserializeBinary(fromBase64(bundle.configBlock.bytes)));
  const transaction = once(`transaction ${bundle.transactionId}`, () => {
    const envelope = blockEnvelopes(block())[bundle.transactionIndex];
    if (!envelope) throw new Error(`block ${bundle.block.number} has no transaction at index ${bundle.transactionIndex}`);
    return endorserTransactionOf(envelope);
  });
  return {
    block,
    configBlock,
    transaction,
    channelTrust: once(`the channel configuration in config block ${bundle.configBlock.number}`, () => channelTrustOf(configBlock())),
    transactionTime: () => {
      const { seconds, nanos } = transaction().timestamp;
      return new Date(seconds * 1000 + Math.floor(nanos / 1e6));
    },
  };
}

/** (a) */
function checkTransaction(bundle: ProofBundle, evidence: Evidence, crypto: ProofCrypto): string {
  const header = evidence.block().getHeader();
  if (!header) throw new Error(`block ${bundle.block.number} has no header`);
  if (header.getNumber() !== bundle.block.number) throw new Error(`the block's header says it is block ${header.getNumber()}, the bundle says ${bundle.block.number}`);
  const tx = evidence.transaction();
  if (tx.transactionId !== bundle.transactionId) {
    throw new Error(`the transaction at index ${bundle.transactionIndex} of block ${bundle.block.number} is ${tx.transactionId}, not ${bundle.transactionId}`);
  }
  if (tx.type !== common.HeaderType.ENDORSER_TRANSACTION) throw new Error(`transaction ${tx.transactionId} is a ${headerTypeName(tx.type)} transaction, not an endorser transaction`);
  if (tx.channelId !== bundle.channel) throw new Error(`transaction ${tx.transactionId} is on channel '${tx.channelId}', not '${bundle.channel}'`);
  // Fabric's txid is SHA-256(nonce || creator): an id that does not match was not made by this creator.
  const computed = toHex(crypto.sha256(concatBytes(tx.nonce, tx.creatorBytes)));
  if (computed !== tx.transactionId) throw new Error(`the transaction's id ${tx.transactionId} is not SHA-256 of its nonce and creator (${computed})`);
  return `transaction ${tx.transactionId} is at index ${bundle.transactionIndex} of block ${bundle.block.number} on channel ${tx.channelId}, and its id is SHA-256 of its nonce and creator`;
}

/** (b) */
function checkDataHash(block: common.Block, crypto: ProofCrypto, name: string): string {
  const envelopes = blockEnvelopes(block);
  const computed = crypto.sha256(concatBytes(...envelopes));
  const claimed = block.getHeader()?.getDataHash_asU8() ?? new Uint8Array(0);
  if (!equalBytes(computed, claimed)) {
    throw new Error(`${name}'s header names data hash ${toHex(claimed)}, but its ${envelopes.length} transaction(s) hash to ${toHex(computed)}: the block's data was changed`);
  }
  return `${name}'s header data hash ${toHex(claimed)} is SHA-256 of its ${envelopes.length} transaction(s)`;
}

async function checkCreator(evidence: Evidence, crypto: ProofCrypto): Promise<string> {
  const tx = evidence.transaction();
  const { mspId } = tx.creator;
  const organization = evidence.channelTrust().applications.find((o) => o.mspId === mspId);
  if (!organization) throw new Error(`the transaction's creator names MSP ${mspId}, which is not a department of the channel configuration`);
  const certificate = crypto.certificate(tx.creator.certificate);
  const chain = chainToRoot(certificate, organization.rootCertificates.map(crypto.certificate), organization.intermediateCertificates.map(crypto.certificate));
  if (!chain) throw new Error(`the creator's certificate ${certificate.subject} was not issued by ${mspId}'s CA in the channel configuration`);
  const problem = signingCertificateProblem(certificate, evidence.transactionTime());
  if (problem) throw new Error(`the creator's certificate cannot sign at the transaction's time: ${problem}`);
  if (!(await crypto.verifyEcdsa(certificate, tx.payload, tx.signature))) {
    throw new Error(`the transaction's signature does not verify with its creator's certificate ${certificate.subject} (or has a high S, which Fabric refuses)`);
  }
  return `signed by ${certificate.subject} of ${mspId}, whose certificate chains to ${mspId}'s root CA in the channel configuration`;
}

function checkTrustRoots(bundle: ProofBundle, evidence: Evidence, crypto: ProofCrypto, pinned: readonly string[] | undefined): string {
  const { lastConfigIndex } = blockSignatures(evidence.block());
  if (lastConfigIndex !== undefined && lastConfigIndex !== bundle.configBlock.number) {
    throw new Error(`block ${bundle.block.number} names block ${lastConfigIndex} as the channel's last config, but the bundle carries block ${bundle.configBlock.number}`);
  }
  const configHeader = evidence.configBlock().getHeader();
  if (configHeader?.getNumber() !== bundle.configBlock.number) {
    throw new Error(`the config block's header says it is block ${configHeader?.getNumber() ?? '(none)'}, the bundle says ${bundle.configBlock.number}`);
  }
  checkDataHash(evidence.configBlock(), crypto, `config block ${bundle.configBlock.number}`);
  const trust = evidence.channelTrust();
  if (trust.channelId !== bundle.channel) throw new Error(`config block ${bundle.configBlock.number} configures channel '${trust.channelId}', not '${bundle.channel}'`);
  const fromConfig = trust.orderers.map((o) => `${o.mspId}:${[...o.rootCertificates, ...o.intermediateCertificates].map(toHex).join(',')}`).sort();
  const inBundle = bundle.ordererRoots.map((o) => `${o.mspId}:${[...o.rootCertificates, ...o.intermediateCertificates].flatMap((pem) => pemBlocks(pem, 'CERTIFICATE')).map(toHex).join(',')}`).sort();
  if (fromConfig.join(';') !== inBundle.join(';')) {
    throw new Error(`the bundle's orderer roots are not those of config block ${bundle.configBlock.number} (orderer organisations there: ${trust.orderers.map((o) => o.mspId).join(', ') || 'none'})`);
  }
  const names = trust.orderers.map((o) => o.mspId).join(', ');
  if (pinned) {
    return `the verifier pinned ${pinnedCertificates(pinned, crypto).length} orderer CA certificate(s); config block ${bundle.configBlock.number} (the block's last config) names the orderer organisation(s) ${names}`;
  }
  return `taken from config block ${bundle.configBlock.number}, the block's last config: the orderer organisation(s) ${names}. Not pinned: they show the bundle is consistent, not who the ordering service is; pin them with the channel's orderer CA to check that`;
}

/** (c) */
async function checkOrdererSignatures(bundle: ProofBundle, evidence: Evidence, crypto: ProofCrypto, pinned: readonly string[] | undefined): Promise<string> {
  const trust = evidence.channelTrust();
  const at = evidence.transactionTime();
  const pinnedRoots = pinned ? pinnedCertificates(pinned, crypto) : undefined;
  const signedBy = async (block: common.Block, name: string, mayBeUnsignedGenesis: boolean): Promise<string> => {
    const { signatures } = blockSignatures(block);
    if (signatures.length === 0) {
      // configtxgen writes the genesis block unsigned; every peer is handed it out of band.
      if (mayBeUnsignedGenesis && block.getHeader()?.getNumber() === 0) return `${name} is the channel's genesis block, unsigned as configtxgen writes it`;
      throw new Error(`${name} carries no orderer signature`);
    }
    const signers: string[] = [];
    for (const [i, signature] of signatures.entries()) {
      const subject = await verifiedOrdererSigner(signature.signer, signature.signedBytes, signature.signature, { trust, pinnedRoots, at, crypto, what: `signature ${i + 1} of ${name}` });
      signers.push(subject);
    }
    return `${name} is signed by ${signers.join('; ')}`;
  };
  const block = await signedBy(evidence.block(), `block ${bundle.block.number}`, false);
  const config = await signedBy(evidence.configBlock(), `config block ${bundle.configBlock.number}`, true);
  const roots = pinnedRoots ? 'the pinned orderer roots' : 'the orderer roots of the config block';
  return `${block}; ${config}; each signer chains to ${roots}, and each ECDSA signature (low S) verifies over the metadata, signature header and block header`;
}

async function verifiedOrdererSigner(
  signer: FabricIdentity,
  signedBytes: Uint8Array,
  signature: Uint8Array,
  context: { trust: ChannelTrust; pinnedRoots: ProofCertificate[] | undefined; at: Date; crypto: ProofCrypto; what: string },
): Promise<string> {
  const { trust, pinnedRoots, at, crypto, what } = context;
  const certificate = crypto.certificate(signer.certificate);
  // The BlockValidation policy: ANY Writers of the orderer organisations, i.e. a member of one.
  const organization = trust.orderers.find((o) => o.mspId === signer.mspId);
  if (!organization) throw new Error(`${what} is by ${certificate.subject} of ${signer.mspId}, which is not an orderer organisation of the channel`);
  const intermediates = organization.intermediateCertificates.map(crypto.certificate);
  const roots = pinnedRoots ?? organization.rootCertificates.map(crypto.certificate);
  if (!chainToRoot(certificate, roots, intermediates)) {
    throw new Error(`${what} is by ${certificate.subject}, whose certificate does not chain to ${pinnedRoots ? 'the pinned orderer roots' : `${signer.mspId}'s root CA in the config block`}`);
  }
  const problem = signingCertificateProblem(certificate, at);
  if (problem) throw new Error(`${what}: the signer's certificate cannot sign at the transaction's time: ${problem}`);
  if (!(await crypto.verifyEcdsa(certificate, signedBytes, signature))) {
    throw new Error(`${what} by ${certificate.subject} does not verify over the block's header and metadata (or has a high S, which Fabric refuses)`);
  }
  return `${certificate.subject} of ${signer.mspId}`;
}

/** (d) */
function checkValidationCode(bundle: ProofBundle, evidence: Evidence): string {
  const filter = blockMetadata(evidence.block(), common.BlockMetadataIndex.TRANSACTIONS_FILTER);
  const code = filter[bundle.transactionIndex];
  if (code === undefined) throw new Error(`block ${bundle.block.number}'s TRANSACTIONS_FILTER has no code for index ${bundle.transactionIndex}: the block was not committed by a peer`);
  if (code !== TxValidationCode.VALID) {
    throw new Error(`the committing peer marked the transaction ${validationCodeName(code)} (${code}): its writes, and its seal, never took effect`);
  }
  // The filter is the committing peer's verdict; the orderer does not sign it.
  return 'VALID in the block\'s TRANSACTIONS_FILTER, the committing peer\'s verdict (the orderer\'s signature does not cover it; every peer that validates the block reaches the same code)';
}

/** (e) The bundle's seal is the one the transaction recorded, by its creator's department, at its time. */
function checkSealRecorded(bundle: ProofBundle, evidence: Evidence): string {
  const tx = evidence.transaction();
  const { event: eventName, sealPath, seal } = bundle.sealed;
  if (!tx.event) throw new Error(`transaction ${tx.transactionId} set no chaincode event, so it recorded no seal`);
  if (tx.event.name !== eventName) throw new Error(`the transaction's event is '${tx.event.name}', not '${eventName}'`);
  let recorded: unknown = JSON.parse(fromUtf8(tx.event.payload));
  for (const step of sealPath) recorded = typeof recorded === 'object' && recorded !== null ? (recorded as Record<string, unknown>)[step] : undefined;
  const where = sealPath.length === 0 ? 'the event\'s payload' : `the event's payload at '${sealPath.join('.')}'`;
  if (typeof recorded !== 'object' || recorded === null) throw new Error(`${where} is not a seal`);
  const fields = recorded as Record<string, unknown>;
  const asRecorded = { keyId: fields.keyId, digest: fields.digest, signature: fields.signature, department: fields.department, sealedAt: fields.sealedAt };
  if (canonicalJson(asRecorded) !== canonicalJson(seal)) {
    throw new Error(`the bundle's seal is not the one transaction ${tx.transactionId} recorded in ${where} (${canonicalJson(asRecorded)})`);
  }
  const time = ledgerTime(tx.timestamp);
  if (seal.sealedAt !== time) throw new Error(`the seal was made at ${seal.sealedAt}, not in this transaction (at ${time})`);
  if (seal.department !== tx.creator.mspId) throw new Error(`the seal names ${seal.department}, but ${tx.creator.mspId} submitted the transaction`);
  return `the transaction's '${eventName}' event records this seal in ${where}, by ${seal.department} at ${seal.sealedAt}`;
}

/** (e) */
function checkSealDigest(bundle: ProofBundle, crypto: ProofCrypto): string {
  const digest = toHex(crypto.sm3(utf8(canonicalJson(bundle.sealed.record))));
  if (digest !== bundle.sealed.seal.digest) {
    throw new Error(`the record's canonical JSON hashes (SM3) to ${digest}, not to the seal's digest ${bundle.sealed.seal.digest}: the record is not the one sealed`);
  }
  return `the record's canonical JSON hashes (SM3) to the seal's digest ${digest}`;
}

/** (e) */
function checkSealSignature(bundle: ProofBundle, crypto: ProofCrypto): string {
  const { seal } = bundle.sealed;
  const key = currentKey(bundle);
  if (key.keyId !== seal.keyId) throw new Error(`the bundle carries key ${key.keyId}, not the seal's key ${seal.keyId}`);
  if (!crypto.verifySm2(key.publicKey, fromHex(seal.digest), fromBase64(seal.signature))) {
    throw new Error(`the signature is not an SM2 signature over digest ${seal.digest} by key ${key.keyId}: it was forged, made over other bytes, or damaged`);
  }
  return `the SM2 signature over digest ${seal.digest} verifies with key ${key.keyId}`;
}

/** (e) */
function checkSealKey(bundle: ProofBundle, evidence: Evidence, crypto: ProofCrypto): string {
  const { seal } = bundle.sealed;
  const { history } = bundle.sealKey;
  const key = currentKey(bundle);
  for (const version of history) {
    if (version.key.keyId !== key.keyId || version.key.publicKey !== key.publicKey || version.key.department !== key.department) {
      throw new Error(`the key history mixes keys: version ${version.transactionId} is of key ${version.key.keyId} (${version.key.department})`);
    }
  }
  const [spki] = pemBlocks(key.publicKey, 'PUBLIC KEY');
  if (!spki) throw new Error(`key ${key.keyId}'s public key is not a PEM SubjectPublicKeyInfo`);
  const keyId = toHex(crypto.sm3(spki));
  if (keyId !== key.keyId) throw new Error(`the key record's id ${key.keyId} is not SM3 of its public key (${keyId}): the key was swapped`);
  if (keyId !== seal.keyId) throw new Error(`the bundle carries key ${keyId}, not the seal's key ${seal.keyId}`);
  const submitter = evidence.transaction().creator.mspId;
  if (key.department !== submitter) throw new Error(`key ${keyId} belongs to ${key.department}, but ${submitter} submitted the transaction: a department seals with its own key`);
  const at = ledgerTime(evidence.transaction().timestamp);
  const registration = history[history.length - 1]!;
  if (registration.timestamp > at) throw new Error(`key ${keyId} was registered at ${registration.timestamp}, after the transaction at ${at}`);
  if (at < key.validFrom) throw new Error(`key ${keyId} is valid from ${key.validFrom}, after the transaction at ${at}`);
  const ended = keyEndedBefore(key, at);
  if (ended) throw new Error(`key ${keyId} ${ended}, before the transaction at ${at}`);
  return `key ${keyId} is SM3 of its public key, belongs to ${key.department} (the submitter), and was valid at ${at}: registered ${registration.timestamp}, valid ${key.validFrom} to ${key.validUntil}, ${history.length} version(s) in its history (as seal:keyHistory answered it), now ${key.status}`;
}

/**
 * How a key's validity had ended by `at`, or undefined while it had not, by the seal contract's
 * own rule (`sealKeyEndedAt`, shared with the chaincode).
 */
function keyEndedBefore(key: ProofBundle['sealKey']['history'][number]['key'], at: string): string | undefined {
  const ended = sealKeyEndedAt(key, at);
  switch (ended?.check) {
    case undefined:
      return undefined;
    case 'key_revoked':
      return `was revoked at ${ended.since} (${key.revocationReason ?? 'no reason given'})`;
    case 'key_retired':
      return `was replaced by ${key.supersededBy ?? 'a newer key'} at ${ended.since}`;
    case 'key_expired':
      return `expired at ${ended.since}`;
  }
}

function currentKey(bundle: ProofBundle): ProofBundle['sealKey']['history'][number]['key'] {
  const newest = bundle.sealKey.history[0];
  if (!newest) throw new Error('the bundle carries no seal key');
  return newest.key;
}

function pinnedCertificates(pems: readonly string[], crypto: ProofCrypto): ProofCertificate[] {
  const certificates = pems.flatMap((pem) => pemBlocks(pem, 'CERTIFICATE')).map(crypto.certificate);
  if (certificates.length === 0) throw new Error('the pinned orderer roots hold no PEM certificate');
  return certificates;
}

function fromHex(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
}
