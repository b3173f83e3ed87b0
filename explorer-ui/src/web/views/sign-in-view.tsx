import { useState } from 'preact/hooks';
import { sm2PrivateKeyFromPem, sm2Sign } from '../../crypto/sm2';
import { api, sessionExpired, setSession, type Session } from '../api';
import { t } from '../i18n';
import { Problem } from '../ui';

/** Staff sign in with a password; citizens with their SM2 key, which signs the gateway's challenge here in the page. */
export function SignInView({ citizen }: { citizen: boolean }) {
  return (
    <>
      {sessionExpired() ? <p class="problem" role="alert">{t('sessionExpired')}</p> : null}
      {citizen ? <CitizenSignIn /> : <StaffSignIn />}
    </>
  );
}

function StaffSignIn() {
  const [problem, setProblem] = useState<Error | undefined>();
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    setProblem(undefined);
    try {
      setSession(await api<Session>('POST', '/api/v1/auth/login', { username: form.get('username'), password: form.get('password') }));
      location.hash = '#/network';
    } catch (error) {
      setProblem(error as Error);
    }
  };
  return (
    <section class="narrow">
      <h1>{t('staffSignIn')}</h1>
      <form onSubmit={submit}>
        <label>{t('username')}<input name="username" autocomplete="username" required /></label>
        <label>{t('password')}<input name="password" type="password" autocomplete="current-password" required /></label>
        <button type="submit">{t('signIn')}</button>
      </form>
      {problem ? <Problem problem={problem} /> : null}
      <p><a href="#/citizen">{t('citizenSignIn')}</a></p>
    </section>
  );
}

function CitizenSignIn() {
  const [problem, setProblem] = useState<Error | undefined>();
  const [keyText, setKeyText] = useState('');
  const readFile = async (event: Event) => {
    const file = (event.target as HTMLInputElement).files?.[0];
    if (file) setKeyText(await file.text());
  };
  const submit = async (event: Event) => {
    event.preventDefault();
    const username = String(new FormData(event.target as HTMLFormElement).get('username'));
    setProblem(undefined);
    try {
      const key = sm2PrivateKeyFromPem(keyText);
      const challenge = await api<{ challengeId: string; challenge: string }>('POST', '/api/v1/auth/citizen/challenge', { username });
      const signature = sm2Sign(key, new TextEncoder().encode(challenge.challenge));
      setSession(await api<Session>('POST', '/api/v1/auth/citizen/login', { challengeId: challenge.challengeId, signature: btoa(String.fromCharCode(...signature)) }));
      setKeyText('');
    } catch (error) {
      setProblem(error as Error);
    }
  };
  return (
    <section class="narrow">
      <h1>{t('citizenSignIn')}</h1>
      <p class="muted">{t('keyStaysHere')}</p>
      <form onSubmit={submit}>
        <label>{t('username')}<input name="username" autocomplete="username" required /></label>
        <label>{t('privateKey')}<textarea name="key" rows={5} value={keyText} onInput={(e) => setKeyText((e.target as HTMLTextAreaElement).value)} spellcheck={false} required /></label>
        <label>{t('chooseKeyFile')}<input type="file" accept=".pem,.key,text/plain" onChange={readFile} /></label>
        <button type="submit">{t('signIn')}</button>
      </form>
      {problem ? <Problem problem={problem} /> : null}
    </section>
  );
}
