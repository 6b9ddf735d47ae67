// The chair console's votes: the motions of the item under discussion, a new motion, open
// (with the time to vote), the live count (how many, never who), close, the frozen result,
// announce to the hall, cancel, and the result sheet.
import { useEffect, useState } from 'preact/hooks';
import { currentItem } from '../../components/meeting.jsx';
import { Badge, Button, Card, Dialog, EmptyState, ErrorText, Field } from '../../components/ui.jsx';
import { Countdown, ResultView } from '../../components/votes.jsx';
import { call } from '../../lib/api.js';
import { useAction } from '../../lib/hooks.js';
import { t, useLang } from '../../lib/i18n.js';
import { apiUrl } from '../../lib/operations.js';
import { KINDS, mergeMotions, motionsOfItem, RULES } from '../../lib/votes.js';

// Staff notices about drafts (`motion.updated`) are outside the numbered stream: the chair
// page hands them here (useMeeting's onNotice) and every Motions panel listens.
const listeners = new Set();

/** useMeeting's onNotice for the chair console. */
export function motionNotice(name, data) {
  if (name === 'motion.updated' && data?.motion) for (const fn of listeners) fn(data.motion);
}

const DURATIONS = [0, 30, 60, 120, 180, 300, 600];
const ORDER = { open: 0, draft: 1, closed: 2, cancelled: 3 };

function durationLabel(seconds) {
  if (!seconds) return t('votes.no_limit');
  return seconds < 60 ? t('votes.seconds', { count: seconds }) : t('votes.minutes', { count: seconds / 60 });
}

export function Motions({ state, meetingId }) {
  useLang();
  const [local, setLocal] = useState({});
  const [creating, setCreating] = useState(false);
  const keep = (motion) => motion && setLocal((all) => ({ ...all, [motion.id]: motion }));
  useEffect(() => {
    listeners.add(keep);
    return () => listeners.delete(keep);
  }, []);
  if (!state.votes) return null;
  const item = currentItem(state);
  const all = mergeMotions(state.votes.motions, local).filter((m) => m.status !== 'cancelled' || m.opened_at);
  const mine = motionsOfItem(all, item?.id ?? null);
  const openId = all.find((m) => m.status === 'open')?.id ?? null;
  const elsewhere = all.filter((m) => m.status === 'open' && !mine.includes(m));
  // What needs the chair now first: the open vote, then drafts, then results.
  const shown = [...elsewhere, ...mine].sort((a, b) => ORDER[a.status] - ORDER[b.status] || a.id - b.id);
  return (
    <Card
      title={t('votes.motions')}
      icon="vote"
      id="motions"
      class="chair-motions"
      actions={
        <Button kind="primary" onClick={() => setCreating(true)} disabled={state.meeting.status === 'closed'}>
          {t('votes.new_motion')}
        </Button>
      }
    >
      <p class="chair-item-label">{item ? `${t('votes.item_label', { number: item.number })}: ${item.title}` : t('votes.without_item')}</p>
      {shown.length === 0 ? (
        <EmptyState title={item ? t('votes.none_for_item') : t('votes.none')} />
      ) : (
        <ul class="motion-list">
          {shown.map((m) => (
            <MotionRow key={m.id} state={state} motion={m} otherOpen={openId !== null && openId !== m.id} keep={keep} />
          ))}
        </ul>
      )}
      {creating && <CreateMotion state={state} meetingId={meetingId} item={item} onDone={(m) => (keep(m), setCreating(false))} onClose={() => setCreating(false)} />}
    </Card>
  );
}

