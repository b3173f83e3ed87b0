/**
 * The cryptography a proof verifier needs, behind one small interface so that the same verifier
 * runs in Node (the CLI, the gateway's tests) and, later, in a browser (the explorer), each with
 * its own implementation. Everything else the verifier does is plain TypeScript over bytes and
 * `@hyperledger/fabric-protos`.
 */
export interface ProofCrypto {
  sha256(data: Uint8Array): Uint8Array;
  sm3(data: Uint8Array): Uint8Array;
  /** Parses a DER X.509 certificate; throws a message-bearing Error on anything else. */
  certificate(der: Uint8Array): ProofCertificate;
  /**
   * Whether `signature` (DER) is an ECDSA P-256 / SHA-256 signature over `message` by the
   * certificate's key, by Fabric's rule: strict DER, 0 < r, s < n, and low S (s ≤ n/2).
   */
  verifyEcdsa(certificate: ProofCertificate, message: Uint8Array, signature: Uint8Array): Promise<boolean>;
  /**
   * Whether `signature` (DER) is an SM2 signature (GB/T 32918, user ID 1234567812345678) over
   * `message` by the SM2 public key `publicKeyPem` (SubjectPublicKeyInfo). False for a key
   * that is not SM2.
   */
  verifySm2(publicKeyPem: string, message: Uint8Array, signature: Uint8Array): boolean;
}

/** An X.509 certificate as the verifier reads it. */
export interface ProofCertificate {
  readonly der: Uint8Array;
  /** The subject DN on one line, `C=CN, O=…, CN=…`, for the report. */
  readonly subject: string;
  readonly isCa: boolean;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Whether `issuer` issued this certificate: the issuer name matches and its key verifies the signature. */
  issuedBy(issuer: ProofCertificate): boolean;
}
