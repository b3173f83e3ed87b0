import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { UsageError, type Command } from '../command';

/**
 * `citytrust license verify`: anyone's check of an e-license's or annotated copy's QR payload.
 * Offline always (the SM2 signature with the signer's public key, the document's digest, a copy's
 * use and time); online too when a gateway is given, which adds the license's status now.
 */
export const licenseCommand: Command = {
  name: 'license',
  summary: 'E-licenses: license verify <qr-or-file> (offline, and online with --gateway)',
  usage: [
    'usage: citytrust license verify <QR payload | file holding it> [--public-key <PEM file> | --keys <JSON file>]',
    '                                [--gateway <URL>] [--document <file>] [--purpose <text> --recipient <text>] [--json]',
    '',
    'Offline: checks the payload\'s SM2 signature with the signer\'s public key (--public-key, or',
    '--keys holding what GET /api/v1/seals/keys?department=... returns, which also tells revoked keys),',
    'the document\'s SM3 digest against the payload (--document), and for an annotated copy (加注件)',
    'its time and that it is for --purpose and --recipient. Without a key file the keys are fetched',
    'from the gateway. Online (--gateway, or CITYTRUST_GATEWAY_URL): the license\'s status now, and',
    'for one that is not valid, the move that made it so and why.',
    'Exit status: 0 valid (offline, and online when asked), 1 not valid or the gateway could not',
    'answer, 2 usage error.',
  ].join('\n'),
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      options: {
        'public-key': { type: 'string' }, keys: { type: 'string' }, gateway: { type: 'string' }, document: { type: 'string' },
        purpose: { type: 'string' }, recipient: { type: 'string' }, json: { type: 'boolean', default: false },
      },
      allowPositionals: true,
      strict: true,
    });
    const [action, input, ...extra] = positionals;
    if (action !== 'verify') throw new UsageError(`unknown action '${action ?? ''}'; the one action is verify`);
    if (input === undefined || extra.length > 0) throw new UsageError('give one QR payload, or a file that holds it');
    if (values['public-key'] !== undefined && values.keys !== undefined) throw new UsageError('give --public-key or --keys, not both');
    if ((values.purpose === undefined) !== (values.recipient === undefined)) throw new UsageError('an annotated copy is relied on for a --purpose and by a --recipient: give both');
    // An empty CITYTRUST_GATEWAY_URL means none, as unset does.
    const gateway = (values.gateway ?? process.env.CITYTRUST_GATEWAY_URL)?.replace(/\/+$/, '') || undefined;
    if (values['public-key'] === undefined && values.keys === undefined && gateway === undefined) {
      throw new UsageError('offline verification needs the signer\'s public key: --public-key or --keys, or --gateway to fetch it');
    }
    return verify({ ...values, payloadText: existsSync(input) ? readFileSync(input, 'utf8') : input, ...(gateway ? { gateway } : {}) });
  },
};

interface VerifyInput {
  readonly payloadText: string;
  readonly 'public-key'?: string;
  readonly keys?: string;
  readonly gateway?: string;
  readonly document?: string;
  readonly purpose?: string;
  readonly recipient?: string;
  readonly json: boolean;
}

interface Verdict {
  readonly valid: boolean;
  readonly check?: string;
  readonly reason: string;
}

