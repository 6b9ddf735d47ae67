// One session on the tablet: the item under discussion, my attendance, the speakers' queue
// and the whole agenda, all live.
import { useState } from 'preact/hooks';
import {
  AgendaList,
  QuorumSummary,
  SpeakingTime,
  currentItem,
  kindLabel,
  meetingDates,
  speakerKind,
  splitSpeakers,
} from '../../components/meeting.jsx';
import {
  Badge,
  Button,
  Card,
  ConnectionBanner,
  Dialog,
  ErrorText,
  Field,
  Icon,
  Loading,
  TopBar,
} from '../../components/ui.jsx';
import { call } from '../../lib/api.js';
import { formatTime } from '../../lib/format.js';
import { useAction } from '../../lib/hooks.js';
import { t, useLang } from '../../lib/i18n.js';
import { navigate } from '../../lib/router.js';
import { useMeeting } from '../../lib/useMeeting.js';
import { Ballot } from './Ballot.jsx';
import { DocumentList } from './reader/DocumentList.jsx';

export function SessionView({ meetingId, user, logout }) {
  useLang();
  const { state, status, error } = useMeeting(meetingId);
  const meeting = state?.meeting;
  return (
    <div class="page">
      <TopBar title={meeting ? meeting.council_name : t('app.name')} subtitle={meeting?.title} user={user} onLogout={logout}>
        <Button kind="ghost" onClick={() => navigate('')}>
          <Icon name="left" />
          <span>{t('tablet.all_sessions')}</span>
        </Button>
      </TopBar>
      <ConnectionBanner status={status} />
      <main class="container session" id="main">
        {error && (
          <div class="card">
            <ErrorText error={{ message: error.message || t('errors.join_failed') }} />
            <Button onClick={() => navigate('')}>{t('tablet.all_sessions')}</Button>
          </div>
        )}
        {!error && !state && <Loading label={t('sync.joining')} />}
        {state && <Session state={state} meetingId={meetingId} />}
      </main>
      {state && <Ballot state={state} />}
    </div>
  );
}

function Session({ state, meetingId }) {
  const item = currentItem(state);
  return (
    <div class="session-grid">
      <div class="session-side" role="region" tabIndex={0} aria-label={t('tablet.in_hall')}>
        <NowCard state={state} item={item} />
        <MyAttendance state={state} meetingId={meetingId} />
        <SpeakersCard state={state} meetingId={meetingId} item={item} />
      </div>
      <div class="session-main" role="region" tabIndex={0} aria-label={t('agenda.title')}>
        <Card title={t('agenda.title')} icon="doc" id="agenda" class="agenda-card">
          <p class="card-sub">
            {meetingDates(state.meeting)}
            {state.meeting.location ? ` · ${state.meeting.location}` : ''}
          </p>
          <AgendaList agenda={state.agenda} labelledBy="agenda-title" />
        </Card>
        <DocumentList state={state} meetingId={meetingId} />
      </div>
    </div>
  );
}

function NowCard({ state, item }) {
  return (
    <section class="card now-card" aria-labelledby="now-title" aria-live="polite">
      <h2 class="eyebrow" id="now-title">
        {item ? t('tablet.now_discussing') : t('tablet.between_items')}
      </h2>
      {item ? (
        <>
          <p class="now-title">
            <span class="now-number">{item.number}</span> {item.title}
          </p>
          <p class="now-meta">
            <Badge tone="live" live>
              {t('agenda.live')}
            </Badge>
            {kindLabel(item.kind) && <span>{kindLabel(item.kind)}</span>}
            {item.presenter && <span>{item.presenter}</span>}
          </p>
        </>
      ) : (
        <p class="now-empty">{state.meeting.status === 'closed' ? t('tablet.session_closed') : t('tablet.waiting_for_chair')}</p>
      )}
    </section>
  );
}

function myEntry(state) {
  return state.attendance?.entries?.find((e) => e.user_id === state.me.user_id) || null;
}

