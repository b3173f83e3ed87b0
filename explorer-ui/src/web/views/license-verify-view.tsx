import { useState } from 'preact/hooks';
import { api, ApiProblem } from '../api';
import { formatTime, t, type MessageKey } from '../i18n';
import { Hash, Problem } from '../ui';

/** What the gateway's `POST /api/v1/licenses/verify` answers (the fields this page shows). */
export interface LicenseRecord {
  identifier: string; typeCode: string; validFrom: string; validUntil: string | null; issuedAt: string;
  holder: { kind: 'enterprise'; uscc: string } | { kind: 'person'; subjectKey: string };
  issuer: { department: string; uscc: string };
  status: string; supersededBy?: string; supersedes?: string;
  lastChange?: StatusChange;
}
interface StatusChange { from: string; to: string; reason: string; by: string; at: string; transactionId: string }
interface Verification {
  valid: boolean; status: LicenseStatus; statusChange?: StatusChange; checkedAt: string; license: LicenseRecord;
  issuerKey: { keyId: string; department: string; status: string };
  checked: { qrSignature: boolean; document: boolean; annotatedCopy: boolean };
}
export type LicenseStatus = 'valid' | 'suspended' | 'changed' | 'revoked' | 'cancelled' | 'expired';

/** An identifier typed instead of a QR text: GB/T 36904's OID arc for e-licenses. */
const identifierPattern = /^1\.2\.156\.3005\.2\./;

/**
 * 亮证验证: anyone, without signing in, checks an e-license by the text of its QR code or a picture
 * of it (read in the browser), and is told in plain words whether it is valid now, and if not, why:
 * the move, who made it and its reason, or which check a forged or altered code failed.
 */
export function LicenseVerifyView() {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState<string | undefined>();
  const [note, setNote] = useState<string | undefined>();
  const [result, setResult] = useState<Verification | undefined>();
  const [problem, setProblem] = useState<Error | undefined>();

  const verify = async (payload: string) => {
    setResult(undefined);
    setProblem(undefined);
    const trimmed = payload.trim();
    if (!trimmed) {
      setProblem(new Error(t('enterQrText')));
      return;
    }
    setBusy(t('loading'));
    try {
      setResult(await api<Verification>('POST', '/api/v1/licenses/verify', identifierPattern.test(trimmed) ? { identifier: trimmed } : { qr: trimmed }));
    } catch (error) {
      setProblem(error as Error);
    } finally {
      setBusy(undefined);
    }
  };
  const readImage = async (file: File | undefined) => {
    if (!file) return;
    setResult(undefined);
    setProblem(undefined);
    setNote(undefined);
    setBusy(t('readingImage'));
    let read: string;
    try {
      const { readQrFromImage } = await import('../qr-image');
      read = await readQrFromImage(file);
    } catch (error) {
      const name = (error as Error).name;
      setProblem(new Error(name === 'NoQrFoundError' ? t('noQrInImage') : name === 'ImageUnreadableError' ? t('imageUnreadable') : (error as Error).message));
      setBusy(undefined);
      return;
    }
    setText(read);
    setNote(t('qrRead'));
    await verify(read);
  };
  return (
    <section aria-labelledby="verify-title" class="narrow-page">
      <h1 id="verify-title">{t('verifyLicenseTitle')}</h1>
      <p class="muted">{t('verifyLicenseHint')}</p>
      <form onSubmit={(e) => { e.preventDefault(); void verify(text); }} data-testid="verify-license">
        <label>{t('qrText')}<textarea name="qr" rows={4} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} spellcheck={false} autocomplete="off" /></label>
        <label>{t('chooseQrImage')}<input type="file" name="image" accept="image/*" onChange={(e) => readImage((e.target as HTMLInputElement).files?.[0])} /></label>
        <button type="submit" disabled={busy !== undefined}>{t('verify')}</button>
      </form>
      {busy ? <p class="loading" aria-live="polite">{busy}</p> : null}
      {note && !busy ? <p class="muted" role="status">{note}</p> : null}
      {problem ? <VerifyProblem problem={problem} /> : null}
      {result ? <VerificationResult result={result} /> : null}
    </section>
  );
}

