import { JSONSerializer, type Contract } from 'fabric-contract-api';
import type { ChaincodeInterface } from 'fabric-shim';

/** The serializer set fabric-shim's bootstrap uses when a chaincode module names none. */
const DEFAULT_SERIALIZERS = { transaction: 'jsonSerializer', serializers: { jsonSerializer: JSONSerializer } };

/**
 * fabric-shim's `ChaincodeFromContract` (lib/contract-spi/chaincodefromcontract.js): it routes
 * `contract:function` invocations to contract classes and adds the `org.hyperledger.fabric`
 * metadata contract. The shim neither exports nor types it; its own `server` command reaches it
 * through lib/contract-spi/bootstrap.js, which we cannot call without its yargs command line.
 */
type ChaincodeFromContractClass = new (
  contractClasses: Array<new () => Contract>,
  serializers: typeof DEFAULT_SERIALIZERS,
  metadata: object,
  title: string,
  version: string,
) => ChaincodeInterface;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ChaincodeFromContract = require('fabric-shim/lib/contract-spi/chaincodefromcontract') as ChaincodeFromContractClass;

/**
 * The chaincode (Init/Invoke) that serves `contractClasses`, built as `fabric-chaincode-node
 * server` builds it: default JSON serializer, metadata introspected from the decorators, and the
 * package's name and version as the metadata's title and version.
 */
export function chaincodeFromContracts(
  contractClasses: ReadonlyArray<new () => Contract>,
  title: string,
  version: string,
): ChaincodeInterface {
  // ChaincodeFromContract appends its metadata contract to the array it is given: hand it a copy.
  return new ChaincodeFromContract([...contractClasses], DEFAULT_SERIALIZERS, {}, title, version);
}
