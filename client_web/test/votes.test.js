import { describe, expect, it } from 'vitest';
import { applyEvent } from '../src/lib/meetingState.js';
import {
  announcedMotion,
  ballotBody,
  ballotReady,
  bars,
  formatPercent,
  longestBallot,
  MAX_PAD,
  mergeMotions,
  motionsOfItem,
  openMotion,
  RATINGS,
  resultRows,
  secondsLeft,
  toggleCandidate,
} from '../src/lib/votes.js';

// Shapes as the server sends them (server/voting/services.py motion_json / result_json).
const motion = (over = {}) => ({
  id: 5,
  meeting_id: 1,
  agenda_item_id: 2,
  title: 'Thông qua Nghị quyết',
  kind: 'resolution',
  secret: false,
  rule: 'majority_of_members',
  allow_change: true,
  duration_seconds: 60,
  max_choices: null,
  options: [],
  status: 'draft',
  quorum_overridden: false,
  opened_at: null,
  closes_at: null,
  closed_at: null,
  announced_at: null,
  cast: 0,
  eligible: 0,
  my_vote: null,
  result: null,
  ...over,
});

const result = {
  motion_id: 5, title: 'Thông qua Nghị quyết', kind: 'resolution', secret: false, rule: 'majority_of_members',
  members: 50, present: 40, cast: 38, yes: 30, no: 5, abstain: 3, not_voted: 12, threshold: 26, passed: true,
  percentages: { yes: 60, no: 10, abstain: 6, not_voted: 24, cast: 76 }, options: [], thresholds: null, seats: null,
  named: null,
};

const base = () => ({
  meeting: { id: 1 },
  current_agenda_item_id: 2,
  votes: { motions: [motion()], open_motion_id: null },
});

describe('vote reducers', () => {
  it('opens a vote and keeps the member\'s own ballot over the event\'s null', () => {
    let s = base();
    s = { ...s, votes: { ...s.votes, motions: [motion({ my_vote: { choice: 'yes' } })] } };
    const opened = motion({ status: 'open', opened_at: '2026-11-23T08:00:00+00:00', closes_at: '2026-11-23T08:01:00+00:00', eligible: 40 });
    const once = applyEvent(s, 'vote.opened', { motion: opened, server_time: opened.opened_at, seq: 3 });
    expect(once.votes.open_motion_id).toBe(5);
    expect(openMotion(once).status).toBe('open');
    expect(openMotion(once).my_vote).toEqual({ choice: 'yes' });
    expect(applyEvent(once, 'vote.opened', { motion: opened })).toEqual(once);
  });

  it('counts progress only on the open motion, and never after close', () => {
    let s = applyEvent(base(), 'vote.opened', { motion: motion({ status: 'open' }) });
    s = applyEvent(s, 'vote.progress', { motion_id: 5, cast: 3, eligible: 40 });
    expect(openMotion(s).cast).toBe(3);
    s = applyEvent(s, 'vote.closed', { motion_id: 5, result, motion: motion({ status: 'closed', cast: 38, eligible: 40, result }) });
    const after = applyEvent(s, 'vote.progress', { motion_id: 5, cast: 39, eligible: 40 });
    expect(after.votes.motions[0].cast).toBe(38);
    expect(after.votes.open_motion_id).toBeNull();
    expect(after.votes.motions[0].result.passed).toBe(true);
  });

  it('closes from the event\'s motion, or from the known one when the event has none', () => {
    const s = applyEvent(base(), 'vote.opened', { motion: motion({ status: 'open' }) });
    const closed = applyEvent(s, 'vote.closed', { motion_id: 5, result });
    expect(closed.votes.motions[0].status).toBe('closed');
    expect(closed.votes.motions[0].result).toBe(result);
  });

  it('announces: the hall shows that motion while its item is current', () => {
    let s = applyEvent(base(), 'vote.closed', { motion_id: 5, result, motion: motion({ status: 'closed', result }) });
    expect(announcedMotion(s)).toBeNull();
    const event = { motion_id: 5, announced_at: '2026-11-23T08:05:00+00:00', result };
    s = applyEvent(s, 'vote.announced', event);
    expect(applyEvent(s, 'vote.announced', event)).toEqual(s);
    expect(announcedMotion(s).id).toBe(5);
    expect(announcedMotion({ ...s, current_agenda_item_id: 3 })).toBeNull();
  });

  it('finds the latest announced motion in a fresh state (no event seen)', () => {
    const s = {
      current_agenda_item_id: 2,
      votes: {
        open_motion_id: null,
        motions: [
          motion({ id: 1, status: 'closed', result, announced_at: '2026-11-23T08:00:00+00:00' }),
          motion({ id: 2, status: 'closed', result, announced_at: '2026-11-23T09:00:00+00:00' }),
          motion({ id: 3, status: 'closed', result, announced_at: null }),
        ],
      },
    };
    expect(announcedMotion(s).id).toBe(2);
  });

  it('cancels an open vote', () => {
    const s = applyEvent(base(), 'vote.opened', { motion: motion({ status: 'open' }) });
    const c = applyEvent(s, 'vote.cancelled', { motion_id: 5, motion: motion({ status: 'cancelled' }) });
    expect(c.votes.open_motion_id).toBeNull();
    expect(c.votes.motions[0].status).toBe('cancelled');
    expect(openMotion(c)).toBeNull();
  });
});

