import { Type } from '@sinclair/typebox';

/**
 * The explorer's messages: the network overview, blocks and transactions decoded. Pages are
 * keyset-paged (`before`), so a list of 100,000 blocks is read a page at a time wherever the
 * reader scrolls, at the same cost at the top as at the bottom.
 */
const strict = { additionalProperties: false } as const;
const Hex64 = (description: string) => Type.String({ pattern: '^[0-9a-f]{64}$', description });
const BlockNumberText = Type.String({ pattern: '^(0|[1-9][0-9]{0,15})$', description: 'A block number.' });
const Limit = Type.String({ pattern: '^([1-9][0-9]?|100)$', default: '50', description: 'How many, 1 to 100.' });

export const BlocksQuery = Type.Object({
  before: Type.Optional(Type.String({ pattern: '^(0|[1-9][0-9]{0,15})$', description: 'Blocks numbered below this one; the newest blocks when absent.' })),
  limit: Type.Optional(Limit),
}, strict);
export const BlockParams = Type.Object({ number: BlockNumberText }, strict);
export const TransactionsQuery = Type.Object({
  before: Type.Optional(Type.String({ pattern: '^(0|[1-9][0-9]{0,15})\\.(0|[1-9][0-9]{0,6})$', description: 'A position `<block>.<index>` (exclusive), from the previous page\'s `next`; the newest transactions when absent.' })),
  limit: Type.Optional(Limit),
}, strict);
export const TransactionParams = Type.Object({ transactionId: Hex64('A transaction id.') }, strict);

const BlockSummary = Type.Object({
  number: Type.Integer(),
  time: Type.Optional(Type.String({ description: 'The first transaction\'s time; blocks carry none of their own.' })),
  transactionCount: Type.Integer(),
  validCount: Type.Integer({ description: 'Transactions whose validation code is VALID.' }),
  dataHash: Type.String(),
  previousHash: Type.String(),
});
const TransactionSummary = Type.Object({
  transactionId: Type.String(),
  blockNumber: Type.Integer(),
  index: Type.Integer(),
  time: Type.String(),
  type: Type.String({ description: 'ENDORSER_TRANSACTION, CONFIG, ...' }),
  creator: Type.String({ description: 'The submitting department (MSP id).' }),
  contract: Type.Optional(Type.String()),
  function: Type.Optional(Type.String()),
  validationCode: Type.String({ description: 'Fabric\'s validation code: VALID, MVCC_READ_CONFLICT, ENDORSEMENT_POLICY_FAILURE, ...' }),
  sealed: Type.Boolean({ description: 'Whether the transaction carries a department\'s SM2 seal.' }),
});
const ProofCheckView = Type.Object({ id: Type.String(), passed: Type.Boolean(), reason: Type.String() });

export const BlockPage = Type.Object({ height: Type.Integer({ description: 'The channel\'s height: the newest block is height - 1.' }), blocks: Type.Array(BlockSummary) });
export const BlockView = Type.Object({ block: BlockSummary, transactions: Type.Array(TransactionSummary) });
export const TransactionPage = Type.Object({ transactions: Type.Array(TransactionSummary), next: Type.String({ description: 'Send it back as `before` for the next page; empty on the last.' }) });
export const TransactionView = Type.Object({
  transactionId: Type.String(),
  blockNumber: Type.Integer(),
  index: Type.Integer(),
  type: Type.String(),
  time: Type.String(),
  creator: Type.Object({ mspId: Type.String(), subject: Type.String() }),
  chaincode: Type.Optional(Type.String()),
  contract: Type.Optional(Type.String()),
  function: Type.Optional(Type.String()),
  validationCode: Type.String(),
  endorsements: Type.Array(Type.Object({
    mspId: Type.String({ description: 'The endorsing department.' }),
    subject: Type.String({ description: 'The endorsing peer\'s certificate subject.' }),
    signature: Type.String({ description: 'DER ECDSA signature, base64.' }),
    verified: Type.Boolean({ description: 'Whether the signature verifies with the endorser\'s certificate (P-256, low S).' }),
  })),
  reads: Type.Array(Type.Object({ namespace: Type.String(), key: Type.String(), version: Type.Optional(Type.String({ description: '`<block>:<tx>` of the version read; absent when the key did not exist.' })) })),
  writes: Type.Array(Type.Object({ namespace: Type.String(), key: Type.String(), isDelete: Type.Boolean() })),
  event: Type.Optional(Type.String()),
  seal: Type.Optional(Type.Object({ department: Type.String(), keyId: Type.String(), digest: Type.String(), sealedAt: Type.String() })),
  sealVerification: Type.Optional(Type.Object({
    valid: Type.Boolean({ description: 'True only when every check of `citytrust proof verify` passed (trust roots from the channel\'s config block).' }),
    checks: Type.Array(ProofCheckView),
  })),
}, { description: 'A transaction decoded. Values written are not shown, only keys.' });

export const NetworkOverview = Type.Object({
  ledger: Type.Object({ reachable: Type.Boolean(), detail: Type.String() }),
  height: Type.Integer(),
  layout: Type.Optional(Type.Object({
    consensusType: Type.String(),
    capabilities: Type.Array(Type.String()),
    departments: Type.Array(Type.Object({ mspId: Type.String(), anchorPeers: Type.Array(Type.String()) })),
    ordererOrganizations: Type.Array(Type.Object({ mspId: Type.String(), endpoints: Type.Array(Type.String()) })),
    consenters: Type.Array(Type.String()),
  }, { description: 'From the channel\'s last config block.' })),
  nodes: Type.Array(Type.Object({
    role: Type.Union([Type.Literal('peer'), Type.Literal('orderer')]),
    mspId: Type.String(),
    address: Type.String(),
    reachable: Type.Boolean({ description: 'Whether the endpoint accepted a TCP connection from the gateway.' }),
    detail: Type.String(),
  })),
  transactionsPerMinute: Type.Array(Type.Object({ minute: Type.String(), transactions: Type.Integer() })),
});
