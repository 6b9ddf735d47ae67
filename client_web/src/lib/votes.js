// Pure helpers for the voting screens (tablet ballot, chair motions, hall display).
// No framework imports: unit-tested in test/votes.test.js.

export const CHOICES = ['yes', 'no', 'abstain'];
export const RATINGS = ['high', 'medium', 'low'];
export const RULES = ['majority_of_members', 'two_thirds_of_members', 'majority_of_present'];
export const KINDS = ['resolution', 'confidence', 'election'];

/** The motion whose vote is open now, or null. */
export function openMotion(state) {
  const votes = state?.votes;
  if (!votes?.open_motion_id) return null;
  return (votes.motions || []).find((m) => m.id === votes.open_motion_id && m.status === 'open') || null;
}

/**
 * The announced result the hall shows: the motion the chair last announced (this session of
 * the page), else the most recently announced closed motion, in both cases only while its
 * agenda item is the current one (moving on clears the screen). Null when none.
 */
export function announcedMotion(state) {
  const votes = state?.votes;
  if (!votes) return null;
  const current = state.current_agenda_item_id ?? null;
  const shown = (m) => m && m.status === 'closed' && m.announced_at && m.result && m.agenda_item_id === current;
  const motions = votes.motions || [];
  const last = motions.find((m) => m.id === votes.announced_motion_id);
  if (shown(last)) return last;
  let best = null;
  for (const m of motions) {
    if (shown(m) && (!best || Date.parse(m.announced_at) > Date.parse(best.announced_at))) best = m;
  }
  return best;
}

/** The motions of one agenda item (or of none), in id order. */
export function motionsOfItem(motions, agendaItemId) {
  return (motions || [])
    .filter((m) => (m.agenda_item_id ?? null) === (agendaItemId ?? null))
    .sort((a, b) => a.id - b.id);
}

const RANK = { draft: 0, open: 1, closed: 2, cancelled: 2 };

/**
 * The chair's view of the motions: the meeting state's (live counts, results) merged with
 * the answers of the chair's own actions and the staff notices about drafts (`local`, by id),
 * which the numbered stream does not carry. The further-along status wins; for drafts the
 * local copy (newer) wins.
 */
export function mergeMotions(stateMotions, local) {
  const byId = new Map((stateMotions || []).map((m) => [m.id, m]));
  for (const m of Object.values(local || {})) {
    const known = byId.get(m.id);
    if (!known || RANK[m.status] > RANK[known.status] || (known.status === 'draft' && m.status === 'draft')) {
      byId.set(m.id, known ? { ...m, cast: known.cast ?? m.cast, eligible: known.eligible ?? m.eligible } : m);
    }
  }
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

/** Seconds left until an ISO time at server time `now` (ms); null without a time. */
export function secondsLeft(iso, now) {
  if (!iso) return null;
  return Math.max(0, Math.ceil((Date.parse(iso) - now) / 1000));
}

/** A percentage as councils announce it: two decimals at most, Vietnamese comma in vi. */
export function formatPercent(value, lang = 'vi') {
  const n = Number(value ?? 0);
  const text = (Math.round(n * 100) / 100).toFixed(2).replace(/\.?0+$/, '');
  return `${lang === 'vi' ? text.replace('.', ',') : text}%`;
}

/** The rows of a resolution's result: [{key, count, percent}] for yes, no, abstain, not voted. */
export function resultRows(result) {
  if (!result) return [];
  return ['yes', 'no', 'abstain', 'not_voted'].map((key) => ({
    key,
    count: result[key] ?? 0,
    percent: result.percentages?.[key] ?? 0,
  }));
}

/** Bars for an SVG chart of `rows` on a scale of 0..100 % of all members: [{key, width}]. */
export function bars(rows, width = 1000) {
  return rows.map((r) => ({ ...r, width: Math.max(0, Math.min(width, (Number(r.percent) / 100) * width)) }));
}

/** Is a ballot body complete for this motion? (the tablet enables "send" only then). */
export function ballotReady(motion, draft) {
  if (!motion) return false;
  if (motion.kind === 'confidence') {
    const ratings = draft?.ratings || {};
    return (motion.options || []).every((o) => RATINGS.includes(ratings[String(o.id)]));
  }
  if (motion.kind === 'election') {
    const choices = draft?.choices || [];
    return choices.length <= (motion.max_choices || 1);
  }
  return CHOICES.includes(draft?.choice);
}

/** The castVote body for a draft ballot, before padding. */
function bareBallot(motion, draft) {
  if (motion.kind === 'confidence') return { ratings: { ...(draft?.ratings || {}) } };
  if (motion.kind === 'election') return { choices: [...(draft?.choices || [])] };
  return { choice: draft?.choice };
}

/**
 * The longest ballot this motion can have: "abstain" for a resolution, every person rated
 * with the longest rating word for a confidence vote, as many candidates as allowed with
 * the largest ids (the most digits) for an election.
 */
export function longestBallot(motion) {
  const options = motion.options || [];
  if (motion.kind === 'confidence') {
    const longest = RATINGS.reduce((a, b) => (b.length > a.length ? b : a));
    return { ratings: Object.fromEntries(options.map((o) => [String(o.id), longest])) };
  }
  if (motion.kind === 'election') {
    // Ids are whole numbers: the largest are the longest written out.
    const ids = options.map((o) => o.id).sort((a, b) => b - a);
    return { choices: ids.slice(0, Math.max(0, motion.max_choices || 1)) };
  }
  return { choice: CHOICES.reduce((a, b) => (b.length > a.length ? b : a)) };
}

/** castVote's `pad` is at most this many spaces (the server refuses more). */
export const MAX_PAD = 4096;

/**
 * The castVote body for a draft ballot, padded with spaces (`pad`, which the server
 * ignores) to the length of the motion's longest ballot: whatever is chosen, every ballot
 * of a motion is sent at one length, so its size on the wire tells nothing about it.
 */
export function ballotBody(motion, draft) {
  const body = { ...bareBallot(motion, draft), pad: '' };
  const target = JSON.stringify({ ...longestBallot(motion), pad: '' }).length;
  const missing = target - JSON.stringify(body).length;
  if (missing > 0) body.pad = ' '.repeat(Math.min(missing, MAX_PAD));
  return body;
}

/** Toggle a candidate in an election draft, never beyond max_choices. */
export function toggleCandidate(motion, choices, optionId) {
  const list = choices || [];
  if (list.includes(optionId)) return list.filter((id) => id !== optionId);
  if (list.length >= (motion.max_choices || 1)) return list;
  return [...list, optionId];
}

/** Same ballot? (the server's my_vote against a draft). */
export function sameBallot(a, b) {
  return JSON.stringify(normalise(a)) === JSON.stringify(normalise(b));
}

function normalise(v) {
  if (!v) return null;
  if (v.ratings) return { ratings: Object.fromEntries(Object.entries(v.ratings).sort()) };
  if (v.choices) return { choices: [...v.choices].sort((x, y) => x - y) };
  return { choice: v.choice };
}
