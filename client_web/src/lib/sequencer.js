// Applies a meeting's numbered events strictly in `seq` order (pure: no sockets, no DOM).
//
// - an event with seq = last + 1 is applied, then any held events that follow it;
// - an event with seq <= last was already applied (or is in the state): ignored;
// - a later event is held; when the gap has not filled within `holdMs`, `onGap(last)`
//   asks for the missing events (getMeetingState?since=last);
// - `reset(seq)` after a full state: held events up to seq are dropped, later ones kept.

export class Sequencer {
  /**
   * @param {object} options
   * @param {(name: string, data: object) => void} options.apply  applies one event
   * @param {(lastSeq: number) => void} options.onGap  a gap did not fill in time
   * @param {number} [options.holdMs]  how long to wait for a missing event
   * @param {{setTimeout: Function, clearTimeout: Function}} [options.timers]
   */
  constructor({ apply, onGap, holdMs = 1000, timers = globalThis }) {
    this.applyEvent = apply;
    this.onGap = onGap;
    this.holdMs = holdMs;
    this.timers = timers;
    this.seq = null;
    this.pending = new Map();
    this.timer = null;
  }

  /** True once a state (and its seq) is known. */
  get started() {
    return this.seq !== null;
  }

  /** Start from a full state at `seq`, keeping held events that come after it. */
  reset(seq) {
    this.seq = seq;
    for (const held of [...this.pending.keys()]) if (held <= seq) this.pending.delete(held);
    this.drain();
  }

  /** One event from the socket or from a replay. Returns true when it was applied now. */
  receive(name, data) {
    const seq = data?.seq;
    if (!Number.isInteger(seq)) return false;
    if (this.seq === null) {
      // Before the first state: keep it; reset() decides.
      this.pending.set(seq, { name, data });
      return false;
    }
    if (seq <= this.seq) return false;
    if (seq === this.seq + 1) {
      this.step(name, data);
      this.drain();
      return true;
    }
    if (!this.pending.has(seq)) this.pending.set(seq, { name, data });
    this.armGapTimer();
    return false;
  }

  /** The events of a catch-up answer, in order. */
  replay(events) {
    for (const event of events) this.receive(event.name, event.data);
  }

  /** The seq numbers still missing before the held events (for diagnostics). */
  get gap() {
    if (this.seq === null || this.pending.size === 0) return null;
    return { after: this.seq, held: [...this.pending.keys()].sort((a, b) => a - b) };
  }

  stop() {
    this.clearGapTimer();
  }

  step(name, data) {
    this.seq = data.seq;
    this.applyEvent(name, data);
  }

  drain() {
    if (this.seq === null) return;
    while (this.pending.has(this.seq + 1)) {
      const next = this.pending.get(this.seq + 1);
      this.pending.delete(this.seq + 1);
      this.step(next.name, next.data);
    }
    for (const held of [...this.pending.keys()]) if (held <= this.seq) this.pending.delete(held);
    if (this.pending.size === 0) this.clearGapTimer();
    else this.armGapTimer();
  }

  armGapTimer() {
    if (this.timer !== null) return;
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      if (this.pending.size > 0 && this.seq !== null) this.onGap(this.seq);
    }, this.holdMs);
  }

  clearGapTimer() {
    if (this.timer !== null) {
      this.timers.clearTimeout(this.timer);
      this.timer = null;
    }
  }
}
