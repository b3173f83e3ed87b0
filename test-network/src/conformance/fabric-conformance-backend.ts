import { chaincodePackageId } from '@citytrust/network-config';
import { checkFabricRelease } from '../fabric/fabric-release';
import { downFabricNetwork, ensureChaincodeServers, fabricGatewayAddress, upFabricNetwork } from '../fabric/fabric-network';
import { fabricTopology } from '../fabric/fabric-topology';
import { isAlive, readProcessRecord, sleep, stopManaged } from '../network/managed-process';
import type { ConformanceBackend, RunningBackend } from './conformance-backend';

/**
 * Real Fabric from FABRIC_BIN, brought up as `citytrust up --ledger fabric` brings it up: three
 * Raft orderers, a peer and a chaincode server per department, clients at the first
 * department's peer. A crash is every orderer and peer killed at once with SIGKILL, a power cut.
 */
export const fabricConformanceBackend: ConformanceBackend = {
  name: 'fabric',
  async start(home, description) {
    const release = await checkFabricRelease();
    const up = await upFabricNetwork({ home, description, release });
    const topology = fabricTopology(description, home);
    const nodes = [...topology.orderers.map((o) => o.name), ...topology.peers.map((p) => p.name)];
    const servers = topology.peers.map((p) => p.chaincodeServer.name);
    const running: RunningBackend = {
      crypto: up.crypto,
      address: fabricGatewayAddress(topology),
      async stop() {
        await downFabricNetwork(home, description);
      },
      async crash() {
        const records = nodes.map((name) => readProcessRecord(home, name)).filter((r) => r !== undefined);
        for (const record of records) process.kill(record.pid, 'SIGKILL');
        for (const record of records) while (isAlive(record.pid)) await sleep(10);
      },
      async restart() {
        await downFabricNetwork(home, description);
        await upFabricNetwork({ home, description, release });
      },
      async stopChaincodeServer() {
        for (const name of servers) {
          const record = readProcessRecord(home, name);
          if (record) await stopManaged(home, record);
        }
      },
      async startChaincodeServer() {
        await ensureChaincodeServers(home, description, chaincodePackageId(description));
      },
    };
    return running;
  },
};
