import { p256 } from '@noble/curves/p256';
import { sha256 } from '@noble/hashes/sha2';
import type { ProofCertificate } from '@citytrust/network-config/dist/proofs/proof-crypto';
import { derBitString, derChild, derChildren, derOid, DerTag, readDer, type DerNode } from './der';

/**
 * X.509 certificates as the proof verifier reads them, parsed in the browser: the subject for
 * the report, the CA flag, the validity window, the public key, and whether an issuer signed
 * the certificate. Fabric's identities are ECDSA P-256 with SHA-256, so that is the one
 * signature algorithm accepted; anything else is "not issued by", never a guess.
 */
export interface ParsedCertificate extends ProofCertificate {
  /** The uncompressed P-256 point of the certificate's key (65 bytes), or undefined for another key type. */
  readonly p256PublicKey: Uint8Array | undefined;
}

const OID_ECDSA_SHA256 = '1.2.840.10045.4.3.2';
const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const OID_P256 = '1.2.840.10045.3.1.7';
const OID_BASIC_CONSTRAINTS = '2.5.29.19';
/** The attribute names Node's `X509Certificate.subject` prints, so both verifiers' reports read alike. */
const attributeNames: Record<string, string> = {
  '2.5.4.3': 'CN', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.10': 'O', '2.5.4.11': 'OU',
  '2.5.4.5': 'serialNumber', '2.5.4.9': 'street', '2.5.4.17': 'postalCode', '1.2.840.113549.1.9.1': 'emailAddress',
};

/** Parses a DER certificate; throws a message-bearing Error on anything else. */
export function parseCertificate(der: Uint8Array): ParsedCertificate {
  let certificate: DerNode;
  try {
    certificate = readDer(der);
  } catch (error) {
    throw new Error(`not an X.509 certificate: ${(error as Error).message}`);
  }
  const tbs = derChild(certificate, 0, DerTag.sequence);
  const signatureAlgorithm = derOid(derChild(derChild(certificate, 1, DerTag.sequence), 0, DerTag.oid));
  const signature = derBitString(derChild(certificate, 2, DerTag.bitString));
  const fields = derChildren(tbs);
  // The version is an explicit [0]; certificates without it (v1) start at the serial number.
  const first = fields[0]?.tag === 0xa0 ? 1 : 0;
  const field = (index: number) => {
    const node = fields[first + index];
    if (!node) throw new Error('not an X.509 certificate: its TBSCertificate is short');
    return node;
  };
  const issuer = field(2);
  const validity = derChildren(field(3));
  const subject = field(4);
  const extensions = fields.slice(first + 6).find((node) => node.tag === 0xa3);
  const parsed: ParsedCertificate = {
    der,
    subject: nameText(subject),
    isCa: isCa(extensions),
    notBefore: timeOf(validity[0]),
    notAfter: timeOf(validity[1]),
    p256PublicKey: p256KeyOf(field(5)),
    issuedBy(candidate) {
      const issuerCertificate = candidate as ParsedCertificate;
      if (!equalBytes(issuer.bytes, subjectBytesOf(issuerCertificate))) return false;
      if (signatureAlgorithm !== OID_ECDSA_SHA256 || !issuerCertificate.p256PublicKey) return false;
      try {
        // Certificate signatures need not be low-S: that rule is Fabric's, for transactions.
        return p256.verify(signature, sha256(tbs.bytes), issuerCertificate.p256PublicKey, { lowS: false, format: 'der' });
      } catch {
        return false;
      }
    },
  };
  subjects.set(parsed, subject.bytes);
  return parsed;
}

const subjects = new WeakMap<ProofCertificate, Uint8Array>();

function subjectBytesOf(certificate: ProofCertificate): Uint8Array {
  return subjects.get(certificate) ?? new Uint8Array(0);
}

function nameText(name: DerNode): string {
  return derChildren(name).flatMap(derChildren).map((attribute) => {
    const [type, value] = derChildren(attribute);
    const oid = type ? derOid(type) : '';
    return `${attributeNames[oid] ?? oid}=${value ? new TextDecoder().decode(value.content) : ''}`;
  }).join(', ');
}

function isCa(extensions: DerNode | undefined): boolean {
  if (!extensions) return false;
  for (const extension of derChildren(derChild(extensions, 0, DerTag.sequence))) {
    const parts = derChildren(extension);
    if (!parts[0] || derOid(parts[0]) !== OID_BASIC_CONSTRAINTS) continue;
    const value = parts[parts.length - 1]!;
    const constraints = derChildren(readDer(value.content));
    return constraints[0]?.tag === DerTag.boolean && constraints[0].content[0] !== 0;
  }
  return false;
}

function p256KeyOf(spki: DerNode): Uint8Array | undefined {
  const [algorithm, key] = derChildren(spki);
  const [oid, curve] = algorithm ? derChildren(algorithm) : [];
  if (!oid || !curve || !key || derOid(oid) !== OID_EC_PUBLIC_KEY || curve.tag !== DerTag.oid || derOid(curve) !== OID_P256) return undefined;
  return derBitString(key);
}

function timeOf(node: DerNode | undefined): Date {
  if (!node) throw new Error('not an X.509 certificate: its validity is incomplete');
  const text = new TextDecoder().decode(node.content);
  const match = node.tag === DerTag.utcTime ? /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(text) : /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(text);
  if (!match) throw new Error(`not an X.509 certificate: unreadable time ${text}`);
  const [, year, month, day, hour, minute, second] = match.map(Number) as number[];
  // RFC 5280: two-digit years 50–99 are 19xx, 00–49 are 20xx.
  const fullYear = node.tag === DerTag.utcTime ? (year! >= 50 ? 1900 + year! : 2000 + year!) : year!;
  return new Date(Date.UTC(fullYear, month! - 1, day, hour, minute, second));
}

function equalBytes(x: Uint8Array, y: Uint8Array): boolean {
  return x.length === y.length && x.every((byte, i) => byte === y[i]);
}
