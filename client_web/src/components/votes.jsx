// Pieces of the voting screens shared by the tablet, the chair console and the hall display:
// the countdown, the result (counts, percentages of all members, bar chart, verdict).
import '../styles/votes.css';
import { serverNow } from '../lib/clock.js';
import { formatDuration } from '../lib/format.js';
import { useTick } from '../lib/hooks.js';
import { getLang, t, useLang } from '../lib/i18n.js';
import { bars, formatPercent, resultRows, secondsLeft } from '../lib/votes.js';

/** The council's word for a choice (ballot_labels), else the catalog's. */
export function choiceLabel(state, choice) {
  return state?.meeting?.ballot_labels?.[choice] || t(`votes.${choice}`);
}

/** Seconds left until `iso` on the server's clock, ticking every second; null without a time. */
export function useSecondsLeft(iso) {
  useTick(1000, Boolean(iso));
  return secondsLeft(iso, serverNow());
}

export function Countdown({ iso, class: extra }) {
  useLang();
  const left = useSecondsLeft(iso);
  if (left === null) return null;
  return (
    <p class={['vote-countdown', left <= 10 && 'is-ending', extra].filter(Boolean).join(' ')} role="timer" aria-live="off">
      {left > 0 ? t('votes.time_left', { time: formatDuration(left) }) : t('votes.time_up')}
    </p>
  );
}

/** PASSED / NOT PASSED in words (resolutions and elections); nothing for confidence ratings. */
export function Verdict({ result, class: extra }) {
  useLang();
  if (!result || result.passed === null || result.passed === undefined) return null;
  const words =
    result.kind === 'election'
      ? t(result.passed ? 'votes.seats_filled' : 'votes.seats_not_filled')
      : t(result.passed ? 'votes.passed' : 'votes.not_passed');
  return (
    <p class={['vote-verdict', result.passed ? 'is-passed' : 'is-failed', extra].filter(Boolean).join(' ')} data-passed={String(result.passed)}>
      {words}
    </p>
  );
}

/** A bar chart (SVG, sizes as attributes: no inline styles) of the percentages of all members. */
export function ResultChart({ rows, labels }) {
  const W = 1000;
  const ROW = 70;
  const items = bars(rows, W);
  return (
    <svg class="vote-chart" viewBox={`0 0 ${W} ${items.length * ROW}`} role="img" aria-label={t('votes.chart')} preserveAspectRatio="none">
      {items.map((r, i) => (
        <g key={r.key}>
          <rect class="vote-bar-track" x="0" y={i * ROW + 10} width={W} height={ROW - 20} rx="8" />
          <rect class={`vote-bar vote-bar-${r.key}`} x="0" y={i * ROW + 10} width={r.width} height={ROW - 20} rx="8">
            <title>{`${labels[r.key]}: ${formatPercent(r.percent, getLang())}`}</title>
          </rect>
        </g>
      ))}
    </svg>
  );
}

/**
 * The frozen result of a closed motion: the verdict, the counts and percentages of all members
 * (and a bar chart) for a resolution; per person ratings (confidence) or votes (election).
 */
export function ResultView({ state, motion, chart = true }) {
  useLang();
  const r = motion?.result;
  if (!r) return null;
  const lang = getLang();
  const labels = {
    yes: choiceLabel(state, 'yes'),
    no: choiceLabel(state, 'no'),
    abstain: choiceLabel(state, 'abstain'),
    not_voted: t('votes.not_voted'),
  };
  return (
    <div class="vote-result" data-motion-id={motion.id}>
      <Verdict result={r} />
      {motion.kind === 'resolution' && (
        <>
          <table class="vote-table">
            <thead>
              <tr>
                <th scope="col">{t('votes.choice')}</th>
                <th scope="col" class="num">
                  {t('votes.count')}
                </th>
                <th scope="col" class="num">
                  {t('votes.percent')}
                </th>
              </tr>
            </thead>
            <tbody>
              {resultRows(r).map((row) => (
                <tr key={row.key} class={`vote-row-${row.key}`}>
                  <th scope="row">
                    <span class={`vote-swatch vote-bar-${row.key}`} aria-hidden="true" />
                    {labels[row.key]}
                  </th>
                  <td class="num vote-count" data-value={row.count}>
                    {row.count}
                  </td>
                  <td class="num vote-percent" data-value={row.percent}>
                    {formatPercent(row.percent, lang)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {chart && <ResultChart rows={resultRows(r)} labels={labels} />}
        </>
      )}
      {motion.kind === 'confidence' && (
        <table class="vote-table">
          <thead>
            <tr>
              <th scope="col">{t('votes.person_rated')}</th>
              {['high', 'medium', 'low'].map((k) => (
                <th scope="col" class="num" key={k}>
                  {t(`votes.ratings.${k}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {(r.options || []).map((o) => (
              <tr key={o.id}>
                <th scope="row">
                  {o.label}
                  {o.low_two_thirds ? (
                    <span class="vote-flag">{t('votes.low_two_thirds')}</span>
                  ) : o.low_over_half ? (
                    <span class="vote-flag">{t('votes.low_over_half')}</span>
                  ) : null}
                </th>
                {['high', 'medium', 'low'].map((k) => (
                  <td class="num" key={k}>
                    {o[k]} <span class="vote-sub">({formatPercent(o.percentages?.[k], lang)})</span>
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {motion.kind === 'election' && (
        <table class="vote-table">
          <thead>
            <tr>
              <th scope="col">{t('votes.candidate')}</th>
              <th scope="col" class="num">
                {t('votes.count')}
              </th>
              <th scope="col" class="num">
                {t('votes.percent')}
              </th>
              <th scope="col">{t('votes.outcome')}</th>
            </tr>
          </thead>
          <tbody>
            {(r.options || []).map((o) => (
              <tr key={o.id}>
                <th scope="row">{o.label}</th>
                <td class="num">{o.votes}</td>
                <td class="num">{formatPercent(o.percentage, lang)}</td>
                <td>{o.elected ? t('votes.elected') : o.tied ? t('votes.tied') : t('votes.not_elected')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p class="vote-footnote">
        {t('votes.of_members', { members: r.members })} {t('votes.present_count', { present: r.present, members: r.members })}{' '}
        {motion.kind === 'resolution' && r.threshold != null ? t('votes.threshold', { threshold: r.threshold }) : ''}
      </p>
    </div>
  );
}
