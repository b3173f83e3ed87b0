import { strict as assert } from 'node:assert';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { generateSm2KeyPair, importSm2PrivateKey, importSm2PublicKey, Sm2KeyError } from './keys';
import { sm2Sign } from './sm2';

const SM2_ALGORITHM_IDENTIFIER = '301306072a8648ce3d020106082a811ccf5501822d'; // id-ecPublicKey, curve 1.2.156.10197.1.301

/** mulberry32: a small seeded generator, so that a failing fuzz run can be replayed with KEYS_FUZZ_SEED. */
function randomFrom(seed: number): (bytes: number) => Buffer {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) % 256;
  };
  return (bytes) => Buffer.from(Array.from({ length: bytes }, next));
}

function rejectsKey(read: () => unknown, message: RegExp): void {
  assert.throws(read, (error: unknown) => error instanceof Sm2KeyError && message.test(error.message), `expected Sm2KeyError matching ${message}`);
}

describe('SM2 keys', () => {
  it('exports a private key as PKCS#8 and a public key as SubjectPublicKeyInfo on the SM2 curve', () => {
    const { privateKey, publicKey } = generateSm2KeyPair();
    assert.match(privateKey.toPem(), /^-----BEGIN PRIVATE KEY-----\n([A-Za-z0-9+/=]{1,64}\n)+-----END PRIVATE KEY-----\n$/);
    assert.match(publicKey.toPem(), /^-----BEGIN PUBLIC KEY-----\n([A-Za-z0-9+/=]{1,64}\n)+-----END PUBLIC KEY-----\n$/);
    assert.ok(privateKey.toDer().toString('hex').startsWith(`308187020100${SM2_ALGORITHM_IDENTIFIER}`));
    assert.equal(publicKey.toDer().toString('hex').slice(0, 52), `3059${SM2_ALGORITHM_IDENTIFIER}034200`);
    assert.equal(publicKey.toDer().length, 91);
  });

  it('reads back what it wrote, as PEM text, PEM bytes and DER bytes', () => {
    const { privateKey, publicKey } = generateSm2KeyPair();
    for (const encoded of [privateKey.toPem(), Buffer.from(privateKey.toPem()), privateKey.toDer()]) {
      assert.deepEqual(importSm2PrivateKey(encoded).toDer(), privateKey.toDer());
    }
    for (const encoded of [publicKey.toPem(), Buffer.from(publicKey.toPem()), publicKey.toDer()]) {
      assert.deepEqual(importSm2PublicKey(encoded).toDer(), publicKey.toDer());
    }
  });

  it('gives a private key the public key that matches it', () => {
    const { privateKey, publicKey } = generateSm2KeyPair();
    assert.deepEqual(importSm2PrivateKey(privateKey.toPem()).publicKey.toDer(), publicKey.toDer());
  });

  it('generates a different key every time', () => {
    assert.notDeepEqual(generateSm2KeyPair().publicKey.toDer(), generateSm2KeyPair().publicKey.toDer());
  });

  it('keeps key material out of console output', () => {
    const { privateKey } = generateSm2KeyPair();
    assert.equal(JSON.stringify(privateKey).includes(privateKey.toDer().toString('base64')), false);
  });

  it('says which key is needed when given the other kind, or a certificate', () => {
    const { privateKey, publicKey } = generateSm2KeyPair();
    rejectsKey(() => importSm2PrivateKey(publicKey.toPem()), /this is a public key .* need the private key/);
    rejectsKey(() => importSm2PublicKey(privateKey.toPem()), /this is a private key .*openssl pkey -in key.pem -pubout/);
    rejectsKey(() => importSm2PublicKey('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'), /openssl x509 -in cert.pem -pubkey -noout/);
    rejectsKey(() => importSm2PrivateKey(publicKey.toDer()), /not a DER PKCS#8 PrivateKeyInfo/);
    rejectsKey(() => importSm2PublicKey(privateKey.toDer()), /not a DER SubjectPublicKeyInfo/);
  });

  it('explains how to convert encrypted and SEC1 private keys', () => {
    rejectsKey(() => importSm2PrivateKey('-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n'), /is encrypted .*openssl pkcs8 -in key.pem -out plain.pem/);
    rejectsKey(() => importSm2PrivateKey('-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n'), /SEC1 .*openssl pkcs8 -topk8 -nocrypt/);
    rejectsKey(
      () => importSm2PrivateKey('-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END EC PRIVATE KEY-----\n'),
      /encrypted \(it has a Proc-Type header\)/,
    );
  });

  it('refuses keys on other curves or of other algorithms, naming them', () => {
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    rejectsKey(() => importSm2PublicKey(p256.publicKey.export({ type: 'spki', format: 'pem' })), /EC key on curve prime256v1, not an SM2 key/);
    rejectsKey(() => importSm2PrivateKey(p256.privateKey.export({ type: 'pkcs8', format: 'der' })), /EC key on curve prime256v1, not an SM2 key/);
    const ed25519 = generateKeyPairSync('ed25519');
    rejectsKey(() => importSm2PublicKey(ed25519.publicKey.export({ type: 'spki', format: 'der' })), /ED25519 key, not an SM2 key/);
  });

  it('rejects malformed PEM with a reason', () => {
    const pem = generateSm2KeyPair().privateKey.toPem();
    rejectsKey(() => importSm2PrivateKey(''), /no "-----BEGIN/);
    rejectsKey(() => importSm2PrivateKey('not a key at all'), /no "-----BEGIN/);
    rejectsKey(() => importSm2PrivateKey(pem.slice(0, 100)), /no "-----END PRIVATE KEY-----" line; the PEM text is cut short/);
    rejectsKey(() => importSm2PrivateKey(pem.replace(/\n[A-Za-z]/, '\n*')), /not valid base64/);
    rejectsKey(() => importSm2PrivateKey('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n'), /cannot read the SM2 private key/);
  });

  it('rejects truncated, extended and corrupted DER without crashing', () => {
    const { privateKey, publicKey } = generateSm2KeyPair();
    for (const [der, read] of [[privateKey.toDer(), importSm2PrivateKey], [publicKey.toDer(), importSm2PublicKey]] as const) {
      for (let length = 0; length < der.length; length += 7) rejectsKey(() => read(der.subarray(0, length)), /cannot read/);
      rejectsKey(() => read(Buffer.concat([der, Buffer.from([0])])), /cannot read/);
    }
  });

  it('survives a thousand random and mutated inputs: each either loads or throws Sm2KeyError', (t) => {
    const seed = Number(process.env.KEYS_FUZZ_SEED ?? Date.now() % 2 ** 31);
    t.diagnostic(`fuzz seed ${seed} (rerun with KEYS_FUZZ_SEED=${seed})`);
    const random = randomFrom(seed);
    const der = generateSm2KeyPair().privateKey.toDer();
    for (let i = 0; i < 1000; i++) {
      const input = i % 2 === 0 ? random(i % 200) : Buffer.from(der);
      if (i % 2 === 1) input[i % der.length] = (input[i % der.length] as number) ^ (1 + (random(1)[0]! % 255));
      for (const read of [importSm2PrivateKey, importSm2PublicKey]) {
        try {
          read(input);
        } catch (error) {
          assert.ok(error instanceof Sm2KeyError, `input ${input.toString('hex')} (seed ${seed}): unexpected ${String(error)}`);
        }
      }
    }
  });

  describe('refuses keys that decode but are not sound, as `openssl pkey -check` does', () => {
    // The SM2 group order n; a private scalar must lie in [1, n-2].
    const n = Buffer.from('FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123', 'hex');
    // PKCS#8 as OpenSSL writes an SM2 key: SEQUENCE, version 0, the algorithm, then an OCTET STRING
    // holding the SEC1 ECPrivateKey: SEQUENCE, version 1, and the 32-byte scalar's OCTET STRING.
    const beforeScalar = Buffer.from(`308187020100${SM2_ALGORITHM_IDENTIFIER}046d306b0201010420`, 'hex');
    const withScalar = (scalar: Buffer) => {
      const der = generateSm2KeyPair().privateKey.toDer();
      assert.deepEqual(der.subarray(0, beforeScalar.length), beforeScalar, 'the scalar is where this test patches it');
      const patched = Buffer.from(der);
      scalar.copy(patched, beforeScalar.length);
      return patched;
    };
    const outOfRange = 'cannot read the SM2 private key: the SM2 private key is invalid (its scalar is out of range or its public point belongs to another key)';
    /** The soundness check refused it (not a DER parse error from patching the wrong bytes), with OpenSSL's own reason appended. */
    const refusedAsOutOfRange = (error: unknown) => {
      assert.ok(error instanceof Sm2KeyError, String(error));
      assert.equal(error.message.replace(/ \(OpenSSL: .*\)$/, ''), outOfRange);
      return true;
    };

    it('(the patch itself: the key\'s own scalar put back loads)', () => {
      const der = generateSm2KeyPair().privateKey.toDer();
      const patched = Buffer.from(der);
      der.subarray(beforeScalar.length, beforeScalar.length + 32).copy(patched, beforeScalar.length);
      assert.deepEqual(importSm2PrivateKey(patched).toDer(), der);
    });

    it('a scalar of n-1, which would otherwise hang the first signature forever', () => {
      const nMinus1 = Buffer.from(n);
      nMinus1[31]! -= 1;
      assert.throws(() => importSm2PrivateKey(withScalar(nMinus1)), refusedAsOutOfRange);
    });

    it('a scalar of zero or n', () => {
      assert.throws(() => importSm2PrivateKey(withScalar(Buffer.alloc(32))), refusedAsOutOfRange);
      assert.throws(() => importSm2PrivateKey(withScalar(n)), refusedAsOutOfRange);
    });

    it('a private key whose embedded public point belongs to another key', () => {
      const mine = generateSm2KeyPair();
      const theirs = generateSm2KeyPair();
      const point = (der: Buffer) => der.subarray(-65);
      const der = mine.privateKey.toDer();
      const forged = Buffer.from(der);
      point(theirs.publicKey.toDer()).copy(forged, der.indexOf(point(mine.publicKey.toDer())));
      assert.throws(() => importSm2PrivateKey(forged), /public point belongs to another key/);
    });
  });

  it('a private key\'s public key cannot be turned into a signing key', () => {
    const { privateKey } = generateSm2KeyPair();
    const disguised = Object.defineProperty(privateKey.publicKey, 'type', { value: 'sm2-private' });
    assert.throws(() => sm2Sign(disguised as never, 'a record'), /needs an SM2 private key/);
  });

  it('refuses values that are not text or bytes', () => {
    assert.throws(() => importSm2PrivateKey(42 as unknown as string), TypeError);
  });
});
