// Annotation changes on their way to the server. Every change (create, delete) is first
// written to IndexedDB, then sent in batches with syncAnnotations; offline, or when the
// server cannot be reached, they wait there (even across a reload) and are replayed in
// order when the connection is back. Creates carry the client's UUID and deletions are
// idempotent, so a batch whose answer was lost can be sent again harmlessly.
import { ApiError, call } from '../../../lib/api.js';

const DB_NAME = 'council-reader';
const STORE = 'outbox';
const BATCH = 500;
const RETRY_MS = 5000;

function openDb() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'key', autoIncrement: true });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

/** Memory fallback when IndexedDB is unavailable (private mode): same interface. */
export class MemoryQueue {
  constructor() {
    this.rows = [];
    this.next = 1;
  }
  async add(row) {
    this.rows.push({ ...row, key: this.next++ });
  }
  async all() {
    return this.rows.slice();
  }
  async remove(keys) {
    const gone = new Set(keys);
    this.rows = this.rows.filter((r) => !gone.has(r.key));
  }
}

class IdbQueue {
  constructor() {
    this.db = openDb();
  }
  async add(row) {
    const db = await this.db;
    const tx = db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).add(row);
    await done(tx);
  }
  async all() {
    const db = await this.db;
    return new Promise((resolve, reject) => {
      const req = db.transaction(STORE, 'readonly').objectStore(STORE).getAll();
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }
  async remove(keys) {
    const db = await this.db;
    const tx = db.transaction(STORE, 'readwrite');
    const store = tx.objectStore(STORE);
    for (const key of keys) store.delete(key);
    await done(tx);
  }
}

export class Outbox {
  constructor(queue) {
    this.queue = queue || (globalThis.indexedDB ? new IdbQueue() : new MemoryQueue());
    this.listeners = new Set();
    this.pending = 0;
    this.sending = null;
    this.offline = globalThis.navigator?.onLine === false;
    this.timer = null;
    this.userId = null;
    this.onOnline = () => {
      this.offline = false;
      this.flush();
    };
    this.onOffline = () => {
      this.offline = true;
      this.emit();
    };
    globalThis.addEventListener?.('online', this.onOnline);
    globalThis.addEventListener?.('offline', this.onOffline);
  }

  /** fn({pending, offline, results}) after every change of the queue or batch answered. */
  subscribe(fn) {
    this.listeners.add(fn);
    fn({ pending: this.pending, offline: this.offline, results: [] });
    return () => this.listeners.delete(fn);
  }

  emit(results = []) {
    for (const fn of this.listeners) fn({ pending: this.pending, offline: this.offline, results });
  }

  /** Only this user's queued changes are sent (a shared tablet may change hands). */
  async setUser(userId) {
    this.userId = userId;
    await this.count();
    this.flush();
  }

  async rows() {
    const all = await this.queue.all();
    return all.filter((r) => r.user_id === this.userId).sort((a, b) => a.key - b.key);
  }

  async count() {
    this.pending = (await this.rows()).length;
    this.emit();
    return this.pending;
  }

  async add(change) {
    // Counted from the moment it is made, not once stored: "waiting to be sent" shows at
    // once, and nothing reads an empty queue while the change is being written.
    this.pending += 1;
    this.emit();
    try {
      await this.queue.add({ user_id: this.userId, change, at: Date.now() });
    } catch (err) {
      this.pending -= 1;
      this.emit();
      throw err;
    }
    this.flush();
  }

  /** Send what waits, batch after batch; resolves when the queue is empty or unreachable. */
  flush() {
    if (this.sending) {
      this.again = true;
      return this.sending;
    }
    this.sending = this.drain().finally(() => {
      this.sending = null;
      if (this.again) {
        this.again = false;
        this.flush();
      }
    });
    return this.sending;
  }

  async drain() {
    clearTimeout(this.timer);
    let size = BATCH;
    for (;;) {
      const rows = (await this.rows()).slice(0, size);
      this.pending = rows.length;
      if (!rows.length) {
        this.emit();
        return;
      }
      if (globalThis.navigator?.onLine === false) {
        this.offline = true;
        this.emit();
        return;
      }
      let answer;
      try {
        answer = await call('syncAnnotations', { body: { changes: rows.map((r) => r.change) } });
      } catch (err) {
        const refused = err instanceof ApiError && [400, 413, 422].includes(err.status);
        if (refused && rows.length > 1) {
          // Too large, or one change the server cannot read: smaller batches find it.
          size = Math.max(1, Math.floor(rows.length / 2));
          continue;
        }
        if (refused) {
          // One change refused as a whole (never the case for well-formed changes): drop it
          // rather than retry forever, and say so.
          await this.queue.remove(rows.map((r) => r.key));
          await this.count();
          this.emit(rows.map((r) => ({ change: r.change, status: err.status, error: err })));
          continue;
        }
        // Offline, the server away or busy, or the session ended (401: kept for after the
        // login): the changes stay queued and are tried again.
        this.offline = err.status === 0;
        this.emit();
        this.timer = setTimeout(() => this.flush(), RETRY_MS);
        return;
      }
      this.offline = false;
      await this.queue.remove(rows.map((r) => r.key));
      this.pending = (await this.rows()).length;
      this.emit(answer.results.map((res, i) => ({ ...res, change: rows[i].change })));
    }
  }
}

let shared = null;

/** The one outbox of this tab. */
export function outbox() {
  shared ||= new Outbox();
  return shared;
}