describe('vote helpers', () => {
  it('merges the chair\'s own answers: drafts from the answer, live counts from the state', () => {
    const state = [motion({ status: 'open', cast: 7, eligible: 40 }), motion({ id: 6 })];
    const local = { 5: motion({ status: 'open', cast: 0 }), 6: motion({ id: 6, title: 'Sửa' }), 7: motion({ id: 7 }) };
    const merged = mergeMotions(state, local);
    expect(merged.map((m) => m.id)).toEqual([5, 6, 7]);
    expect(merged[0].cast).toBe(7);
    expect(merged[1].title).toBe('Sửa');
    const later = mergeMotions([motion({ status: 'closed', result })], { 5: motion({ status: 'open' }) });
    expect(later[0].status).toBe('closed');
  });

  it('lists the motions of an item', () => {
    const list = [motion({ id: 9 }), motion({ id: 3 }), motion({ id: 4, agenda_item_id: null })];
    expect(motionsOfItem(list, 2).map((m) => m.id)).toEqual([3, 9]);
    expect(motionsOfItem(list, null).map((m) => m.id)).toEqual([4]);
  });

  it('formats percentages as announced', () => {
    expect(formatPercent(85.63, 'vi')).toBe('85,63%');
    expect(formatPercent(85.63, 'en')).toBe('85.63%');
    expect(formatPercent(60, 'vi')).toBe('60%');
    expect(formatPercent(6.5, 'en')).toBe('6.5%');
    expect(formatPercent(0, 'vi')).toBe('0%');
  });

  it('gives rows and bars from the server\'s numbers as they are', () => {
    const rows = resultRows(result);
    expect(rows.map((r) => [r.key, r.count, r.percent])).toEqual([
      ['yes', 30, 60],
      ['no', 5, 10],
      ['abstain', 3, 6],
      ['not_voted', 12, 24],
    ]);
    expect(bars(rows, 1000).map((b) => b.width)).toEqual([600, 100, 60, 240]);
  });

  it('counts down on the server clock', () => {
    const now = Date.parse('2026-11-23T08:00:00Z');
    expect(secondsLeft('2026-11-23T08:01:00+00:00', now)).toBe(60);
    expect(secondsLeft('2026-11-23T07:59:00+00:00', now)).toBe(0);
    expect(secondsLeft(null, now)).toBeNull();
  });

  it('builds each kind of ballot', () => {
    const r = motion();
    expect(ballotReady(r, { choice: 'yes' })).toBe(true);
    expect(ballotReady(r, { choice: 'maybe' })).toBe(false);
    expect(ballotBody(r, { choice: 'no' })).toEqual({ choice: 'no', pad: '     ' });
    const c = motion({ kind: 'confidence', options: [{ id: 1 }, { id: 2 }] });
    expect(ballotReady(c, { ratings: { 1: 'high' } })).toBe(false);
    expect(ballotReady(c, { ratings: { 1: 'high', 2: 'low' } })).toBe(true);
    expect(ballotBody(c, { ratings: { 1: 'high', 2: 'low' } })).toEqual({ ratings: { 1: 'high', 2: 'low' }, pad: '     ' });
    const e = motion({ kind: 'election', max_choices: 2, options: [{ id: 1 }, { id: 2 }, { id: 3 }] });
    let choices = toggleCandidate(e, [], 1);
    choices = toggleCandidate(e, choices, 2);
    expect(toggleCandidate(e, choices, 3)).toEqual([1, 2]);
    expect(toggleCandidate(e, choices, 1)).toEqual([2]);
    expect(ballotReady(e, { choices: [] })).toBe(true);
    expect(ballotBody(e, { choices })).toEqual({ choices: [1, 2], pad: '' });
  });
});

