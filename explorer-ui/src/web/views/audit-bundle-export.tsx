import { useState } from 'preact/hooks';
import { ApiProblem, apiDocument } from '../api';
import { t } from '../i18n';
import { Problem } from '../ui';

/** What the page reads of a `citytrust-audit-bundle/1` document to say what was saved. */
interface SavedBundle {
  fileName: string;
  entries: number;
  keyId: string;
  department: string;
}

type ExportState = { state: 'idle' } | { state: 'working' } | { state: 'saved'; bundle: SavedBundle } | { state: 'failed'; problem: Error };

/**
 * Exports the auditor's current search as a signed audit bundle (`POST /api/v1/audit/bundles`)
 * and hands it to the browser as a file. The bundle is fetched with the session's token, so it
 * cannot be a plain link; the filters, subject included, go in the POST body only. The file is
 * the gateway's text as sent, so what is saved is exactly what the seal covers.
 */
export function AuditBundleExport({ search }: { search: Record<string, unknown> }) {
  const [exported, setExported] = useState<ExportState>({ state: 'idle' });
  const exportBundle = async () => {
    setExported({ state: 'working' });
    try {
      const { text, fileName } = await apiDocument('/api/v1/audit/bundles', search);
      const bundle = JSON.parse(text) as { manifest: { entries: unknown[] }; seal: { keyId: string; department: string } };
      const saved: SavedBundle = { fileName: fileName ?? 'audit-bundle.json', entries: bundle.manifest.entries.length, keyId: bundle.seal.keyId, department: bundle.seal.department };
      const link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
      link.download = saved.fileName;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
      setExported({ state: 'saved', bundle: saved });
    } catch (error) {
      setExported({ state: 'failed', problem: error as Error });
    }
  };
  return (
    <div class="panel" data-testid="bundle-export" role="region" aria-label={t('exportBundle')}>
      <div class="actions">
        <button type="button" onClick={exportBundle} disabled={exported.state === 'working'}>{t('exportBundle')}</button>
      </div>
      <div aria-live="polite">
        {exported.state === 'working' ? <p class="loading" data-testid="bundle-progress">{t('exportingBundle')}</p> : null}
        {exported.state === 'saved' ? <SavedNote bundle={exported.bundle} /> : null}
      </div>
      {exported.state === 'failed' ? <Problem problem={exported.problem} title={failureTitle(exported.problem)} /> : null}
    </div>
  );
}

/** The gateway's two refusals an auditor can act on get their own words; anything else is the usual problem. */
function failureTitle(problem: Error): string | undefined {
  if (!(problem instanceof ApiProblem)) return undefined;
  if (problem.status === 400 && problem.details.limit !== undefined) return t('bundleTooLarge').replace('{n}', String(problem.details.limit));
  if (problem.status === 409) return t('bundleNoSealKey');
  return undefined;
}

/** What was saved, under which key, and how anyone checks it without the gateway. */
function SavedNote({ bundle }: { bundle: SavedBundle }) {
  return (
    <div data-testid="bundle-saved">
      <p>{t('bundleSaved').replace('{file}', bundle.fileName).replace('{n}', String(bundle.entries))}</p>
      <dl class="facts">
        <dt>{t('sealKeyId')}</dt><dd><code class="break" data-testid="bundle-key-id">{bundle.keyId}</code> ({bundle.department})</dd>
        <dt>{t('verifyOffline')}</dt><dd><code class="break">npx citytrust audit verify {bundle.fileName}</code></dd>
      </dl>
    </div>
  );
}
