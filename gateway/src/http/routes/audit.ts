import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ANOMALY_RULES, DEFAULT_ANOMALY_PARAMETERS, type AnomalyParameters, type AnomalyRule } from '@citytrust/credit-service';
import { responses } from '../schemas';
import type { GatewayServices } from '../services';
import { AuditBundleSchema, AUDIT_BUNDLE_FORMAT, MAX_AUDIT_BUNDLE_TRAILS } from '../../audit-bundles/audit-bundle';
import { AnomalyQuery, AnomalyReportView, AuditBundleRequest, TrailSearchPage, TrailSearchRequest } from '../audit-schemas';
import { readAuditorOpenPgpKey } from '../../audit-bundles/auditor-openpgp-key';
import { encryptAuditBundle, ENCRYPTED_AUDIT_BUNDLE_MEDIA_TYPE } from '../../audit-bundles/encrypted-audit-bundle';
import { toDataSubject } from './trails';

/** The bundle as JSON, or (with `openpgpPublicKey`) the same bundle as a binary OpenPGP message. */
const AuditBundleAnswer = {
  description: 'The signed audit bundle; encrypted to the auditor\'s OpenPGP key when the request carried one.',
  content: {
    'application/json': { schema: AuditBundleSchema },
    [ENCRYPTED_AUDIT_BUNDLE_MEDIA_TYPE]: { schema: Type.Unsafe<Uint8Array>({ type: 'string', format: 'binary', description: 'The bundle\'s JSON text as one binary OpenPGP message (RFC 9580) to the key sent.' }) },
  },
};

/** The period the anomaly report examines when the auditor names none. */
const DEFAULT_PERIOD_MS = 7 * 86_400_000;

/**
 * The auditors' side of data sharing (事后可追责): trace share trails by subject, department,
 * officer, item, purpose, authorization, outcome or time, and run the anomaly rules, over the
 * off-chain index. Auditors read everything and change nothing.
 */
