import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { sm3, type LicenseVerification } from '@citytrust/shared';
import type { Ledger } from '../ledger/ledger';
import { startLedgerTestGateway, type LedgerTestGateway } from '../test-support/ledger-test-gateway';
import { newLicenseStatusView, type LicenseStatusView } from './license-status-view';

/**
 * The view public verifications are answered from, on a real embedded ledger: it gives the
 * ledger's own answer, and what it holds follows the chaincode's events. "Elsewhere" below is a
 * change committed on the ledger without this view being told, as another department's gateway
 * or the CLI would commit it.
 */
const MARKET = 'MarketRegulationMSP';
const PLATFORM = 'BigDataAdministrationMSP';
const MARKET_USCC = '11320000MB12345675';
const PERMIT = `${MARKET_USCC}003`;
const officer = { department: MARKET, userId: 'license-view-test' };

let gateway: LedgerTestGateway;
let cases = 0;
const views: LicenseStatusView[] = [];

function viewOn(ledger: Ledger): LicenseStatusView {
  const view = newLicenseStatusView({ ledger, department: PLATFORM, retry: { initialDelayMs: 20, maxDelayMs: 50 } });
  views.push(view);
  return view;
}

async function issue(): Promise<string> {
  const { license } = await gateway.services.licenses.issue(officer, {
    typeCode: PERMIT,
    holder: { kind: 'enterprise', uscc: '914403001922038216' },
    caseReference: `VIEW-${process.pid}-${(cases += 1)}`,
    validFrom: '2027-01-02',
    validUntil: null,
    metadata: { enterpriseName: '某某科技有限公司' },
    documentDigest: sm3(`permit ${cases}`).toString('hex'),
  });
  return license.identifier;
}

/** Suspends a license on the ledger, sealed by its issuer, without telling any view. */
async function suspendElsewhere(identifier: string): Promise<void> {
  await gateway.services.seals.submitSealedRecord(MARKET, { contract: 'license', transaction: 'changeStatus' }, { identifier, action: 'suspend', reason: '停业整顿' });
}

/** The verification once `ready` holds, asking at most every 10 ms for 10 s. */
async function until(view: LicenseStatusView, identifier: string, ready: (v: LicenseVerification) => boolean): Promise<LicenseVerification> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const verification = await view.verification(identifier);
    if (ready(verification) || Date.now() > deadline) return verification;
    await sleep(10);
  }
}

const withoutTime = ({ checkedAt: _, ...rest }: LicenseVerification) => rest;

before(async () => {
  gateway = await startLedgerTestGateway();
  await gateway.services.licenses.registerType(officer, {
    code: PERMIT, name: '许可证', issuers: [{ department: MARKET, uscc: MARKET_USCC }], supervisors: [], validity: { maxValidityDays: null },
    metadataFields: [{ name: 'enterpriseName', label: '名称', required: true }],
  });
});

after(async () => {
  await Promise.all(views.map((view) => view.close()));
  await gateway?.close();
});

describe('the license verification view', () => {
  test('answers a license it has seen from what it holds, as the ledger answers it', async () => {
    const identifier = await issue();
    const view = viewOn(gateway.ledger);
    const first = await view.verification(identifier);
    const held = await until(view, identifier, () => view.status().hits > 0);
    assert.equal(view.status().state, 'following');
    assert.deepEqual(withoutTime(held), withoutTime(first));
    assert.equal(first.status, 'valid');
    assert.ok(held.checkedAt >= first.checkedAt, `${held.checkedAt} is not after ${first.checkedAt}`);
  });

  test('sees a license suspended elsewhere once its block arrives, and goes on answering from what it holds', async () => {
    const identifier = await issue();
    const view = viewOn(gateway.ledger);
    await until(view, identifier, () => view.status().hits > 0);
    await suspendElsewhere(identifier);
    const suspended = await until(view, identifier, (v) => v.status === 'suspended');
    assert.equal(suspended.status, 'suspended');
    assert.equal(suspended.license.lastChange?.reason, '停业整顿');
    const { hits } = view.status();
    assert.equal((await view.verification(identifier)).status, 'suspended');
    assert.equal(view.status().hits, hits + 1);
  });

  test('asks the ledger after a change this gateway committed, before any event could arrive', async () => {
    const identifier = await issue();
    const view = viewOn(gateway.ledger);
    await until(view, identifier, () => view.status().hits > 0);
    await suspendElsewhere(identifier);
    view.forget(identifier);
    const { misses } = view.status();
    assert.equal((await view.verification(identifier)).status, 'suspended');
    assert.equal(view.status().misses, misses + 1);
  });

  test('keeps no ledger answer fetched while an event arrived, since the answer may predate it', async () => {
    const identifier = await issue();
    let racing = false;
    // The ledger answers the verification, then another license is issued and its event reaches
    // the view before the answer does.
    const slowLedger: Ledger = {
      ...gateway.ledger,
      evaluate: async (call) => {
        const answer = await gateway.ledger.evaluate(call);
        if (racing) {
          racing = false;
          const held = view.status().held;
          await issue();
          const deadline = Date.now() + 10_000;
          while (view.status().held === held && Date.now() < deadline) await sleep(5);
        }
        return answer;
      },
    };
    const view = viewOn(slowLedger);
    const other = await issue();
    await until(view, other, () => view.status().state === 'following');
    racing = true;
    await view.verification(identifier);
    const { misses } = view.status();
    await view.verification(identifier);
    assert.equal(view.status().misses, misses + 1, 'the answer fetched across the event was kept');
  });

  test('while it cannot follow the events, every verification goes to the ledger and is right', async () => {
    const identifier = await issue();
    const retries: string[] = [];
    const deaf: Ledger = { ...gateway.ledger, chaincodeEvents: async () => { throw new Error('events unavailable'); } };
    const view = newLicenseStatusView({ ledger: deaf, department: PLATFORM, retry: { initialDelayMs: 10, maxDelayMs: 20 }, onRetry: (error) => retries.push(error.message) });
    views.push(view);
    await view.verification(identifier);
    await suspendElsewhere(identifier);
    assert.equal((await view.verification(identifier)).status, 'suspended');
    const deadline = Date.now() + 10_000;
    while (retries.length === 0 && Date.now() < deadline) await sleep(5);
    assert.deepEqual([view.status().state, view.status().hits, retries[0]], ['retrying', 0, 'events unavailable']);
  });

  test('sees the issuer\'s key revoked elsewhere: the license\'s seal no longer stands', async () => {
    const identifier = await issue();
    const view = viewOn(gateway.ledger);
    const { issuerKey } = await view.verification(identifier);
    await until(view, identifier, () => view.status().hits > 0);
    // Revoked from before the license was issued, as when a compromise is found later; a key of
    // the department's comes back for the other tests.
    await gateway.services.seals.revokeKey(MARKET, issuerKey!.keyId, 'private key leaked', new Date(Date.now() - 3_600_000).toISOString());
    try {
      const revoked = await until(view, identifier, (v) => !v.sealValid);
      assert.deepEqual([revoked.sealValid, revoked.sealCheck], [false, 'key_revoked']);
      assert.match(revoked.sealReason ?? '', /private key leaked/);
    } finally {
      await gateway.services.seals.generateKey(MARKET, 'license view test');
      await gateway.services.seals.registerKey(MARKET, new Date(Date.now() + 365 * 86_400_000).toISOString());
    }
  });
});
