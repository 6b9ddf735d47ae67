// The reader's side panel: page thumbnails, the outline, search, and my notes.
import { useEffect, useRef, useState } from 'preact/hooks';
import { Button, EmptyState, ErrorText, Loading } from '../../../components/ui.jsx';
import { call } from '../../../lib/api.js';
import { useAction, useLoad } from '../../../lib/hooks.js';
import { t, useLang } from '../../../lib/i18n.js';
import { useMeetingMessages } from '../../../lib/notices.js';
import { ANNOTATION_NOTICES, applyToList } from './annotationSync.js';
import { dprStep, pageImageUrl } from './geometry.js';
import { useNearView, usePageSource } from './pageSource.js';
import { Icon } from './icons.jsx';

export function ThumbnailsPanel({ doc, current, onPick, dpr, thumbWidth }) {
  useLang();
  const image = { width: thumbWidth, dpr: dprStep(dpr) };
  return (
    <>
      <h2 class="panel-title">{t('reader.pages')}</h2>
      <ol class="thumbs">
        {doc.pages.map((p) => (
          <li key={p.number}>
            <button
              type="button"
              class={`thumb${p.number === current ? ' is-current' : ''}`}
              aria-current={p.number === current ? 'page' : undefined}
              aria-label={t('reader.go_to_page', { page: p.label || p.number })}
              onClick={() => onPick(p.number)}
            >
              <Thumbnail url={pageImageUrl(doc.id, p.number, image)} confidential={doc.confidential} width={thumbWidth} height={Math.round((thumbWidth * p.height) / p.width)} />
              <span>{p.label || p.number}</span>
            </button>
          </li>
        ))}
      </ol>
    </>
  );
}

/** A page's thumbnail, loaded as it nears the view (a confidential one as its reader's own copy). */
function Thumbnail({ url, confidential, width, height }) {
  const ref = useRef(null);
  const near = useNearView(ref, confidential);
  const { src } = usePageSource(near ? url : null, confidential);
  if (!confidential) return <img src={url} alt="" loading="lazy" width={width} height={height} />;
  return <img ref={ref} src={src || undefined} alt="" width={width} height={height} />;
}

