/**
 * The worked example of GM/T 0003.5-2012 / GB/T 32918.5-2017 (appendix A.2) on the recommended
 * curve: one key pair, a signature and a ciphertext made with fixed random numbers k, and the
 * intermediate values Z and e. For tests only.
 */
import { importSm2PrivateKey, type Sm2PrivateKey } from '../keys';

export const standardExample = {
  privateKey: '3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8',
  publicX: '09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020',
  publicY: 'CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13',
  userId: '1234567812345678',
  signedMessage: 'message digest',
  za: 'B2E14C5C79C6DF5B85F4FE7ED8DB7A262B9DA7E07CCB0EA9F4747B8CCDA8A4F3',
  e: 'F0B43E94BA45ACCAACE692ED534382EB17E6AB5A19CE7B31F4486FDFC0D28640',
  r: 'F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3',
  s: 'B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA',
  encryptedMessage: 'encryption standard',
  /** C1 ‖ C3 ‖ C2 in the DER form of GM/T 0009 §7.2, as OpenSSL's sm2_internal_test has it. */
  ciphertextDer:
    '307C022004EBFC718E8D1798620432268E77FEB6415E2EDE0E073C0F4F640ECD2E149A73022100E858F9D81E5430A57B36DAAB8F950A3C64E6EE6A63094D99283AFF767E124DF0' +
    '042059983C18F809E262923C53AEC295D30383B54E39D609D160AFCB1908D0BD8766041321886CA989CA9C7D58087307CA93092D651EFA',
} as const;

/** The example's private key, wrapped as PKCS#8 (id-ecPublicKey, curve 1.2.156.10197.1.301) by hand. */
export function standardExamplePrivateKey(): Sm2PrivateKey {
  const ecPrivateKey = `020101` + `0420${standardExample.privateKey}` + `a144034200` + `04${standardExample.publicX}${standardExample.publicY}`;
  const der = `308187` + `020100` + `301306072a8648ce3d020106082a811ccf5501822d` + `046d306b` + ecPrivateKey;
  return importSm2PrivateKey(Buffer.from(der, 'hex'));
}
