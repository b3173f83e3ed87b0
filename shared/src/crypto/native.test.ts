import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { addon, Sm2AddonUnavailableError } from './native';

describe('the SM2 addon', () => {
  it('is built and loads into this Node', () => {
    assert.equal(typeof addon().sign, 'function');
  });

  it('when missing, is reported with the command that builds it, not a require stack', () => {
    const error = new Sm2AddonUnavailableError(new Error("Cannot find module '../../build/Release/citytrust_crypto.node'\nRequire stack:\n- native.js"));
    assert.match(error.message, /cannot be loaded \(Cannot find module .*\)\. Build it with `npm install` \(or `npm rebuild @citytrust\/shared`\)/);
    assert.doesNotMatch(error.message, /Require stack/);
  });
});