/** A refusal said in plain words first, then the gateway's own message and code. */
function VerifyProblem({ problem }: { problem: Error }) {
  if (!(problem instanceof ApiProblem) || problem.status === 0 || problem.status >= 500) return <Problem problem={problem} />;
  const check = typeof problem.details.check === 'string' ? problem.details.check : '';
  const title: MessageKey = problem.status === 404 ? 'unknown_license_title' : problem.status === 422 ? 'refused_title' : 'unreadable_title';
  const plain = problem.status === 422 ? refusalText(check) : undefined;
  return (
    <div class="problem verdict-box" role="alert" data-testid="verify-problem" data-check={check || problem.code}>
      <strong>✗ {t(title)}</strong>
      {plain ? <p>{t(plain)}</p> : null}
      <p><small>{t('gatewayMessage')}:</small> {problem.message} <code>({check || problem.code})</code></p>
    </div>
  );
}

function refusalText(check: string): MessageKey {
  if (check === 'bad_signature' || check === 'unknown_key' || check === 'key_revoked' || check === 'document_mismatch') return `refusal_${check}`;
  return 'refusal_other';
}

function VerificationResult({ result }: { result: Verification }) {
  const { license, statusChange } = result;
  return (
    <div class={`verdict ${result.valid ? 'good' : 'stopped'}`} role="status" data-testid="license-verdict" data-status={result.status}>
      <p class="verdict-head"><strong>{result.valid ? '✓' : '✗'} {t(`verdict_${result.status}`)}</strong></p>
      <p>{t(`explain_${result.status}`)}</p>
      <dl class="facts">
        {statusChange && !result.valid ? (
          <>
            <dt>{t('whyNotValid')}</dt><dd data-testid="status-reason">{statusChange.reason}</dd>
            <dt>{t('changedBy')}</dt><dd>{statusChange.by}</dd>
            <dt>{t('changedAt')}</dt><dd>{formatTime(statusChange.at)}</dd>
          </>
        ) : null}
        {license.supersededBy ? <><dt>{t('newVersion')}</dt><dd><code class="break">{license.supersededBy}</code></dd></> : null}
        <dt>{t('licenseIdentifier')}</dt><dd><code class="break" data-testid="license-identifier">{license.identifier}</code></dd>
        <dt>{t('licenseType')}</dt><dd><code>{license.typeCode}</code></dd>
        <dt>{t('holder')}</dt><dd>{license.holder.kind === 'enterprise' ? <>{t('holderEnterprise')} <code>{license.holder.uscc}</code></> : t('holderPerson')}</dd>
        <dt>{t('issuer')}</dt><dd data-testid="license-issuer">{license.issuer.department} <small>{license.issuer.uscc}</small></dd>
        <dt>{t('issuedAt')}</dt><dd>{formatTime(license.issuedAt)}</dd>
        <dt>{t('validity')}</dt><dd>{license.validFrom} – {license.validUntil ?? t('noExpiry')}</dd>
        <dt>{t('sealCheck')}</dt>
        <dd data-testid="seal-check" class={result.checked.qrSignature ? 'ok' : 'muted'}>{result.checked.qrSignature ? `✓ ${t('qrSealChecked')}` : t('qrNotPresented')}</dd>
        <dt>{t('issuerKey')}</dt><dd>{result.issuerKey.department} <Hash value={result.issuerKey.keyId} /> · {t('keyStatus')}: {result.issuerKey.status}</dd>
        <dt>{t('checkedAt')}</dt><dd>{formatTime(result.checkedAt)}</dd>
      </dl>
      <p><a href={`#/licenses/${encodeURIComponent(license.identifier)}`}>{t('openTimeline')}</a></p>
    </div>
  );
}