async function verify(input: VerifyInput): Promise<number> {
  const { decodeLicenseQr, LicenseQrFormatError, sm3, verifyLicenseQrOffline } = await import('@citytrust/shared');
  let payload;
  try {
    payload = decodeLicenseQr(input.payloadText);
  } catch (error) {
    if (!(error instanceof LicenseQrFormatError)) throw error;
    return report(input.json, { valid: false, check: 'malformed_qr', reason: error.message });
  }
  const use = input.purpose !== undefined && input.recipient !== undefined ? { purpose: input.purpose, recipient: input.recipient } : undefined;
  const documentDigest = input.document === undefined ? undefined : sm3(readFileSync(input.document)).toString('hex');
  const online = input.gateway === undefined ? undefined : await verifyOnline(input.gateway, input.payloadText.trim(), documentDigest, use);
  const keys = input['public-key'] !== undefined
    ? [{ publicKey: readFileSync(input['public-key'], 'utf8') }]
    : input.keys !== undefined ? keysFrom(readFileSync(input.keys, 'utf8')) : await gatewayKeys(input.gateway!, online?.department);
  const outcome = verifyLicenseQrOffline(payload, keys, use ? { use } : {});
  let offline: Verdict = outcome.valid
    ? { valid: true, reason: `signed by key ${outcome.keyId}${outcome.department ? ` of ${outcome.department}` : ''} over ${payload.identifier} and document ${payload.documentDigest}` }
    : { valid: false, check: outcome.check, reason: outcome.reason };
  if (offline.valid && documentDigest !== undefined && documentDigest !== payload.documentDigest) {
    offline = { valid: false, check: 'document_mismatch', reason: `the document's SM3 digest is ${documentDigest}, but the license names ${payload.documentDigest}` };
  }
  return report(input.json, offline, online);
}

interface OnlineVerdict extends Verdict {
  readonly department?: string;
}

/** POST /api/v1/licenses/verify: the status now, or the check that failed. */
async function verifyOnline(gateway: string, qr: string, documentDigest: string | undefined, use: { purpose: string; recipient: string } | undefined): Promise<OnlineVerdict> {
  let response: Response;
  try {
    response = await fetch(`${gateway}/api/v1/licenses/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ qr, ...(documentDigest ? { documentDigest } : {}), ...(use ?? {}) }) });
  } catch (error) {
    return { valid: false, check: 'gateway_unreachable', reason: `cannot reach the gateway at ${gateway}: ${error instanceof Error ? error.message : String(error)}` };
  }
  const body = await response.json() as { valid?: boolean; status?: string; statusChange?: { by: string; at: string; reason: string }; license?: { identifier: string; issuer: { department: string }; issuedAt: string }; copy?: { sealedBy: string }; error?: { code: string; message: string; details?: { check?: string } } };
  if (!response.ok || !body.license) return { valid: false, check: body.error?.details?.check ?? body.error?.code ?? `http_${response.status}`, reason: body.error?.message ?? `the gateway answered ${response.status}` };
  const why = body.statusChange && !body.valid ? ` (${body.statusChange.by}, ${body.statusChange.at}: ${body.statusChange.reason})` : '';
  return { valid: body.valid === true, ...(body.valid ? {} : { check: `status_${body.status}` }), department: body.copy?.sealedBy ?? body.license.issuer.department, reason: `license ${body.license.identifier} is ${body.status}${why}; issued by ${body.license.issuer.department} at ${body.license.issuedAt}` };
}

type TrustedKeys = Array<{ publicKey: string }>;

function keysFrom(json: string): TrustedKeys {
  const parsed = JSON.parse(json) as unknown;
  const keys = Array.isArray(parsed) ? parsed : (parsed as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || !keys.every((key) => typeof (key as { publicKey?: unknown }).publicKey === 'string')) {
    throw new UsageError('--keys must hold {"keys":[{"publicKey":<PEM>,...}]} as GET /api/v1/seals/keys returns, or such an array');
  }
  return keys as TrustedKeys;
}

/** The signer's department's keys as the gateway publishes them (the department from the online answer). */
async function gatewayKeys(gateway: string, department: string | undefined): Promise<TrustedKeys> {
  if (department === undefined) return [];
  try {
    const response = await fetch(`${gateway}/api/v1/seals/keys?department=${encodeURIComponent(department)}`);
    return response.ok ? keysFrom(await response.text()) : [];
  } catch {
    return [];
  }
}

function report(json: boolean, offline: Verdict, online?: Verdict): number {
  const valid = offline.valid && (online === undefined || online.valid);
  if (json) {
    console.log(JSON.stringify({ valid, offline, ...(online ? { online } : {}) }));
  } else {
    console.log(`offline: ${line(offline)}`);
    if (online) console.log(`online: ${line(online)}`);
  }
  return valid ? 0 : 1;
}

function line(verdict: Verdict): string {
  return verdict.valid ? `valid: ${verdict.reason}` : `NOT valid (${verdict.check}): ${verdict.reason}`;
}
