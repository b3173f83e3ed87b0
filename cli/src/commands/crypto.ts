import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import {
  DEFAULT_SM2_USER_ID,
  generateSm2KeyPair,
  importSm2PrivateKey,
  importSm2PublicKey,
  sm2Decrypt,
  sm2Encrypt,
  sm2SignatureToRaw,
  sm2Sign,
  sm2Verify,
  sm3,
  Sm2SignatureFormatError,
} from '@citytrust/shared';
import { UsageError, type Command } from '../command';

/**
 * `citytrust crypto`: SM2 and SM3 on files, in the encodings OpenSSL reads (PKCS#8 and
 * SubjectPublicKeyInfo PEM, DER signatures and ciphertexts), so anyone can check CityTrust's
 * signatures and ciphertexts with OpenSSL alone.
 */
export const cryptoCommand: Command = {
  name: 'crypto',
  summary: 'SM2/SM3 on files: crypto keygen | sign | verify | sm3 | encrypt | decrypt',
  usage: [
    'usage: citytrust crypto <action> [options]      (a file of "-" is standard input or output)',
    '',
    '  keygen  --private <key.pem> --public <pub.pem> [--force]',
    '          new SM2 key pair: PKCS#8 private key (mode 600) and SubjectPublicKeyInfo public key, PEM',
    '  sign    --key <key.pem> --in <file> --out <sig.der> [--id <user id>]',
    '          SM2 signature with SM3 over the file, DER',
    '  verify  --pub <pub.pem> --in <file> --sig <sig.der> [--id <user id>]',
    '          exit 0 if the signature is valid, 1 if not',
    '  sm3     [<file>...]',
    '          SM3 digest of each file (standard input when none), as "<hex>  <file>"',
    '  encrypt --pub <pub.pem> --in <file> --out <ciphertext.der>',
    '          SM2 public-key encryption, DER C1||C3||C2',
    '  decrypt --key <key.pem> --in <ciphertext.der> --out <file>',
    '',
    `The user ID defaults to ${DEFAULT_SM2_USER_ID}, the standard's default. The same checks with OpenSSL 3:`,
    '  openssl pkeyutl -verify -rawin -digest sm3 -pkeyopt distid:1234567812345678 -pubin -inkey pub.pem -in file -sigfile sig.der',
    '  openssl pkeyutl -decrypt -inkey key.pem -in ciphertext.der',
  ].join('\n'),
  async run(args) {
    const [action, ...rest] = args;
    const run = action === undefined ? undefined : actions[action];
    if (run === undefined) throw new UsageError(action === undefined ? 'name an action' : `unknown action '${action}'`);
    return run(rest);
  },
};

type Action = (args: string[]) => number;

