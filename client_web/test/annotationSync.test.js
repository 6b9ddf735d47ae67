import { describe, expect, it } from 'vitest';
import {
  applyToList,
  carriedGeometry,
  copyFields,
  editBaseVersion,
  editOutcome,
  geometryBox,
  isNewer,
  mergeAnnotations,
  resolveConflict,
  splitPlacements,
  superseded,
} from '../src/pages/tablet/reader/annotationSync.js';

const ann = (id, version, extra = {}) => ({ id, version, document_id: 7, page: 1, kind: 'note', deleted: false, ...extra });

describe('live annotation notices', () => {
  it('takes only a strictly newer version', () => {
    expect(isNewer(null, ann('a', 1))).toBe(true);
    expect(isNewer(ann('a', 1), ann('a', 2))).toBe(true);
    expect(isNewer(ann('a', 2), ann('a', 2))).toBe(false);
    expect(isNewer(ann('a', 3), ann('a', 2))).toBe(false);
    // A create shown before the server answered (version 0) is replaced by the answer.
    expect(isNewer(ann('a', 0), ann('a', 1))).toBe(true);
    expect(isNewer(null, null)).toBe(false);
  });

  it('merges a list idempotently and keeps the same map when nothing changes', () => {
    const start = new Map();
    const once = mergeAnnotations(start, [ann('a', 1, { text: 'x' }), ann('b', 1)], 7);
    expect([...once.keys()]).toEqual(['a', 'b']);
    const twice = mergeAnnotations(once, [ann('a', 1, { text: 'x' }), ann('b', 1)], 7);
    expect(twice).toBe(once);
    const stale = mergeAnnotations(once, [ann('a', 1, { text: 'late' })], 7);
    expect(stale.get('a').text).toBe('x');
  });

  it('applies edits and tombstones in any order, ignoring older ones', () => {
    let m = new Map();
    m = mergeAnnotations(m, [ann('a', 3, { deleted: true, geometry: {} })], 7); // tombstone first
    m = mergeAnnotations(m, [ann('a', 1, { text: 'first' })], 7);
    m = mergeAnnotations(m, [ann('a', 2, { text: 'edit' })], 7);
    expect(m.get('a').deleted).toBe(true);
    expect(m.get('a').version).toBe(3);
  });

  it('skips other documents when a document is given', () => {
    const m = mergeAnnotations(new Map(), [ann('a', 1, { document_id: 8 })], 7);
    expect(m.size).toBe(0);
    expect(mergeAnnotations(new Map(), [ann('a', 1, { document_id: 8 })]).size).toBe(1);
  });

  it('keeps the notes list of every document in order', () => {
    const order = [5, 7];
    let list = [ann('a', 1, { document_id: 7, page: 2 })];
    list = applyToList(list, ann('b', 1, { document_id: 5, page: 9 }), order);
    list = applyToList(list, ann('c', 1, { document_id: 7, page: 1 }), order);
    expect(list.map((a) => a.id)).toEqual(['b', 'c', 'a']);
    const same = applyToList(list, ann('c', 1, { document_id: 7, page: 1 }), order);
    expect(same).toBe(list);
    const edited = applyToList(list, ann('c', 2, { document_id: 7, page: 1, text: 'new' }), order);
    expect(edited.find((a) => a.id === 'c').text).toBe('new');
    const gone = applyToList(edited, ann('a', 2, { document_id: 7, page: 2, deleted: true }), order);
    expect(gone.find((a) => a.id === 'a').deleted).toBe(true);
    expect(applyToList(gone, ann('a', 1, { document_id: 7, page: 2 }), order)).toBe(gone);
  });
});

describe('editing a note: stale versions', () => {
  it('edits a create not yet answered as version 1', () => {
    expect(editBaseVersion(ann('a', 0))).toBe(1);
    expect(editBaseVersion(ann('a', 4))).toBe(4);
  });

  it('tells a real conflict from the same words and from a deletion', () => {
    const change = { op: 'update', id: 'a', version: 1, text: 'mine' };
    expect(editOutcome(change, { status: 200, annotation: ann('a', 2, { text: 'mine' }) }).type).toBe('ok');
    const theirs = ann('a', 2, { text: 'theirs' });
    const conflict = editOutcome(change, { status: 409, error: { code: 'annotation_version_conflict', current: theirs } });
    expect(conflict).toEqual({ type: 'conflict', mine: 'mine', current: theirs });
    const same = editOutcome(change, { status: 409, error: { code: 'annotation_version_conflict', current: ann('a', 2, { text: 'mine' }) } });
    expect(same.type).toBe('same');
    const tomb = ann('a', 3, { deleted: true, text: null });
    expect(editOutcome(change, { status: 409, error: { code: 'annotation_deleted', current: tomb } }).type).toBe('deleted');
    expect(editOutcome(change, { status: 422, error: { code: 'annotation_text_too_long' } }).type).toBe('refused');
  });

  it('keeps mine on the current version, or takes theirs; nothing is lost silently', () => {
    const conflict = { mine: 'mine', current: ann('a', 5, { text: 'theirs' }) };
    const keep = resolveConflict(conflict, 'mine');
    expect(keep.change).toEqual({ op: 'update', id: 'a', version: 5, text: 'mine' });
    expect(keep.show.text).toBe('mine');
    expect(keep.show.version).toBe(6);
    const take = resolveConflict(conflict, 'theirs');
    expect(take.change).toBeNull();
    expect(take.show.text).toBe('theirs');
  });
});

