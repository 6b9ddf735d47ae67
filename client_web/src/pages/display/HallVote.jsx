// The hall display during a vote (title, countdown, how many have voted: never who or what)
// and when the chair announces the result (counts, percentages of all members, a bar chart,
// PASSED / NOT PASSED in words). The numbers are the server's frozen result as they come.
import { choiceLabel, Countdown, Verdict } from '../../components/votes.jsx';
import { getLang, t, useLang } from '../../lib/i18n.js';
import { bars, formatPercent, resultRows } from '../../lib/votes.js';

const W = 1000;

export function HallVoteInProgress({ motion }) {
  useLang();
  const cast = motion.cast ?? 0;
  const eligible = motion.eligible ?? 0;
  const filled = eligible ? Math.min(W, (cast / eligible) * W) : 0;
  return (
    <section class="hall-vote hall-vote-live" aria-labelledby="hall-vote-title" data-motion-id={motion.id}>
      <p class="hall-eyebrow">
        <span class="live-dot" aria-hidden="true" /> {t('votes.in_progress')}
        {motion.secret ? ` · ${t('votes.secret')}` : ''}
      </p>
      <h2 id="hall-vote-title" class="hall-vote-title">
        {motion.title}
      </h2>
      <div class="hall-vote-figures">
        <p class="hall-vote-tally">
          <span class="hall-vote-cast">{cast}</span>
          <span class="hall-vote-eligible">/{eligible}</span>
        </p>
        <p class="hall-vote-tally-label">{t('votes.voted_label')}</p>
      </div>
      <svg class="hall-vote-progress" viewBox={`0 0 ${W} 40`} preserveAspectRatio="none" aria-hidden="true">
        <rect class="vote-bar-track" x="0" y="0" width={W} height="40" rx="20" />
        <rect class="vote-bar-cast" x="0" y="0" width={filled} height="40" rx="20" />
      </svg>
      <Countdown iso={motion.closes_at} class="hall-vote-countdown" />
    </section>
  );
}

/** The first 16 hex digits of a hash in groups of four: short enough to note down. */
function groupHash(hash) {
  return hash.slice(0, 16).match(/.{4}/g).join(' ');
}

export function HallVoteResult({ state, motion }) {
  useLang();
  const r = motion.result;
  const lang = getLang();
  const labels = {
    yes: choiceLabel(state, 'yes'),
    no: choiceLabel(state, 'no'),
    abstain: choiceLabel(state, 'abstain'),
    not_voted: t('votes.not_voted'),
  };
  return (
    <section class="hall-result" aria-labelledby="hall-result-title" data-motion-id={motion.id}>
      <p class="hall-eyebrow">{t('votes.result_title')}</p>
      <h2 id="hall-result-title" class="hall-result-title">
        {motion.title}
      </h2>
      <Verdict result={r} class="hall-verdict" />
      {motion.kind === 'resolution' ? (
        <ul class="hall-result-grid" aria-label={t('votes.chart')}>
          {bars(resultRows(r), W).map((row) => (
            <li key={row.key} class={`hall-row-${row.key}`}>
              <span class="hall-result-label">
                <span class={`vote-swatch vote-bar-${row.key}`} aria-hidden="true" />
                {labels[row.key]}
              </span>
              <svg class="hall-bar" viewBox={`0 0 ${W} 100`} preserveAspectRatio="none" aria-hidden="true">
                <rect class="vote-bar-track" x="0" y="0" width={W} height="100" rx="12" />
                <rect class={`vote-bar-${row.key}`} x="0" y="0" width={row.width} height="100" rx="12" />
              </svg>
              <strong class="hall-result-count" data-value={row.count}>
                {row.count}
              </strong>
              <span class="hall-result-percent" data-value={row.percent}>
                {formatPercent(row.percent, lang)}
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <ul class="hall-result-rows hall-result-options">
          {(r.options || []).map((o) => (
            <li key={o.id}>
              <span class="hall-result-label">{o.label}</span>
              {motion.kind === 'election' ? (
                <>
                  <strong class="hall-result-count">{o.votes}</strong>
                  <span class="hall-result-percent">
                    {formatPercent(o.percentage, lang)} · {o.elected ? t('votes.elected') : t('votes.not_elected')}
                  </span>
                </>
              ) : (
                <>
                  <strong class="hall-result-count">{t('votes.ratings.low')}: {o.low}</strong>
                  <span class="hall-result-percent">{formatPercent(o.percentages?.low, lang)}</span>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      <p class="hall-result-note">
        {t('votes.of_members', { members: r.members })} {t('votes.present_count', { present: r.present, members: r.members })}
      </p>
      {motion.audit_hash && (
        <p class="hall-audit" data-audit-hash={motion.audit_hash}>
          {t('votes.audit_hash')} <code>{groupHash(motion.audit_hash)}</code>
        </p>
      )}
    </section>
  );
}
