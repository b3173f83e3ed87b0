import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chaincodePackageId, type NetworkDescription } from '@citytrust/network-config';
import { downEmbeddedNetwork, upEmbeddedNetwork } from '../network/embedded-network';
import { isAlive, portAccepts, readProcessRecord, sleep, spawnManaged, stopManaged, type ProcessRecord } from '../network/managed-process';
import type { ConformanceBackend, RunningBackend } from './conformance-backend';

/**
 * The embedded ledger as `citytrust up` runs it: the chaincode server and the ledger as
 * background processes, found again through their records under `<home>/run`. So the suite
 * tests the processes users run, including their start-up recovery after a SIGKILL.
 */
export const embeddedConformanceBackend: ConformanceBackend = {
  name: 'embedded',
  async start(home, description) {
    // The ledger process reads its description from CITYTRUST_NETWORK, and upEmbeddedNetwork
    // starts it with this process's environment: this is how the suite's ports reach it.
    const descriptionFile = join(home, 'network.json');
    writeFileSync(descriptionFile, `${JSON.stringify(description, null, 2)}\n`);
    process.env.CITYTRUST_NETWORK = descriptionFile;
    const up = await upEmbeddedNetwork({ home, description });
    let stoppedChaincode: ProcessRecord | undefined;
    const running: RunningBackend = {
      crypto: up.crypto,
      address: `127.0.0.1:${description.embedded.port}`,
      async stop() {
        await downEmbeddedNetwork(home);
      },
      async crash() {
        const ledger = requireRecord(home, 'ledger');
        process.kill(ledger.pid, 'SIGKILL');
        while (isAlive(ledger.pid)) await sleep(10);
      },
      async restart() {
        // down clears the dead ledger's record and stops the chaincode server; up starts both
        // and returns only after a transaction has committed on the recovered ledger.
        await downEmbeddedNetwork(home);
        await upEmbeddedNetwork({ home, description });
      },
      async stopChaincodeServer() {
        stoppedChaincode = requireRecord(home, 'chaincode');
        await stopManaged(home, stoppedChaincode);
      },
      async startChaincodeServer() {
        if (!stoppedChaincode) throw new Error('startChaincodeServer restarts the server stopped by stopChaincodeServer: stop it first');
        const [executable, ...args] = stoppedChaincode.command;
        if (executable === undefined) throw new Error(`the chaincode server's record in ${home}/run has no command`);
        const record = spawnManaged({
          home,
          name: 'chaincode',
          endpoint: stoppedChaincode.endpoint,
          command: [executable, ...args],
          env: { ...process.env, CHAINCODE_ID: chaincodePackageId(description), CHAINCODE_SERVER_ADDRESS: stoppedChaincode.endpoint },
          lifetime: 'owned',
        });
        await waitUntilListening(record, description);
        stoppedChaincode = undefined;
      },
    };
    return running;
  },
};

function requireRecord(home: string, name: 'ledger' | 'chaincode'): ProcessRecord {
  const record = readProcessRecord(home, name);
  if (!record) throw new Error(`no ${name} process is recorded under ${home}/run: is the network up?`);
  return record;
}

async function waitUntilListening(record: ProcessRecord, description: NetworkDescription): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await portAccepts(description.chaincode.serverPort))) {
    if (!isAlive(record.pid)) throw new Error(`the chaincode server exited while starting; see ${record.log}`);
    if (Date.now() > deadline) throw new Error(`the chaincode server did not listen on ${record.endpoint} within 30 s; see ${record.log}`);
    await sleep(50);
  }
}
