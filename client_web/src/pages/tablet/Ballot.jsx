// The tablet's ballot: full screen while a vote is open (members only). Three large buttons
// with the council's words (or the ratings of a confidence vote, or the candidates of an
// election), a confirmation, the countdown, "recorded" only once castVote has answered, a
// change of vote where the motion allows it, and the result when the vote closes. A tablet
// the secretariat paired for its delegate casts no ballot until the delegate confirms it
// with their own password (`confirmDevice`): asked for here, before or when a ballot is
// refused with `device_not_confirmed`, and the ballot waiting is then sent with one tap.
import { useEffect, useRef, useState } from 'preact/hooks';
import { Button, ErrorText, Field, Icon } from '../../components/ui.jsx';
import { choiceLabel, Countdown, ResultView } from '../../components/votes.jsx';
import { call, confirmDevice, currentUser, isDeviceConfirmed, noteDeviceNotConfirmed } from '../../lib/api.js';
import { useAction } from '../../lib/hooks.js';
import { trapFocus } from '../../lib/modalFocus.js';
import { t, useLang } from '../../lib/i18n.js';
import {
  ballotBody,
  ballotReady,
  CHOICES,
  openMotion,
  RATINGS,
  toggleCandidate,
} from '../../lib/votes.js';

const PRESENT = ['present', 'online'];

// Where focus was when the ballot of a vote first appeared ({motionId, el}): hiding and
// showing the ballot, and the result that follows it, all give focus back there.
const origin = { motionId: null, el: null };

function rememberOrigin(motionId) {
  const el = document.activeElement;
  const known = origin.motionId === motionId && origin.el?.isConnected;
  // The "show the ballot" button goes away with the banner: never a place to return to.
  if (!known && el && el !== document.body && !el.closest('.vote-banner, .vote-overlay')) {
    origin.motionId = motionId;
    origin.el = el;
  }
}

export function Ballot({ state }) {
  useLang();
  const motion = openMotion(state);
  const isMember = Boolean(state.me?.is_member);
  // The motion this tablet showed a ballot for: its result is shown when it closes.
  const [shown, setShown] = useState(null);
  const [hidden, setHidden] = useState(false);
  useEffect(() => {
    if (motion && isMember && motion.id !== shown) {
      setShown(motion.id);
      setHidden(false);
    }
  }, [motion?.id, isMember]);
  if (!isMember) return null;
  if (motion) {
    if (hidden) {
      return (
        <div class="vote-banner" role="status">
          <span class="live-dot" aria-hidden="true" />
          <span class="vote-banner-text">{t('votes.banner', { title: motion.title })}</span>
          <Button kind="primary" size="lg" onClick={() => setHidden(false)}>
            {t('votes.show')}
          </Button>
        </div>
      );
    }
    return <BallotScreen key={motion.id} state={state} motion={motion} onHide={() => setHidden(true)} />;
  }
  const last = (state.votes?.motions || []).find((m) => m.id === shown);
  if (last && (last.status === 'closed' || last.status === 'cancelled')) {
    return <ClosedScreen state={state} motion={last} onClose={() => setShown(null)} />;
  }
  return null;
}

// A real modal layer for keyboards and screen readers: the page behind is inert, Tab and
// Shift+Tab cycle inside, focus starts on the title and goes back where it was on close.
function Overlay({ labelledBy, sheetRef, motionId, children }) {
  const ref = useRef(null);
  useEffect(() => {
    rememberOrigin(motionId);
    const release = trapFocus(ref.current, () => (origin.motionId === motionId ? origin.el : null));
    ref.current?.querySelector('h2')?.focus();
    return release;
  }, []);
  return (
    <div class="ballot-overlay vote-overlay" role="dialog" aria-modal="true" aria-labelledby={labelledBy} ref={ref}>
      <div class="ballot vote-sheet" ref={sheetRef}>
        {children}
      </div>
    </div>
  );
}