export function OutlinePanel({ outline, current, onPick }) {
  useLang();
  // The entry the current page falls under.
  let at = -1;
  outline.forEach((o, i) => {
    if (o.page <= current) at = i;
  });
  return (
    <>
      <h2 class="panel-title">{t('reader.outline')}</h2>
      <ul class="outline">
        {outline.map((o, i) => (
          <li key={i} class={`outline-level-${Math.min(o.level, 4)}`}>
            <button type="button" class={`outline-link${i === at ? ' is-current' : ''}`} aria-current={i === at ? 'true' : undefined} onClick={() => onPick(o.page)}>
              <span class="outline-title">{o.title}</span>
              <span class="outline-page">{o.page}</span>
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}

/** A snippet with the matched parts in <mark> (offsets from the server; text escaped by JSX). */
function Snippet({ text, highlights }) {
  const parts = [];
  let at = 0;
  for (const [start, end] of [...(highlights || [])].sort((a, b) => a[0] - b[0])) {
    if (start < at) continue;
    if (start > at) parts.push(text.slice(at, start));
    parts.push(<mark key={start}>{text.slice(start, end)}</mark>);
    at = end;
  }
  parts.push(text.slice(at));
  return <span class="snippet">{parts}</span>;
}

export function SearchPanel({ meetingId, doc, onPick }) {
  useLang();
  const [q, setQ] = useState('');
  // Only documents that may be downloaded are searched: a confidential one offers the session.
  const scopes = doc.downloadable ? ['document', 'session'] : ['session'];
  const [scope, setScope] = useState(scopes[0]);
  const [answer, setAnswer] = useState(null);
  const [run, busy, error] = useAction();
  const search = async (e) => {
    e.preventDefault();
    const query = q.trim();
    if (!query) return;
    const only = scope === 'document' ? doc.id : undefined;
    const data = await run(() => call('searchDocuments', { params: { meeting_id: meetingId }, query: { q: query, limit: 50, document_id: only } }));
    if (data) setAnswer({ ...data, scope });
  };
  return (
    <>
      <h2 class="panel-title">{t('reader.search')}</h2>
      <form class="search-form" role="search" onSubmit={search}>
        <label class="sr-only" for="reader-search">
          {t('reader.search_label')}
        </label>
        <input id="reader-search" type="search" value={q} placeholder={t('reader.search_placeholder')} onInput={(e) => setQ(e.currentTarget.value)} />
        <fieldset class="search-scope">
          <legend class="sr-only">{t('reader.search_where')}</legend>
          {scopes.map((s) => (
            <label key={s} class={`scope-option${scope === s ? ' is-active' : ''}`}>
              <input type="radio" name="scope" value={s} checked={scope === s} onChange={() => setScope(s)} />
              <span>{t(`reader.scope_${s}`)}</span>
            </label>
          ))}
        </fieldset>
        <Button kind="primary" size="lg" type="submit" busy={busy}>
          <Icon name="search" />
          <span>{t('reader.search_go')}</span>
        </Button>
      </form>
      <ErrorText error={error} />
      {answer && (
        <>
          <p class="reader-hint" role="status">
            {t('reader.search_count', { count: answer.results.length })}
          </p>
          <ul class="results">
            {answer.results.map((r, i) => (
              <li key={`${r.document_id}-${r.page}-${i}`}>
                <button type="button" class="result" onClick={() => onPick(r)}>
                  <span class="result-where">
                    {answer.scope === 'session' && <strong>{r.title} · </strong>}
                    {t('reader.page_n', { page: r.label || r.page })}
                  </span>
                  <Snippet text={r.snippet} highlights={r.highlights} />
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}

/** My annotations across the session, by document (listMyAnnotations), kept live by the
 *  annotation.* notices (changes from my other devices, on any document of the session);
 *  on a newer version, those carried over from earlier ones and those that were not found. */
export function MyNotesPanel({ meetingId, notes, documents, onPick }) {
  useLang();
  // Reloaded whenever my notes on this document change.
  const { data, error, loading } = useLoad(() => call('listMyAnnotations', { params: { meeting_id: meetingId }, query: { limit: 1000 } }), [meetingId, notes.list.length, notes.queue.pending, notes.caughtUp]);
  const [rows, setRows] = useState(null);
  useEffect(() => setRows(data?.annotations || null), [data]);
  const order = (data?.documents || []).map((d) => d.id);
  useMeetingMessages((name, payload) => {
    if (ANNOTATION_NOTICES.includes(name) && payload?.annotation) setRows((r) => (r ? applyToList(r, payload.annotation, order) : r));
  });
  const live = (rows || []).filter((a) => !a.deleted);
  const titles = new Map([...(documents || []), ...(data?.documents || [])].map((d) => [d.id, d.title]));
  const groups = [];
  for (const a of live) {
    let g = groups.find((x) => x.id === a.document_id);
    if (!g) groups.push((g = { id: a.document_id, items: [] }));
    g.items.push(a);
  }
  const { placed, unplaced } = notes.carried;
  return (
    <>
      <h2 class="panel-title">{t('reader.my_notes')}</h2>
      {loading && !data && <Loading />}
      <ErrorText error={error} />
      {(placed.length > 0 || unplaced.length > 0) && (
        <section class="notes-group notes-carried">
          <h3>{t('annot.section_title')}</h3>
          {placed.length > 1 && (
            <Button onClick={() => placed.forEach(({ annotation }) => notes.keep(annotation))}>{t('annot.keep_all')}</Button>
          )}
          <ul class="results">
            {placed.map(({ annotation: a }) => (
              <li key={a.id} class="carried-item">
                <button type="button" class="result" onClick={() => onPick({ ...a, document_id: notes.doc.id })}>
                  <span class="result-where">
                    <span class={`kind-dot kind-${a.kind}`} aria-hidden="true" />
                    {t(`reader.kind.${a.kind}`)} · {t('reader.page_n', { page: a.page })} · {t('annot.from_version', { version: a.carried.from_version })}
                  </span>
                  {(a.text || a.quote) && <span class="snippet">{a.text || a.quote}</span>}
                </button>
                <Button onClick={() => notes.keep(a)}>
                  {t('annot.keep_here')}
                </Button>
              </li>
            ))}
            {unplaced.map((p) => (
              <li key={p.annotation.id} class="carried-item notes-unplaced-item">
                <div class="result">
                  <span class="result-where">
                    <span class={`kind-dot kind-${p.annotation.kind}`} aria-hidden="true" />
                    {t(`reader.kind.${p.annotation.kind}`)} · {t('annot.from_version', { version: p.from_version })}, {t('reader.page_n', { page: p.annotation.page })}
                  </span>
                  {(p.annotation.text || p.annotation.quote) && <span class="snippet">{p.annotation.text || p.annotation.quote}</span>}
                  {p.annotation.text && p.annotation.quote && <span class="snippet">«{p.annotation.quote}»</span>}
                  <span class="notes-unplaced">{t('annot.not_found')}</span>
                </div>
              </li>
            ))}
          </ul>
        </section>
      )}
      {data && live.length === 0 && !placed.length && !unplaced.length && <EmptyState title={t('reader.no_notes')} text={t('reader.no_notes_hint')} />}
      {groups.map((g) => (
        <section key={g.id} class="notes-group">
          <h3>{titles.get(g.id)}</h3>
          <ul class="results">
            {g.items.map((a) => (
              <li key={a.id}>
                <button type="button" class="result" onClick={() => onPick(a)}>
                  <span class="result-where">
                    <span class={`kind-dot kind-${a.kind}`} aria-hidden="true" />
                    {t(`reader.kind.${a.kind}`)} · {t('reader.page_n', { page: a.page })}
                  </span>
                  {(a.text || a.quote) && <span class="snippet">{a.text || a.quote}</span>}
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </>
  );
}
