import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { ForbiddenError } from '../errors';
import type { Principal } from '../principal';
import { readPersonalData, type PersonalDataRequest, type ShareTrailRecorder } from './personal-data-read';

const officer: Principal = { id: 'u-1', username: 'officer.li', role: 'department-officer', department: 'MarketRegulationMSP', source: 'local' };
const request: PersonalDataRequest = { subject: 'ab'.repeat(32), items: ['business-licence'], purpose: 'one-network case 2026-001', authorizationId: 'auth-1' };

/** Records every call in order, so a test can see what happened before the data was fetched. */
function recordingRecorder(decision: 'grant' | 'refuse', events: string[]): ShareTrailRecorder {
  return {
    async recordAccess() {
      events.push('recordAccess');
      return decision === 'grant'
        ? { granted: true, receipt: { trailId: 't-1', transactionId: 'tx-1', blockNumber: '7' } }
        : { granted: false, reason: 'authorization auth-1 was revoked' };
    },
    async recordRefusal(_officer, _request, reason) {
      events.push(`recordRefusal: ${reason}`);
      return { trailId: 't-2', transactionId: 'tx-2', blockNumber: '8' };
    },
  };
}

describe('readPersonalData', () => {
  it('records the access on the ledger before it fetches any data', async () => {
    const events: string[] = [];
    const result = await readPersonalData(recordingRecorder('grant', events), officer, request, async () => {
      events.push('fetch');
      return { licence: 'demo' };
    });
    assert.deepEqual(events, ['recordAccess', 'fetch']);
    assert.equal(result.receipt.transactionId, 'tx-1');
  });

  it('returns the SM3 digest of the canonical form of what it returned', async () => {
    const result = await readPersonalData(recordingRecorder('grant', []), officer, request, async () => ({ b: 2, a: 1 }));
    // SM3('{"a":1,"b":2}'), computed independently with `printf '{"a":1,"b":2}' | openssl dgst -sm3`.
    assert.equal(result.digest, '08bee7fba31e6e50154043b578af0463bcb5a42af3e1f93b15e91939b6931c83');
  });

  it('fetches nothing when the ledger refuses, and records the refusal as its own trail', async () => {
    const events: string[] = [];
    await assert.rejects(
      readPersonalData(recordingRecorder('refuse', events), officer, request, async () => {
        events.push('fetch');
        return {};
      }),
      (e: unknown) => e instanceof ForbiddenError && /revoked/.test(e.message) && e.details?.refusalTrailId === 't-2',
    );
    assert.deepEqual(events, ['recordAccess', 'recordRefusal: authorization auth-1 was revoked']);
  });
});
