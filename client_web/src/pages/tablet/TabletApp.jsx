// The tablet app for delegates and guests: sessions, the agenda live, check-in, speaking.
import { useEffect, useState } from 'preact/hooks';
import { AuthGate } from '../../components/auth.jsx';
import { MeetingList } from '../../components/meeting.jsx';
import { Button, ErrorText, Loading, TopBar } from '../../components/ui.jsx';
import { call } from '../../lib/api.js';
import { t, useLang } from '../../lib/i18n.js';
import { navigate, useRoute } from '../../lib/router.js';
import { DocumentReader } from './reader/Reader.jsx';
import { SessionView } from './SessionView.jsx';

export function TabletApp() {
  useLang();
  return (
    <AuthGate appName={t('app.name')} pairLabel={t('auth.device_label')}>
      {(user, logout) => <Routes user={user} logout={logout} />}
    </AuthGate>
  );
}

function Routes({ user, logout }) {
  const path = useRoute();
  if (path[0] === 'checkin' && path[1] && path[2]) {
    return <CheckInFromQr user={user} logout={logout} meetingId={Number(path[1])} code={path[2]} />;
  }
  if (path[0] === 'm' && Number(path[1])) {
    const meetingId = Number(path[1]);
    if (path[2] === 'documents' && Number(path[3])) {
      return <DocumentReader meetingId={meetingId} documentId={Number(path[3])} user={user} logout={logout} />;
    }
    return <SessionView key={meetingId} meetingId={meetingId} user={user} logout={logout} />;
  }
  return (
    <div class="page">
      <TopBar title={t('app.name')} subtitle={t('tablet.subtitle')} user={user} onLogout={logout} />
      <main class="container" id="main">
        <MeetingList onOpen={(m) => navigate(`m/${m.id}`)} />
      </main>
    </div>
  );
}

/** #/checkin/<meeting_id>/<code>: the QR code of the hall display, scanned by the tablet. */
function CheckInFromQr({ user, logout, meetingId, code }) {
  useLang();
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    call('checkIn', { params: { meeting_id: meetingId }, body: { state: 'present', code } })
      .then(setResult)
      .catch(setError);
  }, [meetingId, code]);
  return (
    <div class="page">
      <TopBar title={t('app.name')} subtitle={t('tablet.subtitle')} user={user} onLogout={logout} />
      <main class="container narrow" id="main">
        <section class="card result-card">
          <h1 class="page-title">{t('checkin.qr_title')}</h1>
          {!result && !error && <Loading label={t('checkin.qr_working')} />}
          {result && (
            <p class="result-ok" role="status">
              {t('checkin.qr_done', { name: result.full_name })}
            </p>
          )}
          <ErrorText error={error} />
          <Button kind="primary" size="lg" onClick={() => navigate(`m/${meetingId}`, { replace: true })}>
            {t('checkin.open_session')}
          </Button>
        </section>
      </main>
    </div>
  );
}
