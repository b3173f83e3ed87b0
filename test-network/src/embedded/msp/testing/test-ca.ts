// @peculiar/x509 resolves its crypto through tsyringe, which needs the Reflect metadata polyfill.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { KeyObject, randomBytes, webcrypto } from 'node:crypto';
import { msp } from '@hyperledger/fabric-protos';

/**
 * Certificate authorities for tests of MSPs and policies, issuing cryptogen-like certificates
 * (ECDSA P-256, the role as subject OU) in memory, so tests need neither files nor `openssl`.
 */

// Node's webcrypto is the standard Crypto; the DOM type is not in this project's lib.
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ECDSA_P256: webcrypto.EcKeyGenParams & webcrypto.EcdsaParams = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const DAY_MS = 24 * 60 * 60 * 1000;

export interface CertificateRequest {
  commonName: string;
  /** Subject OUs, e.g. `['peer']`; none by default. */
  organizationalUnits?: string[];
  notBefore?: Date;
  notAfter?: Date;
}

/** A certificate with its private key, as a department member holds it. */
export interface TestMember {
  readonly certificatePem: string;
  readonly privateKey: KeyObject;
  /** The `msp.SerializedIdentity` bytes naming `mspId` (by default the issuing CA's MSP). */
  serialized(mspId?: string): Uint8Array;
}

export interface TestCa {
  readonly mspId: string;
  readonly certificatePem: string;
  /** Issues a member certificate. */
  issue(request: CertificateRequest): Promise<TestMember>;
  /** Issues an intermediate CA certificate and returns that CA. */
  intermediate(commonName: string): Promise<TestCa>;
}

/** A self-signed root CA for the MSP `mspId`, valid from yesterday for a year. */
export async function newTestCa(mspId: string): Promise<TestCa> {
  const keys = await generateKeys();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: `C=US, O=${mspId}, CN=ca.${mspId.toLowerCase()}`,
    notBefore: new Date(Date.now() - DAY_MS),
    notAfter: new Date(Date.now() + 365 * DAY_MS),
    signingAlgorithm: ECDSA_P256,
    keys,
    extensions: await caExtensions(keys.publicKey),
  });
  return testCa(mspId, certificate, keys.privateKey);
}

/** `msp.SerializedIdentity{mspid, id_bytes: PEM}`, what a Fabric signer sends as its creator. */
export function serializedIdentity(mspId: string, certificatePem: string): Uint8Array {
  const identity = new msp.SerializedIdentity();
  identity.setMspid(mspId);
  identity.setIdBytes(Buffer.from(certificatePem));
  return identity.serializeBinary();
}

function testCa(mspId: string, certificate: x509.X509Certificate, signingKey: webcrypto.CryptoKey): TestCa {
  const certificatePem = certificate.toString('pem');
  return {
    mspId,
    certificatePem,
    async issue(request) {
      const keys = await generateKeys();
      const issued = await x509.X509CertificateGenerator.create({
        serialNumber: serialNumber(),
        subject: subjectName(mspId, request),
        issuer: certificate.subject,
        notBefore: request.notBefore ?? new Date(Date.now() - DAY_MS),
        notAfter: request.notAfter ?? new Date(Date.now() + 30 * DAY_MS),
        signingAlgorithm: ECDSA_P256,
        publicKey: keys.publicKey,
        signingKey,
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
          await x509.AuthorityKeyIdentifierExtension.create(certificate),
        ],
      });
      const memberPem = issued.toString('pem');
      const privateKey = KeyObject.from(keys.privateKey);
      return { certificatePem: memberPem, privateKey, serialized: (claimed = mspId) => serializedIdentity(claimed, memberPem) };
    },
    async intermediate(commonName) {
      const keys = await generateKeys();
      const issued = await x509.X509CertificateGenerator.create({
        serialNumber: serialNumber(),
        subject: `C=US, O=${mspId}, CN=${commonName}`,
        issuer: certificate.subject,
        notBefore: new Date(Date.now() - DAY_MS),
        notAfter: new Date(Date.now() + 180 * DAY_MS),
        signingAlgorithm: ECDSA_P256,
        publicKey: keys.publicKey,
        signingKey,
        extensions: [...(await caExtensions(keys.publicKey)), await x509.AuthorityKeyIdentifierExtension.create(certificate)],
      });
      return testCa(mspId, issued, keys.privateKey);
    },
  };
}

async function generateKeys(): Promise<webcrypto.CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
}

async function caExtensions(publicKey: webcrypto.CryptoKey): Promise<x509.Extension[]> {
  return [
    new x509.BasicConstraintsExtension(true, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
    await x509.SubjectKeyIdentifierExtension.create(publicKey),
  ];
}

function subjectName(mspId: string, { commonName, organizationalUnits = [] }: CertificateRequest): string {
  return ['C=US', `O=${mspId}`, ...organizationalUnits.map((ou) => `OU=${ou}`), `CN=${commonName}`].join(', ');
}

function serialNumber(): string {
  // A positive 16-byte serial: clear the top bit so DER does not read it as negative.
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('hex');
}
