// Meeting pieces shared by the tablet, the consoles and the display.
import { call } from '../lib/api.js';
import { formatDate, formatDuration, formatTime } from '../lib/format.js';
import { useElapsed, useLoad } from '../lib/hooks.js';
import { hasKey, t, useLang } from '../lib/i18n.js';
import { Badge, Button, EmptyState, ErrorText, Icon, Loading } from './ui.jsx';

export function kindLabel(kind) {
  return hasKey(`agenda.kinds.${kind}`) ? t(`agenda.kinds.${kind}`) : '';
}

export function statusLabel(status) {
  return t(`meeting.status.${status}`);
}

export function statusTone(status) {
  return { in_progress: 'live', scheduled: 'info', draft: 'neutral', closed: 'muted' }[status] || 'neutral';
}

/** dd/mm/yyyy (– dd/mm/yyyy) of a session. */
export function meetingDates(meeting) {
  const start = formatDate(meeting.starts_at);
  const end = formatDate(meeting.ends_at);
  return start === end ? start : `${start} – ${end}`;
}

/** The list of sessions this user may open. */
export function MeetingList({ onOpen, heading, extra }) {
  useLang();
  const { data, error, loading } = useLoad(() => call('listMeetings'), []);
  if (loading) return <Loading />;
  if (error) return <ErrorText error={error} />;
  const meetings = data.meetings;
  return (
    <section class="meeting-list" aria-labelledby="meeting-list-title">
      <h1 id="meeting-list-title" class="page-title">
        {heading || t('meeting.list_title')}
      </h1>
      {extra}
      {meetings.length === 0 && <EmptyState title={t('meeting.none')} text={t('meeting.none_text')} />}
      <ul class="meeting-cards">
        {meetings.map((m) => (
          <li key={m.id} class="meeting-card">
            <div class="meeting-card-main">
              <Badge tone={statusTone(m.status)} live={m.status === 'in_progress'}>
                {statusLabel(m.status)}
              </Badge>
              <h2 class="meeting-card-title">{m.title}</h2>
              <p class="meeting-card-council">{m.council_name}</p>
              <p class="meeting-card-meta">
                <Icon name="clock" />
                <span>
                  {formatTime(m.starts_at)}, {meetingDates(m)}
                </span>
              </p>
              {m.location && <p class="meeting-card-meta meeting-card-location">{m.location}</p>}
            </div>
            <Button kind="primary" size="lg" onClick={() => onOpen(m)} aria-label={t('meeting.open_named', { title: m.title })}>
              {t('meeting.open')}
            </Button>
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * The agenda, numbered and nested, the current item marked live.
 * `actions(item)` adds buttons to an item (the chair console).
 */
export function AgendaList({ agenda, actions, compact, labelledBy }) {
  useLang();
  if (!agenda || agenda.length === 0) {
    return <EmptyState title={t('agenda.empty')} />;
  }
  return (
    <ol class={`agenda${compact ? ' agenda-compact' : ''}`} aria-labelledby={labelledBy}>
      {agenda.map((item) => {
        const section = item.kind === 'section' || item.has_children;
        const classes = [
          'agenda-item',
          `level-${Math.min(Math.max(item.depth - 1, 0), 2)}`,
          section && 'is-section',
          item.is_current && 'is-current',
          item.status === 'done' && 'is-done',
        ]
          .filter(Boolean)
          .join(' ');
        return (
          <li key={item.id} class={classes} aria-current={item.is_current ? 'step' : undefined} data-item-id={item.id}>
            <span class="agenda-number">{item.number}</span>
            <div class="agenda-body">
              <p class="agenda-title">{item.title}</p>
              <p class="agenda-meta">
                {item.is_current && (
                  <Badge tone="live" live>
                    {t('agenda.live')}
                  </Badge>
                )}
                {item.status === 'done' && (
                  <Badge tone="done">
                    <Icon name="check" />
                    {t('agenda.done')}
                  </Badge>
                )}
                {!section && kindLabel(item.kind) && <span class="agenda-kind">{kindLabel(item.kind)}</span>}
                {item.presenter && <span class="agenda-presenter">{item.presenter}</span>}
                {item.planned_at && !compact && (
                  <span class="agenda-time">
                    {formatTime(item.planned_at)} {formatDate(item.planned_at)}
                  </span>
                )}
              </p>
              {actions && <div class="agenda-actions">{actions(item)}</div>}
            </div>
          </li>
        );
      })}
    </ol>
  );
}

export function currentItem(state) {
  return state?.agenda?.find((i) => i.id === state.current_agenda_item_id) || null;
}

/** Speaking, waiting and done, from the state's speakers section. */
export function splitSpeakers(state) {
  const list = state?.speakers?.speakers || [];
  return {
    speaking: list.find((s) => s.status === 'speaking') || null,
    waiting: list.filter((s) => s.status === 'waiting'),
    done: list.filter((s) => s.status === 'done'),
    loaded: Array.isArray(state?.speakers?.speakers),
  };
}

/** Time spoken against the allowed time: "3:12 / 5:00", warning near the end, over time. */
export function SpeakingTime({ speaker, allowed, large }) {
  useLang();
  const elapsed = useElapsed(speaker?.started_at);
  if (!speaker) return null;
  const remaining = allowed - elapsed;
  const tone = remaining < 0 ? 'over' : remaining <= 60 ? 'warn' : 'ok';
  const fraction = allowed > 0 ? Math.min(1, elapsed / allowed) : 0;
  return (
    <div class={`speaking-time tone-${tone}${large ? ' is-large' : ''}`} role="timer" aria-live="off">
      <span class="speaking-clock">
        <span class="speaking-elapsed">{formatDuration(elapsed)}</span>
        <span class="speaking-allowed"> / {formatDuration(allowed)}</span>
      </span>
      <span class="meter" aria-hidden="true">
        <span class="meter-fill" ref={(el) => el && (el.style.width = `${fraction * 100}%`)} />
      </span>
      <span class="speaking-note">
        {tone === 'over'
          ? t('speakers.over_time', { time: formatDuration(-remaining) })
          : tone === 'warn'
            ? t('speakers.time_left', { time: formatDuration(remaining) })
            : t('speakers.time_allowed', { time: formatDuration(allowed) })}
      </span>
    </div>
  );
}

export function speakerKind(s) {
  return s.kind === 'question'
    ? t('speakers.question_to', { name: s.addressee || '' })
    : t('speakers.debate');
}

export function attendanceStateLabel(state) {
  return t(`attendance.states.${state}`);
}

/** Present / members and whether quorum is reached. */
export function QuorumSummary({ attendance, large }) {
  useLang();
  if (!attendance) return null;
  const { present, members, quorum } = attendance;
  return (
    <div class={`quorum${large ? ' is-large' : ''}`}>
      <p class="quorum-count">
        <span class="quorum-present">{present}</span>
        <span class="quorum-members">/{members}</span>
      </p>
      <div class="quorum-text">
        <p class="quorum-label">{t('attendance.present_of_members')}</p>
        <p class={`quorum-state ${quorum.reached ? 'is-reached' : 'is-missing'}`}>
          <Icon name={quorum.reached ? 'check' : 'people'} />
          {quorum.reached ? t('attendance.quorum_reached') : t('attendance.quorum_missing', { required: quorum.required })}
        </p>
      </div>
    </div>
  );
}

export { Button };
