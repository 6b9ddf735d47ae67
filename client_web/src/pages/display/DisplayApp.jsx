// The hall display: read-only, readable from the back of the hall, never needs a touch.
// Picks the session under way (or #/m/<id>), follows it live, recovers by itself.
import { useEffect, useState } from 'preact/hooks';
import { AuthGate } from '../../components/auth.jsx';
import { currentItem, kindLabel, SpeakingTime, speakerKind, splitSpeakers } from '../../components/meeting.jsx';
import { QrCode } from '../../components/qr.jsx';
import { Icon } from '../../components/ui.jsx';
import { call } from '../../lib/api.js';
import { formatDate, formatTime, formatWeekday } from '../../lib/format.js';
import { useTick } from '../../lib/hooks.js';
import { t, useLang } from '../../lib/i18n.js';
import { useRoute } from '../../lib/router.js';
import { STATUS } from '../../lib/sync.js';
import { useMeeting } from '../../lib/useMeeting.js';
import { announcedMotion, openMotion } from '../../lib/votes.js';
import { HallVoteInProgress, HallVoteResult } from './HallVote.jsx';

const RETRY_MS = 5000;
// The hall code is for the display account and the people who run the session.
const DISPLAY_ROLES = ['display', 'chair', 'secretary', 'admin'];

export function DisplayApp() {
  useLang();
  return (
    <AuthGate
      appName={t('display.app_name')}
      pairLabel={t('display.device_label')}
      usernameHint={t('display.username_hint')}
      allow={(u) => u.roles.some((r) => DISPLAY_ROLES.includes(r))}
    >
      {() => <ChooseMeeting />}
    </AuthGate>
  );
}

function pickMeeting(meetings) {
  const open = meetings.filter((m) => m.status !== 'closed' && m.status !== 'draft');
  const live = open.find((m) => m.status === 'in_progress');
  if (live) return live.id;
  const upcoming = [...open].sort((a, b) => Date.parse(a.starts_at) - Date.parse(b.starts_at));
  return upcoming[0]?.id || meetings[0]?.id || null;
}

