import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BackendUnavailableError } from '../network/ledger-backend';
import { conformanceBackend } from './conformance-backend';

test('the suite runs against the embedded ledger unless CITYTRUST_LEDGER says otherwise', () => {
  assert.equal(conformanceBackend({}).name, 'embedded');
  assert.equal(conformanceBackend({ CITYTRUST_LEDGER: '' }).name, 'embedded');
  assert.equal(conformanceBackend({ CITYTRUST_LEDGER: 'embedded' }).name, 'embedded');
});

test('the native Fabric back-end is chosen by CITYTRUST_LEDGER=fabric, and fails without FABRIC_BIN rather than passing untested', () => {
  assert.equal(conformanceBackend({ CITYTRUST_LEDGER: 'fabric', FABRIC_BIN: '/opt/fabric' }).name, 'fabric');
  assert.throws(() => conformanceBackend({ CITYTRUST_LEDGER: 'fabric' }), (error: unknown) => {
    assert.ok(error instanceof BackendUnavailableError);
    assert.match(error.message, /^CITYTRUST_LEDGER=fabric: the conformance suite runs against real Fabric from FABRIC_BIN, which is not set; point FABRIC_BIN at Fabric v3\.1 release binaries/);
    return true;
  });
});

test('FABRIC_BIN alone does not move the suite off the embedded ledger: npm test never depends on Fabric', () => {
  assert.equal(conformanceBackend({ FABRIC_BIN: '/opt/fabric' }).name, 'embedded');
});

test('an unknown back-end name is refused with the accepted names', () => {
  assert.throws(() => conformanceBackend({ CITYTRUST_LEDGER: 'besu' }), /CITYTRUST_LEDGER must be 'embedded' \(the default\) or 'fabric', not 'besu'/);
});
