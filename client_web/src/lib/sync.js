// The tablet sync library: one live meeting over Socket.IO, kept exactly in step.
//
// join -> state + seq; events applied in seq order (Sequencer); a gap that does not fill
// within ~1 s, or any reconnect, asks getMeetingState with since=N and applies the
// missed events (or takes the full state). Nothing is applied twice. The browser's
// offline/online signals close and reopen the socket at once instead of waiting for a
// ping timeout.
import { io } from 'socket.io-client';
import { call, fetchMeetingState } from './api.js';
import { applyEvent } from './meetingState.js';
import { Sequencer } from './sequencer.js';

export const STATUS = Object.freeze({
  CONNECTING: 'connecting',
  ONLINE: 'online',
  OFFLINE: 'offline',
  CATCHING_UP: 'catching_up',
});

const RETRY_MS = 2000;

export class MeetingSync {
  /**
   * @param {number} meetingId
   * @param {object} handlers
   *   onState(state)               the whole state changed (first join, full catch-up, an event)
   *   onEvent(name, data, state)   one event was applied
   *   onStatus(status)             connecting / online / offline / catching_up
   *   onNotice(name, data)         a notice outside the numbered stream (no seq)
   *   onError(error)               join refused ({code, message}) or the session ended
   * @param {object} [deps]  for tests: connect(), fetchState(id, since), holdMs, timers
   */
  constructor(meetingId, handlers = {}, deps = {}) {
    this.meetingId = meetingId;
    this.handlers = handlers;
    this.connect =
      deps.connect ||
      (() =>
        io({
          // WebSocket first (no polling-then-upgrade dance on a busy hall Wi-Fi); long
          // polling only where a proxy refuses WebSockets.
          transports: ['websocket', 'polling'],
          tryAllTransports: true,
          reconnectionDelay: 500,
          reconnectionDelayMax: 5000,
        }));
    this.fetchState = deps.fetchState || fetchMeetingState;
    this.fetchSpeakers = deps.fetchSpeakers || ((id) => call('listSpeakers', { params: { meeting_id: id } }));
    this.timers = deps.timers || globalThis;
    this.state = null;
    this.status = STATUS.CONNECTING;
    /** Seq numbers applied, in order (the last 500): what a test checks for gaps or doubles. */
    this.applied = [];
    this.catchingUp = false;
    this.catchUpAgain = false;
    this.stopped = false;
    this.sequencer = new Sequencer({
      apply: (name, data) => this.apply(name, data),
      onGap: () => this.catchUp(),
      holdMs: deps.holdMs ?? 1000,
      timers: this.timers,
    });
  }

  get seq() {
    return this.sequencer.seq;
  }

  start() {
    const socket = this.connect();
    this.socket = socket;
    socket.on('connect', () => this.join());
    socket.on('disconnect', (reason) => {
      this.setStatus(STATUS.OFFLINE);
      // The server closed us on purpose (e.g. a restart drains connections): come back.
      if (reason === 'io server disconnect' && !this.stopped && this.browserOnline()) {
        this.timers.setTimeout(() => !this.stopped && socket.connect(), RETRY_MS);
      }
    });
    socket.on('connect_error', (err) => {
      this.setStatus(STATUS.OFFLINE);
      if (err?.message === 'not_authenticated') {
        this.handlers.onError?.({ code: 'not_authenticated', fatal: true });
        this.stop();
      }
    });
    socket.onAny((name, data) => this.receive(name, data));
    if (globalThis.addEventListener) {
      this.onOffline = () => {
        this.setStatus(STATUS.OFFLINE);
        socket.disconnect();
      };
      this.onOnline = () => {
        if (!this.stopped && !socket.connected) socket.connect();
      };
      globalThis.addEventListener('offline', this.onOffline);
      globalThis.addEventListener('online', this.onOnline);
    }
    return this;
  }

