// The chair console: drive the agenda, watch attendance and quorum, run the speakers' queue.
import { useEffect, useState } from 'preact/hooks';
import { AuthGate } from '../../components/auth.jsx';
import {
  AgendaList,
  QuorumSummary,
  SpeakingTime,
  attendanceStateLabel,
  currentItem,
  MeetingList,
  speakerKind,
  splitSpeakers,
} from '../../components/meeting.jsx';
import { Badge, Button, Card, ConnectionBanner, ErrorText, Icon, Loading, TopBar } from '../../components/ui.jsx';
import { call } from '../../lib/api.js';
import { formatDuration, formatTime } from '../../lib/format.js';
import { useAction } from '../../lib/hooks.js';
import { t, useLang } from '../../lib/i18n.js';
import { useMeetingMessages } from '../../lib/notices.js';
import { navigate, useRoute } from '../../lib/router.js';
import { useMeeting } from '../../lib/useMeeting.js';
import { motionNotice, Motions } from './Motions.jsx';

const CHAIR_ROLES = ['chair', 'secretary', 'admin'];

export function ChairApp() {
  useLang();
  return (
    <AuthGate appName={t('chair.app_name')} allow={(u) => u.roles.some((r) => CHAIR_ROLES.includes(r))}>
      {(user, logout) => <Routes user={user} logout={logout} />}
    </AuthGate>
  );
}

function Routes({ user, logout }) {
  const path = useRoute();
  const meetingId = path[0] === 'm' ? Number(path[1]) : null;
  if (meetingId) return <ChairConsole key={meetingId} meetingId={meetingId} user={user} logout={logout} />;
  return (
    <div class="page console">
      <TopBar title={t('chair.app_name')} subtitle={t('chair.subtitle')} user={user} onLogout={logout} />
      <main class="container" id="main">
        <MeetingList onOpen={(m) => navigate(`m/${m.id}`)} heading={t('chair.choose_session')} />
      </main>
    </div>
  );
}

function ChairConsole({ meetingId, user, logout }) {
  useLang();
  const { state, status, error } = useMeeting(meetingId, { onNotice: motionNotice });
  return (
    <div class="page console">
      <TopBar title={t('chair.app_name')} subtitle={state?.meeting?.title} user={user} onLogout={logout}>
        <Button kind="ghost" onClick={() => navigate('')}>
          <Icon name="left" />
          <span>{t('tablet.all_sessions')}</span>
        </Button>
      </TopBar>
      <ConnectionBanner status={status} />
      <main class="container console-main" id="main">
        {error && <ErrorText error={{ message: error.message || t('errors.join_failed') }} />}
        {!error && !state && <Loading label={t('sync.joining')} />}
        {state && !state.me.can_chair && <ErrorText error={{ message: t('chair.not_chair') }} />}
        {state && state.me.can_chair && <ElectorateChanges initial={state.electorate} />}
        {state && state.me.can_chair && (
          <div class="chair-grid">
            <div class="chair-col" role="region" tabIndex={0} aria-label={t('agenda.title')}>
              <AgendaPanel state={state} meetingId={meetingId} />
            </div>
            <div class="chair-col" role="region" tabIndex={0} aria-label={t('chair.floor_and_attendance')}>
              <SpeakersPanel state={state} meetingId={meetingId} />
              <Motions state={state} meetingId={meetingId} />
              <AttendancePanel state={state} />
            </div>
          </div>
        )}
      </main>
    </div>
  );
}

/** What changed in the list of delegates while the session is in progress (the electorate
 * is frozen: only the administrator can change it, and the chair must see every change). */
