import { common, msp, peer } from '@hyperledger/fabric-protos';
import type { LedgerClient, NetworkDescription } from '@citytrust/network-config';

/**
 * The MSP ids whose peers endorsed a committed transaction, read back from the ledger with qscc
 * `GetTransactionByID` as any Fabric client would: proof that what the benchmark counted was
 * endorsed as the channel's policy demands, not merely accepted.
 */
export async function transactionEndorsers(client: LedgerClient, description: NetworkDescription, txId: string): Promise<string[]> {
  const mspId = description.departments[0]!.mspId;
  const bytes = await client.network(mspId).getContract('qscc').evaluateTransaction('GetTransactionByID', description.channel, txId);
  const envelope = peer.ProcessedTransaction.deserializeBinary(bytes).getTransactionenvelope();
  if (!envelope) throw new Error(`qscc returned transaction ${txId} without its envelope`);
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const transaction = peer.Transaction.deserializeBinary(payload.getData_asU8());
  const action = transaction.getActionsList()[0];
  if (!action) throw new Error(`transaction ${txId} has no action`);
  const endorsements = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8()).getAction()?.getEndorsementsList() ?? [];
  return endorsements.map((endorsement) => msp.SerializedIdentity.deserializeBinary(endorsement.getEndorser_asU8()).getMspid());
}
