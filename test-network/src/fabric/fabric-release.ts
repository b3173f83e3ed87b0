import { execFile } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { promisify } from 'node:util';

/**
 * Fabric's release binaries, as the user points `FABRIC_BIN` at them: the layout of
 * `hyperledger-fabric-linux-amd64-<version>.tar.gz` (Fabric's Makefile, target `dist/%`).
 * CityTrust never builds or downloads Fabric; it checks what it is given, once, before starting
 * anything, and says in one line what is missing.
 */
export interface FabricRelease {
  /** The folder `FABRIC_BIN` names, absolute. */
  readonly root: string;
  /** The version `peer version` reports, e.g. `3.1.5`. */
  readonly version: string;
  readonly peer: string;
  readonly orderer: string;
  readonly configtxgen: string;
  readonly osnadmin: string;
  /** `config/`, holding the release's `core.yaml` and `orderer.yaml`: `FABRIC_CFG_PATH` of the peers and orderers. */
  readonly configDir: string;
}

/** The Fabric release line the native back-end is written and tested against. */
export const requiredFabricVersion = { major: 3, minor: 1 } as const;
const requiredLabel = `v${requiredFabricVersion.major}.${requiredFabricVersion.minor}.x`;

/** Where a user gets what `FABRIC_BIN` must point at. */
export const fabricReleaseHint =
  `Fabric ${requiredLabel} release binaries are needed: download hyperledger-fabric-linux-amd64-${requiredFabricVersion.major}.${requiredFabricVersion.minor}.<patch>.tar.gz ` +
  'from https://github.com/hyperledger/fabric/releases, unpack it (it holds bin/ and config/) and set FABRIC_BIN to that folder';

/** The binaries the native back-end runs, and the release configuration it starts them with. */
const requiredBinaries = ['peer', 'orderer', 'configtxgen', 'osnadmin'] as const;
const requiredConfigFiles = ['core.yaml', 'orderer.yaml'] as const;

/** `FABRIC_BIN` is unset or does not hold a usable Fabric release; the message is one line saying what is missing. */
export class FabricReleaseError extends Error {
  override readonly name = 'FabricReleaseError';
}

/**
 * Checks the release `FABRIC_BIN` names: each binary CityTrust runs is an executable file, `config/`
 * holds the release's `core.yaml` and `orderer.yaml`, and `peer version` is Fabric {@link requiredLabel}.
 *
 * @throws FabricReleaseError naming the first thing missing or the version found, and what is needed.
 */
export async function checkFabricRelease(env: Readonly<Record<string, string | undefined>> = process.env): Promise<FabricRelease> {
  const given = env.FABRIC_BIN;
  if (!given) throw new FabricReleaseError(`FABRIC_BIN is not set: the native Fabric back-end runs Fabric's own binaries. ${fabricReleaseHint}; or run the embedded ledger with --ledger embedded`);
  const root = isAbsolute(given) ? given : resolve(given);
  const where = `FABRIC_BIN=${given}`;
  if (!isDirectory(root)) throw new FabricReleaseError(`${where} is not a folder. ${fabricReleaseHint}`);
  const binaries = Object.fromEntries(requiredBinaries.map((name) => {
    const path = join(root, 'bin', name);
    if (!isExecutableFile(path)) {
      throw new FabricReleaseError(`${where} has no executable bin/${name}: CityTrust needs bin/${requiredBinaries.join(', bin/')} of Fabric ${requiredLabel}. ${fabricReleaseHint}`);
    }
    return [name, path];
  })) as Record<(typeof requiredBinaries)[number], string>;
  const configDir = join(root, 'config');
  for (const file of requiredConfigFiles) {
    if (!isFile(join(configDir, file))) {
      throw new FabricReleaseError(`${where} has no config/${file}: the peers and orderers start from the release's config/${requiredConfigFiles.join(' and config/')} (Fabric ${requiredLabel}, from the same release as bin/). ${fabricReleaseHint}`);
    }
  }
  const version = await peerVersion(binaries.peer, where);
  return { root, version, ...binaries, configDir };
}

async function peerVersion(peer: string, where: string): Promise<string> {
  let output: string;
  try {
    // `peer version` reads no configuration and opens no port.
    output = (await promisify(execFile)(peer, ['version'], { timeout: 15_000, env: { PATH: process.env.PATH ?? '' } })).stdout;
  } catch (error) {
    throw new FabricReleaseError(`${where}: bin/peer version failed (${firstLine(error)}); Fabric ${requiredLabel} is needed. ${fabricReleaseHint}`);
  }
  const version = /^\s*Version:\s*v?(\d+)\.(\d+)\.(\d+)\S*/m.exec(output);
  if (!version) throw new FabricReleaseError(`${where}: bin/peer version printed no version ("${output.trim().split('\n')[0] ?? ''}"); Fabric ${requiredLabel} is needed. ${fabricReleaseHint}`);
  const [found, major, minor] = [version[0].replace(/^\s*Version:\s*v?/, ''), Number(version[1]), Number(version[2])];
  if (major !== requiredFabricVersion.major || minor !== requiredFabricVersion.minor) {
    throw new FabricReleaseError(`${where}: bin/peer is Fabric ${found}, CityTrust's native back-end needs Fabric ${requiredLabel}. ${fabricReleaseHint}`);
  }
  return found;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function isExecutableFile(path: string): boolean {
  if (!isFile(path)) return false;
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
