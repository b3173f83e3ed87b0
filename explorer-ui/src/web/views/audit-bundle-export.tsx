import { useState } from 'preact/hooks';
import { ApiProblem, apiDocument } from '../api';
import { t } from '../i18n';
import { Problem } from '../ui';

/**
 * What the page says was saved: of a plain `citytrust-audit-bundle/1` document, what it holds and
 * under which seal; of one encrypted to the auditor's OpenPGP key, only that (the page cannot read it).
 */
type SavedBundle =
  | { encrypted: false; fileName: string; entries: number; keyId: string; department: string }
  | { encrypted: true; fileName: string };

type ExportState = { state: 'idle' } | { state: 'working' } | { state: 'saved'; bundle: SavedBundle } | { state: 'failed'; problem: Error };

/**
 * Exports the auditor's current search as a signed audit bundle (`POST /api/v1/audit/bundles`)
 * and hands it to the browser as a file. The bundle is fetched with the session's token, so it
 * cannot be a plain link; the filters, subject included, go in the POST body only. The file is
 * the gateway's bytes as sent, so what is saved is exactly what the seal covers.
 *
 * With the auditor's OpenPGP public key pasted, the gateway checks it and encrypts the bundle to
 * it: the page needs no OpenPGP code of its own (none is loaded), and a key the gateway refuses
 * is shown with the gateway's words, which say what to paste instead.
 */
export function AuditBundleExport({ search }: { search: Record<string, unknown> }) {
  const [exported, setExported] = useState<ExportState>({ state: 'idle' });
  const [openpgpPublicKey, setOpenpgpPublicKey] = useState('');
  const exportBundle = async () => {
    setExported({ state: 'working' });
    try {
      const key = openpgpPublicKey.trim();
      const { bytes, mediaType, fileName } = await apiDocument('/api/v1/audit/bundles', key ? { ...search, openpgpPublicKey: key } : search);
      const saved: SavedBundle = mediaType === 'application/json' ? plainBundle(bytes, fileName) : { encrypted: true, fileName: fileName ?? 'audit-bundle.json.pgp' };
      const link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([bytes], { type: mediaType }));
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
      <details>
        <summary>{t('encryptToMyKey')}</summary>
        <label>{t('openpgpPublicKey')}<textarea name="openpgpPublicKey" rows={5} value={openpgpPublicKey} onInput={(e) => setOpenpgpPublicKey((e.target as HTMLTextAreaElement).value)} spellcheck={false} autocomplete="off" placeholder="-----BEGIN PGP PUBLIC KEY BLOCK-----" /></label>
      </details>
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

/** What a plain bundle holds, read from the JSON the gateway sent. */
function plainBundle(bytes: Uint8Array, fileName: string | undefined): SavedBundle {
  const bundle = JSON.parse(new TextDecoder().decode(bytes)) as { manifest: { entries: unknown[] }; seal: { keyId: string; department: string } };
  return { encrypted: false, fileName: fileName ?? 'audit-bundle.json', entries: bundle.manifest.entries.length, keyId: bundle.seal.keyId, department: bundle.seal.department };
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
  if (bundle.encrypted) {
    return (
      <div data-testid="bundle-saved">
        <p>{t('bundleSavedEncrypted').replace('{file}', bundle.fileName)}</p>
        <dl class="facts">
          <dt>{t('verifyOffline')}</dt><dd><code class="break">npx citytrust audit verify {bundle.fileName} --pgp-key my-private-key.asc</code></dd>
          <dt>{t('decryptWithGpg')}</dt><dd><code class="break">gpg --decrypt {bundle.fileName} &gt; audit-bundle.json</code></dd>
        </dl>
      </div>
    );
  }
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
