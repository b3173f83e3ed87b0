import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { currentSession, onSessionChange, setSession } from './api';
import { language, setLanguage, t } from './i18n';
import { explorerViews, matchView } from './views';
import { SignInView } from './views/sign-in-view';

function currentRoute(): string {
  return location.hash.replace(/^#/, '') || '/network';
}

/** The shell: menu, language switch, session, and the view the hash names. */
function App() {
  const [route, setRoute] = useState(currentRoute());
  const [, setLanguageState] = useState(language());
  const [session, setSessionState] = useState(currentSession());
  useEffect(() => {
    const onHash = () => {
      setRoute(currentRoute());
      document.getElementById('main')?.focus();
    };
    addEventListener('hashchange', onHash);
    const stop = onSessionChange(() => setSessionState(currentSession()));
    return () => {
      removeEventListener('hashchange', onHash);
      stop();
    };
  }, []);
  const switchLanguage = () => {
    const next = language() === 'zh' ? 'en' : 'zh';
    setLanguage(next);
    setLanguageState(next);
    document.title = t('appTitle');
  };
  const matched = matchView(route);
  const visible = (roles: 'anyone' | 'signed-in' | readonly string[]) => roles === 'anyone' || (session !== undefined && (roles === 'signed-in' || roles.includes(session.user.role)));
  let content;
  if (!matched) content = <div class="problem" role="alert"><strong>{t('unknownPage')}</strong> <code>{route}</code></div>;
  else if (matched.view.signIn && !session) content = <SignInView citizen={false} />;
  else if (!matched.view.gatewayDecides && !visible(matched.view.roles)) content = <div class="problem" role="alert"><strong>{t('forbiddenView')}</strong></div>;
  else content = matched.view.render(matched.params);
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>{t('skipToContent')}</a>
      <header>
        <a class="brand" href="#/network">{t('appTitle')}</a>
        <nav aria-label="main">
          {explorerViews.filter((v) => v.nav && visible(v.roles)).map((v) => (
            <a key={v.path} href={`#${v.path}`} aria-current={route.startsWith(v.path) ? 'page' : undefined}>{t(v.nav!)}</a>
          ))}
          {session ? null : <a href="#/login">{t('navSignIn')}</a>}
        </nav>
        <div class="session">
          {session ? <><span>{t('signedInAs')} <strong data-testid="user">{session.user.username}</strong></span> <button type="button" onClick={() => setSession(undefined)}>{t('signOut')}</button></> : null}
          <button type="button" onClick={switchLanguage} lang={language() === 'zh' ? 'en' : 'zh-CN'} data-testid="language">{t('language')}</button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>{content}</main>
    </>
  );
}

setLanguage(language());
document.title = t('appTitle');
render(<App />, document.getElementById('app')!);
