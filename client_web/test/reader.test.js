import { describe, expect, it } from 'vitest';
import {
  annotationAt,
  documentsByItem,
  dprStep,
  imageRequest,
  mostVisible,
  selectionRects,
  simplifyStroke,
  stepZoom,
  strokePath,
  uuid4,
  widthBucket,
  wordAt,
} from '../src/pages/tablet/reader/geometry.js';

const words = [
  [10, 10, 40, 20, 'Ngân'],
  [45, 10, 80, 20, 'sách'],
  [85, 10, 120, 20, 'nhà'],
  [10, 30, 50, 40, 'nước'],
  [55, 30, 90, 40, 'năm'],
];

describe('reader geometry', () => {
  it('snaps widths and pixel ratios to what the server renders', () => {
    expect(widthBucket(300)).toBe(480);
    expect(widthBucket(960)).toBe(960);
    expect(widthBucket(961)).toBe(1536);
    expect(widthBucket(5000)).toBe(2048);
    expect(dprStep(1)).toBe(1);
    expect(dprStep(1.25)).toBe(1.5);
    expect(dprStep(2.625)).toBe(3);
    expect(dprStep(undefined)).toBe(1);
    expect(imageRequest(1100 * 1.5, 2)).toEqual({ width: 2048, dpr: 2 });
  });

  it('steps the zoom through fixed levels', () => {
    expect(stepZoom(1, 1)).toBe(1.25);
    expect(stepZoom(1.3, 1)).toBe(1.5);
    expect(stepZoom(3, 1)).toBe(3);
    expect(stepZoom(1.3, -1)).toBe(1.25);
    expect(stepZoom(1, -1)).toBe(1);
  });

  it('finds the word under a finger and merges a selection per line', () => {
    expect(wordAt(words, 50, 15)).toBe(1);
    expect(wordAt(words, 500, 500)).toBe(-1);
    const sel = selectionRects(words, 3, 1);
    expect(sel.quote).toBe('sách nhà nước');
    expect(sel.rects).toEqual([
      [45, 10, 120, 20],
      [10, 30, 50, 40],
    ]);
    expect(selectionRects(words, -1, 2).rects).toEqual([]);
  });

  it('thins pen strokes and draws them', () => {
    const stroke = simplifyStroke([
      [0, 0],
      [0.2, 0],
      [2, 0],
      [2.1, 0],
    ]);
    expect(stroke).toEqual([
      [0, 0],
      [2, 0],
      [2.1, 0],
    ]);
    expect(strokePath([[1, 2]])).toBe('M1 2l0.01 0');
    expect(strokePath(stroke)).toBe('M0 0L2 0L2.1 0');
  });

  it('hits annotations under a point for the eraser, the topmost first', () => {
    const ink = { id: 'a', geometry: { strokes: [[[0, 0], [100, 0]]], width: 2 } };
    const hl = { id: 'b', geometry: { rects: [[40, -5, 60, 5]] } };
    const note = { id: 'c', geometry: { point: [200, 200] } };
    expect(annotationAt([ink, hl], 50, 3)?.id).toBe('b');
    expect(annotationAt([ink, hl], 10, 4)?.id).toBe('a');
    expect(annotationAt([ink, hl, note], 210, 210)?.id).toBe('c');
    expect(annotationAt([ink, hl, note], 150, 100)).toBeNull();
  });

  it('picks the page most in view', () => {
    expect(mostVisible(new Map([[1, 10], [2, 300], [3, 300]]))).toBe(2);
    expect(mostVisible(new Map([[1, 0]]))).toBeNull();
  });

  it('groups documents by agenda item in agenda order', () => {
    const agenda = [{ id: 5 }, { id: 3 }, { id: 9 }];
    const docs = [{ id: 1, agenda_item_id: 3 }, { id: 2, agenda_item_id: 5 }, { id: 4, agenda_item_id: null }];
    const groups = documentsByItem(docs, agenda);
    expect(groups.map((g) => g.item?.id ?? null)).toEqual([5, 3, null]);
  });

  it('makes version 4 UUIDs', () => {
    expect(uuid4()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
