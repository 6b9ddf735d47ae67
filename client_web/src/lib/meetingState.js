// How each meeting event changes the meeting state (pure). Events carry the new value of
// what they change, so applying one twice gives the same state.

function withCurrent(agenda, currentId) {
  return (agenda || []).map((item) =>
    item.is_current === (item.id === currentId) ? item : { ...item, is_current: item.id === currentId },
  );
}

const reducers = {
  'meeting.updated': (state, data) => ({ ...state, meeting: { ...state.meeting, ...data.meeting } }),

  'agenda.updated': (state, data) => ({
    ...state,
    agenda: withCurrent(data.agenda, state.current_agenda_item_id),
  }),

  'agenda.current': (state, data) => {
    const id = data.agenda_item_id ?? null;
    const sameItem = state.speakers?.agenda_item_id === id;
    return {
      ...state,
      current_agenda_item_id: id,
      agenda: withCurrent(state.agenda, id),
      meeting: { ...state.meeting, status: data.status ?? state.meeting?.status },
      follow: data.follow ?? null,
      // The queue of the new item is not in this event: null until listSpeakers answers
      // (or a speakers.updated for that item arrives).
      speakers: sameItem ? state.speakers : { agenda_item_id: id, speakers: id === null ? [] : null },
    };
  },

  'follow.updated': (state, data) => ({ ...state, follow: data.follow ?? null }),

  'attendance.updated': (state, data) => {
    const previous = state.attendance || { entries: [] };
    const entry = data.entry;
    let entries = previous.entries || [];
    if (entry) {
      const found = entries.some((e) => e.user_id === entry.user_id);
      entries = found
        ? entries.map((e) => (e.user_id === entry.user_id ? entry : e))
        : [...entries, entry];
    }
    return {
      ...state,
      attendance: {
        ...previous,
        members: data.members,
        present: data.present,
        counts: data.counts,
        quorum: data.quorum,
        entries,
      },
    };
  },

  'speakers.updated': (state, data) => {
    if ((data.agenda_item_id ?? null) !== (state.current_agenda_item_id ?? null)) return state;
    return { ...state, speakers: { agenda_item_id: data.agenda_item_id, speakers: data.speakers } };
  },

  // --- Planned (docs: /work/briefs/api-plan.md); active once those sections exist ---------

  'document.published': (state, data) => {
    if (!Array.isArray(state.documents) || !data.document) return state;
    const others = state.documents.filter((d) => d.id !== data.document.id);
    return { ...state, documents: [...others, data.document] };
  },

  'vote.opened': (state, data) => {
    if (!state.votes || !data.motion) return state;
    return {
      ...state,
      votes: {
        ...state.votes,
        open_motion_id: data.motion.id,
        motions: upsert(state.votes.motions, data.motion),
      },
    };
  },

  'vote.progress': (state, data) => {
    if (!state.votes) return state;
    return {
      ...state,
      votes: {
        ...state.votes,
        motions: (state.votes.motions || []).map((m) =>
          m.id === data.motion_id ? { ...m, cast: data.cast, eligible: data.eligible } : m,
        ),
      },
    };
  },

  'vote.closed': (state, data) => {
    if (!state.votes) return state;
    return {
      ...state,
      votes: {
        ...state.votes,
        open_motion_id: state.votes.open_motion_id === data.motion_id ? null : state.votes.open_motion_id,
        motions: (state.votes.motions || []).map((m) =>
          m.id === data.motion_id ? { ...m, status: 'closed', result: data.result } : m,
        ),
      },
    };
  },

  'vote.announced': (state, data) => {
    if (!state.votes) return state;
    return { ...state, votes: { ...state.votes, announced: { motion_id: data.motion_id, result: data.result } } };
  },
};

function upsert(list, item) {
  const rest = (list || []).filter((x) => x.id !== item.id);
  return [...rest, item];
}

/** The state after one event; unknown events leave it unchanged. */
export function applyEvent(state, name, data) {
  const reducer = reducers[name];
  return reducer && state ? reducer(state, data) : state;
}

export const KNOWN_EVENTS = Object.keys(reducers);
