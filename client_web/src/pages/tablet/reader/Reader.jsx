// The tablet's document reader: #/m/<meeting_id>/documents/<document_id>.
// Pages are the server's images at the screen's width bucket and devicePixelRatio, loaded as
// they come near the view; each page keeps its aspect ratio before its image arrives. Zoom
// (buttons, pinch, double tap) asks for a sharper bucket. Thumbnails, the outline, search in
// the document or the session, "my notes", follow the chair, and the annotation tools.
import '../../../styles/reader.css';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { DocumentCommentsButton } from '../../../components/comments.jsx';
import { Badge, Button, ConnectionBanner, EmptyState, ErrorText, Loading, TopBar } from '../../../components/ui.jsx';
import { Icon } from './icons.jsx';
import { call } from '../../../lib/api.js';
import { useLoad } from '../../../lib/hooks.js';
import { t, useLang } from '../../../lib/i18n.js';
import { navigate } from '../../../lib/router.js';
import { useMeeting } from '../../../lib/useMeeting.js';
import { AnnotationLayer, CarriedLegend, ConflictDialog, NoteDialog, ToolBar, useAnnotations } from './annotate.jsx';
import { clampZoom, imageRequest, mostVisible, pageImageUrl, stepZoom, THUMB_WIDTH } from './geometry.js';
import { usePageSource } from './pageSource.js';
import { MyNotesPanel, OutlinePanel, SearchPanel, ThumbnailsPanel } from './panels.jsx';

/** Where the next reader opened should go: {documentId, page, rects} (search, my notes). */
let pendingJump = null;

export function openDocumentAt(meetingId, documentId, page, rects = null) {
  pendingJump = { documentId, page, rects };
  navigate(`m/${meetingId}/documents/${documentId}`);
}

function takeJump(documentId) {
  const jump = pendingJump?.documentId === documentId ? pendingJump : null;
  pendingJump = null;
  return jump;
}

const FOLLOW_KEY = 'council.reader.follow';

function followPreference() {
  try {
    return globalThis.localStorage?.getItem(FOLLOW_KEY) !== 'off';
  } catch {
    return true;
  }
}

export function DocumentReader({ meetingId, documentId, user, logout }) {
  useLang();
  // The first page comes first: its image is asked for at once (beside the document's
  // details), and the session's live state and the notes wait until it is shown (or 1.5 s).
  useMemo(() => preloadFirstPage(documentId), [documentId]);
  const [settled, setSettled] = useState(false);
  useEffect(() => {
    const id = setTimeout(() => setSettled(true), 1500);
    return () => clearTimeout(id);
  }, []);
  const { state, status } = useMeeting(settled ? meetingId : null);
  const { data: doc, error, loading } = useLoad(() => call('getDocument', { params: { document_id: documentId } }), [documentId]);
  const back = () => navigate(`m/${meetingId}`);
  return (
    <div class="page reader-page">
      <TopBar title={doc?.title || t('reader.title')} subtitle={state?.meeting?.title} user={user} onLogout={logout}>
        <Button kind="ghost" onClick={back}>
          <Icon name="left" />
          <span>{t('reader.back')}</span>
        </Button>
      </TopBar>
      <ConnectionBanner status={status} />
      {loading && <Loading label={t('reader.opening')} />}
      {error && (
        <main class="container narrow" id="main">
          <EmptyState title={t('reader.cannot_open')}>
            <ErrorText error={error} />
            <Button kind="primary" size="lg" onClick={back}>
              {t('reader.back')}
            </Button>
          </EmptyState>
        </main>
      )}
      {doc && doc.kind === 'link' && (
        <main class="container narrow" id="main">
          <EmptyState title={doc.title} text={t('reader.is_link')}>
            <a class="btn btn-primary btn-lg" href={doc.url} target="_blank" rel="noopener noreferrer">
              {t('reader.open_link')}
            </a>
          </EmptyState>
        </main>
      )}
      {doc && doc.kind !== 'link' && doc.status !== 'ready' && (
        <main class="container narrow" id="main">
          <EmptyState title={t('reader.not_ready')} />
        </main>
      )}
      {doc && doc.kind !== 'link' && doc.status === 'ready' && (
        <ReaderBody key={doc.id} doc={doc} state={state} status={status} meetingId={meetingId} user={user} settled={settled} onFirstPage={() => setSettled(true)} />
      )}
    </div>
  );
}

/** The widest a page is shown at 100 %: the 960 bucket, sharp and quick to fetch. */
const MAX_FIT = 960;
const fitWidth = (boxWidth) => Math.max(200, Math.min(boxWidth - 32, MAX_FIT));

