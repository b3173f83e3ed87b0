import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { generateSm2KeyPair } from './keys';
import { DEFAULT_SM2_USER_ID, sm2Sign, sm2SignAsync, sm2Verify, sm2VerifyAsync, sm2Za } from './sm2';
import { sm2SignatureFromRaw, sm2SignatureToRaw } from './sm2-signature-encoding';
import { sm3 } from './sm3';
import { standardExample, standardExamplePrivateKey } from './testing/standard-example';

const record = Buffer.from('{"dept":"MarketRegulationMSP","license":"1.2.156.1","seq":2}');

function publishedSignature(): Buffer {
  return sm2SignatureFromRaw(Buffer.from(standardExample.r + standardExample.s, 'hex'));
}

function flipped(bytes: Buffer, at: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[at] = (copy[at] as number) ^ 0x01;
  return copy;
}

describe('SM2 signatures: the GM/T 0003.5 / GB/T 32918.5 worked example', () => {
  const { publicKey } = standardExamplePrivateKey();

  it('derives the published public key from the published private key', () => {
    const spki = publicKey.toDer().toString('hex').toUpperCase();
    assert.ok(spki.endsWith(`04${standardExample.publicX}${standardExample.publicY}`));
  });

  it('computes the published Z for the default user ID 1234567812345678', () => {
    assert.equal(standardExample.userId, DEFAULT_SM2_USER_ID);
    assert.equal(sm2Za(publicKey).toString('hex').toUpperCase(), standardExample.za);
  });

  it('computes the published e = SM3(Z ‖ M) for "message digest"', () => {
    const e = sm3(Buffer.concat([sm2Za(publicKey), Buffer.from(standardExample.signedMessage)]));
    assert.equal(e.toString('hex').toUpperCase(), standardExample.e);
  });

  it('accepts the published signature (r, s)', () => {
    assert.equal(sm2Verify(publicKey, standardExample.signedMessage, publishedSignature()), true);
  });

  it('rejects the published signature over another message or with another user ID', () => {
    assert.equal(sm2Verify(publicKey, 'message digesT', publishedSignature()), false);
    assert.equal(sm2Verify(publicKey, standardExample.signedMessage, publishedSignature(), { userId: 'ALICE123@YAHOO.COM' }), false);
    assert.equal(sm2Verify(publicKey, standardExample.signedMessage, publishedSignature(), { userId: '' }), false);
  });
});

