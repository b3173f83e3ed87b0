// SM2 signing and verification held to OpenSSL's own implementation. The addon signs and verifies
// with curve arithmetic of its own (native/sm2_curve.c); OpenSSL's EVP path stays in the addon as
// referenceSign/referenceVerify only so that these tests can compare the two, on thousands of
// keys and messages and on every edge the standard names. Random choices come from one seed,
// printed first: rerun a failure with SM2_DIFFERENTIAL_SEED=<seed>.
import { strict as assert } from 'node:assert';
import { createECDH, createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { handleOf, importSm2PrivateKey, type Sm2PrivateKey, type Sm2PublicKey } from './keys';
import { addon } from './native';
import { DEFAULT_SM2_USER_ID, sm2Sign, sm2SignAsync, sm2Verify, sm2VerifyAsync } from './sm2';

const N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;
const DEFAULT_ID = Buffer.from(DEFAULT_SM2_USER_ID);

const seed = process.env.SM2_DIFFERENTIAL_SEED ?? randomBytes(8).toString('hex');
console.log(`sm2 differential tests: seed ${seed} (rerun with SM2_DIFFERENTIAL_SEED=${seed})`);

/** Deterministic bytes from the seed: SHA-256 in counter mode. */
let counter = 0;
function seededBytes(length: number): Buffer {
  const chunks: Buffer[] = [];
  for (let have = 0; have < length; have += 32) chunks.push(createHash('sha256').update(`${seed}/${counter++}`).digest());
  return Buffer.concat(chunks).subarray(0, length);
}
function seededInt(below: number): number {
  return seededBytes(4).readUInt32BE() % below;
}
/** A seeded scalar in [1, n - 1]. */
function seededScalar(): bigint {
  return (toBigInt(seededBytes(40)) % (N - 1n)) + 1n;
}

function toBigInt(bytes: Buffer): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${bytes.toString('hex')}`);
}
function to32(value: bigint): Buffer {
  return Buffer.from(value.toString(16).padStart(64, '0'), 'hex');
}
function mod(value: bigint): bigint {
  return ((value % N) + N) % N;
}
function inverse(value: bigint): bigint {
  let [a, b, x, y] = [mod(value), N, 1n, 0n];
  while (b !== 0n) {
    const q = a / b;
    [a, b, x, y] = [b, a - q * b, y, x - q * y];
  }
  return mod(x);
}

/** A PKCS#8 SM2 private key holding only the scalar d: OpenSSL derives the public point itself. */
function privateKeyOf(d: bigint): Sm2PrivateKey {
  const prefix = Buffer.from('3041020100301306072a8648ce3d020106082a811ccf5501822d042730250201010420', 'hex');
  return importSm2PrivateKey(Buffer.concat([prefix, to32(d)]));
}

/** DER INTEGER of a non-negative number, minimal as DER requires. */
function derInteger(value: bigint): Buffer {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if ((bytes[0] as number) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
}
function sequence(...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}
function derSignature(r: bigint, s: bigint): Buffer {
  return sequence(derInteger(r), derInteger(s));
}
function rAndS(signature: Buffer): [bigint, bigint] {
  const rLength = signature[3] as number;
  const r = toBigInt(signature.subarray(4, 4 + rLength));
  const s = toBigInt(signature.subarray(6 + rLength, 6 + rLength + (signature[5 + rLength] as number)));
  return [r, s];
}

function referenceSign(key: Sm2PrivateKey, message: Buffer, id: Buffer): Buffer {
  return addon().referenceSign(handleOf(key, 'sm2-private'), message, id);
}
function referenceVerify(key: Sm2PublicKey, message: Buffer, signature: Buffer, id: Buffer): boolean {
  return addon().referenceVerify(handleOf(key, 'sm2-public'), message, signature, id);
}

/** Both implementations give the same verdict on (message, signature); returns it. */
function sameVerdict(key: Sm2PublicKey, message: Buffer, signature: Buffer, id: Buffer, what: string): boolean {
  const ours = sm2Verify(key, message, signature, { userId: id });
  assert.equal(ours, referenceVerify(key, message, signature, id), `${what}: the verdicts differ (ours ${ours}); signature ${signature.toString('hex')}`);
  return ours;
}

/** Scalars at the edges of the arithmetic: tiny, window boundaries, top bits set, next to n. */
const EDGE_SCALARS = [
  1n, 2n, 3n, 15n, 16n, 17n, 255n, 256n, (1n << 64n) - 1n, 1n << 64n, 1n << 128n, (1n << 252n) - 1n, 1n << 252n, 15n << 252n,
  1n << 255n, (1n << 255n) + 1n, N - (1n << 252n), N - 17n, N - 16n, N - 15n, N - 3n, N - 2n,
  // every nibble 15 as far as n allows
  N - 1n - (N - 1n) % 16n,
];

describe('SM2 against OpenSSL, differentially', () => {
  it('computes k·G as OpenSSL does, for edge scalars and a thousand seeded ones, and refuses 0 and n', () => {
    const scalars = [...EDGE_SCALARS, N - 1n, ...Array.from({ length: 1000 }, seededScalar)];
    for (const k of scalars) {
      const ecdh = createECDH('SM2');
      ecdh.setPrivateKey(to32(k));
      assert.equal(addon().multiplyBase(to32(k)).toString('hex'), ecdh.getPublicKey('hex'), `k = ${k.toString(16)}`);
    }
    for (const k of [0n, N, N + 1n, (1n << 256n) - 1n]) assert.throws(() => addon().multiplyBase(to32(k)), /in \[1, n - 1\]/);
  });

  it('signs what OpenSSL verifies and verifies what OpenSSL signs: 300 seeded keys, 3,000 messages each way', () => {
    for (let i = 0; i < 300; i++) {
      const privateKey = privateKeyOf(seededScalar());
      for (let j = 0; j < 10; j++) {
        const message = seededBytes(seededInt(300));
        const id = seededInt(4) === 0 ? seededBytes(seededInt(40)) : DEFAULT_ID;
        const ours = sm2Sign(privateKey, message, { userId: id });
        assert.equal(referenceVerify(privateKey.publicKey, message, ours, id), true, `OpenSSL refused our signature ${ours.toString('hex')} (key ${i}, message ${j})`);
        const theirs = referenceSign(privateKey, message, id);
        assert.equal(sm2Verify(privateKey.publicKey, message, theirs, { userId: id }), true, `we refused OpenSSL's signature ${theirs.toString('hex')} (key ${i}, message ${j})`);
      }
    }
  });

  it('agrees with OpenSSL for private keys at the edges of [1, n - 2]', () => {
    for (const d of EDGE_SCALARS) {
      const privateKey = privateKeyOf(d);
      const message = seededBytes(32);
      for (let j = 0; j < 5; j++) {
        assert.equal(referenceVerify(privateKey.publicKey, message, sm2Sign(privateKey, message), DEFAULT_ID), true, `d = ${d.toString(16)}`);
        assert.equal(sm2Verify(privateKey.publicKey, message, referenceSign(privateKey, message, DEFAULT_ID)), true, `d = ${d.toString(16)}`);
      }
    }
  });

  it('refuses, as OpenSSL does, signatures with a flipped bit, over a changed message or with another ID', () => {
    for (let i = 0; i < 50; i++) {
      const privateKey = privateKeyOf(seededScalar());
      const message = seededBytes(1 + seededInt(100));
      const signature = sm2Sign(privateKey, message);
      for (let j = 0; j < 20; j++) {
        const tampered = Buffer.from(signature);
        const at = seededInt(tampered.length);
        tampered[at] = (tampered[at] as number) ^ (1 << seededInt(8));
        assert.equal(sameVerdict(privateKey.publicKey, message, tampered, DEFAULT_ID, `bit flipped at byte ${at}`), false);
      }
      const changed = Buffer.from(message);
      const at = seededInt(changed.length);
      changed[at] = (changed[at] as number) ^ 1;
      assert.equal(sameVerdict(privateKey.publicKey, changed, signature, DEFAULT_ID, 'changed message'), false);
      assert.equal(sameVerdict(privateKey.publicKey, message, signature, Buffer.from('ALICE123@YAHOO.COM'), 'another ID'), false);
      assert.equal(sameVerdict(privateKey.publicKey, message, Buffer.concat([signature, Buffer.from([0])]), DEFAULT_ID, 'a trailing byte'), false);
    }
  });

  it('refuses, as OpenSSL does, r or s equal to 0 or n or above, and encodings that are not exactly DER', () => {
    const privateKey = privateKeyOf(seededScalar());
    const message = seededBytes(20);
    const signature = sm2Sign(privateKey, message);
    const [r, s] = rAndS(signature);
    assert.deepEqual(derSignature(r, s), signature, 'the test encodes DER as the addon does');
    const outOfRange = [0n, N, N + 1n, (1n << 256n) - 1n, 1n << 256n];
    const cases: [string, Buffer][] = [
      ...outOfRange.map((bad): [string, Buffer] => [`r = ${bad.toString(16)}`, derSignature(bad, s)]),
      ...outOfRange.map((bad): [string, Buffer] => [`s = ${bad.toString(16)}`, derSignature(r, bad)]),
      ['r + n', derSignature(r + N, s)],
      ['s + n', derSignature(r, s + N)],
      ['s = n - s', derSignature(r, N - s)],
      ['r and s swapped', derSignature(s, r)],
      ['r = s = 1', derSignature(1n, 1n)],
      ['r = s = n - 1', derSignature(N - 1n, N - 1n)],
      ['a negative r', sequence(Buffer.from([0x02, 0x01, 0xff]), derInteger(s))],
      ['a non-minimal r', sequence(Buffer.from([0x02, 34, 0, 0]), to32(r), derInteger(s))],
      ['a long-form length', Buffer.concat([Buffer.from([0x30, 0x81, signature.length - 2]), signature.subarray(2)])],
      ['empty', Buffer.alloc(0)],
      ['only the SEQUENCE header', signature.subarray(0, 2)],
    ];
    for (const [what, candidate] of cases) assert.equal(sameVerdict(privateKey.publicKey, message, candidate, DEFAULT_ID, what), false, what);
  });

  it('refuses, as OpenSSL does, a signature whose s·G + t·P is the point at infinity, or whose t = r + s is n', () => {
    for (let i = 0; i < 50; i++) {
      const d = seededScalar() % (N - 2n) + 1n;
      const privateKey = privateKeyOf(d);
      const message = seededBytes(16);
      const s = seededScalar();
      const t = mod(-s * inverse(d)); // s + t·d = 0: s·G + t·P is the point at infinity
      const r = mod(t - s);
      if (r !== 0n) assert.equal(sameVerdict(privateKey.publicKey, message, derSignature(r, s), DEFAULT_ID, `infinity, d = ${d.toString(16)}`), false);
      assert.equal(sameVerdict(privateKey.publicKey, message, derSignature(N - s, s), DEFAULT_ID, 't = 0'), false);
    }
  });

  it('gives the same answers on the thread pool', async () => {
    for (let i = 0; i < 20; i++) {
      const privateKey = privateKeyOf(seededScalar());
      const message = seededBytes(seededInt(100));
      const ours = await sm2SignAsync(privateKey, message);
      assert.equal(referenceVerify(privateKey.publicKey, message, ours, DEFAULT_ID), true);
      assert.equal(await sm2VerifyAsync(privateKey.publicKey, message, referenceSign(privateKey, message, DEFAULT_ID)), true);
      const tampered = Buffer.from(ours);
      tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 1;
      assert.equal(await sm2VerifyAsync(privateKey.publicKey, message, tampered), false);
    }
  });
});