function ElectorateChanges({ initial }) {
  useLang();
  const [changes, setChanges] = useState(initial?.changes || []);
  useEffect(() => setChanges(initial?.changes || []), [initial]);
  useMeetingMessages((name, data) => {
    if (name === 'electorate.changed') setChanges((list) => [...list, { ...data, at: new Date().toISOString() }]);
  });
  if (!changes.length) return null;
  const describe = (c) => {
    const before = c.before || {};
    const after = c.after || {};
    const was = Boolean(before.active && before.is_member);
    const is = Boolean(after.active && after.is_member);
    if (!was && is) return t('chair.electorate_added', { name: c.full_name, seat: after.seat ?? '–' });
    if (was && !is) return t('chair.electorate_removed', { name: c.full_name });
    return t('chair.electorate_seat', { name: c.full_name, before: before.seat ?? '–', after: after.seat ?? '–' });
  };
  return (
    <div class="notice notice-warning" role="alert" id="electorate-changes">
      <strong>{t('chair.electorate_title')}</strong>
      <ul>
        {changes.map((c, n) => (
          <li key={n}>
            {describe(c)} <span class="muted-text">{t('chair.electorate_at', { time: formatTime(c.at) })}</span>
          </li>
        ))}
      </ul>
      <p class="muted-text">{t('chair.electorate_note')}</p>
    </div>
  );
}

function AgendaPanel({ state, meetingId }) {
  useLang();
  const [run, busy, error] = useAction();
  const closed = state.meeting.status === 'closed';
  const makeCurrent = (id) => run(() => call('setCurrentAgendaItem', { params: { meeting_id: meetingId }, body: { agenda_item_id: id } }));
  return (
    <Card
      title={t('agenda.title')}
      icon="doc"
      id="chair-agenda"
      class="chair-agenda"
      actions={
        state.current_agenda_item_id && !closed ? (
          <Button busy={busy} onClick={() => makeCurrent(null)}>
            {t('chair.between_items')}
          </Button>
        ) : null
      }
    >
      <ErrorText error={error} />
      <AgendaList
        agenda={state.agenda}
        compact
        labelledBy="chair-agenda-title"
        actions={(item) =>
          closed ? null : (
            <>
              {!item.is_current && (
                <Button kind="primary" busy={busy} onClick={() => makeCurrent(item.id)} aria-label={t('chair.make_current_named', { number: item.number })}>
                  {t('chair.make_current')}
                </Button>
              )}
              <Button
                busy={busy}
                onClick={() => run(() => call('updateAgendaItem', { params: { agenda_item_id: item.id }, body: { done: item.status !== 'done' } }))}
                aria-label={t(item.status === 'done' ? 'chair.reopen_named' : 'chair.mark_done_named', { number: item.number })}
              >
                {item.status === 'done' ? t('chair.reopen') : t('chair.mark_done')}
              </Button>
            </>
          )
        }
      />
    </Card>
  );
}