  stop() {
    this.stopped = true;
    this.sequencer.stop();
    if (globalThis.removeEventListener && this.onOffline) {
      globalThis.removeEventListener('offline', this.onOffline);
      globalThis.removeEventListener('online', this.onOnline);
    }
    if (this.socket) {
      this.socket.offAny();
      this.socket.disconnect();
    }
  }

  browserOnline() {
    return globalThis.navigator?.onLine !== false;
  }

  setStatus(status) {
    if (this.status === status) return;
    this.status = status;
    this.handlers.onStatus?.(status);
  }

  async join() {
    const socket = this.socket;
    let ack;
    try {
      ack = await socket.timeout(10000).emitWithAck('join', { meeting_id: this.meetingId });
    } catch {
      // No answer in time: drop the connection and let Socket.IO reconnect.
      if (!this.stopped) socket.disconnect().connect();
      return;
    }
    if (this.stopped) return;
    if (!ack?.ok) {
      this.handlers.onError?.({ ...(ack?.error || { code: 'join_failed' }), fatal: true });
      return;
    }
    if (this.state === null) {
      this.takeState(ack.state, ack.seq);
      this.setStatus(STATUS.ONLINE);
    } else {
      // Back after a drop: fetch exactly what was missed.
      await this.catchUp();
    }
  }

  receive(name, data) {
    if (data && typeof data === 'object' && Number.isInteger(data.seq)) {
      if (data.meeting_id !== this.meetingId) return;
      this.sequencer.receive(name, data);
    } else {
      this.handlers.onNotice?.(name, data);
    }
  }

  takeState(state, seq) {
    this.state = state;
    this.handlers.onState?.(state);
    this.sequencer.reset(seq);
    this.refreshSpeakersIfUnknown();
  }

  apply(name, data) {
    this.state = applyEvent(this.state, name, data);
    this.applied.push(data.seq);
    if (this.applied.length > 500) this.applied.shift();
    this.handlers.onState?.(this.state);
    this.handlers.onEvent?.(name, data, this.state);
    if (name === 'agenda.current') this.refreshSpeakersIfUnknown();
  }

  /** getMeetingState?since=<last applied>: apply the events, or take the full state. */
  async catchUp() {
    if (this.stopped) return;
    if (this.catchingUp) {
      this.catchUpAgain = true;
      return;
    }
    this.catchingUp = true;
    this.setStatus(STATUS.CATCHING_UP);
    try {
      const since = this.sequencer.seq;
      const answer = await this.fetchState(this.meetingId, since);
      if (this.stopped) return;
      if (answer.state) this.takeState(answer.state, answer.seq);
      else this.sequencer.replay(answer.events || []);
      this.setStatus(this.socket?.connected === false ? STATUS.OFFLINE : STATUS.ONLINE);
    } catch (err) {
      if (err?.status === 401 || err?.status === 404) {
        this.handlers.onError?.({ code: err.code, message: err.message, fatal: true });
        return;
      }
      this.setStatus(STATUS.OFFLINE);
      this.timers.setTimeout(() => this.catchUp(), RETRY_MS);
    } finally {
      this.catchingUp = false;
      if (this.catchUpAgain) {
        this.catchUpAgain = false;
        this.catchUp();
      }
    }
  }

  /** After a move to another item its queue is not in the event: ask for it once. */
  async refreshSpeakersIfUnknown() {
    const speakers = this.state?.speakers;
    if (!speakers || speakers.speakers !== null || speakers.agenda_item_id === null) return;
    try {
      const answer = await this.fetchSpeakers(this.meetingId);
      const now = this.state.speakers;
      // Apply only if nothing newer arrived for that item meanwhile.
      if (now && now.speakers === null && now.agenda_item_id === answer.agenda_item_id) {
        this.state = { ...this.state, speakers: { agenda_item_id: answer.agenda_item_id, speakers: answer.speakers } };
        this.handlers.onState?.(this.state);
      }
    } catch {
      this.timers.setTimeout(() => this.refreshSpeakersIfUnknown(), RETRY_MS);
    }
  }
}