function BallotScreen({ state, motion, onHide }) {
  useLang();
  const [run, busy, error, setError] = useAction();
  // The ballot the server acknowledged (castVote's my_vote), else the state's own.
  const [acked, setAcked] = useState(null);
  const [draft, setDraft] = useState(null);
  const [confirming, setConfirming] = useState(false);
  const [changing, setChanging] = useState(false);
  const recorded = acked || motion.my_vote || null;
  const me = state.attendance?.entries?.find((e) => e.user_id === state.me.user_id);
  const checkedIn = !me || PRESENT.includes(me.state);
  const choosing = !recorded || changing;
  // This tablet: 'ok' (may vote), 'needed' (paired by someone else, not confirmed yet), or
  // 'confirmed' (just now, by the delegate's password).
  const [device, setDevice] = useState(() => (isDeviceConfirmed() === false ? 'needed' : 'ok'));
  useEffect(() => {
    // Not known after a QR pairing: /api/me says (device_confirmed).
    if (isDeviceConfirmed() !== null) return undefined;
    let live = true;
    currentUser()
      .then(() => live && isDeviceConfirmed() === false && setDevice('needed'))
      .catch(() => {});
    return () => {
      live = false;
    };
  }, []);
  const askDevice = device === 'needed' && choosing;
  const sheet = useRef(null);
  // Each step puts focus where the next thing to read or do is: the question on the
  // confirmation, the chosen button when choosing again, the "recorded" note after sending,
  // the password when the tablet must be confirmed first.
  const step = askDevice ? 'device' : confirming ? 'confirm' : choosing ? 'choose' : 'recorded';
  const lastStep = useRef(step);
  useEffect(() => {
    if (lastStep.current === step) return;
    lastStep.current = step;
    const root = sheet.current;
    if (!root) return;
    let target = null;
    if (step === 'confirm') target = root.querySelector('#ballot-confirm-text');
    else if (step === 'device') target = root.querySelector('#device-password');
    else if (step === 'recorded') target = root.querySelector('.vote-recorded');
    else {
      // The choice just made (choosing again), else the recorded one (changing the vote).
      target =
        root.querySelector('.ballot-btn.is-picked') ||
        root.querySelector('.ballot-btn.is-chosen') ||
        root.querySelector('.ballot-buttons button, .vote-form button:not([disabled])');
    }
    target?.focus();
  }, [step]);

  const send = async () => {
    const body = ballotBody(motion, draft);
    const answer = await run(async () => {
      try {
        return await call('castVote', { params: { motion_id: motion.id }, body });
      } catch (err) {
        if (err.code !== 'device_not_confirmed') throw err;
        // Not an error to show: the prompt explains, and the ballot waits for it.
        noteDeviceNotConfirmed();
        setDevice('needed');
        return undefined;
      }
    });
    // On an error the confirmation stays, with the server's words: one tap sends again.
    if (answer?.recorded) {
      setAcked(answer.my_vote);
      setChanging(false);
      setDraft(null);
      setConfirming(false);
    }
  };
  const pick = (next) => {
    setError(null);
    setDraft(next);
    if (motion.kind === 'resolution') setConfirming(true);
  };

  return (
    <Overlay labelledBy="ballot-title" sheetRef={sheet} motionId={motion.id}>
      <div class="vote-sheet-head">
        <p class="eyebrow">
          <span class="live-dot" aria-hidden="true" /> {t('votes.ballot')}
          {motion.kind !== 'resolution' && ` · ${t(`votes.kinds.${motion.kind}`)}`}
        </p>
        <Button kind="ghost" onClick={onHide}>
          <Icon name="down" />
          <span>{t('votes.hide')}</span>
        </Button>
      </div>
      <h2 id="ballot-title" class="ballot-title" tabIndex={-1}>
        {motion.title}
      </h2>
      <div class="vote-meta">
        <Countdown iso={motion.closes_at} class="ballot-countdown" />
        <p class={`vote-secrecy ${motion.secret ? 'is-secret' : 'is-open'}`}>
          <Icon name={motion.secret ? 'vote' : 'people'} />
          {motion.secret ? t('votes.secret_note') : t('votes.open_note')}
        </p>
      </div>
      {!checkedIn && (
        <p class="vote-warning" role="alert">
          {t('votes.not_checked_in')}
        </p>
      )}

      {recorded && !changing && (
        <div class="vote-recorded" role="status" tabIndex={-1}>
          <Icon name="check" />
          <div>
            <p class="vote-recorded-title">
              {motion.kind === 'resolution'
                ? t('votes.recorded', { choice: choiceLabel(state, recorded.choice) })
                : t('votes.recorded_short')}
            </p>
            <p class="vote-recorded-note">{motion.allow_change ? t('votes.can_change') : t('votes.cannot_change')}</p>
          </div>
          {motion.allow_change && (
            <Button size="lg" onClick={() => (setChanging(true), setDraft(recorded))}>
              {t('votes.change_vote')}
            </Button>
          )}
        </div>
      )}

      {device === 'confirmed' && choosing && (
        <p class="device-confirmed" role="status">
          <Icon name="check" />
          <span>{confirming ? t('votes.device_done_send', { send: t('votes.confirm') }) : t('votes.device_done')}</span>
        </p>
      )}

      {askDevice && !confirming && <DeviceConfirm onConfirmed={() => setDevice('confirmed')} />}

      {choosing && confirming && (
        <div class="ballot-confirm" role="group" aria-labelledby="ballot-confirm-text">
          <p class="ballot-confirm-text" id="ballot-confirm-text" tabIndex={-1}>
            {motion.kind === 'resolution' ? t('votes.confirm_title', { choice: choiceLabel(state, draft?.choice) }) : t('votes.confirm_ballot')}
          </p>
          {motion.kind !== 'resolution' && <DraftSummary motion={motion} draft={draft} />}
          {askDevice ? (
            <DeviceConfirm onConfirmed={() => setDevice('confirmed')} />
          ) : (
          <div class="button-row vote-confirm-buttons">
            <Button size="xl" disabled={busy} onClick={() => setConfirming(false)}>
              {t('votes.choose_again')}
            </Button>
            <Button kind="primary" size="xl" busy={busy} onClick={send}>
              {busy ? t('votes.sending') : t('votes.confirm')}
            </Button>
          </div>
          )}
        </div>
      )}

      {choosing && !confirming && !askDevice && motion.kind === 'resolution' && (
        <div class="ballot-buttons">
          {CHOICES.map((choice) => (
            <button
              type="button"
              key={choice}
              class={`ballot-btn ballot-${choice}${recorded?.choice === choice ? ' is-chosen' : ''}${draft?.choice === choice ? ' is-picked' : ''}`}
              disabled={busy}
              aria-pressed={recorded?.choice === choice ? 'true' : 'false'}
              onClick={() => pick({ choice })}
            >
              {choiceLabel(state, choice)}
            </button>
          ))}
        </div>
      )}

      {choosing && !confirming && !askDevice && motion.kind === 'confidence' && (
        <ConfidenceForm motion={motion} draft={draft} setDraft={setDraft} onSend={() => setConfirming(true)} />
      )}
      {choosing && !confirming && !askDevice && motion.kind === 'election' && (
        <ElectionForm motion={motion} draft={draft} setDraft={setDraft} onSend={() => setConfirming(true)} />
      )}
      {choosing && recorded && !confirming && (
        <Button kind="ghost" size="lg" onClick={() => (setChanging(false), setDraft(null))}>
          {t('common.cancel')}
        </Button>
      )}
      <ErrorText error={error} />
    </Overlay>
  );
}

