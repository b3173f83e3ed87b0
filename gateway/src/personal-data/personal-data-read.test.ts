import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { AccessRefusedError, readPersonalData, type ShareTrailRecorder } from './personal-data-read';

/** Records every call in order, so a test can see what happened before and after the fetch. */
function recordingRecorder(check: 'allow' | 'refuse', record: 'grant' | 'refuse', events: string[]): ShareTrailRecorder {
  return {
    async check() {
      events.push('check');
      return check === 'allow' ? { allowed: true } : { allowed: false, check: 'authorization_expired', reason: 'authorization a1 expired' };
    },
    async record(digest) {
      events.push(`record ${digest.slice(0, 8)}`);
      return record === 'grant'
        ? { granted: true, receipt: { trailId: 't-1', transactionId: 'tx-1', blockNumber: 7 } }
        : { granted: false, check: 'authorization_revoked', reason: 'authorization a1 was revoked' };
    },
    async recordRefusal(refusal) {
      events.push(`recordRefusal ${refusal.check}`);
      return { trailId: 't-2', transactionId: 'tx-2', blockNumber: 8 };
    },
  };
}

describe('readPersonalData', () => {
  it('asks the ledger, then fetches, then records the digest of what it fetched, then returns it', async () => {
    const events: string[] = [];
    const result = await readPersonalData(recordingRecorder('allow', 'grant', events), async () => {
      events.push('fetch');
      return { b: 2, a: 1 };
    });
    // SM3('{"a":1,"b":2}'), computed independently with `printf '{"a":1,"b":2}' | openssl dgst -sm3`.
    assert.equal(result.digest, '08bee7fba31e6e50154043b578af0463bcb5a42af3e1f93b15e91939b6931c83');
    assert.deepEqual(events, ['check', 'fetch', 'record 08bee7fb']);
    assert.deepEqual(result.receipt, { trailId: 't-1', transactionId: 'tx-1', blockNumber: 7 });
  });

  it('fetches nothing when the ledger refuses, and records the refusal as its own trail', async () => {
    const events: string[] = [];
    const fetch = async () => {
      events.push('fetch');
      return {};
    };
    await assert.rejects(readPersonalData(recordingRecorder('refuse', 'grant', events), fetch), (error: unknown) =>
      error instanceof AccessRefusedError && error.statusCode === 403 && error.code === 'access_refused'
      && error.details?.check === 'authorization_expired' && error.details.refusalTrailId === 't-2');
    assert.deepEqual(events, ['check', 'recordRefusal authorization_expired']);
  });

  it('returns nothing it fetched when the ledger refuses the record (a revocation in between), and records that', async () => {
    const events: string[] = [];
    await assert.rejects(readPersonalData(recordingRecorder('allow', 'refuse', events), async () => ({ secret: 1 })),
      (error: unknown) => error instanceof AccessRefusedError && error.details?.check === 'authorization_revoked');
    assert.deepEqual(events.map((e) => e.split(' ')[0]), ['check', 'record', 'recordRefusal']);
  });
});
