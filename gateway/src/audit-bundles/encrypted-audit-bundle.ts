import type { PublicKey } from 'openpgp' with { 'resolution-mode': 'import' };
import { loadOpenPgp } from './openpgp-module';

/**
 * An audit bundle encrypted to the auditor's OpenPGP key: the very JSON text of the signed bundle
 * as one binary OpenPGP message (RFC 9580, as `gpg --encrypt` writes it), so `gpg --decrypt`
 * gives back the document `citytrust audit verify` checks. Binary rather than armored: a bundle
 * is mostly base64 block bytes already, and armor would add a third to it for no reader's
 * benefit (gpg and `citytrust audit verify` read both).
 */
export const ENCRYPTED_AUDIT_BUNDLE_MEDIA_TYPE = 'application/pgp-encrypted';

/** The bundle's JSON text as an OpenPGP message to `recipient`, binary. */
export async function encryptAuditBundle(json: string, recipient: PublicKey): Promise<Uint8Array> {
  const openpgp = await loadOpenPgp();
  const message = await openpgp.createMessage({ binary: new TextEncoder().encode(json), format: 'utf8', filename: 'audit-bundle.json' });
  return openpgp.encrypt({ message, encryptionKeys: recipient, format: 'binary' });
}

/**
 * Whether a file is an OpenPGP message rather than a bundle's JSON: armored, or binary, whose
 * first byte is a packet tag (bit 7 set), which no JSON text starts with — except a UTF-8 byte
 * order mark, which an editor may put before the JSON (TextDecoder drops it).
 */
export function isOpenPgpMessage(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  const byteOrderMark = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  if (!byteOrderMark && (bytes[0]! & 0x80) !== 0) return true;
  return new TextDecoder().decode(bytes.subarray(0, 64)).trimStart().startsWith('-----BEGIN PGP MESSAGE-----');
}

/** Why an encrypted bundle could not be opened, in words that say what to give instead. */
export class AuditBundleDecryptionError extends Error {
  override readonly name = 'AuditBundleDecryptionError';
}

/**
 * The bundle's JSON text from an OpenPGP message (binary or armored), with the auditor's private
 * key (armored) and, when that key is protected, its passphrase.
 */
export async function decryptAuditBundle(message: Uint8Array, armoredPrivateKey: string, passphrase?: string): Promise<string> {
  const openpgp = await loadOpenPgp();
  let privateKey;
  try {
    privateKey = await openpgp.readPrivateKey({ armoredKey: armoredPrivateKey });
  } catch (error) {
    throw new AuditBundleDecryptionError(`the key given is not an ASCII-armored OpenPGP private key (${(error as Error).message}); export it with \`gpg --armor --export-secret-keys <your e-mail>\``);
  }
  if (!privateKey.isDecrypted()) {
    if (passphrase === undefined) throw new AuditBundleDecryptionError(`private key ${privateKey.getFingerprint().toUpperCase()} is protected by a passphrase; give it in CITYTRUST_PGP_PASSPHRASE or with --pgp-passphrase-file <file>`);
    try {
      privateKey = await openpgp.decryptKey({ privateKey, passphrase });
    } catch (error) {
      throw new AuditBundleDecryptionError(`the passphrase does not unlock private key ${privateKey.getFingerprint().toUpperCase()} (${(error as Error).message})`);
    }
  }
  const armored = new TextDecoder().decode(message.subarray(0, 64)).trimStart().startsWith('-----BEGIN PGP MESSAGE-----');
  let encrypted;
  try {
    encrypted = armored ? await openpgp.readMessage({ armoredMessage: new TextDecoder().decode(message) }) : await openpgp.readMessage({ binaryMessage: message });
  } catch (error) {
    throw new AuditBundleDecryptionError(`the file is not a whole OpenPGP message (${(error as Error).message}): it may be cut short or damaged; download the bundle again`);
  }
  try {
    const { data } = await openpgp.decrypt({ message: encrypted, decryptionKeys: privateKey, format: 'binary' });
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch (error) {
    throw new AuditBundleDecryptionError(`the bundle does not decrypt with key ${privateKey.getFingerprint().toUpperCase()} (${(error as Error).message}): it was encrypted to another key; give the private key whose public half was sent with the export`);
  }
}