describe('ballots of one length', () => {
  const size = (m, draft) => JSON.stringify(ballotBody(m, draft)).length;
  const sizes = (m, drafts) => new Set(drafts.map((d) => size(m, d)));

  it('pads every resolution ballot to the length of "abstain"', () => {
    const r = motion();
    expect(sizes(r, [{ choice: 'yes' }, { choice: 'no' }, { choice: 'abstain' }]).size).toBe(1);
    expect(size(r, { choice: 'yes' })).toBe(JSON.stringify({ choice: 'abstain', pad: '' }).length);
    expect(ballotBody(r, { choice: 'abstain' })).toEqual({ choice: 'abstain', pad: '' });
    expect(longestBallot(r)).toEqual({ choice: 'abstain' });
  });

  it('pads confidence ratings to everyone rated "medium", whatever the order', () => {
    const ids = [3, 41, 7, 1200];
    const c = motion({ kind: 'confidence', options: ids.map((id) => ({ id, label: `Người ${id}` })) });
    const drafts = [];
    for (const r of RATINGS) drafts.push({ ratings: Object.fromEntries(ids.map((id) => [String(id), r])) });
    drafts.push({ ratings: { 1200: 'low', 3: 'high', 41: 'medium', 7: 'low' } });
    expect(sizes(c, drafts).size).toBe(1);
    expect(ballotBody(c, drafts[1]).pad).toBe('');
    expect(size(c, drafts[0])).toBe(JSON.stringify({ ...longestBallot(c), pad: '' }).length);
  });

  it('pads election ballots to max_choices of the largest ids, a blank ballot too', () => {
    const e = motion({ kind: 'election', max_choices: 3, options: [8, 9, 10, 11, 105].map((id) => ({ id })) });
    expect(longestBallot(e)).toEqual({ choices: [105, 11, 10] });
    const drafts = [{ choices: [] }, { choices: [8] }, { choices: [105] }, { choices: [8, 9] }, { choices: [10, 11, 105] }, { choices: [9, 8, 10] }];
    expect(sizes(e, drafts).size).toBe(1);
    // More seats than candidates: every candidate at most.
    const few = motion({ kind: 'election', max_choices: 5, options: [{ id: 1 }, { id: 2 }] });
    expect(longestBallot(few)).toEqual({ choices: [2, 1] });
    expect(sizes(few, [{ choices: [] }, { choices: [1] }, { choices: [2, 1] }]).size).toBe(1);
  });

  it('keeps the pad to spaces within the server\'s limit', () => {
    const c = motion({ kind: 'confidence', options: Array.from({ length: 3000 }, (_, i) => ({ id: i + 1 })) });
    const pad = ballotBody(c, { ratings: Object.fromEntries(c.options.map((o) => [String(o.id), 'low'])) }).pad;
    expect(pad.length).toBeLessThanOrEqual(MAX_PAD);
    expect(/^ *$/.test(pad)).toBe(true);
  });
});
