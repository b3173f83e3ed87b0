import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { AuditBundleReport, AuditCheck } from '@citytrust/gateway';
import { UsageError, type Command } from '../command';
import { readOrdererCa } from '../orderer-ca';
import { PGP_PASSPHRASE_VARIABLE, readPgpPassphrase } from '../pgp-passphrase';

/** Failed entry and block checks printed before the verdict; the rest are counted (all are in --json). */
const FAILURES_SHOWN = 20;

/**
 * `citytrust audit verify`: checks an auditor's signed audit bundle (`POST /api/v1/audit/bundles`)
 * offline, trusting neither the gateway that made it nor whoever passed it on: the manifest's
 * SM2 seal and the ledger's attestation of it, every block's and entry's SM3 digest against the
 * manifest, nothing added or removed, and every trail's ledger proof (`proof verify`'s checks).
 */
export const auditCommand: Command = {
  name: 'audit',
  summary: 'Auditors\' signed audit bundles: audit verify <file> (offline)',
  usage: [
    'usage: citytrust audit verify <file> [--orderer-ca <PEM file>] [--json]',
    '                              [--pgp-key <armored private key file> [--pgp-passphrase-file <file>]]',
    '',
    'verify checks an audit bundle (citytrust-audit-bundle/1, from POST /api/v1/audit/bundles)',
    'offline: the manifest\'s SM2 seal (SM3 digest, GB/T 32918 default user ID) with the key it',
    'carries, the ledger\'s attestation of that seal (the key was the department\'s, valid then),',
    'each block\'s and entry\'s SM3 digest against the manifest, no entry added or removed, each',
    'trail against its sealed record, and each trail\'s ledger proof. Without --orderer-ca the',
    'ordering service\'s roots come from the bundle\'s own config blocks, which shows the bundle is',
    'consistent but not who signed it; give the channel\'s orderer CA certificate(s) to pin them.',
    '--json prints the report as one JSON object.',
    'A bundle exported encrypted to the auditor\'s OpenPGP key (binary or armored) is decrypted',
    'with --pgp-key, the private key it was encrypted to (gpg --armor --export-secret-keys <e-mail>);',
    `its passphrase, if it has one, comes from --pgp-passphrase-file or ${PGP_PASSPHRASE_VARIABLE}.`,
    'Or decrypt it first: gpg --decrypt bundle.json.pgp > bundle.json, then verify bundle.json.',
    'Exit status: 0 valid, 1 not valid (the first failing entry and check are named), 2 usage error.',
  ].join('\n'),
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      options: { 'orderer-ca': { type: 'string' }, 'pgp-key': { type: 'string' }, 'pgp-passphrase-file': { type: 'string' }, json: { type: 'boolean', default: false } },
      allowPositionals: true,
      strict: true,
    });
    const [action, file, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
    if (action !== 'verify') throw new UsageError(`unknown action '${action ?? ''}'; one of verify`);
    if (!file) throw new UsageError('verify needs the bundle\'s file');
    if (values['pgp-passphrase-file'] !== undefined && values['pgp-key'] === undefined) throw new UsageError('--pgp-passphrase-file unlocks the key given with --pgp-key; give that too');
    return verify(file, { ordererCaFile: values['orderer-ca'], pgpKeyFile: values['pgp-key'], pgpPassphraseFile: values['pgp-passphrase-file'], json: values.json });
  },
};

interface VerifyOptions {
  readonly ordererCaFile: string | undefined;
  /** The auditor's armored OpenPGP private key, for a bundle exported encrypted to it. */
  readonly pgpKeyFile: string | undefined;
  readonly pgpPassphraseFile: string | undefined;
  readonly json: boolean;
}

async function verify(file: string, { ordererCaFile, pgpKeyFile, pgpPassphraseFile, json }: VerifyOptions): Promise<number> {
  const trustedOrdererRoots = ordererCaFile === undefined ? undefined : [readOrdererCa(ordererCaFile)];
  const { parseAuditBundle, verifyAuditBundle, isOpenPgpMessage, decryptAuditBundle } = await import('@citytrust/gateway');
  const bytes = readFileSync(file);
  let text: string;
  if (isOpenPgpMessage(bytes)) {
    if (pgpKeyFile === undefined) {
      throw new UsageError(`${file} is an audit bundle encrypted with OpenPGP: give the private key it was encrypted to with --pgp-key <armored key file> (its passphrase, if any, with --pgp-passphrase-file <file> or in ${PGP_PASSPHRASE_VARIABLE}), or decrypt it first: gpg --decrypt ${file} > bundle.json`);
    }
    text = await decryptAuditBundle(bytes, readFileSync(pgpKeyFile, 'utf8'), readPgpPassphrase(pgpPassphraseFile));
  } else {
    // TextDecoder drops a byte order mark an editor may have put before the JSON.
    text = new TextDecoder().decode(bytes);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not JSON (${(error as Error).message}): an audit bundle is the JSON document that POST /api/v1/audit/bundles answers`);
  }
  const report = await verifyAuditBundle(parseAuditBundle(parsed), trustedOrdererRoots ? { trustedOrdererRoots } : {});
  if (json) console.log(JSON.stringify(report));
  else printReport(report);
  return report.valid ? 0 : 1;
}

function printReport(report: AuditBundleReport): void {
  const { manifest } = report;
  console.log(`audit bundle of ${manifest.entries.length} trails, exported by ${manifest.auditor} at ${manifest.createdAt}, sealed by ${manifest.department}`);
  console.log(`query: ${JSON.stringify(manifest.query)}`);
  const bundleChecks = report.checks.filter((check) => check.entry === undefined && check.blockNumber === undefined);
  const blockChecks = report.checks.filter((check) => check.blockNumber !== undefined);
  const entryChecks = report.checks.filter((check) => check.entry !== undefined);
  const lines: [boolean, string, string][] = [
    ...bundleChecks.map((check): [boolean, string, string] => [check.passed, check.id, check.reason]),
    [blockChecks.every((check) => check.passed), 'blocks', `${blockChecks.filter((check) => check.passed).length} of ${blockChecks.length} block checks passed (each block listed, present and its SM3 as listed)`],
    [entryChecks.every((check) => check.passed), 'entries', `${report.entriesValid} of ${manifest.entries.length} entries valid (present, SM3 as listed, the trail its sealed record, its proof verified); ${entryChecks.filter((check) => !check.passed).length} entry checks failed`],
  ];
  const width = Math.max(...lines.map(([, id]) => id.length));
  for (const [passed, id, reason] of lines) console.log(`  ${passed ? 'ok  ' : 'FAIL'}  ${id.padEnd(width)}  ${reason}`);
  const failures = [...blockChecks, ...entryChecks].filter((check) => !check.passed);
  for (const check of failures.slice(0, FAILURES_SHOWN)) console.log(`  FAIL  ${where(check)}: ${check.id}: ${check.reason}`);
  if (failures.length > FAILURES_SHOWN) console.log(`  ... and ${failures.length - FAILURES_SHOWN} more failed checks (--json lists them all)`);
  const roots = report.trustRoots === 'pinned' ? 'orderer roots pinned with --orderer-ca' : 'orderer roots taken from the bundle\'s config blocks; pin them with --orderer-ca';
  const first = report.firstFailure;
  console.log(first === undefined ? `valid: every check passed (${roots})` : `NOT valid: ${where(first)} failed ${first.id}: ${first.reason}`);
}

function where(check: AuditCheck): string {
  if (check.entry) return `entry ${check.entry.position} (trail ${check.entry.trailId})`;
  if (check.blockNumber !== undefined) return `block ${check.blockNumber}`;
  return 'the manifest';
}