const actions: Record<string, Action> = {
  keygen(args) {
    const values = options(args, { private: { type: 'string' }, public: { type: 'string' }, force: { type: 'boolean' } });
    const privatePath = required(values, 'private');
    const publicPath = required(values, 'public');
    const existing = [privatePath, publicPath].find((path) => path !== '-' && existsSync(path));
    if (existing !== undefined && values.force !== true) throw new Error(`${existing} already exists; choose another file or pass --force to overwrite it`);
    const { privateKey, publicKey } = generateSm2KeyPair();
    writeOutput(privatePath, privateKey.toPem(), values.force === true, 0o600);
    writeOutput(publicPath, publicKey.toPem(), values.force === true, 0o644);
    console.error(`wrote the SM2 private key to ${privatePath} (PKCS#8) and its public key to ${publicPath} (SubjectPublicKeyInfo)`);
    return 0;
  },

  sign(args) {
    const values = options(args, { key: { type: 'string' }, in: { type: 'string' }, out: { type: 'string' }, id: { type: 'string' } });
    const privateKey = readKey(required(values, 'key'), importSm2PrivateKey);
    const signature = sm2Sign(privateKey, readInput(required(values, 'in'), 'the message'), userId(values));
    writeOutput(required(values, 'out'), signature, true);
    return 0;
  },

  verify(args) {
    const values = options(args, { pub: { type: 'string' }, in: { type: 'string' }, sig: { type: 'string' }, id: { type: 'string' } });
    const publicKey = readKey(required(values, 'pub'), importSm2PublicKey);
    const message = readInput(required(values, 'in'), 'the message');
    const sigPath = required(values, 'sig');
    const signature = readInput(sigPath, 'the signature');
    const id = (values.id as string | undefined) ?? DEFAULT_SM2_USER_ID;
    if (sm2Verify(publicKey, message, signature, { userId: id })) {
      console.log(`signature verified (SM2 with SM3, user ID ${id})`);
      return 0;
    }
    console.error(`citytrust crypto verify: the signature does NOT verify: ${whyNot(sigPath, signature, id)}`);
    return 1;
  },

  sm3(args) {
    const { positionals } = parse(args, {}, true);
    for (const path of positionals.length > 0 ? positionals : ['-']) {
      console.log(`${sm3(readInput(path, 'the file')).toString('hex')}  ${path}`);
    }
    return 0;
  },

  encrypt(args) {
    const values = options(args, { pub: { type: 'string' }, in: { type: 'string' }, out: { type: 'string' } });
    const publicKey = readKey(required(values, 'pub'), importSm2PublicKey);
    writeOutput(required(values, 'out'), sm2Encrypt(publicKey, readInput(required(values, 'in'), 'the plaintext')), true);
    return 0;
  },

  decrypt(args) {
    const values = options(args, { key: { type: 'string' }, in: { type: 'string' }, out: { type: 'string' } });
    const privateKey = readKey(required(values, 'key'), importSm2PrivateKey);
    writeOutput(required(values, 'out'), sm2Decrypt(privateKey, readInput(required(values, 'in'), 'the ciphertext')), true);
    return 0;
  },
};

type OptionValues = Record<string, string | boolean | undefined>;

function options(args: string[], config: NonNullable<ParseArgsConfig['options']>): OptionValues {
  return parse(args, config, false).values;
}

function parse(args: string[], config: NonNullable<ParseArgsConfig['options']>, allowPositionals: boolean): { values: OptionValues; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args, options: config, strict: true, allowPositionals });
    return { values: values as OptionValues, positionals };
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function required(values: OptionValues, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} <file> is required`);
  return value;
}

function userId(values: OptionValues): { userId?: string } {
  return typeof values.id === 'string' ? { userId: values.id } : {};
}

function readInput(path: string, what: string): Buffer {
  try {
    return readFileSync(path === '-' ? 0 : path);
  } catch (error) {
    throw new Error(`cannot read ${what} from ${path}: ${describeFsError(error)}`);
  }
}

function readKey<Key>(path: string, read: (encoded: Buffer) => Key): Key {
  const encoded = readInput(path, 'the key');
  try {
    return read(encoded);
  } catch (error) {
    throw new Error(`${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function writeOutput(path: string, content: string | Buffer, overwrite: boolean, mode = 0o644): void {
  if (path === '-') {
    process.stdout.write(content);
    return;
  }
  try {
    writeFileSync(path, content, { flag: overwrite ? 'w' : 'wx', mode });
    chmodSync(path, mode); // an overwritten file keeps its old mode otherwise
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new Error(`${path} already exists; choose another file or pass --force to overwrite it`);
    throw new Error(`cannot write ${path}: ${describeFsError(error)}`);
  }
}

/** The likeliest reason a signature failed, for the person who has to fix it. */
function whyNot(sigPath: string, signature: Buffer, id: string): string {
  try {
    sm2SignatureToRaw(signature);
  } catch (error) {
    if (error instanceof Sm2SignatureFormatError) return `${sigPath}: ${error.message}; a raw r||s signature must be converted to DER first`;
    throw error;
  }
  return `the file, the signature, the public key or the user ID (${id}) differs from what was signed`;
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return error instanceof Error ? error.message : String(error);
}