function MyAttendance({ state, meetingId }) {
  useLang();
  const [run, busy, error] = useAction();
  const [excuseOpen, setExcuseOpen] = useState(false);
  const [leaveOpen, setLeaveOpen] = useState(false);
  const [reason, setReason] = useState('');
  const entry = myEntry(state);
  const closed = state.meeting.status === 'closed';

  if (!state.me.is_member) {
    return (
      <Card title={t('checkin.title')} icon="people" id="attendance">
        <p class="muted-text">{t('checkin.not_member')}</p>
        <QuorumSummary attendance={state.attendance} />
      </Card>
    );
  }

  const checkIn = (body) => run(() => call('checkIn', { params: { meeting_id: meetingId }, body }));
  const present = entry && (entry.state === 'present' || entry.state === 'online');
  return (
    <Card title={t('checkin.title')} icon="people" id="attendance" class="attendance-card">
      <div class="my-attendance">
        {present ? (
          <p class="attendance-ok">
            <Icon name="check" />
            <span>
              {t(entry.state === 'online' ? 'checkin.done_online' : 'checkin.done_present', {
                time: entry.checked_in_at ? formatTime(entry.checked_in_at) : '',
              })}
            </span>
          </p>
        ) : (
          <p class="attendance-state">
            {t('checkin.your_state')} <strong>{t(`attendance.states.${entry?.state || 'not_checked_in'}`)}</strong>
            {entry?.state === 'excused' && entry.reason ? ` (${entry.reason})` : ''}
          </p>
        )}
        {!closed && !present && (
          <div class="button-stack">
            {state.meeting.checkin_requires_hall_code ? (
              <p class="hint-box">{t('checkin.scan_hint')}</p>
            ) : (
              <Button kind="primary" size="xl" busy={busy} onClick={() => checkIn({ state: 'present' })}>
                <Icon name="check" />
                {t('checkin.check_in')}
              </Button>
            )}
            {state.meeting.online_attendance && (
              <Button size="lg" busy={busy} onClick={() => checkIn({ state: 'online' })}>
                {t('checkin.online')}
              </Button>
            )}
            {entry?.state !== 'excused' && (
              <Button size="lg" onClick={() => setExcuseOpen(true)}>
                {t('checkin.excuse')}
              </Button>
            )}
          </div>
        )}
        {!closed && present && (
          <Button size="lg" onClick={() => setLeaveOpen(true)}>
            {t('checkin.check_out')}
          </Button>
        )}
        <ErrorText error={error} />
      </div>
      <QuorumSummary attendance={state.attendance} />
      <Dialog open={excuseOpen} title={t('checkin.excuse_title')} onClose={() => setExcuseOpen(false)}>
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            const ok = await checkIn({ state: 'excused', reason });
            if (ok) setExcuseOpen(false);
          }}
        >
          <Field label={t('checkin.reason')} id="excuse-reason" hint={t('checkin.reason_hint')}>
            <textarea id="excuse-reason" rows={3} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
          </Field>
          <ErrorText error={error} />
          <div class="dialog-actions">
            <Button onClick={() => setExcuseOpen(false)}>{t('common.cancel')}</Button>
            <Button kind="primary" type="submit" busy={busy}>
              {t('checkin.send_excuse')}
            </Button>
          </div>
        </form>
      </Dialog>
      <Dialog open={leaveOpen} title={t('checkin.check_out_title')} onClose={() => setLeaveOpen(false)}>
        <p>{t('checkin.check_out_text')}</p>
        <div class="dialog-actions">
          <Button onClick={() => setLeaveOpen(false)}>{t('common.cancel')}</Button>
          <Button
            kind="danger"
            busy={busy}
            onClick={async () => {
              const ok = await run(() => call('checkOut', { params: { meeting_id: meetingId }, body: {} }));
              if (ok) setLeaveOpen(false);
            }}
          >
            {t('checkin.check_out_confirm')}
          </Button>
        </div>
      </Dialog>
    </Card>
  );
}

