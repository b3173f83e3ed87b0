import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadNetworkDescription, parseNetworkDescription } from '@citytrust/network-config';
import { fabricPorts, fabricTopology, FabricTopologyError } from './fabric-topology';

const description = loadNetworkDescription(undefined, {});

test('the shipped description places every native process on its own loopback port', () => {
  const topology = fabricTopology(description, '/home/ct');
  assert.deepEqual(topology.orderers.map((o) => [o.name, o.port, o.adminPort, o.operationsPort]), [
    ['orderer0.citytrust.local', 7050, 7054, 7055],
    ['orderer1.citytrust.local', 7150, 7154, 7155],
    ['orderer2.citytrust.local', 7250, 7254, 7255],
  ]);
  assert.deepEqual(topology.peers.map((p) => [p.name, p.address, p.chaincodeListenPort, p.operationsPort, p.chaincodeServer.address]), [
    ['peer0.bigdata.citytrust.local', '127.0.0.1:7151', 7152, 7153, '127.0.0.1:9999'],
    ['peer0.market.citytrust.local', '127.0.0.1:7251', 7252, 7253, '127.0.0.1:10000'],
    ['peer0.credit.citytrust.local', '127.0.0.1:7351', 7352, 7353, '127.0.0.1:10001'],
  ]);
  assert.equal(new Set(fabricPorts(topology).map((p) => p.port)).size, 21);
  assert.equal(topology.genesisBlock, '/home/ct/fabric/artifacts/citytrust.block');
  assert.equal(topology.peers[0]!.dataDir, '/home/ct/fabric/data/peer0.bigdata.citytrust.local');
});

test('two processes on one derived port are refused, naming both and the field to move', () => {
  // The second peer's chaincode listener (peerPort + 1) would be the first orderer's admin port (port + 4).
  const colliding = parseNetworkDescription({
    ...description,
    departments: description.departments.map((d, i) => (i === 1 ? { ...d, peerPort: 7053 } : d)),
  }, 'test');
  assert.throws(() => fabricTopology(colliding, '/home/ct'), (error: unknown) => {
    assert.ok(error instanceof FabricTopologyError);
    assert.equal(error.message, 'port 7054 would be taken by both orderer0.citytrust.local (admin, gRPC port + 4) and peer0.market.citytrust.local ' +
      '(chaincode listener, peerPort + 1) on native Fabric: move departments[1].peerPort in the network description');
    return true;
  });
});

test('a derived port above 65535 is refused', () => {
  const high = parseNetworkDescription({ ...description, chaincode: { ...description.chaincode, serverPort: 65535 } }, 'test');
  assert.throws(() => fabricTopology(high, '/h'), /chaincode\.market\.citytrust\.local \(chaincode server, serverPort \+ 1\) would listen on port 65536, above 65535: lower chaincode\.serverPort/);
});
