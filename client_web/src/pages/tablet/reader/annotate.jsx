// Annotation tools on the reader's pages: highlight by selecting words, pen with colours,
// sticky notes, eraser, undo. Each change is shown at once and goes through the outbox
// (IndexedDB, then syncAnnotations), so nothing is lost offline.
import '../../../styles/annotations.css';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Button, Dialog, ErrorText } from '../../../components/ui.jsx';
import { call } from '../../../lib/api.js';
import { t, useLang } from '../../../lib/i18n.js';
import { useMeetingMessages } from '../../../lib/notices.js';
import { apiUrl } from '../../../lib/operations.js';
import {
  ANNOTATION_NOTICES,
  copyFields,
  editBaseVersion,
  editOutcome,
  geometryBox,
  mergeAnnotations,
  resolveConflict,
  splitPlacements,
  superseded,
} from './annotationSync.js';
import { annotationAt, NOTE_SIZE, round2, selectionRects, simplifyStroke, strokePath, uuid4, wordAt } from './geometry.js';
import { Icon } from './icons.jsx';
import { outbox } from './outbox.js';

export const PEN_COLORS = ['#1b5fd1', '#c62828', '#2e7d32', '#141b2b'];
export const HIGHLIGHT_COLORS = ['#ffd400', '#7ed957', '#ff8ad8', '#6cc4ff'];
export const NOTE_COLOR = '#ffd400';
const TOOLS = ['read', 'highlight', 'pen', 'note', 'eraser'];

/** Every annotation of the document (or, from `since`, every change after that cursor,
 *  tombstones included) and the cursor to ask from next time. */
async function listAll(documentId, from = null) {
  const out = [];
  let since = from;
  for (let i = 0; i < 100; i += 1) {
    const page = await call('listAnnotations', { params: { document_id: documentId }, query: { limit: 1000, since } });
    if (page.reset) out.length = 0;
    out.push(...page.annotations);
    since = page.cursor;
    if (!page.more) break;
  }
  return { annotations: out, cursor: since };
}

/** The annotations of one document, the tools, and the queue of changes. Changes made on
 *  the author's other devices arrive live (annotation.* notices) and are applied when newer
 *  than what is shown (annotationSync.js); an edit refused as stale asks the delegate. */
