import { readFileSync } from 'node:fs';
import { UsageError } from './command';

/** The channel's orderer CA certificate(s) from `--orderer-ca`, to pin the roots a proof is checked against. */
export function readOrdererCa(file: string): string {
  const pem = readFileSync(file, 'utf8');
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`--orderer-ca ${file} holds no PEM certificate: give the orderer organisation's CA certificate (msp/cacerts/*.pem)`);
  return pem;
}
