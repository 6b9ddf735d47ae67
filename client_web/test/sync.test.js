import { beforeEach, describe, expect, it, vi } from 'vitest';
import { MeetingSync, STATUS } from '../src/lib/sync.js';

/** A stand-in for a socket.io-client Socket, driven by the test as the server would. */
class FakeSocket {
  constructor(server) {
    this.server = server;
    this.handlers = {};
    this.anyHandlers = [];
    this.connected = false;
  }
  on(name, fn) {
    (this.handlers[name] ||= []).push(fn);
  }
  onAny(fn) {
    this.anyHandlers.push(fn);
  }
  offAny() {
    this.anyHandlers = [];
  }
  timeout() {
    return this;
  }
  async emitWithAck(name, payload) {
    return this.server.ack(name, payload);
  }
  fire(name, ...args) {
    for (const fn of this.handlers[name] || []) fn(...args);
  }
  open() {
    this.connected = true;
    this.fire('connect');
  }
  drop() {
    this.connected = false;
    this.fire('disconnect', 'transport close');
  }
  connect() {
    return this;
  }
  disconnect() {
    this.connected = false;
    return this;
  }
  deliver(name, data) {
    if (!this.connected) return;
    for (const fn of this.anyHandlers) fn(name, data);
  }
}

/** A meeting on the "server": its events, numbered, and the state they build. */
class FakeServer {
  constructor() {
    this.events = [];
    this.speakerRequests = 0;
  }
  get seq() {
    return this.events.length;
  }
  state() {
    return {
      meeting: { id: 1, status: 'scheduled' },
      agenda: [],
      current_agenda_item_id: null,
      follow: null,
      attendance: { entries: [] },
      speakers: { agenda_item_id: null, speakers: [] },
      log: this.events.map((e) => e.data.seq),
    };
  }
  ack(name, payload) {
    if (name !== 'join' || payload.meeting_id !== 1) return { ok: false, error: { code: 'meeting_not_found' } };
    return { ok: true, seq: this.seq, state: this.state() };
  }
  publish(name, data) {
    const event = { name, data: { ...data, meeting_id: 1, seq: this.seq + 1 } };
    this.events.push(event);
    return event;
  }
  since(n) {
    if (n > this.seq) return { seq: this.seq, state: this.state() };
    return { seq: this.seq, events: this.events.slice(n) };
  }
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('MeetingSync', () => {
  let server;
  let socket;
  let sync;
  let events;
  let fetches;

  beforeEach(() => {
    server = new FakeServer();
    events = [];
    fetches = [];
    sync = new MeetingSync(
      1,
      { onEvent: (name, data) => events.push(data.seq) },
      {
        connect: () => {
          socket = new FakeSocket(server);
          return socket;
        },
        fetchState: async (id, since) => {
          fetches.push(since);
          return server.since(since);
        },
        fetchSpeakers: async () => ({ agenda_item_id: 3, speakers: [{ id: 1 }] }),
        holdMs: 30,
      },
    ).start();
  });

  it('joins and applies live events in order', async () => {
    server.publish('meeting.updated', { meeting: { title: 'A' } });
    socket.open();
    await flush();
    expect(sync.status).toBe(STATUS.ONLINE);
    expect(sync.seq).toBe(1);
    const e2 = server.publish('meeting.updated', { meeting: { title: 'B' } });
    socket.deliver(e2.name, e2.data);
    expect(sync.state.meeting.title).toBe('B');
    expect(events).toEqual([2]);
  });

  it('fetches a missing event when a gap does not fill, and applies everything once', async () => {
    socket.open();
    await flush();
    const e1 = server.publish('meeting.updated', { meeting: { title: 'one' } });
    const e2 = server.publish('meeting.updated', { meeting: { title: 'two' } });
    const e3 = server.publish('meeting.updated', { meeting: { title: 'three' } });
    // e1 is lost on the way; e3 arrives before e2.
    socket.deliver(e3.name, e3.data);
    socket.deliver(e2.name, e2.data);
    expect(events).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(fetches).toEqual([0]);
    expect(events).toEqual([1, 2, 3]);
    expect(sync.state.meeting.title).toBe('three');
    void e1;
  });

  it('catches up after a dropped connection without doubling anything', async () => {
    socket.open();
    await flush();
    const e1 = server.publish('meeting.updated', { meeting: { title: 'before' } });
    socket.deliver(e1.name, e1.data);
    socket.drop();
    expect(sync.status).toBe(STATUS.OFFLINE);
    const missed = [
      server.publish('meeting.updated', { meeting: { title: 'missed 1' } }),
      server.publish('meeting.updated', { meeting: { title: 'missed 2' } }),
    ];
    for (const e of missed) socket.deliver(e.name, e.data); // not delivered: offline
    socket.open();
    await flush();
    await flush();
    expect(fetches).toEqual([1]);
    expect(events).toEqual([1, 2, 3]);
    expect(sync.applied).toEqual([1, 2, 3]);
    expect(sync.state.meeting.title).toBe('missed 2');
    expect(sync.status).toBe(STATUS.ONLINE);
    // A late duplicate from the socket is ignored.
    socket.deliver(missed[1].name, missed[1].data);
    expect(events).toEqual([1, 2, 3]);
  });

  it('takes the full state when the server cannot replay', async () => {
    socket.open();
    await flush();
    socket.drop();
    server.since = () => ({ seq: 40, state: { ...server.state(), meeting: { id: 1, title: 'fresh' } } });
    socket.open();
    await flush();
    await flush();
    expect(sync.seq).toBe(40);
    expect(sync.state.meeting.title).toBe('fresh');
  });

  it('asks for the queue of a new current item', async () => {
    socket.open();
    await flush();
    const e = server.publish('agenda.current', { agenda_item_id: 3, status: 'in_progress', follow: null });
    socket.deliver(e.name, e.data);
    expect(sync.state.speakers.speakers).toBeNull();
    await flush();
    expect(sync.state.speakers).toEqual({ agenda_item_id: 3, speakers: [{ id: 1 }] });
  });

  it('ignores events of another meeting and passes notices on', async () => {
    const notices = [];
    sync.handlers.onNotice = (name) => notices.push(name);
    socket.open();
    await flush();
    socket.deliver('agenda.updated', { meeting_id: 2, seq: 1, agenda: [] });
    socket.deliver('document.ready', { document: { id: 1 } });
    expect(events).toEqual([]);
    expect(notices).toEqual(['document.ready']);
  });

  it('reports a refused join as fatal', async () => {
    const errors = [];
    sync.handlers.onError = (e) => errors.push(e);
    sync.meetingId = 99;
    socket.open();
    await flush();
    expect(errors[0]).toMatchObject({ code: 'meeting_not_found', fatal: true });
  });
});
