import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { isLowS, signLowS, signLowSAsync, verifyLowS } from './ecdsa-signature';

const P256_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

function p256Keys() {
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
}

/** The (r, n - s) twin of a DER signature: valid for plain ECDSA, malleated for Fabric. */
function withOtherS(der: Buffer): Buffer {
  const raw = derToRaw(der);
  const s = BigInt(`0x${raw.subarray(32).toString('hex')}`);
  const flipped = Buffer.from((P256_ORDER - s).toString(16).padStart(64, '0'), 'hex');
  return rawToDer(Buffer.concat([raw.subarray(0, 32), flipped]));
}

function derToRaw(der: Buffer): Buffer {
  const rLength = der[3]!;
  const r = der.subarray(4, 4 + rLength);
  const s = der.subarray(6 + rLength);
  return Buffer.concat([leftPad(r), leftPad(s)]);
}

function leftPad(integer: Buffer): Buffer {
  const trimmed = integer[0] === 0 ? integer.subarray(1) : integer;
  return Buffer.concat([Buffer.alloc(32 - trimmed.length), trimmed]);
}

function rawToDer(raw: Buffer): Buffer {
  const integer = (bytes: Buffer) => {
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    let body = bytes.subarray(i);
    if (body[0]! & 0x80) body = Buffer.concat([Buffer.from([0]), body]);
    return Buffer.concat([Buffer.from([0x02, body.length]), body]);
  };
  const body = Buffer.concat([integer(raw.subarray(0, 32)), integer(raw.subarray(32))]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

function highSSignature(privateKey: KeyObject, message: Buffer): Buffer {
  const low = signLowS(privateKey, message);
  return withOtherS(low);
}

test('signs with a low S every time, although Node alone often does not', () => {
  const { privateKey } = p256Keys();
  const message = Buffer.from('block 7 metadata');
  let nodeHighS = 0;
  for (let i = 0; i < 64; i++) {
    assert.ok(isLowS(signLowS(privateKey, message)));
    if (!isLowS(sign('sha256', message, privateKey))) nodeHighS++;
  }
  // The chance that 64 of Node's signatures are all low-S is 2^-64.
  assert.ok(nodeHighS > 0, 'Node produced only low-S signatures, so this test proves nothing');
});

test('accepts the low-S signature and refuses its high-S twin, which plain ECDSA would accept', async () => {
  const { privateKey, publicKey } = p256Keys();
  const message = Buffer.from('transaction payload');
  const low = signLowS(privateKey, message);
  const high = highSSignature(privateKey, message);

  assert.equal(verify('sha256', message, publicKey, high), true, 'the twin is a valid plain ECDSA signature');
  assert.equal(isLowS(high), false);
  assert.equal(await verifyLowS(publicKey, message, low), true);
  assert.equal(await verifyLowS(publicKey, message, high), false);
});

test('refuses a signature over a different message or by a different key', async () => {
  const { privateKey, publicKey } = p256Keys();
  const message = Buffer.from('transaction payload');
  const signature = signLowS(privateKey, message);

  assert.equal(await verifyLowS(publicKey, Buffer.from('transaction payloaD'), signature), false);
  assert.equal(await verifyLowS(p256Keys().publicKey, message, signature), false);
});

test('refuses signatures that are not strict DER instead of throwing', async () => {
  const { privateKey, publicKey } = p256Keys();
  const message = Buffer.from('payload');
  const signature = signLowS(privateKey, message);
  const withTrailingByte = Buffer.concat([signature, Buffer.from([0])]);
  const truncated = signature.subarray(0, signature.length - 1);
  const raw = sign('sha256', message, { key: privateKey, dsaEncoding: 'ieee-p1363' });

  for (const bad of [Buffer.alloc(0), Buffer.from('junk'), withTrailingByte, truncated, raw]) {
    assert.equal(await verifyLowS(publicKey, message, bad), false);
    assert.equal(isLowS(bad), false);
  }
});

test('refuses to sign with a key Fabric\'s default crypto cannot verify', () => {
  const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey;
  const ed25519 = generateKeyPairSync('ed25519').privateKey;

  assert.throws(() => signLowS(p384, Buffer.from('x')), /needs an EC P-256 \(prime256v1\) private key, got ec on secp384r1/);
  assert.throws(() => signLowS(ed25519, Buffer.from('x')), /got ed25519/);
});

test('signs off the event loop with the same low-S rule', async () => {
  const { privateKey, publicKey } = p256Keys();
  const message = Buffer.from('endorsed response payload');
  const signatures = await Promise.all(Array.from({ length: 20 }, () => signLowSAsync(privateKey, message)));
  for (const signature of signatures) {
    assert.equal(isLowS(signature), true);
    assert.equal(await verifyLowS(publicKey, message, signature), true);
  }
});
