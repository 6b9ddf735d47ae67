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

  // A published document's title, kind, confidentiality or item changed: replace it in place,
  // keeping what only this user's copy knows (whether they read it).
  'document.updated': (state, data) => {
    if (!Array.isArray(state.documents) || !data.document) return state;
    const doc = data.document;
    if (!state.documents.some((d) => d.id === doc.id)) return { ...state, documents: [...state.documents, doc] };
    const documents = state.documents.map((d) => (d.id === doc.id ? { ...d, ...doc, read: doc.read ?? d.read } : d));
    return { ...state, documents };
  },

  // Voting (server/voting, docs/protocol.md "Voting"). Motions in events carry my_vote null
  // (they go to everyone): the tablet's own ballot is kept from the state it had.
  'vote.opened': (state, data) => {
    if (!state.votes || !data.motion) return state;
    return {
      ...state,
      votes: {
        ...state.votes,
        open_motion_id: data.motion.id,
        motions: upsertMotion(state.votes.motions, data.motion),
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
          m.id === data.motion_id && m.status === 'open' ? { ...m, cast: data.cast, eligible: data.eligible } : m,
        ),
      },
    };
  },

  'vote.closed': (state, data) => {
    if (!state.votes) return state;
    const known = (state.votes.motions || []).find((m) => m.id === data.motion_id);
    const motion = data.motion || (known && { ...known, status: 'closed' });
    if (!motion) return state;
    return {
      ...state,
      votes: {
        ...state.votes,
        open_motion_id: state.votes.open_motion_id === data.motion_id ? null : state.votes.open_motion_id,
        motions: upsertMotion(state.votes.motions, {
          ...motion,
          result: data.result ?? motion.result,
          audit_hash: data.audit?.hash ?? motion.audit_hash,
        }),
      },
    };
  },

  'vote.announced': (state, data) => {
    if (!state.votes) return state;
    return {
      ...state,
      votes: {
        ...state.votes,
        announced_motion_id: data.motion_id,
        motions: (state.votes.motions || []).map((m) =>
          m.id === data.motion_id
            ? { ...m, status: 'closed', announced_at: data.announced_at ?? m.announced_at, result: data.result ?? m.result }
            : m,
        ),
      },
    };
  },

  'vote.cancelled': (state, data) => {
    if (!state.votes) return state;
    const known = (state.votes.motions || []).find((m) => m.id === data.motion_id);
    const motion = data.motion || (known && { ...known, status: 'cancelled' });
    if (!motion) return state;
    return {
      ...state,
      votes: {
        ...state.votes,
        open_motion_id: state.votes.open_motion_id === data.motion_id ? null : state.votes.open_motion_id,
        motions: upsertMotion(state.votes.motions, motion),
      },
    };
  },
};

/** Replace (or add) a motion, in id order, keeping the member's own ballot (my_vote). */
function upsertMotion(list, motion) {
  const known = (list || []).find((m) => m.id === motion.id);
  const merged = { ...motion, my_vote: motion.my_vote ?? known?.my_vote ?? null };
  return [...(list || []).filter((m) => m.id !== motion.id), merged].sort((a, b) => a.id - b.id);
}

/** The state after one event; unknown events leave it unchanged. */
/** Whether the server sends the documents section (the documents feature is on). */
export const hasDocuments = (state) => Array.isArray(state?.documents);

export function applyEvent(state, name, data) {
  const reducer = reducers[name];
  return reducer && state ? reducer(state, data) : state;
}

export const KNOWN_EVENTS = Object.keys(reducers);
