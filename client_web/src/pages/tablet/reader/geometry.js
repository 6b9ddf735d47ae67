// Pure helpers of the reader: image sizes, PDF points <-> screen, word selection, ink.
// No DOM, no Preact: unit-tested in test/reader.test.js.
import { apiUrl } from '../../../lib/operations.js';

/** The widths (CSS px) the server renders pages at (getDocumentPageImage snaps to them). */
export const WIDTH_BUCKETS = [480, 960, 1536, 2048];
export const THUMB_WIDTH = 160;
export const DPR_STEPS = [1, 1.5, 2, 3];
export const ZOOMS = [1, 1.25, 1.5, 2, 3];

/** The smallest bucket at least `cssWidth` wide (the largest when none is). */
export function widthBucket(cssWidth) {
  for (const w of WIDTH_BUCKETS) if (w >= cssWidth) return w;
  return WIDTH_BUCKETS[WIDTH_BUCKETS.length - 1];
}

/** devicePixelRatio snapped to the server's steps (the nearest one not below it, capped). */
export function dprStep(dpr) {
  const value = Number(dpr) || 1;
  for (const d of DPR_STEPS) if (d >= value - 0.05) return d;
  return DPR_STEPS[DPR_STEPS.length - 1];
}

/**
 * The image to ask for a page shown `cssWidth` pixels wide: the bucket and dpr, capped so
 * the image stays below 2048 x 3 pixels wide (more is never sharper on a tablet).
 */
export function imageRequest(cssWidth, dpr) {
  return { width: widthBucket(cssWidth), dpr: dprStep(dpr) };
}

export function pageImageUrl(documentId, page, { width, dpr }) {
  return apiUrl('getDocumentPageImage', { document_id: documentId, page }, { width, dpr });
}

/** The next zoom step up (+1) or down (-1) from `zoom`. */
export function stepZoom(zoom, direction) {
  if (direction > 0) return ZOOMS.find((z) => z > zoom + 0.001) ?? ZOOMS[ZOOMS.length - 1];
  const lower = ZOOMS.filter((z) => z < zoom - 0.001);
  return lower.length ? lower[lower.length - 1] : ZOOMS[0];
}

export function clampZoom(zoom) {
  return Math.min(ZOOMS[ZOOMS.length - 1], Math.max(ZOOMS[0], zoom));
}

/** A point on screen (relative to the page's box of `boxWidth` px) in PDF points. */
export function toPoints(x, y, boxWidth, pageWidth) {
  const scale = pageWidth / boxWidth;
  return [round2(x * scale), round2(y * scale)];
}

export function round2(v) {
  return Math.round(v * 100) / 100;
}

/** The index of the word under a point (PDF points), or the nearest on its line, or -1. */
export function wordAt(words, x, y) {
  let best = -1;
  let bestDist = Infinity;
  words.forEach((w, i) => {
    const [x0, y0, x1, y1] = w;
    const dx = x < x0 ? x0 - x : x > x1 ? x - x1 : 0;
    const dy = y < y0 ? y0 - y : y > y1 ? y - y1 : 0;
    const dist = dx + dy * 4;
    if (dist < bestDist) {
      bestDist = dist;
      best = i;
    }
  });
  return bestDist <= 24 ? best : -1;
}

/**
 * The boxes of words a..b (in reading order, either way round), merged into one box per
 * line: what a highlight stores. Returns { rects, quote }.
 */
export function selectionRects(words, a, b) {
  if (a < 0 || b < 0) return { rects: [], quote: '' };
  const [from, to] = a <= b ? [a, b] : [b, a];
  const picked = words.slice(from, to + 1);
  const rects = [];
  for (const [x0, y0, x1, y1] of picked) {
    const last = rects[rects.length - 1];
    const sameLine = last && Math.abs((last[1] + last[3]) / 2 - (y0 + y1) / 2) < (y1 - y0) / 2 && x0 >= last[0];
    if (sameLine) {
      last[0] = Math.min(last[0], x0);
      last[1] = Math.min(last[1], y0);
      last[2] = Math.max(last[2], x1);
      last[3] = Math.max(last[3], y1);
    } else {
      rects.push([x0, y0, x1, y1]);
    }
  }
  return { rects: rects.map((r) => r.map(round2)), quote: picked.map((w) => w[4]).join(' ') };
}