function MotionRow({ state, motion, otherOpen, keep }) {
  useLang();
  const [run, busy, error, setError] = useAction();
  const [duration, setDuration] = useState(motion.duration_seconds || 0);
  const [confirm, setConfirm] = useState(null);
  const act = async (fn) => {
    const answer = await run(fn);
    if (answer?.id) keep(answer);
    setConfirm(null);
    return answer;
  };
  const open = (override = false) =>
    act(async () => {
      if ((motion.duration_seconds || 0) !== duration) {
        keep(await call('updateMotion', { params: { motion_id: motion.id }, body: { duration_seconds: duration || null } }));
      }
      return call('openVote', { params: { motion_id: motion.id }, body: { override_quorum: override } });
    });
  const close = () => act(() => call('closeVote', { params: { motion_id: motion.id }, body: {} }).then(() => null));
  const cancel = () => act(() => call('cancelMotion', { params: { motion_id: motion.id }, body: {} }));
  const announce = () => act(() => call('announceResult', { params: { motion_id: motion.id }, body: {} }));
  const noQuorum = error?.code === 'no_quorum';
  const tone = { draft: 'neutral', open: 'live', closed: 'ok', cancelled: 'warn' }[motion.status];
  const pct = motion.eligible ? Math.round((100 * (motion.cast || 0)) / motion.eligible) : 0;
  return (
    <li class={`motion is-${motion.status}`} data-motion-id={motion.id}>
      <div class="motion-head">
        <h3 class="motion-title">{motion.title}</h3>
        <div class="motion-badges">
          <Badge tone={tone} live={motion.status === 'open'}>
            {t(`votes.status.${motion.status}`)}
          </Badge>
          <Badge tone="info">{motion.secret ? t('votes.secret') : t('votes.open_vote_kind')}</Badge>
          {motion.kind !== 'resolution' && <Badge tone="info">{t(`votes.kinds.${motion.kind}`)}</Badge>}
          {motion.quorum_overridden && <Badge tone="warn">{t('votes.quorum_overridden')}</Badge>}
        </div>
      </div>
      <p class="motion-rule">{t(`votes.rules.${motion.rule}`)}</p>

      {motion.status === 'draft' && (
        <div class="motion-actions">
          <div class="field motion-duration">
            <label for={`duration-${motion.id}`}>{t('votes.field_duration')}</label>
            <select id={`duration-${motion.id}`} value={duration} onChange={(e) => setDuration(Number(e.currentTarget.value))}>
              {[...new Set([...DURATIONS, motion.duration_seconds || 0])].sort((a, b) => a - b).map((d) => (
                <option key={d} value={d}>
                  {durationLabel(d)}
                </option>
              ))}
            </select>
          </div>
          <Button kind="primary" size="lg" busy={busy} disabled={otherOpen} onClick={() => open(false)} aria-label={t('votes.open_named', { title: motion.title })}>
            {t('votes.open')}
          </Button>
          <Button busy={busy} onClick={() => setConfirm('cancel_draft')}>
            {t('votes.cancel_motion')}
          </Button>
          {otherOpen && <p class="muted-text">{t('votes.other_open')}</p>}
        </div>
      )}

      {motion.status === 'open' && (
        <div class="motion-live">
          <p class="motion-count" aria-live="polite">
            <strong class="motion-cast">{motion.cast ?? 0}</strong>
            <span class="motion-eligible">/{motion.eligible ?? 0}</span> <span>{t('votes.voted_label')}</span>
          </p>
          <span class="vote-meter" aria-hidden="true">
            <span ref={(el) => el && (el.style.width = `${pct}%`)} />
          </span>
          <Countdown iso={motion.closes_at} />
          <div class="motion-actions">
            <Button kind="primary" size="lg" busy={busy} onClick={() => setConfirm('close')}>
              {t('votes.close_vote')}
            </Button>
            <Button kind="danger" busy={busy} onClick={() => setConfirm('cancel')}>
              {t('votes.cancel_vote')}
            </Button>
          </div>
        </div>
      )}

      {motion.status === 'closed' && (
        <div class="motion-result">
          <ResultView state={state} motion={motion} chart={false} />
          <div class="motion-actions">
            <Button kind="primary" size="lg" busy={busy} onClick={announce}>
              {motion.announced_at ? t('votes.announce_again') : t('votes.announce')}
            </Button>
            {motion.announced_at && <Badge tone="ok">{t('votes.announced')}</Badge>}
            <a class="btn btn-secondary" href={apiUrl('getResultSheet', { motion_id: motion.id })} target="_blank" rel="noopener">
              {t('votes.result_sheet')}
            </a>
          </div>
        </div>
      )}

      <ErrorText error={error} />
      {noQuorum && (
        <Button kind="danger" busy={busy} onClick={() => setConfirm('override')}>
          {t('votes.no_quorum_override')}
        </Button>
      )}

      <Dialog
        open={Boolean(confirm)}
        title={motion.title}
        onClose={() => {
          setConfirm(null);
          setError(null);
        }}
      >
        <p class="motion-dialog-text">
          {confirm === 'close' && t('votes.close_confirm')}
          {confirm === 'cancel' && t('votes.cancel_confirm')}
          {confirm === 'cancel_draft' && t('votes.cancel_draft_confirm')}
          {confirm === 'override' && t('votes.no_quorum_confirm')}
        </p>
        <div class="button-row">
          <Button size="lg" onClick={() => setConfirm(null)}>
            {t('votes.keep')}
          </Button>
          {confirm === 'close' && (
            <Button kind="primary" size="lg" busy={busy} onClick={close}>
              {t('votes.close_vote')}
            </Button>
          )}
          {(confirm === 'cancel' || confirm === 'cancel_draft') && (
            <Button kind="danger" size="lg" busy={busy} onClick={cancel}>
              {confirm === 'cancel' ? t('votes.cancel_vote') : t('votes.cancel_motion')}
            </Button>
          )}
          {confirm === 'override' && (
            <Button kind="danger" size="lg" busy={busy} onClick={() => open(true)}>
              {t('votes.no_quorum_override')}
            </Button>
          )}
        </div>
      </Dialog>
    </li>
  );
}

