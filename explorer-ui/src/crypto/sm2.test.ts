import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateSm2KeyPair, sm2Sign as opensslSign, sm2Verify as opensslVerify } from '@citytrust/shared';
import { sm2PrivateKeyFromPem, sm2PublicKeyFromPem, sm2Sign, sm2Verify } from './sm2';

const challenge = new TextEncoder().encode('CityTrust citizen login\nusername: citizen.wang\nchallenge: 3f1c');

test('a signature made in the browser verifies with OpenSSL, the gateway\'s check', () => {
  const { privateKey, publicKey } = generateSm2KeyPair();
  const signature = sm2Sign(sm2PrivateKeyFromPem(privateKey.toPem()), challenge);
  assert.equal(opensslVerify(publicKey, challenge, signature), true);
  assert.equal(opensslVerify(publicKey, new TextEncoder().encode('another challenge'), signature), false);
});

test('a seal made by OpenSSL verifies in the browser, and a changed message or signature does not', () => {
  const { privateKey, publicKey } = generateSm2KeyPair();
  const signature = opensslSign(privateKey, challenge);
  const key = sm2PublicKeyFromPem(publicKey.toPem());
  assert.equal(sm2Verify(key, challenge, signature), true);
  assert.equal(sm2Verify(key, challenge.subarray(1), signature), false);
  const flipped = Uint8Array.from(signature);
  flipped[flipped.length - 1]! ^= 1;
  assert.equal(sm2Verify(key, challenge, flipped), false);
  assert.equal(sm2Verify(key, challenge, Uint8Array.of(0x30, 0x00)), false);
});

test('the public key derived from a private key is the one OpenSSL wrote beside it', () => {
  const { privateKey, publicKey } = generateSm2KeyPair();
  const derived = sm2PrivateKeyFromPem(privateKey.toPem()).publicKey.point;
  assert.ok(derived.equals(sm2PublicKeyFromPem(publicKey.toPem()).point));
});

test('a key that is not SM2, or not a private key, is refused with what it is', () => {
  const { publicKey } = generateSm2KeyPair();
  assert.throws(() => sm2PrivateKeyFromPem(publicKey.toPem()), /expected a PEM block "PRIVATE KEY"/);
  const p256Spki = '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEXebmHjgzgZ0bj0DKx9IRLQbnT7pY8ba/0Y0P7ZWH/rlVrJ0tB4Uo3o2jV7MZ1aC3CMTxmYb3g1CjzY45Ry4C7g==\n-----END PUBLIC KEY-----\n';
  assert.throws(() => sm2PublicKeyFromPem(p256Spki), /not an SM2 key \(algorithm 1\.2\.840\.10045\.2\.1, curve 1\.2\.840\.10045\.3\.1\.7\)/);
});