/** Ask for the first page's image before the document's details arrive (same address). */
function preloadFirstPage(documentId) {
  const jump = pendingJump?.documentId === documentId ? pendingJump : null;
  if (jump?.page > 1 || !globalThis.Image) return;
  const scrollbar = 16;
  const image = imageRequest(fitWidth((globalThis.innerWidth || 1280) - scrollbar), globalThis.devicePixelRatio || 1);
  new Image().src = pageImageUrl(documentId, 1, image);
}

function useFitWidth(ref) {
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return undefined;
    const measure = () => setWidth(el.clientWidth);
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return width;
}

function ReaderBody({ doc, state, status, meetingId, user, settled, onFirstPage }) {
  const pages = doc.pages;
  const total = pages.length;
  const scroller = useRef(null);
  const sheets = useRef(new Map());
  const jump = useMemo(() => takeJump(doc.id), [doc.id]);
  const [zoom, setZoom] = useState(1);
  const [current, setCurrent] = useState(jump?.page || 1);
  const [near, setNear] = useState(() => new Set([1, 2]));
  const [panel, setPanel] = useState(null);
  const [hits, setHits] = useState(jump?.rects ? { page: jump.page, rects: jump.rects } : null);
  const [follow, setFollow] = useState(followPreference);
  const boxWidth = useFitWidth(scroller);
  const fit = fitWidth(boxWidth);
  // The page opened first loads alone; the others once it is shown (or the wait is over).
  const startPage = jump?.page || 1;
  const [firstShown, setFirstShown] = useState(false);
  const shown = useCallback(() => {
    setFirstShown(true);
    onFirstPage?.();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const pageWidth = Math.round(fit * zoom);
  const dpr = globalThis.devicePixelRatio || 1;
  const image = imageRequest(pageWidth, dpr);
  const notes = useAnnotations(doc, user, settled, status);

  // Which pages are near the view (load their images) and which one is most in view.
  const ratios = useRef(new Map());
  const observers = useRef(null);
  useEffect(() => {
    const root = scroller.current;
    const loader = new IntersectionObserver(
      (entries) => {
        setNear((prev) => {
          const next = new Set(prev);
          for (const e of entries) {
            const n = Number(e.target.dataset.page);
            if (e.isIntersecting) next.add(n);
          }
          return next.size === prev.size ? prev : next;
        });
      },
      { root, rootMargin: '100% 0px' },
    );
    const seer = new IntersectionObserver(
      (entries) => {
        for (const e of entries) ratios.current.set(Number(e.target.dataset.page), e.intersectionRect.height);
        const best = mostVisible(ratios.current);
        if (best) setCurrent(best);
      },
      { root, threshold: [0, 0.1, 0.25, 0.5, 0.75, 1] },
    );
    observers.current = { loader, seer };
    for (const el of sheets.current.values()) {
      loader.observe(el);
      seer.observe(el);
    }
    return () => {
      loader.disconnect();
      seer.disconnect();
      observers.current = null;
    };
  }, []);

  const sheetRef = useCallback((n, el) => {
    const old = sheets.current.get(n);
    if (old === el) return;
    if (old && observers.current) {
      observers.current.loader.unobserve(old);
      observers.current.seer.unobserve(old);
    }
    if (el) {
      sheets.current.set(n, el);
      observers.current?.loader.observe(el);
      observers.current?.seer.observe(el);
    } else sheets.current.delete(n);
  }, []);

  const goTo = useCallback((page, rects = null) => {
    const n = Math.min(Math.max(1, page), total);
    const el = sheets.current.get(n);
    const box = scroller.current;
    if (!el || !box) return;
    let top = el.offsetTop - 12;
    if (rects?.length) {
      const p = pages[n - 1];
      const y = Math.min(...rects.map((r) => r[1]));
      top = el.offsetTop + (y / p.height) * el.offsetHeight - box.clientHeight / 3;
    }
    box.scrollTop = Math.max(0, top);
    setCurrent(n);
    setNear((prev) => new Set([...prev, n]));
  }, [pages, total]);

  // Open at the page asked for (a search result, a note, the chair) once laid out.
  const opened = useRef(false);
  useLayoutEffect(() => {
    if (opened.current || !boxWidth) return;
    opened.current = true;
    if (jump?.page > 1 || jump?.rects) goTo(jump.page, jump.rects);
  }, [boxWidth, goTo, jump]);

  // Keep the same place in view when the zoom changes.
  const lastZoom = useRef(zoom);
  useLayoutEffect(() => {
    const box = scroller.current;
    const ratio = zoom / lastZoom.current;
    lastZoom.current = zoom;
    if (box && ratio !== 1) {
      box.scrollTop *= ratio;
      box.scrollLeft = Math.max(0, (box.scrollWidth - box.clientWidth) / 2);
    }
  }, [zoom]);

  // Follow the chair: open the document and page the chair shows, while switched on.
  // A document opened on purpose is not left for the chair's until the chair moves.
  const chair = state?.follow;
  const seen = useRef(undefined);
  useEffect(() => {
    const first = seen.current === undefined && state !== null && state !== undefined;
    if (state) seen.current = chair ? `${chair.document_id}/${chair.page}` : null;
    if (!follow || !chair?.document_id) return;
    if (first && chair.document_id !== doc.id) return;
    if (chair.document_id !== doc.id) openDocumentAt(meetingId, chair.document_id, chair.page || 1);
    else goTo(chair.page || 1);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [follow, chair?.document_id, chair?.page, doc.id, meetingId, goTo, Boolean(state)]);
  const toggleFollow = () => {
    const next = !follow;
    setFollow(next);
    try {
      globalThis.localStorage?.setItem(FOLLOW_KEY, next ? 'on' : 'off');
    } catch {
      /* storage unavailable */
    }
  };

  // Reading receipts: a page counts once it stayed in view for a moment.
  const sent = useRef(new Set());
  useEffect(() => {
    if (!doc.reads_recorded || sent.current.has(current)) return undefined;
    const id = setTimeout(() => {
      sent.current.add(current);
      call('recordDocumentRead', { params: { document_id: doc.id }, body: { page: current } }).catch(() => sent.current.delete(current));
    }, 800);
    return () => clearTimeout(id);
  }, [current, doc.id, doc.reads_recorded]);

  usePinchZoom(scroller, zoom, setZoom);

  // On a narrow (portrait) screen the panel covers the page: close it after a jump.
  const narrow = () => globalThis.innerWidth <= 900 && setPanel(null);
  const togglePanel = (name) => setPanel((p) => (p === name ? null : name));
  const panelButton = (name, icon, label) => (
    <Button kind={panel === name ? 'primary' : 'secondary'} aria-pressed={panel === name ? 'true' : 'false'} onClick={() => togglePanel(name)}>
      <Icon name={icon} />
      <span>{label}</span>
    </Button>
  );

  return (
    <>
      {notes.banner}
      <div class="reader-bar" role="toolbar" aria-label={t('reader.toolbar')}>
        <div class="reader-group">
          {panelButton('thumbs', 'pages', t('reader.pages'))}
          {doc.outline?.length > 0 && panelButton('outline', 'list', t('reader.outline'))}
          {panelButton('search', 'search', t('reader.search'))}
          {panelButton('notes', 'note', t('reader.my_notes'))}
          {state && <DocumentCommentsButton doc={doc} state={state} page={current} />}
        </div>
        <div class="reader-group">
          <Button class="icon-only" aria-label={t('reader.prev_page')} disabled={current <= 1} onClick={() => goTo(current - 1)}>
            <Icon name="up" />
          </Button>
          <span class="reader-page-of" aria-live="polite">
            {t('reader.page_of', { page: pages[current - 1]?.label || current, total })}
          </span>
          <Button class="icon-only" aria-label={t('reader.next_page')} disabled={current >= total} onClick={() => goTo(current + 1)}>
            <Icon name="down" />
          </Button>
        </div>
        <div class="reader-group">
          <Button class="icon-only" aria-label={t('reader.zoom_out')} disabled={zoom <= 1} onClick={() => setZoom((z) => stepZoom(z, -1))}>
            <Icon name="minus" />
          </Button>
          <span class="reader-zoom">{Math.round(zoom * 100)}%</span>
          <Button class="icon-only" aria-label={t('reader.zoom_in')} disabled={zoom >= 3} onClick={() => setZoom((z) => stepZoom(z, 1))}>
            <Icon name="plus" />
          </Button>
        </div>
      </div>
      <ToolBar notes={notes} doc={doc}>
        {(!state || 'follow' in state) && (
          <div class="reader-group">
            <Button kind={follow ? 'primary' : 'secondary'} aria-pressed={follow ? 'true' : 'false'} disabled={!state} onClick={toggleFollow}>
              <Icon name="people" />
              <span>{t('reader.follow_chair')}</span>
            </Button>
            {chair?.document_id && !follow && (
              <Badge tone="info">{t('reader.chair_at', { page: chair.page })}</Badge>
            )}
          </div>
        )}
      </ToolBar>
      <CarriedLegend notes={notes} />
      <div class={`reader-body${panel ? ' has-panel' : ''}`}>
        {panel && (
          <aside class="reader-panel" aria-label={t(`reader.panel_${panel}`)}>
            {panel === 'thumbs' && <ThumbnailsPanel doc={doc} current={current} onPick={(n) => (narrow(), goTo(n))} dpr={dpr} thumbWidth={THUMB_WIDTH} />}
            {panel === 'outline' && <OutlinePanel outline={doc.outline} current={current} onPick={(n) => (narrow(), goTo(n))} />}
            {panel === 'search' && (
              <SearchPanel
                meetingId={meetingId}
                doc={doc}
                onPick={(r) => {
                  narrow();
                  if (r.document_id === doc.id) {
                    setHits({ page: r.page, rects: r.rects });
                    goTo(r.page, r.rects);
                  } else openDocumentAt(meetingId, r.document_id, r.page, r.rects);
                }}
              />
            )}
            {panel === 'notes' && (
              <MyNotesPanel
                meetingId={meetingId}
                notes={notes}
                doc={doc}
                documents={state?.documents}
                onPick={(a) => (a.document_id === doc.id ? goTo(a.page, a.geometry?.rects) : openDocumentAt(meetingId, a.document_id, a.page))}
              />
            )}
          </aside>
        )}
        <div
          class={`reader-scroll tool-${notes.tool}`}
          ref={scroller}
          role="region"
          aria-label={t('reader.pages_region')}
          tabIndex={0}
          onDblClick={(e) => {
            if (notes.tool !== 'read') return;
            e.preventDefault();
            setZoom((z) => (z > 1 ? 1 : 2));
          }}
        >
          <div class="reader-pages">
            {pages.map((p) => (
              <PageSheet
                key={p.number}
                doc={doc}
                page={p}
                width={pageWidth}
                image={image}
                load={boxWidth > 0 && near.has(p.number) && (firstShown || settled || p.number === startPage)}
                onShown={p.number === startPage ? shown : undefined}
                sheetRef={sheetRef}
                hits={hits?.page === p.number ? hits.rects : null}
                notes={notes}
              />
            ))}
          </div>
        </div>
      </div>
      <NoteDialog notes={notes} />
      <ConflictDialog notes={notes} />
    </>
  );
}

/** One page: a sheet of the page's proportions, its image, and the overlay in PDF points. */
function PageSheet({ doc, page, width, image, load, sheetRef, hits, notes, onShown }) {
  const height = Math.round((width * page.height) / page.width);
  const [shown, setShown] = useState(null);
  // A confidential page is this reader's own copy, fetched apart (pageSource.js).
  const source = usePageSource(load ? pageImageUrl(doc.id, page.number, image) : null, doc.confidential, shown);
  const wanted = source.src;
  useEffect(() => {
    if (source.failed) onShown?.();
  }, [source.failed]);
  const ref = useCallback((el) => sheetRef(page.number, el), [sheetRef, page.number]);
  return (
    <div
      class={`page-sheet${shown ? ' is-loaded' : ''}`}
      data-page={page.number}
      ref={ref}
      style={{ width: `${width}px`, height: `${height}px` }}
      role="group"
      aria-label={t('reader.page_label', { page: page.label || page.number })}
    >
      {shown && <img class="page-img" src={shown} alt="" draggable={false} />}
      {wanted && wanted !== shown && (
        <img
          class="page-img is-next"
          src={wanted}
          alt=""
          draggable={false}
          onLoad={() => {
            setShown(wanted);
            onShown?.();
          }}
          onError={() => onShown?.()}
        />
      )}
      {!shown && <span class="page-number">{page.label || page.number}</span>}
      {(load || shown) && <AnnotationLayer doc={doc} page={page} hits={hits} notes={notes} />}
    </div>
  );
}

/** Two fingers change the zoom (the browser's own pinch is off on the pages). */
function usePinchZoom(ref, zoom, setZoom) {
  const zoomRef = useRef(zoom);
  zoomRef.current = zoom;
  useEffect(() => {
    const el = ref.current;
    if (!el) return undefined;
    const touches = new Map();
    let start = null;
    const distance = () => {
      const [a, b] = [...touches.values()];
      return Math.hypot(a.x - b.x, a.y - b.y);
    };
    const down = (e) => {
      if (e.pointerType !== 'touch') return;
      touches.set(e.pointerId, { x: e.clientX, y: e.clientY });
      if (touches.size === 2) start = { d: distance(), zoom: zoomRef.current };
    };
    const move = (e) => {
      if (!touches.has(e.pointerId)) return;
      touches.set(e.pointerId, { x: e.clientX, y: e.clientY });
      if (touches.size === 2 && start?.d > 0) {
        const next = clampZoom(Math.round(start.zoom * (distance() / start.d) * 20) / 20);
        if (next !== zoomRef.current) setZoom(next);
      }
    };
    const up = (e) => {
      touches.delete(e.pointerId);
      if (touches.size < 2) start = null;
    };
    el.addEventListener('pointerdown', down);
    el.addEventListener('pointermove', move);
    el.addEventListener('pointerup', up);
    el.addEventListener('pointercancel', up);
    return () => {
      el.removeEventListener('pointerdown', down);
      el.removeEventListener('pointermove', move);
      el.removeEventListener('pointerup', up);
      el.removeEventListener('pointercancel', up);
    };
  }, [ref, setZoom]);
}
