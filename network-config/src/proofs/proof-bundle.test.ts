import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseProofBundle, ProofBundleFormatError } from './proof-bundle';

test('refuses JSON that is not a citytrust-proof/1 bundle, naming each field that is wrong', () => {
  assert.throws(() => parseProofBundle({ format: 'citytrust-proof/1', channel: 'citytrust', transactionId: 'not hex' }), (error: unknown) => {
    assert.ok(error instanceof ProofBundleFormatError);
    assert.ok(error.problems.some((problem) => problem.startsWith('/transactionId: ')), error.message);
    assert.ok(error.problems.some((problem) => problem.startsWith('/block: ')), error.message);
    assert.match(error.message, /^not a citytrust-proof\/1 proof bundle: /);
    return true;
  });
});

test('refuses a bundle of another format version', () => {
  assert.throws(() => parseProofBundle({ format: 'citytrust-proof/2' }), (error: unknown) => {
    assert.ok(error instanceof ProofBundleFormatError);
    assert.ok(error.problems.includes('/format: Expected \'citytrust-proof/1\''), error.message);
    return true;
  });
});
