import { describe, expect, it } from 'vitest';
import { applyEvent } from '../src/lib/meetingState.js';

const base = () => ({
  meeting: { id: 1, title: 'Kỳ họp', status: 'scheduled' },
  agenda: [
    { id: 1, number: '1', is_current: false },
    { id: 2, number: '1.1', is_current: false },
  ],
  current_agenda_item_id: null,
  follow: null,
  attendance: {
    members: 3,
    present: 0,
    counts: { present: 0, not_checked_in: 3 },
    quorum: { required: 2, reached: false },
    entries: [
      { user_id: 7, state: 'not_checked_in' },
      { user_id: 8, state: 'not_checked_in' },
    ],
  },
  speakers: { agenda_item_id: null, speakers: [] },
});

describe('applyEvent', () => {
  it('renames a published document in place, keeping whether I read it, twice the same', () => {
    const state = { ...base(), documents: [{ id: 5, title: 'Tờ trình', kind: 'main', read: true }] };
    const event = { document: { id: 5, title: 'Tờ trình (sửa)', kind: 'main', read: null }, seq: 3 };
    const once = applyEvent(state, 'document.updated', event);
    expect(once.documents).toEqual([{ id: 5, title: 'Tờ trình (sửa)', kind: 'main', read: true }]);
    expect(applyEvent(once, 'document.updated', event)).toEqual(once);
    expect(applyEvent(base(), 'document.updated', event)).toEqual(base());
  });

  it('moves the current item and marks it, asking for the new queue', () => {
    const s = applyEvent(base(), 'agenda.current', { agenda_item_id: 2, status: 'in_progress', follow: null, seq: 1 });
    expect(s.current_agenda_item_id).toBe(2);
    expect(s.agenda.map((i) => i.is_current)).toEqual([false, true]);
    expect(s.meeting.status).toBe('in_progress');
    expect(s.speakers).toEqual({ agenda_item_id: 2, speakers: null });
  });

  it('keeps the current mark when the agenda is replaced', () => {
    let s = applyEvent(base(), 'agenda.current', { agenda_item_id: 2, status: 'in_progress' });
    s = applyEvent(s, 'agenda.updated', {
      agenda: [
        { id: 2, number: '1', is_current: false },
        { id: 1, number: '2', is_current: false },
      ],
    });
    expect(s.agenda.find((i) => i.id === 2).is_current).toBe(true);
  });

  it('replaces the changed attendance entry and the counts; twice is harmless', () => {
    const event = {
      members: 3,
      present: 1,
      counts: { present: 1, not_checked_in: 2 },
      quorum: { required: 2, reached: false },
      entry: { user_id: 8, state: 'present' },
    };
    const once = applyEvent(base(), 'attendance.updated', event);
    const twice = applyEvent(once, 'attendance.updated', event);
    expect(twice).toEqual(once);
    expect(once.attendance.present).toBe(1);
    expect(once.attendance.entries.map((e) => e.state)).toEqual(['not_checked_in', 'present']);
  });

  it('takes the speakers of the current item and ignores another item', () => {
    let s = applyEvent(base(), 'agenda.current', { agenda_item_id: 2, status: 'in_progress' });
    s = applyEvent(s, 'speakers.updated', { agenda_item_id: 1, speakers: [{ id: 9 }] });
    expect(s.speakers.speakers).toBeNull();
    s = applyEvent(s, 'speakers.updated', { agenda_item_id: 2, speakers: [{ id: 5 }] });
    expect(s.speakers.speakers).toEqual([{ id: 5 }]);
  });

  it('leaves the state alone for unknown events and for sections the server does not have', () => {
    const s = base();
    expect(applyEvent(s, 'something.else', {})).toBe(s);
    expect(applyEvent(s, 'vote.opened', { motion: { id: 1 } })).toBe(s);
  });
});