/**
 * The delegate confirms, with their own password, that this tablet (paired for them by the
 * secretariat) is theirs; a wrong password shows the server's words.
 */
function DeviceConfirm({ onConfirmed }) {
  useLang();
  const [password, setPassword] = useState('');
  const [run, busy, error, setError] = useAction();
  const input = useRef(null);
  const submit = async (event) => {
    event.preventDefault();
    if (!password) {
      setError({ message: t('votes.device_fill') });
      input.current?.focus();
      return;
    }
    const answer = await run(() => confirmDevice(password));
    if (answer?.confirmed) {
      onConfirmed();
      return;
    }
    // The server's words are shown; the password is typed again.
    setPassword('');
    input.current?.focus();
  };
  return (
    <form class="device-confirm" onSubmit={submit} noValidate aria-labelledby="device-confirm-title">
      <h3 class="device-confirm-title" id="device-confirm-title">
        <Icon name="lock" />
        {t('votes.device_title')}
      </h3>
      <p class="device-confirm-text" id="device-confirm-text">
        {t('votes.device_text')}
      </p>
      <Field label={t('votes.device_password')} id="device-password">
        <input
          id="device-password"
          ref={input}
          name="password"
          type="password"
          autocomplete="current-password"
          aria-describedby="device-confirm-text"
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
      </Field>
      <ErrorText error={error} />
      <Button kind="primary" size="xl" type="submit" busy={busy} class="btn-block">
        {busy ? t('votes.device_confirming') : t('votes.device_confirm')}
      </Button>
    </form>
  );
}

