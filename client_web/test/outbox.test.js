import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryQueue, Outbox } from '../src/pages/tablet/reader/outbox.js';

function answer(status, body) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

const create = (id) => ({ op: 'create', document_id: 1, annotation: { id, page: 1, kind: 'note', geometry: { point: [1, 1] } } });

describe('the annotation outbox', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('sends queued changes in order, in one batch, and empties the queue', async () => {
    const sent = [];
    vi.stubGlobal('fetch', async (url, init) => {
      const { changes } = JSON.parse(init.body);
      sent.push(changes);
      return answer(200, { results: changes.map((c) => ({ status: 201, annotation: { id: c.annotation.id, version: 1 }, replayed: false })) });
    });
    const box = new Outbox(new MemoryQueue());
    await box.setUser(7);
    const seen = [];
    box.subscribe((e) => seen.push(...e.results));
    for (const id of ['a', 'b', 'c']) await box.queue.add({ user_id: 7, change: create(id) });
    await box.flush();
    expect(sent.map((batch) => batch.map((c) => c.annotation.id))).toEqual([['a', 'b', 'c']]);
    expect(box.pending).toBe(0);
    expect(seen.map((r) => r.annotation.id)).toEqual(['a', 'b', 'c']);
  });

  it('keeps the changes when the network is gone, and only the user’s own', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    const box = new Outbox(new MemoryQueue());
    await box.queue.add({ user_id: 8, change: create('other') });
    await box.setUser(7);
    await box.add(create('x'));
    await box.flush();
    expect(box.pending).toBe(1);
    expect(box.offline).toBe(true);
    clearTimeout(box.timer);
  });

  it('halves a batch the server finds too large', async () => {
    const sizes = [];
    vi.stubGlobal('fetch', async (url, init) => {
      const { changes } = JSON.parse(init.body);
      sizes.push(changes.length);
      if (changes.length > 2) return answer(413, { error: { code: 'annotation_body_too_large', message: 'too large' } });
      return answer(200, { results: changes.map(() => ({ status: 201, annotation: null })) });
    });
    const box = new Outbox(new MemoryQueue());
    await box.setUser(7);
    for (const id of ['a', 'b', 'c', 'd', 'e']) await box.queue.add({ user_id: 7, change: create(id) });
    await box.flush();
    expect(box.pending).toBe(0);
    expect(sizes).toEqual([5, 2, 2, 1]);
  });
});
