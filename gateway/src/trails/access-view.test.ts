import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ShareTrailRecord, StoredAuthorization } from '@citytrust/shared';
import type { Ledger } from '../ledger/ledger';
import { startLedgerTestGateway, type LedgerTestGateway } from '../test-support/ledger-test-gateway';
import { newAccessView, type AccessView } from './access-view';

/**
 * The view a data exchange takes "allowed" from, on a real embedded ledger: it allows only what
 * the ledger's own rule allows, from records it fetched or heard in the chaincode's events.
 * "Elsewhere" below is a change committed on the ledger without this view being told, as
 * another department's gateway would commit it.
 */
const MARKET = 'MarketRegulationMSP';
const CREDIT = 'CreditOfficeMSP';
const PLATFORM = 'BigDataAdministrationMSP';
const PURPOSE = 'credit-repair.review';
const owner = { department: MARKET, userId: 'access-view-test' };

let gateway: LedgerTestGateway;
const views: AccessView[] = [];
let bases = 0;

function viewOn(ledger: Ledger = gateway.ledger, unconfirmedMs?: number): AccessView {
  const view = newAccessView({ ledger, department: PLATFORM, retry: { initialDelayMs: 20, maxDelayMs: 50 }, ...(unconfirmedMs ? { unconfirmedMs } : {}) });
  views.push(view);
  return view;
}

/** The view's answer once it holds the access's records, learnt as the trail service has it learn them after the ledger allowed. */
function heldAnswer(view: AccessView, trail: ShareTrailRecord) {
  return until(() => {
    const answer = view.allowed(trail);
    view.learn(trail);
    return answer;
  }, (answer) => answer !== undefined);
}

/** The ledger, with every evaluate counted, and its answer (read at once) held back until `release` is called. */
function gatedLedger(): { ledger: Ledger; evaluations: () => number; release: () => void } {
  let count = 0;
  let open!: () => void;
  const gate = new Promise<void>((resolve) => { open = resolve; });
  const ledger: Ledger = {
    ...gateway.ledger,
    evaluate: async (request) => {
      count++;
      const answer = await gateway.ledger.evaluate(request);
      await gate;
      return answer;
    },
  };
  return { ledger, evaluations: () => count, release: () => open() };
}

async function legalBasis(items: string[] = ['AV-ENT-BASIC']): Promise<StoredAuthorization> {
  return gateway.services.trails.registerLegalBasis(owner, {
    grantee: CREDIT, items, purpose: PURPOSE, scenario: `access view ${(bases += 1)}`,
    validFrom: new Date(Date.now() - 60_000).toISOString(), validUntil: new Date(Date.now() + 86_400_000).toISOString(),
  });
}

function access(authorizationId: string, items: string[] = ['AV-ENT-BASIC']): ShareTrailRecord {
  return {
    department: CREDIT, officer: 'b'.repeat(64), subject: { kind: 'enterprise', uscc: '914403001922038216' }, items, purpose: PURPOSE,
    authorizationId, caseReference: 'av-1', resultDigest: '', requestedAt: new Date().toISOString(),
  };
}

/** What the view answers once `ready` holds, asking at most every 10 ms for 10 s. */
async function until<T>(ask: () => T, ready: (answer: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const answer = ask();
    if (ready(answer) || Date.now() > deadline) return answer;
    await sleep(10);
  }
}

before(async () => {
  gateway = await startLedgerTestGateway();
  await gateway.services.trails.registerDataItem(owner, { code: 'AV-ENT-BASIC', name: '企业基本信息', shareType: 'conditional', sensitivity: 2 });
  await gateway.services.trails.registerDataItem(owner, { code: 'AV-ENT-SECRET', name: '内部资料', shareType: 'not-shared', sensitivity: 4 });
});

after(async () => {
  await Promise.all(views.map((view) => view.close()));
  await gateway?.close();
});

