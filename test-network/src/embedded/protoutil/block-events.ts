import { common, peer } from '@hyperledger/fabric-protos';
import { transactionsFilter } from './block';
import { unpackTransaction } from './transaction';

/**
 * The chaincode events of a block's valid transactions, in block order (Fabric's gateway
 * `event.NewChaincodeEventsIterator`: events of invalid transactions are never delivered).
 */
export function chaincodeEventsOf(block: common.Block): peer.ChaincodeEvent[] {
  const filter = transactionsFilter(block);
  const events: peer.ChaincodeEvent[] = [];
  block.getData()?.getDataList_asU8().forEach((envelope, txNum) => {
    if (filter[txNum] !== peer.TxValidationCode.VALID) return;
    const eventBytes = endorserAction(envelope)?.getEvents_asU8();
    if (eventBytes && eventBytes.length > 0) events.push(peer.ChaincodeEvent.deserializeBinary(eventBytes));
  });
  return events;
}

/** The block as `DeliverFiltered` sends it: transaction ids, types, validation codes and events without payloads. */
export function filteredBlockOf(block: common.Block, channelId: string): peer.FilteredBlock {
  const filter = transactionsFilter(block);
  const filtered = new peer.FilteredBlock();
  filtered.setChannelId(channelId);
  filtered.setNumber(block.getHeader()?.getNumber() ?? 0);
  filtered.setFilteredTransactionsList((block.getData()?.getDataList_asU8() ?? []).map((envelope, txNum) => {
    const tx = new peer.FilteredTransaction();
    const unpacked = tryUnpack(envelope);
    tx.setTxid(unpacked?.channelHeader.getTxId() ?? '');
    tx.setType((unpacked?.channelHeader.getType() ?? common.HeaderType.MESSAGE) as common.HeaderTypeMap[keyof common.HeaderTypeMap]);
    tx.setTxValidationCode((filter[txNum] ?? peer.TxValidationCode.NOT_VALIDATED) as peer.TxValidationCodeMap[keyof peer.TxValidationCodeMap]);
    const eventBytes = unpacked?.endorser?.chaincodeAction.getEvents_asU8();
    if (eventBytes && eventBytes.length > 0) {
      const event = peer.ChaincodeEvent.deserializeBinary(eventBytes);
      event.setPayload(new Uint8Array(0));
      const action = new peer.FilteredChaincodeAction();
      action.setChaincodeEvent(event);
      const actions = new peer.FilteredTransactionActions();
      actions.setChaincodeActionsList([action]);
      tx.setTransactionActions(actions);
    }
    return tx;
  }));
  return filtered;
}

function endorserAction(envelope: Uint8Array): peer.ChaincodeAction | undefined {
  return tryUnpack(envelope)?.endorser?.chaincodeAction;
}

function tryUnpack(envelope: Uint8Array) {
  try {
    return unpackTransaction(envelope);
  } catch {
    return undefined;
  }
}
