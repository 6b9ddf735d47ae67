import { describe, expect, it } from 'vitest';
import { newClientId, upsertComment } from '../src/components/comments.jsx';
import { groupByItem, seriesOf, upsertDocument } from '../src/lib/staffDocuments.js';

const doc = (over) => ({
  id: 1,
  series_id: 1,
  version: 1,
  agenda_item_id: 10,
  status: 'processing',
  error: null,
  progress: { done: 0, total: 0 },
  page_count: 0,
  warnings: [],
  read: null,
  ...over,
});

describe('the secretariat list of documents', () => {
  it('adds, replaces, and never turns a ready document back to processing', () => {
    let list = upsertDocument([], doc());
    expect(list).toHaveLength(1);
    const ready = doc({ status: 'ready', page_count: 14, progress: { done: 14, total: 14 } });
    list = upsertDocument(list, ready);
    expect(list[0].status).toBe('ready');
    // The 202 answer of the upload arrives after document.ready.
    list = upsertDocument(list, doc({ title: 'Tờ trình' }));
    expect(list[0]).toMatchObject({ status: 'ready', page_count: 14, title: 'Tờ trình' });
    // Applying the same event twice is harmless.
    expect(upsertDocument(list, ready)).toEqual(upsertDocument(upsertDocument(list, ready), ready));
    // A failed processing is kept too.
    const failed = upsertDocument([doc({ id: 2, status: 'failed', error: { code: 'x', message: 'y' } })], doc({ id: 2 }));
    expect(failed[0].error).toEqual({ code: 'x', message: 'y' });
  });

  it('shows the latest version of each series with the older ones', () => {
    const series = seriesOf([doc(), doc({ id: 5, version: 2 }), doc({ id: 3, series_id: 3 })]);
    expect(series.map((s) => s.latest.id)).toEqual([5, 3]);
    expect(series[0].older.map((d) => d.id)).toEqual([1]);
  });

  it('groups by agenda item in agenda order, with documents of no item apart', () => {
    const items = [{ id: 20 }, { id: 10 }];
    const { groups, loose } = groupByItem([doc(), doc({ id: 7, series_id: 7, agenda_item_id: null })], items);
    expect(groups.map((g) => [g.item.id, g.series.length])).toEqual([
      [20, 0],
      [10, 1],
    ]);
    expect(loose.map((s) => s.latest.id)).toEqual([7]);
  });
});

describe('comments', () => {
  it('replace a comment by id or add it', () => {
    const a = { id: 1, text: 'a', replies: [] };
    const list = upsertComment([a], { ...a, replies: [{ id: 9 }] });
    expect(list).toHaveLength(1);
    expect(list[0].replies).toHaveLength(1);
    expect(upsertComment(list, { id: 2 })).toHaveLength(2);
  });

  it('make UUID v4 client ids', () => {
    const id = newClientId();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(newClientId()).not.toBe(id);
  });
});
