import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { SealKeyListing, SealService } from '@citytrust/gateway';
import { UsageError, type Command } from '../command';
import { withGatewayDatabase } from '../gateway-database';
import { openRunningLedger } from '../running-ledger';

const DEFAULT_VALIDITY_YEARS = 2;

/**
 * `citytrust seal`: a department admin's management of the department's SM2 seal key (电子印章)
 * on the gateway host, and anyone's offline check of a seal. Private keys stay in the gateway's
 * encrypted custody; the ledger gets the public keys, submitted with the department's admin identity.
 */
export const sealCommand: Command = {
  name: 'seal',
  summary: 'Department seal keys: seal keygen | register | rotate | revoke | list, and seal verify (offline)',
  usage: [
    'usage: citytrust seal keygen   --department <MSP id>',
    '       citytrust seal register --department <MSP id> [--key-id <id>] [--valid-until <RFC 3339>]',
    '       citytrust seal rotate   --department <MSP id> [--valid-until <RFC 3339>]',
    '       citytrust seal revoke   --department <MSP id> --key-id <id> --reason <text> [--at <RFC 3339>]',
    '       citytrust seal list     --department <MSP id> [--json]',
    '       citytrust seal verify   (--digest <hex> | --document <file>) (--signature <base64> | --signature-file <DER file>) --public-key <PEM file>',
    '',
    'keygen makes a key pair in the gateway\'s custody (the private key encrypted with SM4 under',
    'GATEWAY_SEAL_KEY_ENCRYPTION_KEY or CITYTRUST_HOME/secrets/seal-key-encryption.key); register',
    'puts its public key on the ledger as the department\'s current seal key (valid for',
    `${DEFAULT_VALIDITY_YEARS} years unless --valid-until says otherwise). rotate replaces the current key by a new`,
    'one; seals made before stay valid. revoke withdraws a key from --at (default now) on.',
    'verify needs no ledger: it checks the SM2 signature over the SM3 digest with the public key,',
    'as `openssl pkeyutl -verify -rawin -digest sm3 -pkeyopt distid:1234567812345678` does.',
    'Exit status: 0 done (verify: the seal verifies), 1 failed (verify: it does not), 2 usage error.',
  ].join('\n'),
  async run(args) {
    const [action, ...rest] = args;
    const { values } = parseArgs({
      args: rest,
      options: {
        department: { type: 'string' }, 'key-id': { type: 'string' }, 'valid-until': { type: 'string' },
        reason: { type: 'string' }, at: { type: 'string' }, json: { type: 'boolean', default: false },
        digest: { type: 'string' }, document: { type: 'string' }, signature: { type: 'string' },
        'signature-file': { type: 'string' }, 'public-key': { type: 'string' },
      },
      strict: true,
    });
    if (action === 'verify') return verifyOffline(values);
    if (!['keygen', 'register', 'rotate', 'revoke', 'list'].includes(action ?? '')) {
      throw new UsageError(`unknown action '${action ?? ''}'; one of keygen, register, rotate, revoke, list, verify`);
    }
    const department = values.department;
    if (!department) throw new UsageError('--department <MSP id> is required');
    const validUntil = values['valid-until'] ?? defaultValidUntil();
    return withSealService(async (seals) => {
      switch (action) {
        case 'keygen': {
          const key = await seals.generateKey(department, 'citytrust seal keygen');
          console.log(`generated seal key ${key.keyId} for ${department} (in the gateway's custody; not on the ledger yet)`);
          console.log(key.publicKeyPem.trimEnd());
          console.log(`register it: npx citytrust seal register --department ${department} --key-id ${key.keyId}`);
          return 0;
        }
        case 'register': {
          const key = await seals.registerKey(department, validUntil, values['key-id']);
          console.log(`registered ${key.keyId} as ${department}'s seal key, valid ${key.validFrom} to ${key.validUntil}`);
          return 0;
        }
        case 'rotate': {
          const key = await seals.rotateKey(department, validUntil, 'citytrust seal rotate');
          console.log(`rotated: ${key.keyId} is ${department}'s seal key from ${key.validFrom} (until ${key.validUntil}); seals made with the old key before then stay valid`);
          return 0;
        }
        case 'revoke': {
          if (!values['key-id'] || !values.reason) throw new UsageError('revoke needs --key-id and --reason');
          const key = await seals.revokeKey(department, values['key-id'], values.reason, values.at);
          console.log(`revoked ${key.keyId} from ${key.revokedAt}: ${key.revocationReason}`);
          return 0;
        }
        default:
          printKeys(await seals.listKeys(department), values.json);
          return 0;
      }
    });
  },
};