describe('the access view', () => {
  test('leaves an access to the ledger until it holds the records, then allows it as the ledger does, naming the owners', async () => {
    const basis = await legalBasis();
    const view = viewOn();
    assert.equal(view.allowed(access(basis.authorizationId)), undefined, 'the first access asks the ledger');
    const held = await heldAnswer(view, access(basis.authorizationId));
    assert.deepEqual(held, { allowed: true, owners: { 'AV-ENT-BASIC': MARKET } });
    assert.deepEqual([view.status().state, view.status().hits, view.status().items, view.status().authorizations], ['following', 1, 1, 1]);
  });

  test('never allows what the rule refuses: an unshared item, an item out of scope, another department', async () => {
    const basis = await legalBasis();
    const view = viewOn();
    await heldAnswer(view, access(basis.authorizationId));
    const refusedByRule = [
      access(basis.authorizationId, ['AV-ENT-SECRET']),
      access(basis.authorizationId, ['AV-ENT-BASIC', 'AV-ENT-SECRET']),
      { ...access(basis.authorizationId), department: 'PublicSecurityMSP' },
      { ...access(basis.authorizationId), purpose: 'tax.audit' },
    ];
    for (const trail of refusedByRule) {
      // Give the view time to fetch anything it lacks: the answer must stay "ask the ledger".
      await sleep(100);
      assert.equal(view.allowed(trail), undefined, JSON.stringify(trail));
    }
  });

  test('an authorization revoked elsewhere is no longer allowed once its event arrives', async () => {
    const basis = await legalBasis();
    const view = viewOn();
    await heldAnswer(view, access(basis.authorizationId));
    await gateway.services.seals.submitSealedRecord(MARKET, { contract: 'trail', transaction: 'revokeAuthorization' }, { authorizationId: basis.authorizationId, reason: '情形变更' });
    const after = await until(() => view.allowed(access(basis.authorizationId)), (answer) => answer === undefined);
    assert.equal(after, undefined);
  });

  test('an authorization this gateway revokes is forgotten at once', async () => {
    const basis = await legalBasis();
    const view = viewOn();
    await heldAnswer(view, access(basis.authorizationId));
    view.forgetAuthorization(basis.authorizationId);
    assert.equal(view.allowed(access(basis.authorizationId)), undefined);
  });

  test('an access naming records that do not exist is left to the ledger and makes the view ask the ledger nothing', async () => {
    const { ledger, evaluations, release } = gatedLedger();
    release();
    const view = viewOn(ledger);
    for (let i = 0; i < 5; i++) {
      assert.equal(view.allowed(access('e'.repeat(64), ['AV-NO-SUCH-ITEM', 'AV-ENT-BASIC'])), undefined);
      await sleep(50);
    }
    assert.deepEqual([evaluations(), view.status().authorizations], [0, 0]);
  });

  test('a record fetched while an event about another record arrives is kept; one an event about itself touched is not', async () => {
    const basis = await legalBasis();
    const { ledger, release } = gatedLedger();
    const view = viewOn(ledger);
    view.allowed(access(basis.authorizationId));
    await until(() => view.status().state, (state) => state === 'following');
    view.learn(access(basis.authorizationId)); // the records are read now, their answers held back
    await sleep(200);
    await legalBasis(); // an event about another authorization, while the answers wait
    await sleep(200);
    release();
    assert.deepEqual(await until(() => view.allowed(access(basis.authorizationId)), (answer) => answer !== undefined), { allowed: true, owners: { 'AV-ENT-BASIC': MARKET } });

    const revoked = await legalBasis();
    const second = gatedLedger();
    const other = viewOn(second.ledger);
    other.allowed(access(revoked.authorizationId));
    await until(() => other.status().state, (state) => state === 'following');
    other.learn(access(revoked.authorizationId)); // read before the revocation, answered after it
    await sleep(200);
    await gateway.services.seals.submitSealedRecord(MARKET, { contract: 'trail', transaction: 'revokeAuthorization' }, { authorizationId: revoked.authorizationId, reason: '情形变更' });
    await sleep(200);
    second.release();
    await sleep(200);
    assert.equal(other.allowed(access(revoked.authorizationId)), undefined);
  });

  test('a fetched record no event confirms is answered from for a while only, then fetched again', async () => {
    const basis = await legalBasis();
    const view = viewOn(gateway.ledger, 300);
    await heldAnswer(view, access(basis.authorizationId));
    await sleep(400);
    assert.equal(view.allowed(access(basis.authorizationId)), undefined, 'past its time, the fetched authorization is not answered from');
    assert.deepEqual(await heldAnswer(view, access(basis.authorizationId)), { allowed: true, owners: { 'AV-ENT-BASIC': MARKET } });
  });

  test('forgets everything when the event stream fails, and allows again only after following anew', async () => {
    const basis = await legalBasis();
    let failNext = false;
    const ledger = {
      ...gateway.ledger,
      chaincodeEvents: async (start: number) => {
        const stream = await gateway.ledger.chaincodeEvents(start);
        return {
          close: () => stream.close(),
          async *[Symbol.asyncIterator]() {
            for await (const event of stream) {
              if (failNext) {
                failNext = false;
                throw new Error('the peer went away');
              }
              yield event;
            }
          },
        };
      },
    };
    const view = viewOn(ledger);
    await heldAnswer(view, access(basis.authorizationId));
    failNext = true;
    await legalBasis(); // an event, which the stream now fails on
    await until(() => view.status().state, (state) => state === 'retrying' || view.status().authorizations === 0);
    assert.equal(view.status().authorizations, 0, 'nothing held survives the failure');
    const again = await heldAnswer(view, access(basis.authorizationId));
    assert.deepEqual(again, { allowed: true, owners: { 'AV-ENT-BASIC': MARKET } });
  });
});
