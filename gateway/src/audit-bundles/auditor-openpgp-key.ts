import type { PublicKey } from 'openpgp' with { 'resolution-mode': 'import' };
import { InvalidRequestError } from '../errors';
import { loadOpenPgp } from './openpgp-module';

/** The request field that carries the auditor's key, named in every refusal. */
export const OPENPGP_KEY_FIELD = 'openpgpPublicKey';

/**
 * The auditor's OpenPGP public key, ASCII-armored as `gpg --armor --export` writes it, read and
 * checked before anything is exported: a bundle must never be sealed on the ledger and then fail
 * to encrypt. Refused (400 `invalid_request`, `details.field` = `openpgpPublicKey`) when it does
 * not parse, when it is a private key (it was about to leave the auditor's hands), or when no
 * (sub)key of it can encrypt now (none has the flag, or each is expired or revoked).
 */
export async function readAuditorOpenPgpKey(armored: string): Promise<PublicKey> {
  const openpgp = await loadOpenPgp();
  let key;
  try {
    key = await openpgp.readKey({ armoredKey: armored });
  } catch (error) {
    throw new InvalidRequestError(`${OPENPGP_KEY_FIELD} is not an ASCII-armored OpenPGP public key (${(error as Error).message}); export yours with \`gpg --armor --export <your e-mail>\` and send the whole block, BEGIN and END lines included`, OPENPGP_KEY_FIELD);
  }
  if (key.isPrivate()) {
    throw new InvalidRequestError(`${OPENPGP_KEY_FIELD} is a private key; send only its public half (\`gpg --armor --export <your e-mail>\`), and consider this private key exposed`, OPENPGP_KEY_FIELD);
  }
  try {
    await key.getEncryptionKey();
  } catch (error) {
    throw new InvalidRequestError(`${OPENPGP_KEY_FIELD} (key ${key.getFingerprint().toUpperCase()}) has no key that can encrypt now (${(error as Error).message}); add an encryption subkey (\`gpg --quick-add-key <fingerprint> default encr\`) or send a key that has a valid one`, OPENPGP_KEY_FIELD);
  }
  return key;
}
