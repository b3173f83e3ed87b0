import assert from 'node:assert/strict';
import { connect, type ClientHttp2Session } from 'node:http2';
import { test } from 'node:test';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { WIDE_FLOW_CONTROL_WINDOW_BYTES, widenFlowControlWindows } from './grpc-flow-control';

test('a grpc-js server\'s accepted sessions announce the wide window, per stream and per connection', async (t) => {
  const server = new Server();
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))));
  assert.equal(widenFlowControlWindows(server), true);

  const client: ClientHttp2Session = connect(`http://127.0.0.1:${port}`);
  client.on('error', () => undefined); // the server's shutdown below cancels the session
  t.after(() => {
    client.close();
    server.forceShutdown();
  });
  // The server's first SETTINGS are HTTP/2's defaults; the widened ones follow as the session starts.
  const widened = await new Promise<number | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(client.remoteSettings.initialWindowSize), 2_000);
    client.on('remoteSettings', (settings) => {
      if (settings.initialWindowSize === WIDE_FLOW_CONTROL_WINDOW_BYTES) {
        clearTimeout(timer);
        resolve(settings.initialWindowSize);
      }
    });
  });
  assert.equal(widened, WIDE_FLOW_CONTROL_WINDOW_BYTES);
  // The connection-level window arrives as a WINDOW_UPDATE right after the settings.
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.ok((client.state.remoteWindowSize ?? 0) >= WIDE_FLOW_CONTROL_WINDOW_BYTES, `remote window ${client.state.remoteWindowSize}`);
});

test('an object that is not a grpc-js server is left alone, and says so', () => {
  assert.equal(widenFlowControlWindows({}), false);
});
