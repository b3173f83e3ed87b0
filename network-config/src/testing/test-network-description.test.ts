import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadNetworkDescription, parseNetworkDescription } from '../network-description';
import { ordererNodes } from '../network-nodes';
import { freePortLayout, onFreePorts } from './test-network-description';

const packaged = loadNetworkDescription(undefined, {});
const processCount = 3 + packaged.departments.length;

test('every process of a network on free ports has its own port, the derived orderer ports included', async () => {
  const description = await onFreePorts(packaged);
  const ports = [
    description.embedded.port,
    description.chaincode.serverPort,
    ...description.departments.map((d) => d.peerPort),
    ...ordererNodes(description).map((node) => node.port),
  ];
  assert.equal(new Set(ports).size, ports.length);
});

test('the orderer gets a drawn port whose + 100·i repeats no other drawn port', () => {
  // The draw a CI run once made: the first port + 200 is the second.
  const drawn = Array.from({ length: processCount }, (_, i) => 42151 + 1000 * i);
  drawn[1] = 42351;
  const layout = freePortLayout(packaged, drawn)!;
  assert.notEqual(layout.orderer.port, 42151);
  assert.doesNotThrow(() => parseNetworkDescription(layout, 'the layout'));
  assert.deepEqual(
    [layout.embedded.port, layout.chaincode.serverPort, ...layout.departments.map((d) => d.peerPort), layout.orderer.port].sort(),
    [...drawn].sort(),
  );
});

test('ports that leave the orderer no room give no layout, so another draw is made', () => {
  // Each port's + 100 is another drawn port or past 65535.
  const drawn = Array.from({ length: processCount }, (_, i) => 65535 - 100 * i);
  assert.equal(freePortLayout(packaged, drawn), undefined);
});
