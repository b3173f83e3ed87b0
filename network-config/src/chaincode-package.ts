import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { canonicalJson } from '@citytrust/shared';
import type { NetworkDescription } from './network-description';

/**
 * CityTrust's chaincode package for Fabric's `_lifecycle`, chaincode as a service: the `.tgz`
 * `peer lifecycle chaincode install` takes (`core/chaincode/persistence/chaincode_package.go`),
 * holding exactly `metadata.json` (`{"label", "type": "ccaas"}`) and `code.tar.gz`, which holds
 * `connection.json`. The package carries no code: the chaincode server runs beside each peer,
 * and `connection.json` says how to reach it with Fabric's CCaaS templates, `{{.address}}` and
 * `{{.root_cert}}`, which a peer's builder fills from its own `CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG`.
 * So one package, and one package id, sends each department's peer to its own server.
 *
 * The bytes are deterministic: tar entries in a fixed order with mtime 0, uid/gid 0, mode 0644,
 * and gzip without a timestamp at compression level 0 (stored blocks, which no zlib version
 * encodes differently). The package id, `<label>:<sha256 of these bytes>`, is therefore stable for
 * a description and changes only with the chaincode's name or version.
 */
export interface ChaincodePackage {
  /** `<name>_<version>`, Fabric's package label. */
  readonly label: string;
  /** The `.tgz` to install. */
  readonly bytes: Buffer;
  /** `<label>:<sha256 hex of bytes>`, as `peer lifecycle chaincode calculatepackageid` prints it. */
  readonly id: string;
}

/** The connection template each peer's builder fills in (see `test-network/fabric-builder`). */
export const chaincodeConnectionTemplate = {
  address: '{{.address}}',
  dial_timeout: '10s',
  tls_required: true,
  root_cert: '{{.root_cert}}',
} as const;

export function chaincodePackage(description: NetworkDescription): ChaincodePackage {
  const label = `${description.chaincode.name}_${description.chaincode.version}`;
  const code = gzip(tar([{ name: 'connection.json', content: Buffer.from(canonicalJson(chaincodeConnectionTemplate)) }]));
  const bytes = gzip(tar([
    { name: 'metadata.json', content: Buffer.from(canonicalJson({ label, type: 'ccaas' })) },
    { name: 'code.tar.gz', content: code },
  ]));
  return { label, bytes, id: `${label}:${createHash('sha256').update(bytes).digest('hex')}` };
}

/**
 * The id the chaincode server registers with and the peers know it by, in Fabric's form
 * `<label>:<sha256>`: the id of {@link chaincodePackage}, on every back-end.
 */
export function chaincodePackageId(description: NetworkDescription): string {
  return chaincodePackage(description).id;
}

interface TarEntry {
  readonly name: string;
  readonly content: Buffer;
}

const block = 512;

/** A POSIX ustar archive of regular files, as Go's archive/tar reads it. */
function tar(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    parts.push(tarHeader(entry.name, entry.content.length), entry.content, Buffer.alloc((block - (entry.content.length % block)) % block));
  }
  parts.push(Buffer.alloc(2 * block));
  return Buffer.concat(parts);
}

function tarHeader(name: string, size: number): Buffer {
  const header = Buffer.alloc(block);
  const field = (offset: number, length: number, value: string) => header.write(value, offset, length, 'ascii');
  const octal = (offset: number, length: number, value: number) => field(offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`);
  field(0, 100, name);
  octal(100, 8, 0o644);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, size);
  octal(136, 12, 0);
  field(148, 8, ' '.repeat(8)); // the checksum counts its own field as spaces
  field(156, 1, '0'); // regular file
  field(257, 6, 'ustar\0');
  field(263, 2, '00');
  const checksum = header.reduce((sum, byte) => sum + byte, 0);
  field(148, 8, `${checksum.toString(8).padStart(6, '0')}\0 `);
  return header;
}

function gzip(data: Buffer): Buffer {
  const compressed = gzipSync(data, { level: 0 });
  compressed[9] = 255; // the header's OS byte: "unknown" everywhere, not the build's platform
  return compressed;
}