export function useAnnotations(doc, user, active = true, status = null) {
  const box = outbox();
  const [items, setItems] = useState(() => new Map());
  const [tool, setTool] = useState('read');
  const [colors, setColors] = useState({ pen: PEN_COLORS[0], highlight: HIGHLIGHT_COLORS[0] });
  const [undoStack, setUndoStack] = useState([]);
  const [queue, setQueue] = useState({ pending: 0, offline: false });
  const [dialog, setDialog] = useState(null);
  const [conflicts, setConflicts] = useState([]);
  const [placements, setPlacements] = useState(null);
  const [error, setError] = useState(null);
  const [words, setWords] = useState(() => new Map());
  const hidden = useRef(new Set());
  const loadingWords = useRef(new Set());
  const listRef = useRef([]);
  const itemsRef = useRef(items);
  itemsRef.current = items;
  const cursor = useRef(null);
  /** What each edited annotation looked like when edited (its place, should it be deleted
   *  elsewhere meanwhile and the delegate keep their words). */
  const editedFrom = useRef(new Map());
  const [caughtUp, setCaughtUp] = useState(0);
  const wasOnline = useRef(null);

  const merge = (list) =>
    setItems((prev) => {
      for (const a of list) if (a?.deleted && a.document_id === doc.id) hidden.current.delete(a.id);
      return mergeAnnotations(prev, list, doc.id);
    });
  /** Show `a` as it is here, whatever version was shown (a local change, a choice made). */
  const put = (a) => setItems((prev) => new Map(prev).set(a.id, a));

  // Live: the author's other devices (and this one's echo, harmless). A change on an earlier
  // version of this document places the carried-over ones again.
  const [placeAgain, setPlaceAgain] = useState(0);
  useMeetingMessages((name, data) => {
    if (!ANNOTATION_NOTICES.includes(name) || !data?.annotation) return;
    merge([data.annotation]);
    const from = data.annotation.document_id;
    if (doc.version > 1 && (from === doc.previous_version_id || placements?.some((p) => p.from_document_id === from))) {
      setPlaceAgain((n) => n + 1);
    }
  });

  // Back after the socket dropped: the notices missed meanwhile, from the cursor (listAnnotations
  // ?since=, deletions included).
  useEffect(() => {
    // wasOnline: null before the first connection, true while connected, false once dropped.
    const online = status === 'online';
    const back = online && wasOnline.current === false;
    if (online) wasOnline.current = true;
    else if (status && wasOnline.current) wasOnline.current = false;
    if (!back || !active) return;
    // From the cursor; the whole list when the first load found no network.
    listAll(doc.id, cursor.current)
      .then((answer) => {
        cursor.current = answer.cursor;
        merge(answer.annotations);
        setCaughtUp((n) => n + 1);
      })
      .catch(() => {});
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [status, doc.id, active]);

  useEffect(() => {
    box.setUser(user.id);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [user.id]);

  useEffect(() => {
    if (!active) return undefined;
    let live = true;
    (async () => {
      let list = [];
      try {
        const answer = await listAll(doc.id);
        list = answer.annotations;
        cursor.current = answer.cursor;
      } catch (err) {
        // Offline (reading a downloaded document): show what waits in the queue.
        if (err.status !== 0) setError(err);
      }
      // Changes still waiting in the queue are shown on top of what the server has.
      const rows = await box.rows();
      const edits = [];
      for (const { change } of rows) {
        if (change.op === 'create' && change.document_id === doc.id) list.push({ ...change.annotation, document_id: doc.id, version: 0, deleted: false });
        if (change.op === 'delete') hidden.current.add(change.id);
        if (change.op === 'update') edits.push(change);
      }
      if (!live) return;
      merge(list);
      setItems((prev) => {
        let next = prev;
        for (const { op, id, version, ...fields } of edits) {
          const a = next.get(id);
          if (!a || a.version > version) continue;
          if (next === prev) next = new Map(prev);
          next.set(id, { ...a, ...fields, version: version + 1 });
        }
        return next;
      });
    })();
    const off = box.subscribe(({ pending, offline, results }) => {
      setQueue({ pending, offline });
      const got = [];
      results.forEach((r, i) => {
        if (r.change.op === 'update') {
          if (r.status >= 400 && superseded(results, i)) return;
          const outcome = editOutcome(r.change, r);
          if (outcome.type === 'ok' || outcome.type === 'same') got.push(outcome.annotation);
          else if (outcome.type === 'refused') setError(r.error || { message: t('reader.change_refused') });
          else {
            const local = editedFrom.current.get(r.change.id) || itemsRef.current.get(r.change.id);
            setConflicts((list) => [...list.filter((c) => c.current.id !== r.change.id), { ...outcome, local }]);
          }
        } else if (r.annotation) got.push(r.annotation);
        else if (r.status >= 400 && r.change.op === 'create') {
          // Refused (a page limit, a closed document): take the mark away and say why.
          hidden.current.add(r.change.annotation.id);
          setError(r.error || { message: t('reader.change_refused') });
        }
      });
      if (got.length && live) merge(got);
      else if (results.length && live) setItems((prev) => new Map(prev));
    });
    globalThis.councilReader = {
      pending: () => box.pending,
      flush: () => box.flush(),
      ids: () => listRef.current.map((a) => a.id),
    };
    return () => {
      live = false;
      off();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [doc.id, user.id, active]);

  // On a newer version: my annotations of the earlier ones, placed on this one.
  useEffect(() => {
    if (!active || doc.version <= 1) return undefined;
    let live = true;
    call('listReanchoredAnnotations', { params: { document_id: doc.id } })
      .then((answer) => live && setPlacements(answer.placements))
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [doc.id, doc.version, active, placeAgain]);

  const list = useMemo(() => [...items.values()].filter((a) => !a.deleted && !hidden.current.has(a.id)), [items]);
  listRef.current = list;
  const carried = useMemo(() => splitPlacements(placements, doc.pages, list), [placements, doc.pages, list]);
  const byPage = useMemo(() => {
    const map = new Map();
    for (const a of list) {
      if (!map.has(a.page)) map.set(a.page, []);
      map.get(a.page).push(a);
    }
    return map;
  }, [list]);
  const carriedByPage = useMemo(() => {
    const map = new Map();
    for (const { annotation } of carried.placed) {
      if (!map.has(annotation.page)) map.set(annotation.page, []);
      map.get(annotation.page).push(annotation);
    }
    return map;
  }, [carried]);

  const create = async (fields, { undoable = true } = {}) => {
    const annotation = { id: uuid4(), ...fields };
    setItems((prev) => new Map(prev).set(annotation.id, { ...annotation, document_id: doc.id, version: 0, deleted: false }));
    if (undoable) setUndoStack((s) => [...s, { type: 'create', id: annotation.id }]);
    await box.add({ op: 'create', document_id: doc.id, annotation });
    return annotation;
  };

  /** Change a note's or text box's words, on the version the delegate edited (`base`). */
  const update = async (annotation, fields, base = editBaseVersion(annotation)) => {
    const shown = itemsRef.current.get(annotation.id) || annotation;
    if (shown.geometry && Object.keys(shown.geometry).length) editedFrom.current.set(annotation.id, shown);
    put({ ...shown, ...fields, version: Math.max(base + 1, shown.version ?? 0) });
    await box.add({ op: 'update', id: annotation.id, version: base, ...fields });
  };

  /** The delegate's answer to a stale edit: keep theirs, take the other device's. */
  const settle = async (conflict, choice) => {
    setConflicts((list) => list.filter((c) => c !== conflict));
    if (conflict.type === 'deleted') {
      hidden.current.delete(conflict.current.id);
      put(conflict.current);
      const local = conflict.local;
      if (choice === 'mine' && local?.geometry && Object.keys(local.geometry).length) {
        const { page, kind, geometry, color, quote } = local;
        await create({ page, kind, geometry, color, text: conflict.mine ?? undefined, quote: quote ?? undefined }, { undoable: false });
      }
      return;
    }
    const { change, show } = resolveConflict(conflict, choice);
    put(show);
    if (change) await box.add(change);
  };

  /** Keep an annotation carried over from an earlier version on this one (a copy). */
  const keep = (drawn) => create(copyFields(drawn), { undoable: false });

  const remove = async (annotation, { undoable = true } = {}) => {
    hidden.current.add(annotation.id);
    setItems((prev) => new Map(prev));
    if (undoable) setUndoStack((s) => [...s, { type: 'delete', annotation }]);
    await box.add({ op: 'delete', id: annotation.id });
  };

  const undo = async () => {
    const last = undoStack[undoStack.length - 1];
    if (!last) return;
    setUndoStack((s) => s.slice(0, -1));
    if (last.type === 'create') {
      const a = items.get(last.id);
      if (a) await remove(a, { undoable: false });
    } else {
      const { page, kind, geometry, color, text, quote } = last.annotation;
      await create({ page, kind, geometry, color, text: text ?? undefined, quote: quote ?? undefined }, { undoable: false });
    }
  };

  const loadWords = (page) => {
    // A page's text follows the download rule: none for a document that cannot be downloaded.
    if (!doc.downloadable || words.has(page) || loadingWords.current.has(page)) return;
    loadingWords.current.add(page);
    call('getDocumentPageText', { params: { document_id: doc.id, page } })
      .then((data) => setWords((prev) => new Map(prev).set(page, data.words)))
      .catch(() => loadingWords.current.delete(page));
  };

  const banner = <QueueBanner queue={queue} />;
  return {
    doc,
    tool,
    setTool,
    colors,
    setColors,
    color: tool === 'pen' ? colors.pen : colors.highlight,
    items,
    caughtUp,
    list,
    byPage,
    carried,
    carriedByPage,
    create,
    update,
    remove,
    keep,
    undo,
    canUndo: undoStack.length > 0,
    queue,
    banner,
    dialog,
    setDialog,
    conflicts,
    settle,
    error,
    setError,
    words,
    loadWords,
  };
}

/** Under the tools, on a newer version: what the dashed marks are, and how many were lost. */
export function CarriedLegend({ notes }) {
  useLang();
  const { placed, unplaced } = notes.carried;
  if (!placed.length && !unplaced.length) return null;
  const versions = [...new Set([...placed.map((p) => p.placement.from_version), ...unplaced.map((p) => p.from_version)])].sort((a, b) => a - b);
  return (
    <div class="banner banner-info carried-legend" role="note">
      {placed.length > 0 && (
        <span class="carried-legend-line">
          <span class="carried-swatch" aria-hidden="true">
            <span class="carried-swatch-badge">v{versions[0]}</span>
          </span>
          <span>{t('annot.legend', { count: placed.length, versions: versions.join(', ') })}</span>
        </span>
      )}
      {unplaced.length > 0 && <span>{t('annot.legend_unplaced', { count: unplaced.length })}</span>}
    </div>
  );
}

function QueueBanner({ queue }) {
  useLang();
  if (!queue.pending) return null;
  if (queue.offline) {
    return (
      <div class="banner banner-offline reader-queue" role="status" aria-live="polite">
        <Icon name="wifiOff" />
        <span>
          <strong>{t('reader.queue_offline_title')}</strong> {t('reader.queue_offline_text', { count: queue.pending })}
        </span>
      </div>
    );
  }
  return (
    <div class="banner banner-info reader-queue" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" />
      <span>{t('reader.queue_sending', { count: queue.pending })}</span>
    </div>
  );
}

/** The big buttons of the annotation tools, the colours, undo and the export. */
export function ToolBar({ notes, doc, children }) {
  useLang();
  const palette = notes.tool === 'pen' ? PEN_COLORS : notes.tool === 'highlight' ? HIGHLIGHT_COLORS : null;
  const key = notes.tool === 'pen' ? 'pen' : 'highlight';
  return (
    <div class="reader-tools" role="toolbar" aria-label={t('reader.tools')}>
      <div class="reader-group" role="group" aria-label={t('reader.tools')}>
        {TOOLS.map((name) => (
          <button
            type="button"
            key={name}
            class={`tool-btn${notes.tool === name ? ' is-active' : ''}`}
            aria-pressed={notes.tool === name ? 'true' : 'false'}
            onClick={() => notes.setTool(name)}
          >
            <Icon name={name} />
            <span>{t(`reader.tool.${name}`)}</span>
          </button>
        ))}
        <button type="button" class="tool-btn" disabled={!notes.canUndo} onClick={notes.undo}>
          <Icon name="undo" />
          <span>{t('reader.tool.undo')}</span>
        </button>
      </div>
      {palette && (
        <div class="reader-group" role="group" aria-label={t('reader.colour')}>
          {palette.map((c, i) => (
            <button
              type="button"
              key={c}
              class={`swatch swatch-${key}-${i}${notes.color === c ? ' is-active' : ''}`}
              aria-pressed={notes.color === c ? 'true' : 'false'}
              aria-label={t(`reader.colours.${key}_${i}`)}
              title={t(`reader.colours.${key}_${i}`)}
              onClick={() => notes.setColors((prev) => ({ ...prev, [key]: c }))}
            />
          ))}
        </div>
      )}
      {children}
      <div class="reader-group reader-export">
        {doc.confidential ? (
          <span class="reader-hint">{t('reader.no_export_confidential')}</span>
        ) : (
          <a class="btn btn-secondary" href={apiUrl('exportAnnotatedPdf', { document_id: doc.id })} download>
            <Icon name="download" />
            <span>{t('reader.export')}</span>
          </a>
        )}
      </div>
      <ErrorText error={notes.error} />
    </div>
  );
}

function pointIn(svg, event, page) {
  const r = svg.getBoundingClientRect();
  return [round2(((event.clientX - r.left) / r.width) * page.width), round2(((event.clientY - r.top) / r.height) * page.height)];
}

/** The SVG over one page: search hits, my annotations, and what the tool is drawing. */
export function AnnotationLayer({ page, hits, notes }) {
  const [drag, setDrag] = useState(null);
  const mine = notes.byPage.get(page.number) || [];
  const carried = notes.carriedByPage.get(page.number) || [];
  const active = notes.tool !== 'read';
  const words = notes.words.get(page.number);

  const down = (e) => {
    if (!active || (e.pointerType === 'mouse' && e.button !== 0)) return;
    const svg = e.currentTarget;
    const [x, y] = pointIn(svg, e, page);
    if (notes.tool === 'note') {
      notes.setDialog({ mode: 'new', page: page.number, point: [Math.min(x, page.width - NOTE_SIZE), Math.min(y, page.height - NOTE_SIZE)] });
      return;
    }
    svg.setPointerCapture?.(e.pointerId);
    e.preventDefault();
    if (notes.tool === 'highlight') {
      if (!words) {
        notes.loadWords(page.number);
        return;
      }
      const i = wordAt(words, x, y);
      if (i >= 0) setDrag({ kind: 'highlight', from: i, to: i });
    } else if (notes.tool === 'pen') {
      setDrag({ kind: 'ink', points: [[x, y]] });
    } else if (notes.tool === 'eraser') {
      const hit = annotationAt(mine, x, y);
      if (hit) notes.remove(hit);
      setDrag({ kind: 'erase' });
    }
  };
  const move = (e) => {
    if (!drag) return;
    const [x, y] = pointIn(e.currentTarget, e, page);
    if (drag.kind === 'highlight') {
      const i = wordAt(words, x, y);
      if (i >= 0 && i !== drag.to) setDrag({ ...drag, to: i });
    } else if (drag.kind === 'ink') {
      setDrag({ ...drag, points: [...drag.points, [x, y]] });
    } else if (drag.kind === 'erase') {
      const hit = annotationAt(mine, x, y);
      if (hit) notes.remove(hit);
    }
  };
  const up = () => {
    if (!drag) return;
    setDrag(null);
    if (drag.kind === 'highlight') {
      const { rects, quote } = selectionRects(words, drag.from, drag.to);
      if (rects.length) notes.create({ page: page.number, kind: 'highlight', geometry: { rects }, color: notes.color, quote });
    } else if (drag.kind === 'ink') {
      const stroke = simplifyStroke(drag.points);
      if (stroke.length) notes.create({ page: page.number, kind: 'ink', geometry: { strokes: [stroke], width: 2 }, color: notes.color });
    }
  };

  useEffect(() => {
    if (notes.tool === 'highlight') notes.loadWords(page.number);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [notes.tool, page.number]);

  const preview = drag?.kind === 'highlight' ? selectionRects(words, drag.from, drag.to).rects : null;
  return (
    <svg
      class={`page-overlay${active ? ' is-active' : ''}`}
      viewBox={`0 0 ${page.width} ${page.height}`}
      preserveAspectRatio="none"
      aria-hidden={mine.length || carried.length ? undefined : 'true'}
      onPointerDown={down}
      onPointerMove={move}
      onPointerUp={up}
      onPointerCancel={() => setDrag(null)}
    >
      {hits?.map((r, i) => (
        <rect key={`hit${i}`} class="search-hit" x={r[0] - 1} y={r[1] - 1} width={r[2] - r[0] + 2} height={r[3] - r[1] + 2} />
      ))}
      {carried.map((a) => (
        <CarriedMark key={`c${a.id}`} a={a} notes={notes} />
      ))}
      {mine.map((a) => (
        <Mark key={a.id} a={a} notes={notes} />
      ))}
      {preview?.map((r, i) => (
        <rect key={`sel${i}`} class="mark-highlight is-preview" fill={notes.color} x={r[0]} y={r[1]} width={r[2] - r[0]} height={r[3] - r[1]} />
      ))}
      {drag?.kind === 'ink' && <path class="mark-ink" stroke={notes.color} stroke-width="2" d={strokePath(drag.points)} />}
    </svg>
  );
}

/** Open with Enter or Space as well as a tap (a mark that is a button). */
const pressable = (open) => ({
  role: 'button',
  tabIndex: 0,
  onClick: open,
  onKeyDown: (e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), open()),
});

function Mark({ a, notes, passive = false }) {
  const g = a.geometry || {};
  const open = () => notes.tool === 'read' && notes.setDialog({ mode: 'view', id: a.id });
  const base = passive ? 'mark-inner' : 'mark';
  const press = (label) => (passive ? {} : { 'aria-label': label, ...pressable(open) });
  if (a.kind === 'highlight' && g.rects) {
    return (
      <g class={base} data-id={a.id} data-kind="highlight">
        {g.rects.map((r, i) => (
          <rect key={i} class="mark-highlight" fill={a.color || NOTE_COLOR} x={r[0]} y={r[1]} width={r[2] - r[0]} height={r[3] - r[1]} />
        ))}
      </g>
    );
  }
  if ((a.kind === 'underline' || a.kind === 'strikeout') && g.rects) {
    return (
      <g class={base} data-id={a.id} data-kind={a.kind}>
        {g.rects.map((r, i) => {
          const y = a.kind === 'underline' ? r[3] : (r[1] + r[3]) / 2;
          return <line key={i} class="mark-line" stroke={a.color || '#1b5fd1'} x1={r[0]} x2={r[2]} y1={y} y2={y} />;
        })}
      </g>
    );
  }
  if (a.kind === 'ink' && g.strokes) {
    return (
      <g class={base} data-id={a.id} data-kind="ink">
        {g.strokes.map((s, i) => (
          <path key={i} class="mark-ink" stroke={a.color || '#1b5fd1'} stroke-width={g.width || 2} d={strokePath(s)} />
        ))}
      </g>
    );
  }
  if (a.kind === 'textbox' && g.rect) {
    const [x0, y0, x1, y1] = g.rect;
    const shown = (a.text || '').slice(0, Math.max(4, Math.floor((x1 - x0) / 5)));
    return (
      <g class={`${base} mark-textbox`} data-id={a.id} data-kind="textbox" {...press(t('annot.textbox_open', { text: shown }))}>
        <rect class="mark-box" x={x0} y={y0} width={x1 - x0} height={y1 - y0} />
        <text class="mark-box-text" x={x0 + 3} y={y0 + 11}>
          {shown}
        </text>
      </g>
    );
  }
  if (a.kind === 'note' && g.point) {
    const [x, y] = g.point;
    return (
      <g class={`${base} mark-note`} data-id={a.id} data-kind="note" {...press(t('reader.note_open', { text: (a.text || '').slice(0, 60) }))}>
        <rect class="note-icon" fill={a.color || NOTE_COLOR} x={x} y={y} width={NOTE_SIZE} height={NOTE_SIZE} rx="3" />
        <path class="note-lines" d={`M${x + 5} ${y + 7}h12M${x + 5} ${y + 11}h12M${x + 5} ${y + 15}h8`} />
      </g>
    );
  }
  return null;
}

/** An annotation of an earlier version drawn here: dashed, with a badge "v1"; a tap says what
 *  it is and offers to keep it on this version. */
function CarriedMark({ a, notes }) {
  const b = geometryBox(a.geometry, NOTE_SIZE);
  if (!b) return null;
  const from = a.carried.from_version;
  const open = () => notes.tool === 'read' && notes.setDialog({ mode: 'carried', annotation: a });
  const pad = 3;
  return (
    <g class="mark-carried" data-id={a.id} data-kind={a.kind} data-from-version={from} aria-label={t('annot.carried_open', { version: from, text: (a.text || a.quote || '').slice(0, 60) })} {...pressable(open)}>
      <title>{t('annot.carried_tooltip', { version: from })}</title>
      <Mark a={a} notes={notes} passive />
      <rect class="carried-outline" x={b[0] - pad} y={b[1] - pad} width={b[2] - b[0] + 2 * pad} height={b[3] - b[1] + 2 * pad} rx="2" />
      <rect class="carried-badge" x={b[2] + pad - 16} y={b[1] - pad - 11} width="16" height="11" rx="2" />
      <text class="carried-badge-text" x={b[2] + pad - 8} y={b[1] - pad - 2.5}>
        v{from}
      </text>
    </g>
  );
}

/** Write a new sticky note, read one (and delete it), or change its words. */
export function NoteDialog({ notes }) {
  useLang();
  const [text, setText] = useState('');
  const d = notes.dialog;
  // Before the browser paints or takes any input: with a plain effect the box showed its
  // old words for a frame, and typing that fast landed after them.
  useLayoutEffect(() => setText(d?.mode === 'edit' ? d.text : ''), [d]);
  const close = () => notes.setDialog(null);
  const isNew = d?.mode === 'new';
  // The note as it stands now (another device may have changed or deleted it meanwhile).
  const live = d?.id ? notes.items.get(d.id) : null;
  const gone = d?.id && (!live || live.deleted);
  const title = { new: t('reader.note_new'), view: live?.kind === 'textbox' ? t('reader.kind.textbox') : t('reader.note'), edit: t('annot.edit_title'), carried: t('annot.carried_title', { version: d?.annotation?.carried?.from_version }) }[d?.mode];
  return (
    <Dialog open={Boolean(d)} title={title || ''} onClose={close} class="note-dialog">
      {isNew && (
        <form
          class="stack"
          onSubmit={(e) => {
            e.preventDefault();
            if (!text.trim()) return;
            notes.create({ page: d.page, kind: 'note', geometry: { point: d.point }, color: NOTE_COLOR, text: text.trim() });
            close();
          }}
        >
          <div class="field">
            <label for="note-text">{t('reader.note_text')}</label>
            <textarea id="note-text" class="note-input" rows={5} maxLength={10000} value={text} onInput={(e) => setText(e.currentTarget.value)} />
          </div>
          <div class="button-row">
            <Button size="lg" onClick={close}>
              {t('reader.cancel')}
            </Button>
            <Button kind="primary" size="lg" type="submit" disabled={!text.trim()}>
              {t('reader.save_note')}
            </Button>
          </div>
        </form>
      )}
      {d?.mode === 'view' && gone && (
        <div class="stack">
          <p>{t('annot.deleted_elsewhere')}</p>
          <div class="button-row">
            <Button kind="primary" size="lg" onClick={close}>
              {t('reader.close')}
            </Button>
          </div>
        </div>
      )}
      {d?.mode === 'view' && !gone && (
        <div class="stack">
          <p class="note-text">{live.text}</p>
          <div class="button-row">
            <Button
              kind="danger-ghost"
              size="lg"
              onClick={() => {
                notes.remove(live);
                close();
              }}
            >
              <Icon name="trash" />
              <span>{t('reader.note_delete')}</span>
            </Button>
            <Button size="lg" onClick={() => notes.setDialog({ mode: 'edit', id: live.id, base: editBaseVersion(live), text: live.text || '', snapshot: live })}>
              <Icon name="note" />
              <span>{t('annot.edit')}</span>
            </Button>
            <Button kind="primary" size="lg" onClick={close}>
              {t('reader.close')}
            </Button>
          </div>
        </div>
      )}
      {d?.mode === 'edit' && (
        <form
          class="stack"
          onSubmit={(e) => {
            e.preventDefault();
            const words = text.trim();
            if (!words) return;
            if (gone) {
              // Deleted on another device meanwhile: the words typed here become a note again.
              const { page, kind, geometry, color, quote } = d.snapshot;
              notes.create({ page, kind, geometry, color, text: words, quote: quote ?? undefined }, { undoable: false });
            } else if (words !== (live.text || '')) notes.update(live, { text: words }, d.base);
            close();
          }}
        >
          {gone && <p class="banner banner-warn">{t('annot.deleted_elsewhere')}</p>}
          <div class="field">
            <label for="note-edit">{t('reader.note_text')}</label>
            <textarea id="note-edit" class="note-input" rows={6} maxLength={10000} value={text} onInput={(e) => setText(e.currentTarget.value)} />
          </div>
          <div class="button-row">
            <Button size="lg" onClick={close}>
              {t('reader.cancel')}
            </Button>
            <Button kind="primary" size="lg" type="submit" disabled={!text.trim()}>
              {gone ? t('annot.save_as_new') : t('annot.save_changes')}
            </Button>
          </div>
        </form>
      )}
      {d?.mode === 'carried' && <CarriedDetails drawn={d.annotation} notes={notes} onDone={close} />}
    </Dialog>
  );
}

/** What a carried-over annotation is, in plain words, and "keep it on this version". */
function CarriedDetails({ drawn, notes, onDone }) {
  const from = drawn.carried.from_version;
  return (
    <div class="stack">
      <p>{t(drawn.carried.status === 'fuzzy' ? 'annot.carried_fuzzy' : 'annot.carried_explain', { version: from })}</p>
      <p class="carried-kind">{t(`reader.kind.${drawn.kind}`)}</p>
      {drawn.quote && <blockquote class="carried-quote">{drawn.quote}</blockquote>}
      {drawn.text && <p class="note-text">{drawn.text}</p>}
      <div class="button-row">
        <Button size="lg" onClick={onDone}>
          {t('reader.close')}
        </Button>
        <Button
          kind="primary"
          size="lg"
          onClick={() => {
            notes.keep(drawn);
            onDone();
          }}
        >
          {t('annot.keep_here')}
        </Button>
      </div>
    </div>
  );
}

/** Another device changed (or deleted) a note this one edited: the delegate chooses. */
export function ConflictDialog({ notes }) {
  useLang();
  const c = notes.conflicts[0];
  const deleted = c?.type === 'deleted';
  return (
    <Dialog open={Boolean(c)} title={deleted ? t('annot.conflict_deleted_title') : t('annot.conflict_title')} class="conflict-dialog" wide>
      {c && (
        <div class="stack">
          <p>{deleted ? t('annot.conflict_deleted_text') : t('annot.conflict_text')}</p>
          <div class="conflict-columns">
            <section class="conflict-side" aria-labelledby="conflict-mine">
              <h3 id="conflict-mine">{t('annot.conflict_mine')}</h3>
              <p class="note-text conflict-mine-text">{c.mine}</p>
            </section>
            <section class="conflict-side" aria-labelledby="conflict-theirs">
              <h3 id="conflict-theirs">{t('annot.conflict_theirs')}</h3>
              {deleted ? <p class="conflict-theirs-text">{t('annot.conflict_theirs_deleted')}</p> : <p class="note-text conflict-theirs-text">{c.current.text}</p>}
            </section>
          </div>
          <div class="button-row">
            <Button size="lg" onClick={() => notes.settle(c, 'theirs')}>
              {deleted ? t('annot.conflict_accept_delete') : t('annot.conflict_take_theirs')}
            </Button>
            <Button kind="primary" size="lg" onClick={() => notes.settle(c, 'mine')}>
              {t('annot.conflict_keep_mine')}
            </Button>
          </div>
        </div>
      )}
    </Dialog>
  );
}