function CreateMotion({ state, meetingId, item, onDone, onClose }) {
  useLang();
  const [run, busy, error] = useAction();
  const [form, setForm] = useState({
    title: item ? t('votes.default_title', { title: item.title }) : '',
    kind: 'resolution',
    rule: 'majority_of_members',
    secret: false,
    allow_change: state.meeting.allow_ballot_change ?? true,
    duration_seconds: 0,
    options: '',
    max_choices: 1,
  });
  const NUMBERS = ['duration_seconds', 'max_choices'];
  const set = (key) => (e) => {
    const el = e.currentTarget;
    let value = el.value;
    if (el.type === 'checkbox') value = el.checked;
    else if (NUMBERS.includes(key)) value = Number(el.value);
    setForm((f) => ({ ...f, [key]: value }));
  };
  const forcedSecret = form.kind !== 'resolution';
  const submit = async (e) => {
    e.preventDefault();
    const body = {
      agenda_item_id: item?.id ?? null,
      title: form.title.trim(),
      kind: form.kind,
      rule: form.rule,
      secret: forcedSecret ? true : form.secret,
      allow_change: form.allow_change,
      duration_seconds: form.duration_seconds || null,
    };
    if (forcedSecret) {
      body.options = form.options
        .split('\n')
        .map((s) => s.trim())
        .filter(Boolean)
        .map((label) => ({ label }));
    }
    if (form.kind === 'election') body.max_choices = Number(form.max_choices) || 1;
    const motion = await run(() => call('createMotion', { params: { meeting_id: meetingId }, body }));
    if (motion) onDone(motion);
  };
  return (
    <Dialog open title={t('votes.new_motion')} onClose={onClose} wide>
      <form class="motion-form" onSubmit={submit}>
        <Field label={t('votes.field_title')} id="motion-title">
          <textarea id="motion-title" rows={2} required maxLength={500} value={form.title} onInput={set('title')} />
        </Field>
        <div class="motion-form-row">
          <Field label={t('votes.field_kind')} id="motion-kind">
            <select id="motion-kind" value={form.kind} onChange={set('kind')}>
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`votes.kinds.${k}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('votes.field_duration')} id="motion-duration">
            <select id="motion-duration" value={form.duration_seconds} onChange={set('duration_seconds')}>
              {DURATIONS.map((d) => (
                <option key={d} value={d}>
                  {durationLabel(d)}
                </option>
              ))}
            </select>
          </Field>
        </div>
        {form.kind !== 'confidence' && (
          <Field label={t('votes.field_rule')} id="motion-rule">
            <select id="motion-rule" value={form.rule} onChange={set('rule')}>
              {RULES.map((r) => (
                <option key={r} value={r}>
                  {t(`votes.rules.${r}`)}
                </option>
              ))}
            </select>
          </Field>
        )}
        {forcedSecret && (
          <>
            <Field label={t(`votes.field_options_${form.kind}`)} id="motion-options">
              <textarea id="motion-options" rows={4} required value={form.options} onInput={set('options')} />
            </Field>
            {form.kind === 'election' && (
              <Field label={t('votes.field_max_choices')} id="motion-seats">
                <input id="motion-seats" type="number" min={1} max={100} value={form.max_choices} onInput={set('max_choices')} />
              </Field>
            )}
          </>
        )}
        <label class="motion-check">
          <input type="checkbox" checked={forcedSecret || form.secret} disabled={forcedSecret} onChange={set('secret')} />
          <span>{t('votes.field_secret')}</span>
        </label>
        {forcedSecret && <p class="field-hint">{t('votes.field_secret_forced')}</p>}
        <label class="motion-check">
          <input type="checkbox" checked={form.allow_change} onChange={set('allow_change')} />
          <span>{t('votes.field_allow_change')}</span>
        </label>
        <ErrorText error={error} />
        <div class="button-row">
          <Button size="lg" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button kind="primary" size="lg" type="submit" busy={busy}>
            {t('votes.create')}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
