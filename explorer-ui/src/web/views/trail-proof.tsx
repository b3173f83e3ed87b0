import { useState } from 'preact/hooks';
import type { ProofReport } from '@citytrust/network-config/dist/proofs/proof-report';
import { api } from '../api';
import { t } from '../i18n';
import { Problem } from '../ui';
import { Report } from './citizen-portal';

/**
 * A share trail's proof, for staff who may read it (auditors): checked here in the browser with
 * the same verifier as `citytrust proof verify`, or saved as a file to check anywhere else.
 */
export function TrailProof({ trailId }: { trailId: string }) {
  const [report, setReport] = useState<ProofReport | undefined>();
  const [problem, setProblem] = useState<Error | undefined>();
  const proof = () => api<unknown>('GET', `/api/v1/trails/${trailId}/proof`);
  const verify = async () => {
    setProblem(undefined);
    try {
      const [{ checkProof }, bundle] = await Promise.all([import('../proof-check'), proof()]);
      setReport(await checkProof(bundle));
    } catch (error) {
      setProblem(error as Error);
    }
  };
  const save = async () => {
    setProblem(undefined);
    try {
      // The proof needs the session's token, so it is fetched and handed over as a file, not linked.
      const link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([JSON.stringify(await proof(), null, 2)], { type: 'application/json' }));
      link.download = `proof-${trailId}.json`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    } catch (error) {
      setProblem(error as Error);
    }
  };
  return (
    <div data-testid="trail-proof">
      <div class="actions">
        <button type="button" onClick={verify}>{t('verifyProof')}</button>
        <button type="button" onClick={save}>{t('saveProof')}</button>
      </div>
      {problem ? <Problem problem={problem} /> : null}
      {report ? <Report report={report} /> : null}
    </div>
  );
}