function ConfidenceForm({ motion, draft, setDraft, onSend }) {
  const ratings = draft?.ratings || {};
  const rate = (id, rating) => setDraft({ ratings: { ...ratings, [String(id)]: rating } });
  return (
    <div class="vote-form">
      <p class="vote-hint">{t('votes.rate_everyone')}</p>
      <ul class="vote-options">
        {(motion.options || []).map((o) => (
          <li key={o.id}>
            <fieldset class="vote-rating">
              <legend>{o.label}</legend>
              <div class="vote-rating-buttons">
                {RATINGS.map((r) => (
                  <button
                    type="button"
                    key={r}
                    class={`vote-choice rating-${r}${ratings[String(o.id)] === r ? ' is-chosen' : ''}`}
                    aria-pressed={ratings[String(o.id)] === r ? 'true' : 'false'}
                    onClick={() => rate(o.id, r)}
                  >
                    {t(`votes.ratings.${r}`)}
                  </button>
                ))}
              </div>
            </fieldset>
          </li>
        ))}
      </ul>
      <Button kind="primary" size="xl" disabled={!ballotReady(motion, draft)} onClick={onSend}>
        {t('votes.send')}
      </Button>
    </div>
  );
}

function ElectionForm({ motion, draft, setDraft, onSend }) {
  const choices = draft?.choices || [];
  const max = motion.max_choices || 1;
  return (
    <div class="vote-form">
      <p class="vote-hint">
        {t('votes.choose_up_to', { count: max })} {t('votes.chosen_count', { count: choices.length, max })}
      </p>
      <ul class="vote-options vote-candidates">
        {(motion.options || []).map((o) => {
          const on = choices.includes(o.id);
          return (
            <li key={o.id}>
              <button
                type="button"
                class={`vote-choice vote-candidate${on ? ' is-chosen' : ''}`}
                aria-pressed={on ? 'true' : 'false'}
                disabled={!on && choices.length >= max}
                onClick={() => setDraft({ choices: toggleCandidate(motion, choices, o.id) })}
              >
                <span class="vote-check" aria-hidden="true">
                  {on && <Icon name="check" />}
                </span>
                {o.label}
              </button>
            </li>
          );
        })}
      </ul>
      <Button kind="primary" size="xl" disabled={!ballotReady(motion, draft)} onClick={onSend}>
        {t('votes.send')}
      </Button>
    </div>
  );
}

function DraftSummary({ motion, draft }) {
  if (motion.kind === 'confidence') {
    return (
      <ul class="vote-summary">
        {(motion.options || []).map((o) => (
          <li key={o.id}>
            <span>{o.label}</span>
            <strong>{t(`votes.ratings.${draft?.ratings?.[String(o.id)]}`)}</strong>
          </li>
        ))}
      </ul>
    );
  }
  const chosen = (motion.options || []).filter((o) => draft?.choices?.includes(o.id));
  return (
    <ul class="vote-summary">
      {chosen.length === 0 ? <li>{t('votes.blank_ballot')}</li> : chosen.map((o) => <li key={o.id}>{o.label}</li>)}
    </ul>
  );
}

function ClosedScreen({ state, motion, onClose }) {
  useLang();
  return (
    <Overlay labelledBy="ballot-result-title" motionId={motion.id}>
      <p class="eyebrow">{t('votes.result_title')}</p>
      <h2 id="ballot-result-title" class="ballot-title" tabIndex={-1}>
        {motion.title}
      </h2>
      {motion.status === 'cancelled' ? (
        <p class="vote-warning">{t('votes.cancelled_note')}</p>
      ) : (
        <>
          <p class="vote-hint">{t('votes.result_closed')}</p>
          <ResultView state={state} motion={motion} chart={false} />
        </>
      )}
      <Button kind="primary" size="xl" onClick={onClose}>
        {t('votes.close')}
      </Button>
    </Overlay>
  );
}
