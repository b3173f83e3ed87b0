import type { EventEmitter } from 'node:events';
import type { Http2Session } from 'node:http2';

/** HTTP/2 flow-control window for a busy peer connection: room for a few hundred messages in flight. */
export const WIDE_FLOW_CONTROL_WINDOW_BYTES = 4 * 1024 * 1024;

/**
 * Widens the HTTP/2 receive windows (per stream and per connection) of every session a grpc-js
 * server accepts. With HTTP/2's default 64 KB, a burst of proposals (a few KB each, whether as
 * concurrent calls or as messages on one chaincode stream) stalls until this process has read and
 * acknowledged the first ones; under load on the ledger benchmark that added tens of
 * milliseconds to every transaction. grpc-js has no server option for the window, so this reaches
 * for its HTTP/2 servers after `bindAsync`; if a grpc-js release moves them, the default window
 * stays and only throughput suffers. Returns whether it could.
 */
export function widenFlowControlWindows(grpcServer: object, bytes = WIDE_FLOW_CONTROL_WINDOW_BYTES): boolean {
  const http2Servers = (grpcServer as { http2Servers?: unknown }).http2Servers;
  if (!(http2Servers instanceof Map)) return false;
  for (const http2Server of http2Servers.keys() as IterableIterator<EventEmitter>) {
    http2Server.on('session', (session: Http2Session) => {
      session.settings({ initialWindowSize: bytes });
      session.setLocalWindowSize(bytes);
    });
  }
  return true;
}
