// Attendance: every member's state; the secretariat records it on a member's behalf.
import { useState } from 'preact/hooks';
import { QuorumSummary, attendanceStateLabel } from '../../components/meeting.jsx';
import { Badge, Button, Card, Dialog, ErrorText, Field } from '../../components/ui.jsx';
import { call } from '../../lib/api.js';
import { formatTime } from '../../lib/format.js';
import { useAction } from '../../lib/hooks.js';
import { t, useLang } from '../../lib/i18n.js';

const fold = (s) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase();

export function AttendanceTab({ state, meetingId }) {
  useLang();
  const [run, busy, error] = useAction();
  const [query, setQuery] = useState('');
  const [excusing, setExcusing] = useState(null);
  const [reason, setReason] = useState('');
  const a = state.attendance;
  const closed = state.meeting.status === 'closed';
  const entries = a.entries.filter((e) => !query || fold(e.full_name).includes(fold(query)) || String(e.seat) === query.trim());
  const record = (userId, body) => run(() => call('checkIn', { params: { meeting_id: meetingId }, body: { user_id: userId, ...body } }));

  return (
    <div class="attendance-grid">
      <Card title={t('attendance.title')} icon="people" id="att-summary" class="att-summary">
        <QuorumSummary attendance={a} />
        <ul class="count-list">
          {['present', 'online', 'excused', 'absent', 'not_checked_in']
            .filter((k) => k !== 'online' || state.meeting.online_attendance)
            .map((k) => (
              <li key={k}>
                <span class={`dot state-${k}`} aria-hidden="true" />
                <span>{attendanceStateLabel(k)}</span>
                <strong>{a.counts?.[k] ?? 0}</strong>
              </li>
            ))}
        </ul>
      </Card>
      <Card title={t('secretariat.attendance_members')} id="att-list" class="att-list">
        <Field label={t('secretariat.find_member')} id="att-find">
          <input id="att-find" type="search" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
        </Field>
        <ErrorText error={error} />
        <table class="table">
          <thead>
            <tr>
              <th scope="col">{t('secretariat.seat')}</th>
              <th scope="col">{t('secretariat.name')}</th>
              <th scope="col">{t('secretariat.state')}</th>
              <th scope="col">
                <span class="sr-only">{t('secretariat.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.user_id} data-user-id={e.user_id}>
                <td class="num">{e.seat ?? ''}</td>
                <td>
                  <span class="cell-strong">{e.full_name}</span>
                  <span class="cell-sub">{e.group_name}</span>
                </td>
                <td>
                  <Badge tone={e.state === 'present' || e.state === 'online' ? 'ok' : e.state === 'not_checked_in' ? 'neutral' : 'warn'}>
                    {attendanceStateLabel(e.state)}
                  </Badge>
                  <span class="cell-sub">
                    {[
                      e.checked_in_at && (e.state === 'present' || e.state === 'online') ? formatTime(e.checked_in_at) : '',
                      e.method ? t(`attendance.methods.${e.method}`) : '',
                      e.reason || '',
                    ]
                      .filter(Boolean)
                      .join(' · ')}
                  </span>
                </td>
                <td class="row-actions">
                  {!closed && (
                    <>
                      {e.state !== 'present' && (
                        <Button kind="primary" busy={busy} onClick={() => record(e.user_id, { state: 'present' })} aria-label={t('secretariat.mark_present', { name: e.full_name })}>
                          {t('attendance.states.present')}
                        </Button>
                      )}
                      {e.state !== 'excused' && (
                        <Button
                          onClick={() => {
                            setReason('');
                            setExcusing(e);
                          }}
                          aria-label={t('secretariat.mark_excused', { name: e.full_name })}
                        >
                          {t('attendance.states.excused')}
                        </Button>
                      )}
                      {e.state !== 'absent' && (
                        <Button busy={busy} onClick={() => record(e.user_id, { state: 'absent' })} aria-label={t('secretariat.mark_absent', { name: e.full_name })}>
                          {t('attendance.states.absent')}
                        </Button>
                      )}
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <Dialog open={Boolean(excusing)} title={t('secretariat.excuse_title', { name: excusing?.full_name || '' })} onClose={() => setExcusing(null)}>
        <form
          onSubmit={async (ev) => {
            ev.preventDefault();
            const ok = await record(excusing.user_id, { state: 'excused', reason });
            if (ok) setExcusing(null);
          }}
        >
          <Field label={t('checkin.reason')} id="sec-reason">
            <textarea id="sec-reason" rows={3} value={reason} onInput={(ev) => setReason(ev.currentTarget.value)} />
          </Field>
          <ErrorText error={error} />
          <div class="dialog-actions">
            <Button onClick={() => setExcusing(null)}>{t('common.cancel')}</Button>
            <Button kind="primary" type="submit" busy={busy}>
              {t('common.save')}
            </Button>
          </div>
        </form>
      </Dialog>
    </div>
  );
}
