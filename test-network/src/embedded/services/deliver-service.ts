import type { ServerDuplexStream, UntypedServiceImplementation } from '@grpc/grpc-js';
import { common, orderer, peer } from '@hyperledger/fabric-protos';
import type { Channel } from '../channel';
import type { ChannelMsps } from '../msp';
import { filteredBlockOf } from '../protoutil/block-events';
import { readerRefusal } from './signed-request';

type DeliverStream = ServerDuplexStream<common.Envelope, peer.DeliverResponse>;
type Form = 'block' | 'filtered' | 'private';

/**
 * Fabric's peer `protos.Deliver` service (`common/deliver/deliver.go`): each request on a stream
 * is a signed SeekInfo envelope; blocks from its start to its stop are sent in order, waiting for
 * new blocks when asked to, then a SUCCESS status. Private data does not exist here, so
 * DeliverWithPrivateData sends blocks with an empty private data map.
 */
export function deliverService(channel: Channel, msps: ChannelMsps): UntypedServiceImplementation {
  const serve = (form: Form) => (call: DeliverStream) => {
    const cancelled = new AbortController();
    call.on('cancelled', () => cancelled.abort());
    call.on('error', () => cancelled.abort());
    let queue = Promise.resolve();
    call.on('data', (envelope: common.Envelope) => {
      queue = queue.then(() => handleSeek(envelope, form, call, channel, msps, cancelled.signal)).catch(() => cancelled.abort());
    });
    call.on('end', () => {
      queue.then(() => call.end(), () => call.end());
    });
  };
  return { deliver: serve('block'), deliverFiltered: serve('filtered'), deliverWithPrivateData: serve('private') };
}

async function handleSeek(envelope: common.Envelope, form: Form, call: DeliverStream, channel: Channel, msps: ChannelMsps, signal: AbortSignal): Promise<void> {
  const seek = await parseSeek(envelope, channel, msps);
  if (typeof seek === 'number') return send(call, statusResponse(seek));
  const { info } = seek;
  const height = channel.height;
  const start = position(info.getStart(), height, 'start');
  const stop = position(info.getStop(), height, 'stop');
  if (start === undefined || stop === undefined || stop < start) return send(call, statusResponse(common.Status.BAD_REQUEST));
  const failIfNotReady = info.getBehavior() === orderer.SeekInfo.SeekBehavior.FAIL_IF_NOT_READY;
  for (let number = start; number <= stop; number++) {
    if (channel.height <= number) {
      if (failIfNotReady) return send(call, statusResponse(common.Status.NOT_FOUND));
      try {
        await channel.blockAvailable(number, signal);
      } catch {
        return;
      }
    }
    const block = await channel.store.block(number);
    await send(call, blockResponse(block, form, channel.channelId));
  }
  await send(call, statusResponse(common.Status.SUCCESS));
}

async function parseSeek(envelope: common.Envelope, channel: Channel, msps: ChannelMsps): Promise<{ info: orderer.SeekInfo } | number> {
  try {
    const payloadBytes = envelope.getPayload_asU8();
    const payload = common.Payload.deserializeBinary(payloadBytes);
    const channelHeader = common.ChannelHeader.deserializeBinary(payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(0));
    const signatureHeader = common.SignatureHeader.deserializeBinary(payload.getHeader()?.getSignatureHeader_asU8() ?? new Uint8Array(0));
    if (channelHeader.getChannelId() !== channel.channelId) return common.Status.NOT_FOUND;
    if (await readerRefusal(msps, signatureHeader.getCreator_asU8(), payloadBytes, envelope.getSignature_asU8())) return common.Status.FORBIDDEN;
    return { info: orderer.SeekInfo.deserializeBinary(payload.getData_asU8()) };
  } catch {
    return common.Status.BAD_REQUEST;
  }
}

function position(seek: orderer.SeekPosition | undefined, height: number, which: 'start' | 'stop'): number | undefined {
  switch (seek?.getTypeCase()) {
    case orderer.SeekPosition.TypeCase.OLDEST: return 0;
    case orderer.SeekPosition.TypeCase.NEWEST: return Math.max(height - 1, 0);
    case orderer.SeekPosition.TypeCase.SPECIFIED: return seek.getSpecified()?.getNumber() ?? 0;
    case orderer.SeekPosition.TypeCase.NEXT_COMMIT: return which === 'start' ? height : undefined;
    default: return undefined;
  }
}

function blockResponse(block: common.Block, form: Form, channelId: string): peer.DeliverResponse {
  const response = new peer.DeliverResponse();
  if (form === 'filtered') response.setFilteredBlock(filteredBlockOf(block, channelId));
  else if (form === 'private') {
    const withPrivateData = new peer.BlockAndPrivateData();
    withPrivateData.setBlock(block);
    response.setBlockAndPrivateData(withPrivateData);
  } else response.setBlock(block);
  return response;
}

function statusResponse(status: number): peer.DeliverResponse {
  const response = new peer.DeliverResponse();
  response.setStatus(status as never);
  return response;
}

async function send(call: DeliverStream, response: peer.DeliverResponse): Promise<void> {
  if (!call.write(response)) await new Promise((resolve) => call.once('drain', resolve));
}
