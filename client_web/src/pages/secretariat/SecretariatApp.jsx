// The secretariat console: sessions, the agenda editor, attendance, members, QR cards.
import { useState } from 'preact/hooks';
import { AuthGate } from '../../components/auth.jsx';
import { MeetingList } from '../../components/meeting.jsx';
import { hasDocuments } from '../../lib/meetingState.js';
import { Button, ConnectionBanner, DateTimeFields, Dialog, ErrorText, Field, Icon, Loading, TopBar } from '../../components/ui.jsx';
import { call } from '../../lib/api.js';
import { vnToIso } from '../../lib/format.js';
import { useAction, useLoad } from '../../lib/hooks.js';
import { t, useLang } from '../../lib/i18n.js';
import { navigate, useRoute } from '../../lib/router.js';
import { useMeeting } from '../../lib/useMeeting.js';
import { AgendaEditor } from './AgendaEditor.jsx';
import { AttendanceTab } from './AttendanceTab.jsx';
import { DocumentsTab } from './DocumentsTab.jsx';
import { DevicesTab, MembersTab } from './PeopleTabs.jsx';

const SECRETARIAT_ROLES = ['secretary', 'admin'];

export function SecretariatApp() {
  useLang();
  return (
    <AuthGate appName={t('secretariat.app_name')} allow={(u) => u.roles.some((r) => SECRETARIAT_ROLES.includes(r))}>
      {(user, logout) => <Routes user={user} logout={logout} />}
    </AuthGate>
  );
}

function Routes({ user, logout }) {
  const path = useRoute();
  const meetingId = path[0] === 'm' ? Number(path[1]) : null;
  if (meetingId) {
    return <MeetingConsole key={meetingId} meetingId={meetingId} tab={path[2] || 'agenda'} user={user} logout={logout} />;
  }
  return (
    <div class="page console">
      <TopBar title={t('secretariat.app_name')} subtitle={t('secretariat.subtitle')} user={user} onLogout={logout} />
      <main class="container" id="main">
        <SessionsHome />
      </main>
    </div>
  );
}

function SessionsHome() {
  const [creating, setCreating] = useState(false);
  return (
    <>
      <MeetingList
        onOpen={(m) => navigate(`m/${m.id}/agenda`)}
        heading={t('secretariat.sessions')}
        extra={
          <div class="toolbar">
            <Button kind="primary" size="lg" onClick={() => setCreating(true)}>
              <Icon name="plus" />
              {t('secretariat.new_session')}
            </Button>
          </div>
        }
      />
      <CreateSession open={creating} onClose={() => setCreating(false)} />
    </>
  );
}

function CreateSession({ open, onClose }) {
  useLang();
  const councils = useLoad(() => call('listCouncils'), []);
  const empty = { date: '', time: '' };
  const [form, setForm] = useState({ title: '', location: '', starts: empty, ends: empty, council: '' });
  const [run, busy, error, setError] = useAction();
  const set = (key) => (e) => setForm({ ...form, [key]: e.currentTarget.value });
  const list = councils.data?.councils || [];
  const councilId = Number(form.council) || list[0]?.id;
  const submit = async (e) => {
    e.preventDefault();
    const startsAt = vnToIso(form.starts.date, form.starts.time);
    const endsAt = vnToIso(form.ends.date, form.ends.time);
    if (!form.title.trim() || !startsAt || !endsAt) {
      setError({ message: t(startsAt === undefined || endsAt === undefined ? 'datetime.invalid' : 'secretariat.fill_session') });
      return;
    }
    const created = await run(() =>
      call('createMeeting', {
        body: {
          council_id: councilId,
          title: form.title.trim(),
          location: form.location.trim() || null,
          starts_at: startsAt,
          ends_at: endsAt,
          status: 'scheduled',
        },
      }),
    );
    if (created) {
      onClose();
      navigate(`m/${created.id}/agenda`);
    }
  };
  return (
    <Dialog open={open} title={t('secretariat.new_session')} onClose={onClose} wide>
      <form onSubmit={submit} class="form-grid">
        {list.length > 1 && (
          <Field label={t('secretariat.council')} id="new-council">
            <select id="new-council" value={councilId} onChange={set('council')}>
              {list.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </Field>
        )}
        <Field label={t('secretariat.session_title')} id="new-title">
          <input id="new-title" value={form.title} onInput={set('title')} />
        </Field>
        <Field label={t('secretariat.location')} id="new-location">
          <input id="new-location" value={form.location} onInput={set('location')} />
        </Field>
        <div class="field-row">
          <DateTimeFields id="new-starts" label={t('secretariat.starts')} value={form.starts} onChange={(v) => setForm({ ...form, starts: v })} hint={t('secretariat.vietnam_time')} />
          <DateTimeFields id="new-ends" label={t('secretariat.ends')} value={form.ends} onChange={(v) => setForm({ ...form, ends: v })} />
        </div>
        <ErrorText error={error} />
        <div class="dialog-actions">
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button kind="primary" type="submit" busy={busy}>
            {t('secretariat.create')}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

const TABS = [
  { id: 'agenda', icon: 'doc' },
  { id: 'attendance', icon: 'people' },
  { id: 'members', icon: 'people' },
  { id: 'devices', icon: 'qr' },
];

function MeetingConsole({ meetingId, tab, user, logout }) {
  useLang();
  const { state, status, error } = useMeeting(meetingId);
  const tabs = hasDocuments(state) ? [...TABS, { id: 'documents', icon: 'doc' }] : TABS;
  return (
    <div class="page console">
      <TopBar title={t('secretariat.app_name')} subtitle={state?.meeting?.title} user={user} onLogout={logout}>
        <Button kind="ghost" onClick={() => navigate('')}>
          <Icon name="left" />
          <span>{t('secretariat.sessions')}</span>
        </Button>
      </TopBar>
      <ConnectionBanner status={status} />
      <nav class="tabs" aria-label={t('secretariat.sections')}>
        {tabs.map((tb) => (
          <a key={tb.id} href={`#/m/${meetingId}/${tb.id}`} class={tab === tb.id ? 'tab is-active' : 'tab'} aria-current={tab === tb.id ? 'page' : undefined}>
            <Icon name={tb.icon} />
            {t(`secretariat.tabs.${tb.id}`)}
          </a>
        ))}
      </nav>
      <main class="container console-main" id="main">
        {error && <ErrorText error={{ message: error.message || t('errors.join_failed') }} />}
        {!error && !state && <Loading label={t('sync.joining')} />}
        {state && !state.me.can_manage && <ErrorText error={{ message: t('secretariat.not_secretary') }} />}
        {state && state.me.can_manage && (
          <>
            {tab === 'agenda' && <AgendaEditor state={state} meetingId={meetingId} />}
            {tab === 'attendance' && <AttendanceTab state={state} meetingId={meetingId} />}
            {tab === 'members' && <MembersTab councilId={state.meeting.council_id} />}
            {tab === 'devices' && <DevicesTab />}
            {tab === 'documents' && <DocumentsTab state={state} meetingId={meetingId} status={status} />}
          </>
        )}
      </main>
    </div>
  );
}

