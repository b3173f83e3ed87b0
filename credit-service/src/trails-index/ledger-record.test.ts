import '@citytrust/chaincode/dist/testing/quiet-chaincode-logs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson } from '@citytrust/shared';
import { person, storedShareTrail } from '../test-support/trail-records';
import { readTrailEvent, subjectReference } from './ledger-record';

const event = (eventName: string, payload: string) => ({ blockNumber: 7n, transactionId: 'a'.repeat(64), eventName, payload: Buffer.from(payload) });

test('a trail event becomes its record with its position and the payload exactly as the ledger holds it', () => {
  const trail = storedShareTrail(1, person(1), new Date('2027-03-01T08:00:00.123Z'));
  const payload = canonicalJson(trail);
  assert.deepEqual(readTrailEvent(event('trail.access', payload)), {
    outcome: 'record',
    record: { kind: 'access', record: trail, payload, blockNumber: 7n, transactionId: 'a'.repeat(64) },
  });
});

test('events of other contracts are ignored; a trail event without its record is malformed, with the reason', () => {
  assert.deepEqual(readTrailEvent(event('seal.key', '{}')), { outcome: 'ignored' });
  assert.deepEqual(readTrailEvent(event('trail.item', 'not json')), { outcome: 'malformed', reason: 'the trail.item payload is not JSON' });
  const { subject: _subject, ...withoutSubject } = storedShareTrail(1, person(1), new Date());
  assert.deepEqual(readTrailEvent(event('trail.access', JSON.stringify(withoutSubject))), { outcome: 'malformed', reason: 'the trail.access payload has no object subject' });
  const strangeSubject = { ...withoutSubject, subject: { kind: 'person', identityNumber: '110101199003074258' } };
  assert.deepEqual(readTrailEvent(event('trail.access', JSON.stringify(strangeSubject))),
    { outcome: 'malformed', reason: 'the trail.access payload has no valid subject (enterprise with uscc, or person with subjectKey)' });
});

test('a subject is indexed as the chaincode keys it: E:<uscc> or P:<subject key>', () => {
  assert.equal(subjectReference({ kind: 'enterprise', uscc: '914403001922038216' }), 'E:914403001922038216');
  assert.equal(subjectReference({ kind: 'person', subjectKey: 'b'.repeat(64) }), `P:${'b'.repeat(64)}`);
});
