import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ANOMALY_RULES, DEFAULT_ANOMALY_PARAMETERS, type AnomalyParameters, type AnomalyRule } from '@citytrust/credit-service';
import { responses } from '../schemas';
import type { GatewayServices } from '../services';
import { AnomalyQuery, AnomalyReportView, TrailSearchPage, TrailSearchRequest } from '../audit-schemas';
import { toDataSubject } from './trails';

/** The period the anomaly report examines when the auditor names none. */
const DEFAULT_PERIOD_MS = 7 * 86_400_000;

/**
 * The auditors' side of data sharing (事后可追责): trace share trails by subject, department,
 * officer, item, purpose, authorization, outcome or time, and run the anomaly rules, over the
 * off-chain index. Auditors read everything and change nothing.
 */
export function auditRoutes({ trailIndex, subjectKeys }: GatewayServices): FastifyPluginAsyncTypebox {
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
