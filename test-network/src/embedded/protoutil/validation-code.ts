import { peer } from '@hyperledger/fabric-protos';

const names = new Map<number, string>(Object.entries(peer.TxValidationCode).map(([name, code]) => [code as number, name]));

/** `MVCC_READ_CONFLICT` for 11: the name Fabric's tools print for a validation code. */
export function validationCodeName(code: number): string {
  return names.get(code) ?? `UNKNOWN_CODE_${code}`;
}
