// Annotation tools on the reader's pages: highlight by selecting words, pen with colours,
// sticky notes, eraser, undo. Each change is shown at once and goes through the outbox
// (IndexedDB, then syncAnnotations), so nothing is lost offline.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Button, Dialog, ErrorText } from '../../../components/ui.jsx';
import { get } from '../../../lib/api.js';
import { t, useLang } from '../../../lib/i18n.js';
import { annotationAt, NOTE_SIZE, round2, selectionRects, simplifyStroke, strokePath, uuid4, wordAt } from './geometry.js';
import { Icon } from './icons.jsx';
import { outbox } from './outbox.js';

export const PEN_COLORS = ['#1b5fd1', '#c62828', '#2e7d32', '#141b2b'];
export const HIGHLIGHT_COLORS = ['#ffd400', '#7ed957', '#ff8ad8', '#6cc4ff'];
export const NOTE_COLOR = '#ffd400';
const TOOLS = ['read', 'highlight', 'pen', 'note', 'eraser'];

async function listAll(documentId) {
  const out = [];
  let since = null;
  for (let i = 0; i < 100; i += 1) {
    const query = since === null ? '?limit=1000' : `?limit=1000&since=${since}`;
    const page = await get(`/documents/${documentId}/annotations${query}`);
    out.push(...page.annotations);
    since = page.cursor;
    if (!page.more) break;
  }
  return out;
}

/** Keep the newer of two versions of an annotation. */
function newer(a, b) {
  if (!a) return b;
  return (b.version ?? 0) >= (a.version ?? 0) ? b : a;
}

