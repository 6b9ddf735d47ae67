// Pure rules for keeping a delegate's annotations in step across devices (no DOM, no API):
// applying the live notices (annotation.created / updated / deleted) and answers to a list,
// deciding what a stale edit (409) asks of the delegate, and placing the annotations of an
// earlier version of a document on the version being read.

/** Notices that carry `{annotation}` for the author's own devices. */
export const ANNOTATION_NOTICES = ['annotation.created', 'annotation.updated', 'annotation.deleted'];

/**
 * Whether `incoming` should replace `known`: only a strictly newer version does. An equal or
 * older one (a late answer, this device's own echo, a notice sent twice) changes nothing.
 * Changes made here and not yet answered are shown with the version they will have.
 */
export function isNewer(known, incoming) {
  if (!incoming || !incoming.id) return false;
  if (!known) return true;
  return (incoming.version ?? 0) > (known.version ?? 0);
}

/**
 * The map id -> annotation after applying `list` (notices, answers, a listing). Only
 * annotations of `documentId` are taken when it is given. The same Map comes back when
 * nothing changed, so a caller can skip a render.
 */
export function mergeAnnotations(map, list, documentId = null) {
  let next = map;
  for (const a of list || []) {
    if (!a || (documentId !== null && a.document_id !== documentId)) continue;
    if (!isNewer(next.get(a.id), a)) continue;
    if (next === map) next = new Map(map);
    next.set(a.id, a);
  }
  return next;
}

/** Sort key of the notes list: by document (in the order given), then page, then when made. */
function listOrder(documentOrder) {
  const rank = new Map(documentOrder.map((id, i) => [id, i]));
  const at = (a) => rank.get(a.document_id) ?? Number.MAX_SAFE_INTEGER;
  return (a, b) => at(a) - at(b) || a.page - b.page || String(a.created_at || '').localeCompare(String(b.created_at || ''));
}

/**
 * The "my notes" list (every document of the session) after one notice: replaced in place
 * when newer, added when new (in document then page order), unchanged (same array) when
 * the notice is not newer than what is shown. Tombstones stay in the list, marked deleted.
 */
export function applyToList(list, annotation, documentOrder = []) {
  const rows = list || [];
  const i = rows.findIndex((a) => a.id === annotation?.id);
  if (!isNewer(i >= 0 ? rows[i] : null, annotation)) return rows;
  if (i >= 0) return rows.map((a, j) => (j === i ? annotation : a));
  return [...rows, annotation].sort(listOrder(documentOrder));
}

/** The version an edit of `annotation` (as shown here) is made on. A create not yet
 *  answered will be version 1 when the queue replays it in order. */
export function editBaseVersion(annotation) {
  return Math.max(1, annotation?.version ?? 0);
}

/**
 * What the answer to a queued edit means. `result` is one syncAnnotations result for an
 * `update` change: {status, annotation, error: {code, current}}.
 *  - {type: 'ok', annotation}: applied (or already held);
 *  - {type: 'same', annotation}: refused as stale but the other device wrote the same words;
 *  - {type: 'conflict', mine, current}: another device changed it: the delegate chooses;
 *  - {type: 'deleted', mine, current}: another device deleted it;
 *  - {type: 'refused', error}: anything else.
 */
export function editOutcome(change, result) {
  if (result.status < 400) return { type: 'ok', annotation: result.annotation };
  const current = result.error?.current;
  const mine = change.text ?? null;
  if (result.status === 409 && current && result.error.code === 'annotation_deleted') {
    return { type: 'deleted', mine, current };
  }
  if (result.status === 409 && current) {
    if ((current.text ?? null) === mine) return { type: 'same', annotation: current };
    return { type: 'conflict', mine, current };
  }
  return { type: 'refused', error: result.error };
}

/**
 * Whether result `i` of a batch answer was overtaken by a later change of the same batch on
 * the same annotation that went through (a batch sent again after its answer was lost
 * answers the earlier edits 409 with the later state: not a conflict with another device).
 */
export function superseded(results, i) {
  const id = results[i]?.change?.id;
  return results.slice(i + 1).some((r) => r.change?.id === id && r.change.op !== 'create' && r.status < 400);
}

/**
 * The delegate's choice on a conflict: `mine` sends their words again on the current
 * version (the change to queue, and what to show meanwhile); `theirs` takes the other
 * device's annotation as it stands.
 */