function ChooseMeeting() {
  useLang();
  // The big-screen look (dark, sized by the screen) once logged in; the login stays plain.
  useEffect(() => {
    document.documentElement.classList.add('hall');
    return () => document.documentElement.classList.remove('hall');
  }, []);
  const path = useRoute();
  const pinned = path[0] === 'm' ? Number(path[1]) : null;
  const [chosen, setChosen] = useState(pinned);
  const [none, setNone] = useState(false);
  useEffect(() => {
    if (pinned) {
      setChosen(pinned);
      return undefined;
    }
    let timer;
    let live = true;
    // Look again every minute: a display left on for days moves to the next session by itself.
    const look = async () => {
      try {
        const { meetings } = await call('listMeetings');
        const id = pickMeeting(meetings);
        if (!live) return;
        setChosen(id);
        setNone(!id);
        timer = setTimeout(look, 60000);
      } catch {
        if (live) timer = setTimeout(look, RETRY_MS);
      }
    };
    look();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [pinned]);
  if (none) return <Idle text={t('display.no_session')} />;
  if (!chosen) return <Idle text={t('display.connecting')} />;
  return <Hall key={chosen} meetingId={chosen} />;
}

function Idle({ text }) {
  const now = useTick(1000);
  return (
    <main class="hall-idle">
      <p class="hall-clock">{formatTime(new Date(now))}</p>
      <p class="hall-idle-text">{text}</p>
    </main>
  );
}

function Hall({ meetingId }) {
  useLang();
  const { state, status } = useMeeting(meetingId);
  if (!state) return <Idle text={t('display.connecting')} />;
  const item = currentItem(state);
  const voting = openMotion(state);
  const announced = announcedMotion(state);
  return (
    <main class="hall-screen">
      <HallHeader state={state} />
      <div class="hall-body">
        <div class="hall-main">
          {voting ? (
            <HallVoteInProgress motion={voting} />
          ) : announced ? (
            <HallVoteResult state={state} motion={announced} />
          ) : item ? (
            <CurrentItem state={state} item={item} />
          ) : (
            <AgendaOverview state={state} />
          )}
        </div>
        <aside class="hall-side">
          <Attendance state={state} />
          <CheckInCode meetingId={meetingId} closed={state.meeting.status === 'closed'} />
        </aside>
      </div>
      {status === STATUS.OFFLINE && (
        <p class="hall-offline" role="status">
          <Icon name="wifiOff" /> {t('display.reconnecting')}
        </p>
      )}
    </main>
  );
}

function HallHeader({ state }) {
  const now = useTick(1000);
  return (
    <header class="hall-header">
      <div class="hall-emblem" aria-hidden="true">
        <svg viewBox="0 0 64 64">
          <path d="M32 10l5.3 16.3H54L40.4 36.4l5.2 16.3L32 42.6 18.4 52.7l5.2-16.3L10 26.3h16.7z" />
        </svg>
      </div>
      <div class="hall-titles">
        <p class="hall-council">{state.meeting.council_name}</p>
        <h1 class="hall-session">{state.meeting.title}</h1>
      </div>
      <div class="hall-time">
        <p class="hall-clock">{formatTime(new Date(now))}</p>
        <p class="hall-date">
          {formatWeekday(new Date(now))}, {formatDate(new Date(now))}
        </p>
      </div>
    </header>
  );
}

function CurrentItem({ state, item }) {
  const { speaking, waiting } = splitSpeakers(state);
  const allowed = state.meeting.speaking_time_seconds || 300;
  return (
    <>
      <section class="hall-item" aria-labelledby="hall-item-title">
        <p class="hall-eyebrow">
          <span class="live-dot" aria-hidden="true" /> {t('display.now_discussing')}
        </p>
        <h2 class="hall-item-title" id="hall-item-title">
          <span class="hall-item-number">{item.number}</span>
          {item.title}
        </h2>
        <p class="hall-item-meta">
          {kindLabel(item.kind)}
          {item.presenter ? ` · ${t('display.presented_by', { name: item.presenter })}` : ''}
        </p>
      </section>
      <section class="hall-speakers" aria-label={t('speakers.title')}>
        <div class={`hall-floor${speaking ? '' : ' is-empty'}`}>
          <p class="hall-eyebrow">
            <Icon name="mic" /> {t('speakers.has_floor')}
          </p>
          {speaking ? (
            <>
              <p class="hall-speaker-name">{speaking.full_name}</p>
              <p class="hall-speaker-kind">{speakerKind(speaking)}</p>
              <SpeakingTime speaker={speaking} allowed={allowed} large />
            </>
          ) : (
            <p class="hall-muted">{t('speakers.nobody')}</p>
          )}
        </div>
        <div class="hall-next">
          <p class="hall-eyebrow">{t('speakers.next')}</p>
          {waiting.length === 0 ? (
            <p class="hall-muted">{t('speakers.queue_empty')}</p>
          ) : (
            <ol class="hall-queue">
              {waiting.slice(0, 5).map((s, i) => (
                <li key={s.id}>
                  <span class="hall-queue-pos">{i + 1}</span>
                  <span class="hall-queue-name">{s.full_name}</span>
                </li>
              ))}
              {waiting.length > 5 && <li class="hall-more">{t('display.more_waiting', { count: waiting.length - 5 })}</li>}
            </ol>
          )}
        </div>
      </section>
    </>
  );
}

function AgendaOverview({ state }) {
  const items = state.agenda || [];
  return (
    <section class="hall-agenda" aria-labelledby="hall-agenda-title">
      <p class="hall-eyebrow" id="hall-agenda-title">
        {state.meeting.status === 'closed' ? t('display.session_closed') : t('display.agenda')}
      </p>
      <ol class="hall-agenda-list">
        {items.map((i) => (
          <li key={i.id} class={`level-${Math.min(i.depth - 1, 2)}${i.status === 'done' ? ' is-done' : ''}${i.has_children ? ' is-section' : ''}`}>
            <span class="hall-agenda-number">{i.number}</span>
            <span class="hall-agenda-title">{i.title}</span>
            {i.status === 'done' && <Icon name="check" label={t('agenda.done')} />}
          </li>
        ))}
      </ol>
    </section>
  );
}

function Attendance({ state }) {
  const a = state.attendance;
  if (!a) return null;
  return (
    <section class="hall-attendance" aria-labelledby="hall-attendance-title">
      <p class="hall-eyebrow" id="hall-attendance-title">
        {t('attendance.title')}
      </p>
      <p class="hall-count">
        <span class="hall-present">{a.present}</span>
        <span class="hall-members">/{a.members}</span>
      </p>
      <p class="hall-count-label">{t('attendance.present_of_members')}</p>
      <p class={`hall-quorum ${a.quorum.reached ? 'is-reached' : 'is-missing'}`}>
        {a.quorum.reached ? t('display.quorum_reached') : t('display.quorum_missing', { required: a.quorum.required })}
      </p>
    </section>
  );
}

/** The check-in QR code, renewed as the server's code changes (every 30 s). */
function CheckInCode({ meetingId, closed }) {
  const [hall, setHall] = useState(null);
  const [fetchedAt, setFetchedAt] = useState(0);
  useTick(1000, Boolean(hall));
  useEffect(() => {
    if (closed) return undefined;
    let timer;
    let live = true;
    const load = async () => {
      try {
        const answer = await call('getHallCode', { params: { meeting_id: meetingId } });
        if (!live) return;
        setHall(answer);
        setFetchedAt(Date.now());
        timer = setTimeout(load, Math.max(1, answer.expires_in) * 1000 + 300);
      } catch {
        if (live) timer = setTimeout(load, RETRY_MS);
      }
    };
    load();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [meetingId, closed]);
  if (closed || !hall) return null;
  const left = Math.max(0, hall.expires_in - Math.floor((Date.now() - fetchedAt) / 1000));
  return (
    <section class="hall-qr" aria-labelledby="hall-qr-title" data-url={hall.url}>
      <p class="hall-eyebrow" id="hall-qr-title">
        {t('display.scan_to_check_in')}
      </p>
      <QrCode value={hall.url} label={t('display.qr_label')} class="hall-qr-code" />
      <span class="hall-qr-meter" aria-hidden="true">
        <span ref={(el) => el && (el.style.width = `${(left / 30) * 100}%`)} />
      </span>
      <p class="hall-qr-note">{t('display.qr_renews', { seconds: left })}</p>
    </section>
  );
}
