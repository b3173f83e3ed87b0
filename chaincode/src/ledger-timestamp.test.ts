import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isoTimestamp } from './ledger-timestamp';

test('prints all nine fraction digits, so nothing below the millisecond is lost', () => {
  assert.equal(isoTimestamp({ seconds: 1_767_225_600, nanos: 123_456_789 }), '2026-01-01T00:00:00.123456789Z');
  assert.equal(isoTimestamp({ seconds: 1_767_225_600, nanos: 7 }), '2026-01-01T00:00:00.000000007Z');
  assert.equal(isoTimestamp({ seconds: 0, nanos: 0 }), '1970-01-01T00:00:00.000000000Z');
});

test('reads seconds given as a Long, as getTxTimestamp gives them', () => {
  const long = { toString: () => '1767225600' };
  assert.equal(isoTimestamp({ seconds: long, nanos: 1 }), '2026-01-01T00:00:00.000000001Z');
});

test('parses back to the same millisecond with Date', () => {
  assert.equal(Date.parse(isoTimestamp({ seconds: 1_767_225_600, nanos: 999_999_999 })), 1_767_225_600_999);
});

test('refuses nanos outside one second and seconds that are not an integer', () => {
  assert.throws(() => isoTimestamp({ seconds: 1, nanos: 1_000_000_000 }), { name: 'RangeError' });
  assert.throws(() => isoTimestamp({ seconds: 1, nanos: -1 }), { name: 'RangeError' });
  assert.throws(() => isoTimestamp({ seconds: 1.5, nanos: 0 }), { name: 'RangeError' });
});