function SpeakersPanel({ state, meetingId }) {
  useLang();
  const [run, busy, error] = useAction();
  const item = currentItem(state);
  const { speaking, waiting, done, loaded } = splitSpeakers(state);
  const allowed = state.meeting.speaking_time_seconds || 300;
  const move = (index, delta) => {
    const ids = waiting.map((s) => s.id);
    const [moved] = ids.splice(index, 1);
    ids.splice(index + delta, 0, moved);
    return run(() => call('reorderSpeakers', { params: { meeting_id: meetingId }, body: { speaker_ids: ids } }));
  };
  return (
    <Card title={t('speakers.title')} icon="mic" id="chair-speakers" class="chair-speakers">
      {!item && <p class="muted-text">{t('chair.no_current')}</p>}
      {item && (
        <p class="chair-item">
          <span class="now-number">{item.number}</span> {item.title}
        </p>
      )}
      {item && !loaded && <Loading />}
      {item && loaded && (
        <>
          <div class="floor">
            <p class="eyebrow">{t('speakers.has_floor')}</p>
            {speaking ? (
              <div class="floor-speaker">
                <p class="floor-name">{speaking.full_name}</p>
                <p class="floor-kind">{speakerKind(speaking)}</p>
                <SpeakingTime speaker={speaking} allowed={allowed} large />
                <Button kind="danger" size="lg" busy={busy} onClick={() => run(() => call('endFloor', { params: { speaker_id: speaking.id }, body: {} }))}>
                  {t('chair.end_floor')}
                </Button>
              </div>
            ) : (
              <p class="muted-text">{t('speakers.nobody')}</p>
            )}
          </div>
          <div class="queue">
            <p class="eyebrow">
              {t('chair.waiting')} ({waiting.length})
            </p>
            {waiting.length === 0 && <p class="muted-text">{t('speakers.queue_empty')}</p>}
            <ol class="queue-list chair-queue">
              {waiting.map((s, index) => (
                <li key={s.id}>
                  <span class="queue-pos">{index + 1}</span>
                  <span class="queue-name">
                    {s.full_name}
                    <span class="queue-kind">{speakerKind(s)}</span>
                  </span>
                  <span class="queue-buttons">
                    <Button kind="primary" busy={busy} onClick={() => run(() => call('giveFloor', { params: { speaker_id: s.id }, body: {} }))} aria-label={t('chair.give_floor_named', { name: s.full_name })}>
                      {t('chair.give_floor')}
                    </Button>
                    <Button class="icon-only" disabled={index === 0 || busy} onClick={() => move(index, -1)} aria-label={t('chair.move_up', { name: s.full_name })}>
                      <Icon name="up" />
                    </Button>
                    <Button class="icon-only" disabled={index === waiting.length - 1 || busy} onClick={() => move(index, 1)} aria-label={t('chair.move_down', { name: s.full_name })}>
                      <Icon name="down" />
                    </Button>
                    <Button class="icon-only" busy={busy} onClick={() => run(() => call('withdrawSpeaker', { params: { speaker_id: s.id }, body: {} }))} aria-label={t('chair.remove', { name: s.full_name })}>
                      <Icon name="close" />
                    </Button>
                  </span>
                </li>
              ))}
            </ol>
          </div>
          {done.length > 0 && (
            <div class="queue">
              <p class="eyebrow">{t('chair.spoken')}</p>
              <ul class="queue-list is-done">
                {done.map((s) => (
                  <li key={s.id}>
                    <span class="queue-name">{s.full_name}</span>
                    <span class="queue-kind">{formatDuration(s.spoken_seconds || 0)}</span>
                  </li>
                ))}
              </ul>
            </div>
          )}
        </>
      )}
      <ErrorText error={error} />
    </Card>
  );
}

function AttendancePanel({ state }) {
  useLang();
  const a = state.attendance;
  const order = ['present', 'online', 'excused', 'absent', 'not_checked_in'];
  return (
    <Card title={t('attendance.title')} icon="people" id="chair-attendance" class="chair-attendance">
      <QuorumSummary attendance={a} />
      <ul class="count-list">
        {order
          .filter((k) => k !== 'online' || state.meeting.online_attendance)
          .map((k) => (
            <li key={k}>
              <span class={`dot state-${k}`} aria-hidden="true" />
              <span>{attendanceStateLabel(k)}</span>
              <strong>{a.counts?.[k] ?? 0}</strong>
            </li>
          ))}
      </ul>
      <details class="member-details">
        <summary>{t('chair.each_member')}</summary>
      <ul class="member-states" aria-label={t('attendance.members_list')} tabIndex={0}>
        {a.entries.map((e) => (
          <li key={e.user_id} class={`state-${e.state}`}>
            <span class="member-seat">{e.seat ?? ''}</span>
            <span class="member-name">{e.full_name}</span>
            <Badge tone={e.state === 'present' || e.state === 'online' ? 'ok' : e.state === 'not_checked_in' ? 'neutral' : 'warn'}>
              {attendanceStateLabel(e.state)}
            </Badge>
          </li>
        ))}
      </ul>
      </details>
    </Card>
  );
}
