import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiProblem } from './api';
import { t } from './i18n';

/** What a view shows while it loads, when it fails, and when it has data: never a blank page. */
export type Loaded<T> = { state: 'loading' } | { state: 'failed'; problem: ApiProblem | Error } | { state: 'ready'; value: T };

/** Loads `load()` whenever `key` changes; `reload` runs it again. */
export function useLoaded<T>(load: () => Promise<T>, key: unknown[]): [Loaded<T>, () => void] {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    setLoaded({ state: 'loading' });
    load().then((value) => live && setLoaded({ state: 'ready', value }), (problem: Error) => live && setLoaded({ state: 'failed', problem }));
    return () => {
      live = false;
    };
  }, [...key, round]);
  return [loaded, () => setRound((r) => r + 1)];
}

/** A problem said plainly, with the gateway's code, in a live region so screen readers hear it. */
export function Problem({ problem, retry, title }: { problem: Error; retry?: () => void; title?: string }) {
  const expired = problem instanceof ApiProblem && problem.status === 401;
  return (
    <div class="problem" role="alert">
      <strong>{title ?? (expired ? t('sessionExpired') : problem instanceof ApiProblem && problem.status === 404 ? t('notFound') : problem instanceof ApiProblem && problem.status === 403 ? t('forbiddenView') : t('errorTitle'))}</strong>
      <p>{problem.message}{problem instanceof ApiProblem && problem.code ? <code> ({problem.code})</code> : null}</p>
      {expired ? <a href="#/login">{t('signIn')}</a> : retry ? <button type="button" onClick={retry}>{t('retry')}</button> : null}
    </div>
  );
}

export function Show<T>({ loaded, retry, children }: { loaded: Loaded<T>; retry?: () => void; children: (value: T) => ComponentChildren }) {
  if (loaded.state === 'loading') return <p class="loading" aria-live="polite">{t('loading')}</p>;
  if (loaded.state === 'failed') return <Problem problem={loaded.problem} retry={retry} />;
  return <>{children(loaded.value)}</>;
}

/** A long hash, shortened for lists with the whole value in the title. */
export function Hash({ value }: { value: string }) {
  return <code title={value}>{value.length > 16 ? `${value.slice(0, 8)}…${value.slice(-8)}` : value}</code>;
}
