import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BackendUnavailableError } from '../network/ledger-backend';
import { conformanceBackend } from './conformance-backend';

test('the suite runs against the embedded ledger unless CITYTRUST_LEDGER says otherwise', () => {
  assert.equal(conformanceBackend({}).name, 'embedded');
  assert.equal(conformanceBackend({ CITYTRUST_LEDGER: '' }).name, 'embedded');
  assert.equal(conformanceBackend({ CITYTRUST_LEDGER: 'embedded' }).name, 'embedded');
});

test('asking for the native Fabric back-end fails, saying it is not available in this version, rather than passing untested', () => {
  assert.throws(() => conformanceBackend({ CITYTRUST_LEDGER: 'fabric' }), (error: unknown) => {
    assert.ok(error instanceof BackendUnavailableError);
    assert.match(error.message, /^CITYTRUST_LEDGER=fabric: the native Fabric back-end is not available in this version of CityTrust/);
    return true;
  });
});

test('an unknown back-end name is refused with the accepted names', () => {
  assert.throws(() => conformanceBackend({ CITYTRUST_LEDGER: 'besu' }), /CITYTRUST_LEDGER must be 'embedded' \(the default\) or 'fabric', not 'besu'/);
});
