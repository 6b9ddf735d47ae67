import { beforeEach, describe, expect, it, vi } from 'vitest';
import { Sequencer } from '../src/lib/sequencer.js';

const ev = (seq, name = 'x') => ({ name, data: { seq, meeting_id: 1 } });

describe('Sequencer', () => {
  let applied;
  let gaps;
  let seqr;

  beforeEach(() => {
    vi.useFakeTimers();
    applied = [];
    gaps = [];
    seqr = new Sequencer({
      apply: (name, data) => applied.push(data.seq),
      onGap: (last) => gaps.push(last),
      holdMs: 1000,
    });
  });

  it('applies events in order', () => {
    seqr.reset(10);
    for (const e of [ev(11), ev(12), ev(13)]) seqr.receive(e.name, e.data);
    expect(applied).toEqual([11, 12, 13]);
    expect(seqr.seq).toBe(13);
  });

  it('ignores events already applied or already in the state', () => {
    seqr.reset(10);
    seqr.receive('x', { seq: 9 });
    seqr.receive('x', { seq: 10 });
    seqr.receive('x', { seq: 11 });
    seqr.receive('x', { seq: 11 });
    expect(applied).toEqual([11]);
  });

  it('holds a later event and applies it when the gap fills', () => {
    seqr.reset(10);
    seqr.receive('x', { seq: 12 });
    seqr.receive('x', { seq: 13 });
    expect(applied).toEqual([]);
    vi.advanceTimersByTime(500);
    seqr.receive('x', { seq: 11 });
    expect(applied).toEqual([11, 12, 13]);
    vi.advanceTimersByTime(5000);
    expect(gaps).toEqual([]);
  });

  it('asks for the missing events when a gap does not fill within the hold time', () => {
    seqr.reset(10);
    seqr.receive('x', { seq: 12 });
    vi.advanceTimersByTime(999);
    expect(gaps).toEqual([]);
    vi.advanceTimersByTime(2);
    expect(gaps).toEqual([10]);
  });

  it('applies a replay and the held events after it exactly once', () => {
    seqr.reset(10);
    seqr.receive('x', { seq: 13 });
    seqr.receive('x', { seq: 14 });
    vi.advanceTimersByTime(1001);
    expect(gaps).toEqual([10]);
    // The catch-up answer overlaps with what is held.
    seqr.replay([ev(11), ev(12), ev(13)]);
    expect(applied).toEqual([11, 12, 13, 14]);
    seqr.replay([ev(12), ev(13), ev(14)]);
    expect(applied).toEqual([11, 12, 13, 14]);
    expect(seqr.gap).toBeNull();
  });

  it('holds events that arrive before the first state, then keeps only the later ones', () => {
    seqr.receive('x', { seq: 5 });
    seqr.receive('x', { seq: 7 });
    seqr.receive('x', { seq: 6 });
    expect(applied).toEqual([]);
    seqr.reset(5);
    expect(applied).toEqual([6, 7]);
  });

  it('a full state drops held events it already contains and keeps the later ones', () => {
    seqr.reset(1);
    seqr.receive('x', { seq: 4 });
    seqr.receive('x', { seq: 9 });
    seqr.reset(8);
    expect(applied).toEqual([9]);
    expect(seqr.seq).toBe(9);
  });

  it('asks again when a replay leaves a gap', () => {
    seqr.reset(1);
    seqr.receive('x', { seq: 5 });
    vi.advanceTimersByTime(1001);
    seqr.replay([ev(2), ev(3)]);
    expect(applied).toEqual([2, 3]);
    vi.advanceTimersByTime(1001);
    expect(gaps).toEqual([1, 3]);
  });

  it('accepts a full state older than what it had (a server restored from backup)', () => {
    seqr.reset(50);
    seqr.reset(20);
    seqr.receive('x', { seq: 21 });
    expect(applied).toEqual([21]);
  });

  it('ignores events without a seq', () => {
    seqr.reset(1);
    expect(seqr.receive('x', { meeting_id: 1 })).toBe(false);
    expect(applied).toEqual([]);
  });

  it('never applies twice whatever the arrival order', () => {
    // A shuffled stream with duplicates, delivered in bursts.
    const order = [3, 2, 2, 5, 4, 4, 1, 6, 9, 8, 7, 7, 10, 3];
    seqr.reset(0);
    for (const seq of order) seqr.receive('x', { seq });
    expect(applied).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
});