function SpeakersCard({ state, meetingId, item }) {
  useLang();
  const [run, busy, error] = useAction();
  const [askOpen, setAskOpen] = useState(false);
  const [addressee, setAddressee] = useState('');
  const { speaking, waiting, loaded } = splitSpeakers(state);
  const mine = waiting.find((s) => s.user_id === state.me.user_id);
  const position = mine ? waiting.indexOf(mine) + 1 : 0;
  const iSpeak = speaking?.user_id === state.me.user_id;
  const allowed = state.meeting.speaking_time_seconds || 300;
  const canAsk = state.me.is_member && item && state.meeting.status !== 'closed';

  const ask = (body) => run(() => call('requestToSpeak', { params: { meeting_id: meetingId }, body }));

  return (
    <Card title={t('speakers.title')} icon="mic" id="speakers" class="speakers-card">
      {!item && <p class="muted-text">{t(state.me.is_member ? 'speakers.no_item' : 'speakers.no_item_guest')}</p>}
      {item && !loaded && <Loading />}
      {item && loaded && (
        <>
          <div class="floor">
            <p class="eyebrow">{t('speakers.has_floor')}</p>
            {speaking ? (
              <div class="floor-speaker">
                <p class="floor-name">{speaking.full_name}</p>
                <p class="floor-kind">{speakerKind(speaking)}</p>
                <SpeakingTime speaker={speaking} allowed={allowed} />
              </div>
            ) : (
              <p class="muted-text">{t('speakers.nobody')}</p>
            )}
          </div>
          <div class="queue">
            <p class="eyebrow">{t('speakers.next')}</p>
            {waiting.length === 0 ? (
              <p class="muted-text">{t('speakers.queue_empty')}</p>
            ) : (
              <ol class="queue-list">
                {waiting.map((s, index) => (
                  <li key={s.id} class={s.user_id === state.me.user_id ? 'is-me' : ''}>
                    <span class="queue-pos">{index + 1}</span>
                    <span class="queue-name">
                      <span>
                        {s.full_name}
                        {s.user_id === state.me.user_id && <span class="queue-me"> ({t('speakers.you')})</span>}
                      </span>
                      <span class="queue-kind">{speakerKind(s)}</span>
                    </span>
                  </li>
                ))}
              </ol>
            )}
          </div>
        </>
      )}
      {canAsk && loaded && (
        <div class="speak-actions">
          {iSpeak && <p class="result-ok">{t('speakers.you_speak')}</p>}
          {mine && (
            <>
              <p class="hint-box" role="status">
                {t('speakers.your_position', { position })}
              </p>
              <Button size="lg" busy={busy} onClick={() => run(() => call('withdrawSpeaker', { params: { speaker_id: mine.id }, body: {} }))}>
                {t('speakers.withdraw')}
              </Button>
            </>
          )}
          {!mine && !iSpeak && (
            <div class="button-row">
              <Button kind="primary" size="xl" busy={busy} onClick={() => ask({ kind: 'debate' })}>
                <Icon name="hand" />
                {t('speakers.ask')}
              </Button>
              <Button size="xl" onClick={() => setAskOpen(true)}>
                {t('speakers.ask_question')}
              </Button>
            </div>
          )}
          <ErrorText error={error} />
        </div>
      )}
      <Dialog open={askOpen} title={t('speakers.question_title')} onClose={() => setAskOpen(false)}>
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            const ok = await ask({ kind: 'question', addressee });
            if (ok) {
              setAskOpen(false);
              setAddressee('');
            }
          }}
        >
          <Field label={t('speakers.addressee')} id="addressee" hint={t('speakers.addressee_hint')}>
            <input id="addressee" value={addressee} onInput={(e) => setAddressee(e.currentTarget.value)} />
          </Field>
          <ErrorText error={error} />
          <div class="dialog-actions">
            <Button onClick={() => setAskOpen(false)}>{t('common.cancel')}</Button>
            <Button kind="primary" type="submit" busy={busy}>
              {t('speakers.send_question')}
            </Button>
          </div>
        </form>
      </Dialog>
    </Card>
  );
}