describe('annotations carried to a new version', () => {
  const pages = [{ width: 595, height: 842 }, { width: 595, height: 842 }];
  const highlight = { id: 'h', kind: 'highlight', page: 1, geometry: { rects: [[10, 10, 50, 20]] }, color: '#ffd400', quote: 'ngân sách' };

  it('draws word marks at the boxes found', () => {
    const p = { annotation: highlight, status: 'found', page: 2, rects: [[100, 200.123, 150, 210]], offset: [90, 190] };
    expect(carriedGeometry(p, pages[1])).toEqual({ rects: [[100, 200.12, 150, 210]] });
    expect(carriedGeometry({ ...p, status: 'not_found', page: null, rects: [] }, null)).toBeNull();
  });

  it('moves ink and notes by the offset and keeps them on the page', () => {
    const ink = { id: 'i', kind: 'ink', page: 1, geometry: { strokes: [[[10, 10], [590, 20]]], width: 2 } };
    const moved = carriedGeometry({ annotation: ink, status: 'found', page: 1, rects: [], offset: [10, 5] }, pages[0]);
    expect(moved).toEqual({ strokes: [[[20, 15], [595, 25]]], width: 2 });
    const note = { id: 'n', kind: 'note', page: 1, geometry: { point: [40, 40] } };
    expect(carriedGeometry({ annotation: note, status: 'no_quote', page: 1, rects: [], offset: null }, pages[0])).toEqual({ point: [40, 40] });
    expect(carriedGeometry({ annotation: note, status: 'no_quote', page: null, rects: [], offset: null }, null)).toBeNull();
  });

  it('splits placed from unplaced and leaves out those already kept here', () => {
    const found = { annotation: highlight, from_version: 1, status: 'found', page: 1, rects: [[10, 30, 50, 40]], offset: [0, 20] };
    const lost = { annotation: { ...highlight, id: 'x' }, from_version: 1, status: 'not_found', page: null, rects: [], offset: null };
    const { placed, unplaced } = splitPlacements([found, lost], pages);
    expect(placed).toHaveLength(1);
    expect(placed[0].annotation.carried).toEqual({ from_version: 1, status: 'found' });
    expect(placed[0].annotation.geometry).toEqual({ rects: [[10, 30, 50, 40]] });
    expect(unplaced).toEqual([lost]);
    const fields = copyFields(placed[0].annotation);
    expect(fields).toEqual({ page: 1, kind: 'highlight', geometry: { rects: [[10, 30, 50, 40]] }, color: '#ffd400', quote: 'ngân sách' });
    const kept = [{ ...fields, id: 'copy', deleted: false }];
    expect(splitPlacements([found, lost], pages, kept).placed).toHaveLength(0);
    expect(splitPlacements([found], pages, [{ ...kept[0], deleted: true }]).placed).toHaveLength(1);
  });
});

describe('a batch sent again', () => {
  it('does not take an edit overtaken by a later one of the same batch for a conflict', () => {
    const results = [
      { change: { op: 'update', id: 'a', version: 1, text: 'one' }, status: 409, error: { code: 'annotation_version_conflict', current: { id: 'a', version: 3, text: 'two' } } },
      { change: { op: 'update', id: 'a', version: 2, text: 'two' }, status: 200, annotation: { id: 'a', version: 3, text: 'two' } },
      { change: { op: 'update', id: 'b', version: 1, text: 'x' }, status: 409, error: { code: 'annotation_version_conflict', current: { id: 'b', version: 2, text: 'y' } } },
    ];
    expect(superseded(results, 0)).toBe(true);
    expect(superseded(results, 2)).toBe(false);
  });
});

describe('the box around a mark', () => {
  it('covers boxes, strokes, a note and a text box', () => {
    expect(geometryBox({ rects: [[10, 10, 50, 20], [5, 22, 30, 32]] })).toEqual([5, 10, 50, 32]);
    expect(geometryBox({ strokes: [[[1, 2], [9, 4]], [[3, 8]]] })).toEqual([1, 2, 9, 8]);
    expect(geometryBox({ point: [100, 50] }, 22)).toEqual([100, 50, 122, 72]);
    expect(geometryBox({ rect: [1, 2, 3, 4] })).toEqual([1, 2, 3, 4]);
    expect(geometryBox({})).toBeNull();
  });
});