async function withSealService(work: (seals: SealService) => Promise<number>): Promise<number> {
  const { fabricLedger, gatewayServices } = await import('@citytrust/gateway');
  const { description, client } = await openRunningLedger();
  try {
    const ledger = fabricLedger({ client, channel: description.channel, chaincode: description.chaincode.name, healthDepartment: description.departments[0]!.mspId });
    return await withGatewayDatabase((database, config) => work(gatewayServices(config, database.database, ledger).seals));
  } finally {
    client.close();
  }
}

function printKeys(keys: SealKeyListing[], json: boolean): void {
  if (json) {
    console.log(JSON.stringify(keys));
    return;
  }
  if (keys.length === 0) console.log('no seal keys; create one with `citytrust seal keygen`');
  for (const { keyId, ledger, custody } of keys) {
    const onLedger = ledger ? `${ledger.status}, valid ${ledger.validFrom} to ${ledger.validUntil}${ledger.revokedAt ? `, revoked ${ledger.revokedAt} (${ledger.revocationReason})` : ''}` : 'not on the ledger';
    console.log(`${keyId}  ${onLedger}; private key ${custody ? 'held by this gateway' : 'not held here'}`);
  }
}

/** Checks a seal with the public key alone; prints the verdict, exit 0 when it verifies. */
async function verifyOffline(values: { digest?: string; document?: string; signature?: string; 'signature-file'?: string; 'public-key'?: string }): Promise<number> {
  const { importSm2PublicKey, sealKeyId, sm2Verify, sm3 } = await import('@citytrust/shared');
  if ((values.digest === undefined) === (values.document === undefined)) throw new UsageError('give exactly one of --digest and --document');
  if ((values.signature === undefined) === (values['signature-file'] === undefined)) throw new UsageError('give exactly one of --signature and --signature-file');
  if (!values['public-key']) throw new UsageError('--public-key <PEM file> is required (GET /api/v1/seals/keys?department=... publishes them)');
  if (values.digest !== undefined && !/^[0-9a-fA-F]{64}$/.test(values.digest)) throw new UsageError('--digest must be an SM3 digest: 64 hex characters');
  const digest = values.digest !== undefined ? Buffer.from(values.digest, 'hex') : sm3(readFileSync(values.document!));
  const signature = values.signature !== undefined ? Buffer.from(values.signature, 'base64') : readFileSync(values['signature-file']!);
  const publicKey = importSm2PublicKey(readFileSync(values['public-key']));
  const valid = sm2Verify(publicKey, digest, signature);
  console.log(`${valid ? 'valid' : 'NOT valid'}: SM2 seal over SM3 digest ${digest.toString('hex')} by key ${sealKeyId(publicKey)}${valid ? '' : ' (forged, over other bytes, or by another key)'}`);
  if (valid) console.log('offline check only: the key\'s validity at the time and any revocation are on the ledger (POST /api/v1/seals/verify)');
  return valid ? 0 : 1;
}

function defaultValidUntil(): string {
  const until = new Date();
  until.setUTCFullYear(until.getUTCFullYear() + DEFAULT_VALIDITY_YEARS);
  return until.toISOString();
}
