// Places for the features being built on the server (docs/client.md, "Slots"): documents
// and the reader, annotations and comments, voting. Each one shows only when the meeting
// state carries its section (`documents`, `votes`), so nothing appears before the server
// supports it, and no data is made up here. Shapes follow the planned API.
import { useState } from 'preact/hooks';
import { post } from '../lib/api.js';
import { serverNow } from '../lib/clock.js';
import { formatDuration } from '../lib/format.js';
import { useAction, useTick } from '../lib/hooks.js';
import { t, useLang } from '../lib/i18n.js';
import { Badge, Button, Card, EmptyState, ErrorText } from './ui.jsx';

export const hasDocuments = (state) => Array.isArray(state?.documents);
export const hasVotes = (state) => Boolean(state?.votes);

function openMotion(state) {
  const votes = state?.votes;
  if (!votes?.open_motion_id) return null;
  return (votes.motions || []).find((m) => m.id === votes.open_motion_id) || null;
}

/** Seconds left until an ISO time on the server's clock, ticking; null without a time. */
function useCountdown(iso) {
  useTick(1000, Boolean(iso));
  if (!iso) return null;
  return Math.max(0, Math.ceil((Date.parse(iso) - serverNow()) / 1000));
}

/**
 * Tablet: the full-screen ballot while a vote is open (delegates only): three large buttons,
 * a confirmation, the countdown, and "recorded" only after castVote answered.
 * Resolutions only for now; confidence ratings and elections come with the voting feature.
 */
export function BallotSlot({ state }) {
  useLang();
  const [run, busy, error] = useAction();
  const [pending, setPending] = useState(null);
  const [recorded, setRecorded] = useState(null);
  const motion = openMotion(state);
  const left = useCountdown(motion?.closes_at);
  if (!motion || !state.me?.is_member || motion.kind !== 'resolution') return null;
  const labels = state.meeting.ballot_labels || {};
  const label = (choice) => labels[choice] || t(`votes.${choice}`);
  const mine = recorded?.motion_id === motion.id ? recorded.choice : motion.my_vote?.choice;
  const locked = Boolean(mine) && !motion.allow_change;
  const confirm = async () => {
    const choice = pending;
    const answer = await run(() => post(`/motions/${motion.id}/ballot`, { choice }));
    setPending(null);
    if (answer?.recorded) setRecorded({ motion_id: motion.id, choice });
  };
  return (
    <div class="ballot-overlay" role="dialog" aria-modal="true" aria-labelledby="ballot-title">
      <div class="ballot">
        <p class="eyebrow">{t('votes.ballot')}</p>
        <h2 id="ballot-title" class="ballot-title">
          {motion.title}
        </h2>
        {left !== null && (
          <p class="ballot-countdown" role="timer">
            {t('votes.time_left', { time: formatDuration(left) })}
          </p>
        )}
        {pending ? (
          <div class="ballot-confirm">
            <p class="ballot-confirm-text">{t('votes.confirm_title', { choice: label(pending) })}</p>
            <div class="button-row">
              <Button size="xl" onClick={() => setPending(null)}>
                {t('votes.choose_again')}
              </Button>
              <Button kind="primary" size="xl" busy={busy} onClick={confirm}>
                {t('votes.confirm')}
              </Button>
            </div>
          </div>
        ) : (
          <div class="ballot-buttons">
            {['yes', 'no', 'abstain'].map((choice) => (
              <button
                type="button"
                key={choice}
                class={`ballot-btn ballot-${choice}${mine === choice ? ' is-chosen' : ''}`}
                disabled={busy || locked}
                aria-pressed={mine === choice ? 'true' : 'false'}
                onClick={() => setPending(choice)}
              >
                {label(choice)}
              </button>
            ))}
          </div>
        )}
        {mine && !pending && (
          <p class="result-ok" role="status">
            {t('votes.recorded', { choice: label(mine) })}
          </p>
        )}
        <ErrorText error={error} />
      </div>
    </div>
  );
}

/** Chair: motions with open / close and the live count. */
export function MotionsSlot({ state }) {
  useLang();
  if (!hasVotes(state)) return null;
  const motions = state.votes.motions || [];
  return (
    <Card title={t('votes.motions')} icon="vote" id="motions">
      {motions.length === 0 ? (
        <EmptyState title={t('votes.none')} />
      ) : (
        <ul class="plain-list">
          {motions.map((m) => (
            <li key={m.id}>
              {m.title} <Badge tone={m.status === 'open' ? 'live' : 'neutral'}>{t(`votes.status.${m.status}`)}</Badge>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

/** Hall display: the vote in progress (countdown and how many voted, never who). */
export function VoteInProgressSlot({ state }) {
  useLang();
  const motion = openMotion(state);
  if (!motion) return null;
  return (
    <section class="hall-vote" aria-labelledby="hall-vote-title">
      <p class="hall-eyebrow">{t('votes.in_progress')}</p>
      <h2 id="hall-vote-title" class="hall-vote-title">
        {motion.title}
      </h2>
      <p class="hall-vote-count">
        {t('votes.cast_of', { cast: motion.cast ?? 0, eligible: motion.eligible ?? 0 })}
      </p>
      <HallCountdown iso={motion.closes_at} />
    </section>
  );
}

function HallCountdown({ iso }) {
  const left = useCountdown(iso);
  if (left === null) return null;
  return (
    <p class="hall-vote-countdown" role="timer">
      {t('votes.time_left', { time: formatDuration(left) })}
    </p>
  );
}

/** Hall display: the announced result, counts and percentages of all members. */
export function VoteResultSlot({ state }) {
  useLang();
  const announced = state?.votes?.announced;
  if (!announced?.result) return null;
  const r = announced.result;
  const labels = state.meeting.ballot_labels || {};
  return (
    <section class="hall-result" aria-labelledby="hall-result-title">
      <h2 id="hall-result-title" class={`hall-result-verdict ${r.passed ? 'is-passed' : 'is-failed'}`}>
        {r.passed ? t('votes.passed') : t('votes.not_passed')}
      </h2>
      <ul class="hall-result-rows">
        {['yes', 'no', 'abstain', 'not_voted'].map((k) => (
          <li key={k}>
            <span>{labels[k] || t(`votes.${k}`)}</span>
            <strong>{r[k]}</strong>
            <span>{r.percentages?.[k]}%</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * Secretariat tab "documents" (shown once the state has a `documents` section): upload with
 * progress per file, processing progress and errors (document.processing / ready / failed
 * notices to the staff room), publish with the late warning, reads, and the comments
 * (listComments, replyToComment, updateComment, comments.csv / comments.pdf exports).
 */
export function SecretariatDocumentsSlot() {
  useLang();
  return <EmptyState title={t('documents.console_unavailable')} />;
}