export function resolveConflict(conflict, choice) {
  const { current, mine } = conflict;
  if (choice === 'mine') {
    return {
      change: { op: 'update', id: current.id, version: current.version, text: mine },
      show: { ...current, text: mine, version: current.version + 1 },
    };
  }
  return { change: null, show: current };
}

// --- Annotations carried over from an earlier version ---------------------------------

const WORD_KINDS = new Set(['highlight', 'underline', 'strikeout']);

const clamp = (v, lo, hi) => Math.min(Math.max(v, lo), hi);
const r2 = (v) => Math.round(v * 100) / 100;

/**
 * The geometry of a placement on the new version (PDF points on its page), or null when it
 * cannot be drawn there: marks over words take the boxes found; ink, notes and text boxes
 * move by the passage's offset (when there is one) and are kept on the page.
 */
export function carriedGeometry(placement, pageSize) {
  const { annotation: a, status, page, rects, offset } = placement;
  if (!page || status === 'not_found') return null;
  const g = a.geometry || {};
  const [dx, dy] = offset || [0, 0];
  const w = pageSize?.width ?? Infinity;
  const h = pageSize?.height ?? Infinity;
  const px = (x) => r2(clamp(x + dx, 0, w));
  const py = (y) => r2(clamp(y + dy, 0, h));
  if (WORD_KINDS.has(a.kind)) {
    if (rects?.length) return { rects: rects.map((r) => r.map(r2)) };
    return null;
  }
  if (a.kind === 'ink' && g.strokes) {
    return { ...g, strokes: g.strokes.map((s) => s.map(([x, y]) => [px(x), py(y)])) };
  }
  if (a.kind === 'note' && g.point) {
    return { point: [px(g.point[0]), py(g.point[1])] };
  }
  if (a.kind === 'textbox' && g.rect) {
    const [x0, y0, x1, y1] = g.rect;
    return { rect: [px(x0), py(y0), px(x1), py(y1)] };
  }
  if (a.kind === 'bookmark') return { ...g };
  return null;
}

const sameGeometry = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Split the placements of listReanchoredAnnotations into those drawn on this version
 * ({placement, annotation: as drawn here}) and those that could not be placed. A placement
 * already kept on this version (an annotation of the same kind, page and geometry exists
 * here) is left out: the copy is shown instead.
 */
export function splitPlacements(placements, pages, kept = []) {
  const placed = [];
  const unplaced = [];
  for (const p of placements || []) {
    const size = p.page ? pages?.[p.page - 1] : null;
    const geometry = carriedGeometry(p, size);
    if (!geometry) {
      unplaced.push(p);
      continue;
    }
    const drawn = { ...p.annotation, page: p.page, geometry, carried: { from_version: p.from_version, status: p.status } };
    if (kept.some((k) => !k.deleted && k.kind === drawn.kind && k.page === drawn.page && sameGeometry(k.geometry, geometry))) continue;
    placed.push({ placement: p, annotation: drawn });
  }
  return { placed, unplaced };
}

/** The box [x0, y0, x1, y1] around a geometry (noteSize: the side of a note's icon). */
export function geometryBox(geometry, noteSize = 22) {
  const g = geometry || {};
  let xs = [];
  let ys = [];
  if (g.rects?.length) {
    xs = g.rects.flatMap((r) => [r[0], r[2]]);
    ys = g.rects.flatMap((r) => [r[1], r[3]]);
  } else if (g.strokes?.length) {
    xs = g.strokes.flatMap((s) => s.map((p) => p[0]));
    ys = g.strokes.flatMap((s) => s.map((p) => p[1]));
  } else if (g.point) {
    xs = [g.point[0], g.point[0] + noteSize];
    ys = [g.point[1], g.point[1] + noteSize];
  } else if (g.rect) {
    xs = [g.rect[0], g.rect[2]];
    ys = [g.rect[1], g.rect[3]];
  }
  if (!xs.length) return null;
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

/** The createAnnotation fields that keep a carried annotation on this version (a copy). */
export function copyFields(drawn) {
  const fields = { page: drawn.page, kind: drawn.kind, geometry: drawn.geometry, color: drawn.color };
  if (drawn.text) fields.text = drawn.text;
  if (drawn.quote) fields.quote = drawn.quote;
  return fields;
}
