import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's GnuPG, the OpenPGP implementation an auditor most likely holds their key in. */
const GPG = '/usr/bin/gpg';

/**
 * A throw-away GnuPG home for interoperability tests: keys made and used by the real `gpg`, never
 * the user's keyring. `close()` stops the gpg-agent that gpg started for it and removes it.
 */
export interface GpgHome {
  /** A new key without passphrase; `usage` 'encrypt' gives ed25519 with a cv25519 encryption subkey, 'sign' an ed25519 key that cannot encrypt. */
  generateKey(email: string, usage: 'encrypt' | 'sign'): Promise<void>;
  /** `gpg --armor --export`: the public key block. */
  exportPublicKey(email: string): Promise<string>;
  /** `gpg --armor --export-secret-keys`: the private key block. */
  exportPrivateKey(email: string): Promise<string>;
  /** `gpg --decrypt` of a message in memory: the plaintext bytes. */
  decrypt(message: Uint8Array): Promise<Buffer>;
  close(): Promise<void>;
}

export function newGpgHome(): GpgHome {
  const home = mkdtempSync(join(tmpdir(), 'citytrust-gnupg-'));
  const gpg = (args: string[], input?: Uint8Array): Promise<Buffer> => new Promise((resolve, reject) => {
    const child = execFile(GPG, ['--homedir', home, '--batch', '--no-tty', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`gpg ${args.join(' ')} failed: ${stderr.toString()}`));
      else resolve(stdout);
    });
    child.stdin!.end(input === undefined ? undefined : Buffer.from(input));
  });
  return {
    async generateKey(email, usage) {
      await gpg(['--quick-gen-key', `CityTrust test <${email}>`, usage === 'encrypt' ? 'future-default' : 'ed25519', usage === 'encrypt' ? 'default' : 'sign', 'never']);
    },
    async exportPublicKey(email) {
      return (await gpg(['--armor', '--export', email])).toString('utf8');
    },
    async exportPrivateKey(email) {
      return (await gpg(['--armor', '--export-secret-keys', email])).toString('utf8');
    },
    decrypt(message) {
      return gpg(['--decrypt'], message);
    },
    async close() {
      await new Promise<void>((resolve) => execFile('/usr/bin/gpgconf', ['--homedir', home, '--kill', 'gpg-agent'], () => resolve()));
      rmSync(home, { recursive: true, force: true });
    },
  };
}
