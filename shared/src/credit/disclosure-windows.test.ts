import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addCalendarMonths, disclosureWindowOf, recordWindow } from './disclosure-windows';

test('failings follow the NDRC windows: minor unpublished up to 3 months, ordinary 3 to 12, serious 12 to 36', () => {
  assert.deepEqual(disclosureWindowOf('administrative-penalty', 'minor'), { published: false, minimumMonths: 0, maximumMonths: 3, defaultMonths: 3 });
  assert.deepEqual(disclosureWindowOf('administrative-penalty', 'ordinary'), { published: true, minimumMonths: 3, maximumMonths: 12, defaultMonths: 12 });
  assert.deepEqual(disclosureWindowOf('court-enforcement', 'serious'), { published: true, minimumMonths: 12, maximumMonths: 36, defaultMonths: 36 });
});

test('positive records are published and never repaired, whatever their severity', () => {
  assert.deepEqual(disclosureWindowOf('honour', 'minor'), disclosureWindowOf('administrative-licence', 'serious'));
  assert.equal(disclosureWindowOf('red-list', 'ordinary').published, true);
});

test('a record\'s window: repairable after the minimum, in effect until the period it was given', () => {
  assert.deepEqual(recordWindow('administrative-penalty', 'ordinary', '2027-01-15T08:00:00.000000001Z', 6), {
    disclosureMonths: 6, repairableFrom: '2027-04-15T08:00:00.000000001Z', effectiveUntil: '2027-07-15T08:00:00.000000001Z',
  });
});

test('calendar months clamp the day to the month\'s end and roll over years', () => {
  assert.equal(addCalendarMonths('2027-01-31T00:00:00.000000000Z', 1), '2027-02-28T00:00:00.000000000Z');
  assert.equal(addCalendarMonths('2028-01-31T00:00:00.000000000Z', 1), '2028-02-29T00:00:00.000000000Z');
  assert.equal(addCalendarMonths('2027-11-30T23:59:59.999999999Z', 36), '2030-11-30T23:59:59.999999999Z');
  assert.equal(addCalendarMonths('2027-12-15T00:00:00.000000000Z', 0), '2027-12-15T00:00:00.000000000Z');
  assert.throws(() => addCalendarMonths('2027-12-15', -1), RangeError);
});