export function auditRoutes({ trailIndex, subjectKeys, auditBundles, config }: GatewayServices): FastifyPluginAsyncTypebox {
  return async (app) => {
    // POST, not GET: the subject may be a person's identity number, which must never be in a
    // URL (access logs, proxies, browser history). It becomes the subject key here and goes no further.
    app.post('/api/v1/audit/trails/search', {
      schema: {
        operationId: 'searchTrails',
        tags: ['audit'],
        summary: 'Trace share trails by subject, department, officer, item, purpose, authorization, outcome or time',
        description: 'Reads the off-chain index (every field narrows the trace), newest first, a page at a time. A person is named by their identity number, which the gateway turns into their pseudonymous subject key; answers carry only the key. `index` says how current the index is: an access recorded after it appears a moment later. Each trail\'s proof comes from the ledger: `GET /api/v1/trails/{trailId}/proof`.',
        body: TrailSearchRequest,
        response: responses({ 200: TrailSearchPage }, [400, 401, 403, 503]),
      },
    }, async (request) => {
      const { subject, pageSize, bookmark, ...filters } = request.body;
      const search = { ...filters, ...(subject ? { subject: toDataSubject(subject, subjectKeys) } : {}) };
      return trailIndex.searchTrails(search, { pageSize: pageSize ?? 50, ...(bookmark ? { bookmark } : {}) }, 'body');
    });

    // POST for the same reason as the search; and it is not idempotent: the manifest's seal is
    // attested on the ledger, so every export is itself on record.
    app.post('/api/v1/audit/bundles', {
      schema: {
        operationId: 'exportAuditBundle',
        tags: ['audit'],
        summary: 'Export a signed audit bundle: every trail a search matches, with its ledger proof, under a sealed manifest, checkable offline (`citytrust audit verify`)',
        description: `Runs the search of \`POST /api/v1/audit/trails/search\` over the off-chain index (every page) and answers one JSON document (${AUDIT_BUNDLE_FORMAT}): each trail with its ledger proof (as \`GET /api/v1/trails/{trailId}/proof\` gives it, its blocks held once in \`blocks\`), and a manifest listing every entry and block with its SM3 digest, the query (a person by their subject key only), the time, the auditor's username and the gateway's department (${config.departments[0]!.mspId}). The manifest's SM3 digest is sealed (SM2, GB/T 32918, default user ID) by that department's seal key and attested on the ledger; the seal carries the key id, the public key (PEM) and the attestation's proof, so the whole bundle is checked offline with \`npx citytrust audit verify <file>\`. With \`openpgpPublicKey\` (the auditor's OpenPGP public key, armored) the answer is that same bundle encrypted to the key, one binary OpenPGP message (\`${ENCRYPTED_AUDIT_BUNDLE_MEDIA_TYPE}\`, filename \`audit-bundle-<time>.json.pgp\`), sealed and attested exactly as an unencrypted one; \`gpg --decrypt\` opens it, and \`citytrust audit verify --pgp-key <file>\` checks it directly. The key is checked before anything is exported. At most ${config.auditBundleMaxTrails} trails (\`GATEWAY_AUDIT_BUNDLE_MAX_TRAILS\`, default and most ${MAX_AUDIT_BUNDLE_TRAILS}): a search matching more is a 400 asking to narrow it. 409 when the department has no active seal key.`,
        body: AuditBundleRequest,
        response: { ...responses({}, [400, 401, 403, 409, 503]), 200: AuditBundleAnswer },
      },
    }, async (request, reply) => {
      const { subject, openpgpPublicKey, ...filters } = request.body;
      // Read before the export: a bundle sealed on the ledger must not then fail to encrypt.
      const recipient = openpgpPublicKey === undefined ? undefined : await readAuditorOpenPgpKey(openpgpPublicKey);
      const search = { ...filters, ...(subject ? { subject: toDataSubject(subject, subjectKeys) } : {}) };
      const bundle = await auditBundles.build({ search, auditor: request.principal!.username });
      // The exact text whose entries the manifest's digests were computed over, encrypted or not.
      const json = JSON.stringify(bundle);
      const filename = `audit-bundle-${bundle.manifest.createdAt.replace(/[:.]/g, '-')}.json`;
      if (recipient === undefined) {
        return reply.type('application/json; charset=utf-8').header('content-disposition', `attachment; filename="${filename}"`).send(Buffer.from(json, 'utf8'));
      }
      return reply
        .type(ENCRYPTED_AUDIT_BUNDLE_MEDIA_TYPE)
        .header('content-disposition', `attachment; filename="${filename}.pgp"`)
        .send(Buffer.from(await encryptAuditBundle(json, recipient)));
    });

    app.get('/api/v1/audit/anomalies', {
      schema: {
        operationId: 'getAnomalyReport',
        tags: ['audit'],
        summary: 'The anomaly report: bulk pulls, accesses outside an authorization\'s window or scope, revocations right after use, repeated refusals',
        description: `Runs the anomaly rules (${ANOMALY_RULES.join(', ')}) over the off-chain index for a period, with the parameters given or their defaults. Each finding names its rule, the department (and officer), the trails involved with their transactions and blocks, and why. The gateway README's "Anomaly rules" section documents each rule.`,
        querystring: AnomalyQuery,
        response: responses({ 200: AnomalyReportView }, [400, 401, 403, 503]),
      },
    }, async (request) => {
      const q = request.query;
      const until = q.until ?? new Date().toISOString();
      const from = q.from ?? new Date(Date.parse(until) - DEFAULT_PERIOD_MS).toISOString();
      const d = DEFAULT_ANOMALY_PARAMETERS;
      const effective: Omit<AnomalyParameters, 'from' | 'until'> & { rules: readonly AnomalyRule[] } = {
        rules: q.rule ? [...new Set(q.rule.split(',') as AnomalyRule[])] : ANOMALY_RULES,
        groupBy: q.groupBy ?? d.groupBy,
        bulkSubjects: Number(q.bulkSubjects ?? d.bulkSubjects),
        bulkWindowMinutes: Number(q.bulkWindowMinutes ?? d.bulkWindowMinutes),
        refusals: Number(q.refusals ?? d.refusals),
        refusalWindowMinutes: Number(q.refusalWindowMinutes ?? d.refusalWindowMinutes),
        revokedWithinMinutes: Number(q.revokedWithinMinutes ?? d.revokedWithinMinutes),
        limit: Number(q.limit ?? d.limit),
        trailsPerFinding: d.trailsPerFinding,
      };
      return { from, until, parameters: effective, ...(await trailIndex.anomalies({ from, until, ...effective }, 'querystring')) };
    });
  };
}
