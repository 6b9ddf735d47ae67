// Who is using this page: the session check, the login form, QR pairing, logout.
import { useEffect, useRef, useState } from 'preact/hooks';
import { call, currentUser, login, logout, onSessionEnded, pairDevice } from '../lib/api.js';
import { hasChosenLang, setLang, t, useLang } from '../lib/i18n.js';
import { currentPath, navigate } from '../lib/router.js';
import { adoptUser, forgetUserData } from '../lib/userData.js';
import { Button, ErrorText, Field, LangSwitch, Loading, whenLanguageChosen } from './ui.jsx';

function adoptLanguage(user) {
  if (user?.language && !hasChosenLang()) setLang(user.language, { remember: false });
}

// The person whose session ended while this page was open (a 401, a refused socket). The
// page still holds what it showed them (images the browser keeps by address, the modules'
// memory): someone else logging in here gets a freshly loaded page.
let endedUserId = null;

/** Should this login reload the page? Yes for anyone but the person whose session ended here. */
function needsFreshPage(user) {
  return endedUserId !== null && user && user.id !== endedUserId;
}

/** Start again from the face's first screen, with nothing of the previous person in memory. */
function reloadPage() {
  history.replaceState(null, '', location.pathname);
  location.reload();
}

/**
 * Renders children(user, logout) once someone allowed here is logged in; otherwise the
 * login form. `#/pair/<token>` logs this device in with a QR pairing token.
 *
 * What the device keeps for a user (lib/userData.js) is theirs only: other users' caches
 * are deleted when someone logs in or the page loads, and every user's when nobody is
 * logged in any more (logout, the server saying there is no session, a 401). A logout
 * reloads the page.
 */
export function AuthGate({ appName, allow, pairLabel, usernameHint, children }) {
  useLang();
  const [user, setUser] = useState(undefined);
  const [error, setError] = useState(null);
  const userRef = useRef(user);
  userRef.current = user;

  // Someone logged in through this page (the form, or a QR card).
  const signedIn = (next) => {
    if (needsFreshPage(next)) {
      reloadPage();
      return;
    }
    endedUserId = null;
    adoptUser(next.id);
    setUser(next);
  };

  useEffect(() => {
    let live = true;
    const path = currentPath();
    const start = async () => {
      try {
        if (path[0] === 'pair' && path[1]) {
          try {
            const paired = await pairDevice(path[1], pairLabel || t('auth.device_label'));
            navigate('', { replace: true });
            // Whether the delegate must confirm this tablet before voting: /api/me tells.
            currentUser().catch(() => {});
            if (live) signedIn(paired);
            return;
          } catch (err) {
            navigate('', { replace: true });
            if (live) setError(err);
          }
        }
        const me = await currentUser();
        // The server answered: with nobody logged in, nothing of anyone stays on the device.
        if (me) adoptUser(me.id);
        else forgetUserData();
        if (live) setUser(me);
      } catch (err) {
        // The server could not be asked (offline): what is kept stays until it can.
        if (live) {
          setError(err);
          setUser(null);
        }
      }
    };
    start();
    const off = onSessionEnded(() => {
      if (userRef.current) endedUserId = userRef.current.id;
      setUser(null);
      forgetUserData();
    });
    return () => {
      live = false;
      off();
    };
  }, []);

  useEffect(() => {
    adoptLanguage(user);
    // A language picked while logged in follows the person to their other devices.
    whenLanguageChosen(user ? (language) => call('updateUser', { params: { user_id: user.id }, body: { language } }).catch(() => {}) : null);
  }, [user]);

  useEffect(() => {
    document.title = appName;
  });

  const doLogout = async () => {
    try {
      await logout();
    } catch {
      // Logged out or not on the server (e.g. no network), this device forgets the person.
    }
    await forgetUserData();
    reloadPage();
  };

  if (user === undefined) return <Loading />;
  if (!user) {
    return <LoginScreen appName={appName} initialError={error} usernameHint={usernameHint} onLogin={signedIn} />;
  }
  if (allow && !allow(user)) {
    return (
      <main class="login-screen">
        <div class="login-card">
          <h1 class="login-title">{appName}</h1>
          <p class="login-lead" role="alert">
            {t('auth.not_allowed', { name: user.full_name })}
          </p>
          <Button kind="primary" size="lg" onClick={doLogout}>
            {t('auth.switch_account')}
          </Button>
        </div>
      </main>
    );
  }
  return children(user, doLogout);
}

function LoginScreen({ appName, onLogin, initialError, usernameHint }) {
  useLang();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(initialError);

  const submit = async (event) => {
    event.preventDefault();
    if (!username.trim() || !password) {
      setError({ message: t('auth.fill_both') });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onLogin(await login(username.trim(), password));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="login-screen">
      <div class="login-lang">
        <LangSwitch />
      </div>
      <form class="login-card" onSubmit={submit} noValidate>
        <div class="login-emblem" aria-hidden="true">
          <svg viewBox="0 0 64 64">
            <rect width="64" height="64" rx="14" />
            <path d="M32 10l5.3 16.3H54L40.4 36.4l5.2 16.3L32 42.6 18.4 52.7l5.2-16.3L10 26.3h16.7z" />
          </svg>
        </div>
        <h1 class="login-title">{appName}</h1>
        <p class="login-lead">{t('auth.lead')}</p>
        <Field label={t('auth.username')} id="login-username" hint={usernameHint}>
          <input
            id="login-username"
            name="username"
            autocomplete="username"
            autocapitalize="none"
            spellcheck={false}
            value={username}
            onInput={(e) => setUsername(e.currentTarget.value)}
          />
        </Field>
        <Field label={t('auth.password')} id="login-password">
          <input
            id="login-password"
            name="password"
            type="password"
            autocomplete="current-password"
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </Field>
        <ErrorText error={error} />
        <Button kind="primary" size="lg" type="submit" busy={busy} class="btn-block">
          {busy ? t('auth.logging_in') : t('auth.login')}
        </Button>
        <p class="login-help">{t('auth.qr_help')}</p>
      </form>
    </main>
  );
}
