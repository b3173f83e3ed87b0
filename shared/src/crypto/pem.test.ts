import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { decodePem, encodePem, looksLikePem, PemError } from './pem';

describe('PEM', () => {
  it('wraps base64 at 64 characters between BEGIN and END lines, as OpenSSL does', () => {
    const pem = encodePem('PUBLIC KEY', Buffer.alloc(60, 0xab));
    const lines = pem.split('\n');
    assert.equal(lines[0], '-----BEGIN PUBLIC KEY-----');
    assert.equal(lines[1]?.length, 64);
    assert.equal(lines[3], '-----END PUBLIC KEY-----');
    assert.ok(pem.endsWith('-----\n'));
  });

  it('reads back the label and bytes, ignoring text around the block and CRLF line ends', () => {
    const der = Buffer.from([0x30, 0x03, 0x02, 0x01, 0x05]);
    const text = `a comment\r\n${encodePem('PRIVATE KEY', der).replace(/\n/g, '\r\n')}trailing`;
    assert.deepEqual(decodePem(text), { label: 'PRIVATE KEY', der });
  });

  it('tells PEM from DER by the BEGIN line', () => {
    assert.equal(looksLikePem(Buffer.from('\n  -----BEGIN PUBLIC KEY-----\n')), true);
    assert.equal(looksLikePem(Buffer.from([0x30, 0x59, 0x30])), false);
  });

  it('says what is wrong with text that is not well-formed PEM', () => {
    assert.throws(() => decodePem('MIIB...'), PemError);
    assert.throws(() => decodePem('-----BEGIN PUBLIC KEY-----\nAAAA\n'), /no "-----END PUBLIC KEY-----" line/);
    assert.throws(() => decodePem('-----BEGIN PUBLIC KEY-----\nAA!A\n-----END PUBLIC KEY-----'), /not valid base64/);
    assert.throws(() => decodePem('-----BEGIN PUBLIC KEY-----\nAAA\n-----END PUBLIC KEY-----'), /not valid base64/);
  });
});
