import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { addon, Sm2AddonUnavailableError } from './native';

describe('the SM2 addon', () => {
  it('is built and loads into this Node', () => {
    assert.equal(typeof addon().sign, 'function');
  });

  it('answers wrong arguments with exceptions, never by aborting the process', () => {
    const native = addon() as unknown as Record<string, (...args: unknown[]) => unknown>;
    const privateKey = addon().generateKey();
    const publicKey = addon().importPublicKey(addon().exportPublicKey(privateKey));
    const calls: [string, unknown[], RegExp][] = [
      ['sign', [], /too few arguments/],
      ['sign', [{}, Buffer.alloc(1), Buffer.alloc(1)], /expected an SM2 key handle/],
      ['sign', [Object.create(null), Buffer.alloc(1), Buffer.alloc(1)], /expected an SM2 key handle/],
      ['sign', [privateKey, 'text', Buffer.alloc(1)], /the message must be a Buffer/],
      ['sign', [publicKey, Buffer.alloc(1), Buffer.alloc(1)], /needs an SM2 private key/],
      ['sign', [privateKey, Buffer.alloc(1), Buffer.alloc(8191)], /at most 8190 bytes/],
      ['verify', [privateKey, Buffer.alloc(1), null, Buffer.alloc(1)], /the signature must be a Buffer/],
      ['importPrivateKey', [null], /the key must be a Buffer/],
      ['exportPrivateKey', [publicKey], /needs an SM2 private key/],
      ['decrypt', [publicKey, Buffer.alloc(1)], /needs an SM2 private key/],
      ['publicPoint', [42], /expected an SM2 key handle/],
    ];
    for (const [name, args, message] of calls) assert.throws(() => native[name]?.(...args), message, `${name}(${args.length} arguments)`);
  });

  it('when missing, is reported with the command that builds it, not a require stack', () => {
    const error = new Sm2AddonUnavailableError(new Error("Cannot find module '../../build/Release/citytrust_crypto.node'\nRequire stack:\n- native.js"));
    assert.match(error.message, /cannot be loaded \(Cannot find module .*\)\. Build it with `npm install` \(or `npm rebuild @citytrust\/shared`\)/);
    assert.doesNotMatch(error.message, /Require stack/);
  });
});
