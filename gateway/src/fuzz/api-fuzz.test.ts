import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomInt } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSm2KeyPair } from '@citytrust/shared';
import { isSubjectRole, roles, type Role } from '../roles';
import { startLedgerTestGateway, type LedgerTestGateway } from '../test-support/ledger-test-gateway';
import { freePort, testUscc } from '../test-support/test-gateway';

// The whole REST API, fuzzed from its own OpenAPI document by schemathesis: by an anonymous caller
// and by a user of every role. Every answer must be a status the document lists for that operation,
// in the one error shape with a request id (checks.py), never a 5xx, and a refused request must
// change no user. Which checks run is in schemathesis.toml; FUZZ_SEED replays a run and
// FUZZ_MAX_EXAMPLES sizes it (cases per operation and phase; 15 takes about 45 s).

const repositoryRoot = join(__dirname, '..', '..', '..');
const fuzzSources = join(repositoryRoot, 'gateway', 'src', 'fuzz');
const seed = Number(process.env.FUZZ_SEED ?? randomInt(2 ** 31));
const maxExamples = Number(process.env.FUZZ_MAX_EXAMPLES ?? 15);
const department = 'MarketRegulationMSP';

let gateway: LedgerTestGateway;
let baseUrl: string;
let schemathesis: string;
const statuses = new Map<number, number>();

/** What a refused request must not change: every user, with role, department and disabled state. */
async function usersSnapshot(): Promise<string> {
  const { rows } = await gateway.database.database.pool.query('SELECT * FROM users ORDER BY id');
  return JSON.stringify(rows);
}

async function tokenFor(role: Role): Promise<string> {
  if (!isSubjectRole(role)) return (await gateway.userWithToken(role, role === 'admin' || role === 'department-officer' ? department : undefined)).token;
  // A citizen or an enterprise with a real SM2 key, as registration stores it, so that a subject
  // login the fuzzer attempts meets the key the gateway would really hold.
  const loginPublicKey = generateSm2KeyPair().publicKey.toPem();
  const user = await gateway.services.users.create(role === 'citizen'
    ? { username: 'fuzz.citizen', role, subjectKey: 'f'.repeat(64), loginPublicKey }
    : { username: 'fuzz.enterprise', role, uscc: testUscc(1), loginPublicKey }, 'api-fuzz');
  return gateway.services.tokens.issue(user.id, user.role).token;
}

interface FuzzReport {
  readonly exit_code: number;
  readonly test_cases: { readonly generated: number; readonly with_failures: number };
  readonly failures: readonly { readonly code: string; readonly title: string; readonly operations: readonly string[] }[];
  readonly errors: readonly unknown[];
}

/** Runs schemathesis as `caller` (with their token, if any); its JSON report and what it printed. */
async function fuzz(caller: string, token?: string): Promise<{ report: FuzzReport; output: string }> {
  const reports = mkdtempSync(join(tmpdir(), 'citytrust-fuzz-'));
  try {
    const output = await new Promise<string>((resolve) => {
      execFile(schemathesis, [
        '--config-file', join(fuzzSources, 'schemathesis.toml'),
        'run', `${baseUrl}/api/v1/openapi.json`,
        '--max-examples', String(maxExamples), '--seed', String(seed),
        '--generation-database', 'none', '--no-color', '--report', 'json', '--report-dir', reports,
        ...(token ? ['--header', `Authorization: Bearer ${token}`] : []),
      ], {
        // Its working directory gets its caches (.schemathesis/): a temporary one, not the repository.
        cwd: reports,
        env: { ...process.env, SCHEMATHESIS_HOOKS: 'checks', PYTHONPATH: fuzzSources },
        maxBuffer: 64 * 1024 * 1024,
      }, (_error, stdout, stderr) => resolve(`${stdout}${stderr}`)); // the report says how it went
    });
    const reportFile = readdirSync(reports).find((name) => name.endsWith('.json'));
    assert.ok(reportFile, `schemathesis (as ${caller}) wrote no report; it printed:\n${output}`);
    return { report: JSON.parse(readFileSync(join(reports, reportFile), 'utf8')) as FuzzReport, output };
  } finally {
    rmSync(reports, { recursive: true, force: true });
  }
}

function assertNoFailures(caller: string, { report, output }: { report: FuzzReport; output: string }): void {
  const found = report.failures.map((f) => `${f.code} ${f.title}: ${f.operations.join(', ')}`);
  const details = output.slice(Math.max(0, output.indexOf('=== FAILURES ===')));
  assert.deepEqual(found, [], `as ${caller}, seed ${seed} (replay: FUZZ_SEED=${seed}):\n${details}`);
  assert.deepEqual(report.errors, [], `as ${caller}, schemathesis could not run some cases, seed ${seed}:\n${output}`);
  assert.equal(report.exit_code, 0, output);
  assert.ok(report.test_cases.generated > 0, `as ${caller}, no test case was generated`);
}

before(async () => {
  schemathesis = execFileSync(process.execPath, [join(repositoryRoot, 'scripts', 'ensure-fuzzer.js'), '--print-path'], { encoding: 'utf8' }).trim();
  // A real embedded ledger, so that the seal and data-sharing operations are fuzzed through to the
  // chaincode instead of all answering 503; every department has a registered seal key. The rate
  // limit is not what this fuzzes: with the default 600 a minute, most answers would be 429.
  gateway = await startLedgerTestGateway({ env: { GATEWAY_RATE_LIMIT_MAX: '1000000' } });
  // Count what the server answered, whatever the fuzzer thought it sent.
  gateway.server.server.on('request', (_request: IncomingMessage, response: ServerResponse) => {
    response.on('finish', () => statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1));
  });
  const port = await freePort();
  await gateway.server.listen({ host: '127.0.0.1', port });
  baseUrl = `http://127.0.0.1:${port}`;
  console.log(`API fuzz: seed ${seed} (replay with FUZZ_SEED=${seed}), ${maxExamples} examples per operation and phase`);
});

after(async () => {
  const total = [...statuses.values()].reduce((sum, count) => sum + count, 0);
  const byStatus = [...statuses.entries()].sort(([a], [b]) => a - b).map(([status, count]) => `${status}: ${count}`).join(', ');
  console.log(`API fuzz: ${total} requests answered (${byStatus})`);
  await gateway?.close();
});

test('an anonymous caller gets only documented answers in the one error shape, and changes no user', async () => {
  const usersBefore = await usersSnapshot();
  assertNoFailures('an anonymous caller', await fuzz('an anonymous caller'));
  assert.equal(await usersSnapshot(), usersBefore, 'an anonymous caller changed the users');
});

for (const role of roles.filter((r) => r !== 'admin')) {
  const caller = `${/^[aeiou]/.test(role) ? 'an' : 'a'} ${role}`;
  test(`${caller} gets only documented answers in the one error shape, and changes no user`, async () => {
    const token = await tokenFor(role);
    const usersBefore = await usersSnapshot();
    assertNoFailures(caller, await fuzz(caller, token));
    assert.equal(await usersSnapshot(), usersBefore, `${caller}, who may not manage users, changed them`);
  });
}

test('an admin gets only documented answers in the one error shape', async () => {
  assertNoFailures('an admin', await fuzz('an admin', await tokenFor('admin')));
});