/** The annotations of one document, the tools, and the queue of changes. */
export function useAnnotations(doc, user, active = true) {
  const box = outbox();
  const [items, setItems] = useState(() => new Map());
  const [tool, setTool] = useState('read');
  const [colors, setColors] = useState({ pen: PEN_COLORS[0], highlight: HIGHLIGHT_COLORS[0] });
  const [undoStack, setUndoStack] = useState([]);
  const [queue, setQueue] = useState({ pending: 0, offline: false });
  const [dialog, setDialog] = useState(null);
  const [error, setError] = useState(null);
  const [words, setWords] = useState(() => new Map());
  const hidden = useRef(new Set());
  const loadingWords = useRef(new Set());
  const listRef = useRef([]);

  const merge = (list) =>
    setItems((prev) => {
      const next = new Map(prev);
      for (const a of list) {
        if (a.document_id !== doc.id) continue;
        if (a.deleted) hidden.current.delete(a.id);
        next.set(a.id, newer(next.get(a.id), a));
      }
      return next;
    });

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
        list = await listAll(doc.id);
      } catch (err) {
        // Offline (reading a downloaded document): show what waits in the queue.
        if (err.status !== 0) setError(err);
      }
      // Changes still waiting in the queue are shown on top of what the server has.
      const rows = await box.rows();
      for (const { change } of rows) {
        if (change.op === 'create' && change.document_id === doc.id) list.push({ ...change.annotation, document_id: doc.id, version: 0, deleted: false });
        if (change.op === 'delete') hidden.current.add(change.id);
      }
      if (live) merge(list);
    })();
    const off = box.subscribe(({ pending, offline, results }) => {
      setQueue({ pending, offline });
      const got = [];
      for (const r of results) {
        if (r.annotation) got.push(r.annotation);
        else if (r.status >= 400 && r.change.op === 'create') {
          // Refused (a page limit, a closed document): take the mark away and say why.
          hidden.current.add(r.change.annotation.id);
          setError(r.error || { message: t('reader.change_refused') });
        }
      }
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

  const list = useMemo(() => [...items.values()].filter((a) => !a.deleted && !hidden.current.has(a.id)), [items]);
  listRef.current = list;
  const byPage = useMemo(() => {
    const map = new Map();
    for (const a of list) {
      if (!map.has(a.page)) map.set(a.page, []);
      map.get(a.page).push(a);
    }
    return map;
  }, [list]);

  const create = async (fields, { undoable = true } = {}) => {
    const annotation = { id: uuid4(), ...fields };
    setItems((prev) => new Map(prev).set(annotation.id, { ...annotation, document_id: doc.id, version: 0, deleted: false }));
    if (undoable) setUndoStack((s) => [...s, { type: 'create', id: annotation.id }]);
    await box.add({ op: 'create', document_id: doc.id, annotation });
    return annotation;
  };

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
    if (words.has(page) || loadingWords.current.has(page)) return;
    loadingWords.current.add(page);
    get(`/documents/${doc.id}/pages/${page}/text`)
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
    list,
    byPage,
    create,
    remove,
    undo,
    canUndo: undoStack.length > 0,
    queue,
    banner,
    dialog,
    setDialog,
    error,
    setError,
    words,
    loadWords,
  };
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
          <a class="btn btn-secondary" href={`/api/documents/${doc.id}/annotated.pdf`} download>
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
      aria-hidden={mine.length ? undefined : 'true'}
      onPointerDown={down}
      onPointerMove={move}
      onPointerUp={up}
      onPointerCancel={() => setDrag(null)}
    >
      {hits?.map((r, i) => (
        <rect key={`hit${i}`} class="search-hit" x={r[0] - 1} y={r[1] - 1} width={r[2] - r[0] + 2} height={r[3] - r[1] + 2} />
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

function Mark({ a, notes }) {
  const g = a.geometry || {};
  if (a.kind === 'highlight' && g.rects) {
    return (
      <g class="mark" data-id={a.id} data-kind="highlight">
        {g.rects.map((r, i) => (
          <rect key={i} class="mark-highlight" fill={a.color || NOTE_COLOR} x={r[0]} y={r[1]} width={r[2] - r[0]} height={r[3] - r[1]} />
        ))}
      </g>
    );
  }
  if ((a.kind === 'underline' || a.kind === 'strikeout') && g.rects) {
    return (
      <g class="mark" data-id={a.id} data-kind={a.kind}>
        {g.rects.map((r, i) => {
          const y = a.kind === 'underline' ? r[3] : (r[1] + r[3]) / 2;
          return <line key={i} class="mark-line" stroke={a.color || '#1b5fd1'} x1={r[0]} x2={r[2]} y1={y} y2={y} />;
        })}
      </g>
    );
  }
  if (a.kind === 'ink' && g.strokes) {
    return (
      <g class="mark" data-id={a.id} data-kind="ink">
        {g.strokes.map((s, i) => (
          <path key={i} class="mark-ink" stroke={a.color || '#1b5fd1'} stroke-width={g.width || 2} d={strokePath(s)} />
        ))}
      </g>
    );
  }
  if (a.kind === 'textbox' && g.rect) {
    const [x0, y0, x1, y1] = g.rect;
    return <rect class="mark-box" data-id={a.id} x={x0} y={y0} width={x1 - x0} height={y1 - y0} />;
  }
  if (a.kind === 'note' && g.point) {
    const [x, y] = g.point;
    const open = () => notes.tool === 'read' && notes.setDialog({ mode: 'view', annotation: a });
    return (
      <g
        class="mark mark-note"
        data-id={a.id}
        data-kind="note"
        role="button"
        tabIndex={0}
        aria-label={t('reader.note_open', { text: (a.text || '').slice(0, 60) })}
        onClick={open}
        onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), open())}
      >
        <rect class="note-icon" fill={a.color || NOTE_COLOR} x={x} y={y} width={NOTE_SIZE} height={NOTE_SIZE} rx="3" />
        <path class="note-lines" d={`M${x + 5} ${y + 7}h12M${x + 5} ${y + 11}h12M${x + 5} ${y + 15}h8`} />
      </g>
    );
  }
  return null;
}

/** Write a new sticky note, or read (and delete) one. */
export function NoteDialog({ notes }) {
  useLang();
  const [text, setText] = useState('');
  const d = notes.dialog;
  useEffect(() => setText(''), [d]);
  const close = () => notes.setDialog(null);
  const isNew = d?.mode === 'new';
  return (
    <Dialog open={Boolean(d)} title={isNew ? t('reader.note_new') : t('reader.note')} onClose={close}>
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
            <textarea id="note-text" rows={5} maxLength={10000} value={text} onInput={(e) => setText(e.currentTarget.value)} />
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
      {d?.mode === 'view' && (
        <div class="stack">
          <p class="note-text">{d.annotation.text}</p>
          <div class="button-row">
            <Button
              kind="danger-ghost"
              size="lg"
              onClick={() => {
                notes.remove(d.annotation);
                close();
              }}
            >
              <Icon name="trash" />
              <span>{t('reader.note_delete')}</span>
            </Button>
            <Button kind="primary" size="lg" onClick={close}>
              {t('reader.close')}
            </Button>
          </div>
        </div>
      )}
    </Dialog>
  );
}