describe('sm2Sign and sm2Verify', () => {
  const { privateKey, publicKey } = generateSm2KeyPair();

  it('signs with the default user ID so that the signature verifies', () => {
    const signature = sm2Sign(privateKey, record);
    assert.equal(sm2Verify(publicKey, record, signature), true);
    assert.equal(sm2Verify(publicKey, record, signature, { userId: DEFAULT_SM2_USER_ID }), true);
  });

  it('writes DER: SEQUENCE of two INTEGERs', () => {
    const signature = sm2Sign(privateKey, record);
    assert.equal(signature[0], 0x30);
    assert.equal(signature[1], signature.length - 2);
    assert.equal(sm2SignatureToRaw(signature).length, 64);
  });

  it('uses a fresh random k: the same message gives different signatures, all valid', () => {
    const first = sm2Sign(privateKey, record);
    const second = sm2Sign(privateKey, record);
    assert.notDeepEqual(first, second);
    assert.ok(sm2Verify(publicKey, record, first) && sm2Verify(publicKey, record, second));
  });

  it('signs text as its UTF-8 bytes', () => {
    assert.equal(sm2Verify(publicKey, Buffer.from('无锡市', 'utf8'), sm2Sign(privateKey, '无锡市')), true);
  });

  it('rejects a tampered message', () => {
    const signature = sm2Sign(privateKey, record);
    for (const at of [0, 17, record.length - 1]) assert.equal(sm2Verify(publicKey, flipped(record, at), signature), false);
    assert.equal(sm2Verify(publicKey, Buffer.concat([record, Buffer.from(' ')]), signature), false);
  });

  it('rejects a tampered signature, whichever byte changed', () => {
    const signature = sm2Sign(privateKey, record);
    for (let at = 0; at < signature.length; at++) assert.equal(sm2Verify(publicKey, record, flipped(signature, at)), false, `byte ${at}`);
  });

  it('rejects a signature by another key', () => {
    assert.equal(sm2Verify(generateSm2KeyPair().publicKey, record, sm2Sign(privateKey, record)), false);
  });

  it('rejects a signature made with another user ID, and accepts it with that ID', () => {
    const signature = sm2Sign(privateKey, record, { userId: 'MarketRegulationMSP' });
    assert.equal(sm2Verify(publicKey, record, signature), false);
    assert.equal(sm2Verify(publicKey, record, signature, { userId: 'MarketRegulationMSP' }), true);
    assert.equal(sm2Verify(publicKey, record, signature, { userId: Buffer.from('MarketRegulationMSP') }), true);
  });

  it('returns false, never throws, for signatures that are not DER at all', () => {
    for (const junk of [Buffer.alloc(0), Buffer.from('junk'), Buffer.alloc(64, 0xff), Buffer.alloc(10_000, 0x30)]) {
      assert.equal(sm2Verify(publicKey, record, junk), false);
    }
    assert.equal(sm2Verify(publicKey, record, sm2SignatureToRaw(sm2Sign(privateKey, record))), false);
  });

  it('signs and verifies an empty message and a large one', () => {
    for (const message of [Buffer.alloc(0), Buffer.alloc(1 << 20, 7)]) assert.equal(sm2Verify(publicKey, message, sm2Sign(privateKey, message)), true);
  });

  it('refuses a user ID longer than Z can encode, and keys of the wrong kind', () => {
    assert.throws(() => sm2Sign(privateKey, record, { userId: 'x'.repeat(8191) }), /at most 8190 bytes; this one has 8191/);
    assert.throws(() => sm2Sign(publicKey as never, record), /expected an Sm2PrivateKey/);
    assert.throws(() => sm2Verify({ type: 'sm2-public' } as never, record, Buffer.alloc(0)), /expected an Sm2PublicKey/);
  });
});

describe('SM2 on the thread pool: the same signatures and verdicts, without blocking the event loop', () => {
  const { privateKey, publicKey } = generateSm2KeyPair();

  it('signs so that the synchronous verifier accepts, and verifies what the synchronous signer made', async () => {
    const signature = await sm2SignAsync(privateKey, record);
    assert.equal(sm2Verify(publicKey, record, signature), true);
    assert.equal(await sm2VerifyAsync(publicKey, record, sm2Sign(privateKey, record)), true);
  });

  it('verifies the published worked example, with its user ID', async () => {
    const example = standardExamplePrivateKey();
    assert.equal(await sm2VerifyAsync(example.publicKey, standardExample.signedMessage, publishedSignature()), true);
  });

  it('answers false, never a rejection, for another message, a damaged or over-long signature, or another user ID', async () => {
    const signature = await sm2SignAsync(privateKey, record);
    assert.equal(await sm2VerifyAsync(publicKey, Buffer.from('another record'), signature), false);
    assert.equal(await sm2VerifyAsync(publicKey, record, flipped(signature, signature.length - 1)), false);
    assert.equal(await sm2VerifyAsync(publicKey, record, Buffer.alloc(200, 1)), false);
    assert.equal(await sm2VerifyAsync(publicKey, record, signature, { userId: 'another id' }), false);
  });

  it('keeps the event loop free while a thousand signatures are made and checked at once', async () => {
    let ticks = 0;
    const timer = setInterval(() => { ticks += 1; }, 1);
    const signatures = await Promise.all(Array.from({ length: 1000 }, () => sm2SignAsync(privateKey, record)));
    const verdicts = await Promise.all(signatures.map((signature) => sm2VerifyAsync(publicKey, record, signature)));
    clearInterval(timer);
    assert.ok(verdicts.every(Boolean));
    assert.ok(ticks > 0, 'timers ran while the pool worked');
  });

  it('refuses a public key for signing, as the synchronous signer does', async () => {
    await assert.rejects(async () => sm2SignAsync(publicKey as never, record), { name: 'TypeError' });
  });
});