/** Drop points closer than `minGap` points to the previous one (a pen stroke stays small). */
export function simplifyStroke(points, minGap = 1.5) {
  const out = [];
  for (const p of points) {
    const last = out[out.length - 1];
    if (!last || Math.hypot(p[0] - last[0], p[1] - last[1]) >= minGap) out.push(p);
  }
  const end = points[points.length - 1];
  if (end && out[out.length - 1] !== end && out.length > 0) {
    const last = out[out.length - 1];
    if (last[0] !== end[0] || last[1] !== end[1]) out.push(end);
  }
  return out;
}

/** An SVG path for an ink stroke. */
export function strokePath(points) {
  if (!points.length) return '';
  const [first, ...rest] = points;
  if (!rest.length) return `M${first[0]} ${first[1]}l0.01 0`;
  return `M${first[0]} ${first[1]}` + rest.map((p) => `L${p[0]} ${p[1]}`).join('');
}

/** The page most in view: the one with the largest visible height (ties: the first). */
export function mostVisible(ratios) {
  let best = null;
  let bestValue = -1;
  for (const [page, value] of ratios) {
    if (value > bestValue || (value === bestValue && page < best)) {
      best = page;
      bestValue = value;
    }
  }
  return bestValue > 0 ? best : null;
}

/** Documents grouped by agenda item in agenda order; those without an item last. */
export function documentsByItem(documents, agenda) {
  const groups = [];
  const byItem = new Map();
  for (const item of agenda || []) {
    const entry = { item, documents: [] };
    byItem.set(item.id, entry);
    groups.push(entry);
  }
  const loose = { item: null, documents: [] };
  for (const d of documents || []) (byItem.get(d.agenda_item_id) || loose).documents.push(d);
  return [...groups, loose].filter((g) => g.documents.length > 0);
}

/** A random UUID v4 (crypto.randomUUID where there is one: http on a LAN has none). */
export function uuid4() {
  if (globalThis.crypto?.randomUUID) {
    try {
      return globalThis.crypto.randomUUID();
    } catch {
      /* insecure context */
    }
  }
  const b = new Uint8Array(16);
  globalThis.crypto.getRandomValues(b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The size of a sticky note's icon on the page, in points. */
export const NOTE_SIZE = 22;

function distToSegment(px, py, [ax, ay], [bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const len = dx * dx + dy * dy;
  const k = len ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len)) : 0;
  return Math.hypot(px - (ax + k * dx), py - (ay + k * dy));
}

/** Does an annotation lie under a point (PDF points), within `tolerance` points? */
export function hits(annotation, x, y, tolerance = 6) {
  const g = annotation.geometry || {};
  const inRect = ([x0, y0, x1, y1]) => x >= x0 - tolerance && x <= x1 + tolerance && y >= y0 - tolerance && y <= y1 + tolerance;
  if (g.rects) return g.rects.some(inRect);
  if (g.rect) return inRect(g.rect);
  if (g.point) return inRect([g.point[0], g.point[1], g.point[0] + NOTE_SIZE, g.point[1] + NOTE_SIZE]);
  if (g.strokes) {
    const reach = tolerance + (g.width || 2) / 2;
    return g.strokes.some((s) =>
      s.length === 1 ? Math.hypot(x - s[0][0], y - s[0][1]) <= reach : s.some((p, i) => i > 0 && distToSegment(x, y, s[i - 1], p) <= reach),
    );
  }
  return false;
}

/** The topmost (last drawn) annotation under a point, or null. */
export function annotationAt(annotations, x, y, tolerance = 6) {
  for (let i = annotations.length - 1; i >= 0; i -= 1) if (hits(annotations[i], x, y, tolerance)) return annotations[i];
  return null;
}
