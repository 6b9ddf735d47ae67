// Comments (góp ý) on a document, for the tablet: write one on the whole document or on a
// page (optionally quoting a passage), choose who sees it, read the answers. Live through
// the comment.created / comment.updated notices (lib/notices.js).
//
//   <CommentsPanel document={doc} page={3} quote="…" canWrite={state.me.is_member} />
//   <CommentsDialog document={doc} open onClose={…} page={…} canWrite={…} />
//   <DocumentCommentsButton doc={doc} state={state} page={…} />   (a button opening the dialog;
//   the reader passes the page on screen, so "this page" is offered first)
import { useEffect, useMemo, useState } from 'preact/hooks';
import { call } from '../lib/api.js';
import { formatDateTime } from '../lib/format.js';
import { useAction, useLoad } from '../lib/hooks.js';
import { t, useLang } from '../lib/i18n.js';
import { useMeetingMessages } from '../lib/notices.js';
import '../styles/comments.css';
import { Badge, Button, Dialog, EmptyState, ErrorText, Icon, Loading } from './ui.jsx';

export const COMMENT_STATUSES = ['received', 'considered', 'answered'];
export const TEXT_LIMIT = 5000;

/** A UUID v4 for client_id (crypto.randomUUID needs a secure context; hall LANs are http). */
export function newClientId() {
  if (globalThis.crypto?.randomUUID) return globalThis.crypto.randomUUID();
  const b = globalThis.crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Replace or add a comment in a list (events may repeat: applying twice is harmless). */
export function upsertComment(list, comment) {
  const found = list.some((c) => c.id === comment.id);
  return found ? list.map((c) => (c.id === comment.id ? comment : c)) : [...list, comment];
}

export function statusTone(status) {
  return status === 'answered' ? 'ok' : status === 'considered' ? 'info' : 'neutral';
}

/** One comment with its page, quote, status and the secretariat's replies. */
export function CommentView({ comment, mine, children, headingLevel = 3 }) {
  const H = `h${headingLevel}`;
  return (
    <article class="comment" aria-label={t('comments.comment_by', { name: comment.author.full_name })}>
      <header class="comment-head">
        <H class="comment-author">{mine ? t('comments.me') : comment.author.full_name}</H>
        <span class="comment-when">{formatDateTime(comment.created_at)}</span>
        <span class="comment-badges">
          <Badge tone="info">{comment.page ? t('comments.on_page', { page: comment.page }) : t('comments.on_document')}</Badge>
          <Badge>{comment.visibility === 'all' ? t('comments.visible_all') : t('comments.visible_secretariat')}</Badge>
          <Badge tone={statusTone(comment.status)}>{t(`comments.status.${comment.status}`)}</Badge>
        </span>
      </header>
      {comment.quote && <blockquote class="comment-quote">{comment.quote}</blockquote>}
      <p class="comment-text">{comment.text}</p>
      {comment.replies.length > 0 && (
        <ul class="comment-replies" aria-label={t('comments.replies')}>
          {comment.replies.map((r) => (
            <li key={r.id} class="comment-reply">
              <span class="comment-reply-author">
                {t('comments.reply_from', { name: r.author.full_name })} · {formatDateTime(r.created_at)}
              </span>
              <p class="comment-text">{r.text}</p>
            </li>
          ))}
        </ul>
      )}
      {children}
    </article>
  );
}

/** The comments of one document and a form to write one. */
export function CommentsPanel({ document: doc, page = null, quote = null, canWrite = false, userId = null }) {
  useLang();
  const loaded = useLoad(() => call('listComments', { params: { document_id: doc.id } }), [doc.id]);
  const [list, setList] = useState(null);
  useEffect(() => {
    if (loaded.data) setList(loaded.data.comments);
  }, [loaded.data]);
  useMeetingMessages((name, data) => {
    if ((name === 'comment.created' || name === 'comment.updated') && data?.comment?.document_id === doc.id) {
      setList((l) => upsertComment(l || [], data.comment));
    }
  });
  const notVisible = loaded.error?.code === 'comments_not_visible';
  return (
    <div class="comments-panel">
      {canWrite && <CommentForm doc={doc} page={page} quote={quote} onCreated={(c) => setList((l) => upsertComment(l || [], c))} />}
      <h3 class="comments-heading">{t('comments.list_title')}</h3>
      {notVisible ? (
        <EmptyState title={t('comments.not_visible')} />
      ) : loaded.error ? (
        <ErrorText error={loaded.error} />
      ) : !list ? (
        <Loading />
      ) : list.length === 0 ? (
        <EmptyState title={t('comments.none')} text={canWrite ? t('comments.none_hint') : null} />
      ) : (
        <ul class="comments-list">
          {list.map((c) => (
            <li key={c.id}>
              <CommentView comment={c} mine={userId !== null && c.author.id === userId} headingLevel={4} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function CommentForm({ doc, page, quote, onCreated }) {
  const [text, setText] = useState('');
  const [onPage, setOnPage] = useState(page !== null);
  const [pageNumber, setPageNumber] = useState(page ? String(page) : '');
  const [visibility, setVisibility] = useState('secretariat');
  const [clientId, setClientId] = useState(newClientId);
  const [sent, setSent] = useState(false);
  const [run, busy, error, setError] = useAction();
  const pageCount = doc.page_count || 0;
  const submit = async (e) => {
    e.preventDefault();
    setSent(false);
    if (!text.trim()) return setError({ message: t('comments.text_required') });
    let target = null;
    if (onPage) {
      target = page ?? Number(pageNumber);
      if (!Number.isInteger(target) || target < 1 || (pageCount && target > pageCount)) {
        return setError({ message: t('comments.page_invalid', { count: pageCount }) });
      }
    }
    const body = { text: text.trim(), visibility, client_id: clientId };
    if (target) body.page = target;
    if (target && quote) body.quote = quote;
    const created = await run(() => call('createComment', { params: { document_id: doc.id }, body }));
    if (created) {
      onCreated(created);
      setText('');
      setClientId(newClientId());
      setSent(true);
    }
  };
  const id = `comment-${doc.id}`;
  return (
    <form class="comment-form" onSubmit={submit}>
      <fieldset class="choice-group">
        <legend>{t('comments.about')}</legend>
        <label class="choice">
          <input type="radio" name={`${id}-scope`} checked={!onPage} onChange={() => setOnPage(false)} />
          {t('comments.whole_document')}
        </label>
        <label class="choice">
          <input type="radio" name={`${id}-scope`} checked={onPage} onChange={() => setOnPage(true)} />
          {page ? t('comments.this_page', { page }) : t('comments.a_page')}
        </label>
        {onPage && !page && (
          <label class="choice-page">
            <span>{t('comments.page_number', { count: pageCount })}</span>
            <input type="number" inputMode="numeric" min="1" max={pageCount || undefined} value={pageNumber} onInput={(e) => setPageNumber(e.currentTarget.value)} />
          </label>
        )}
      </fieldset>
      {onPage && quote && <blockquote class="comment-quote">{quote}</blockquote>}
      <div class="field">
        <label for={`${id}-text`}>{t('comments.your_comment')}</label>
        <textarea id={`${id}-text`} rows="4" maxLength={TEXT_LIMIT} value={text} onInput={(e) => setText(e.currentTarget.value)} />
      </div>
      <fieldset class="choice-group">
        <legend>{t('comments.who_sees')}</legend>
        <label class="choice">
          <input type="radio" name={`${id}-vis`} checked={visibility === 'secretariat'} onChange={() => setVisibility('secretariat')} />
          {t('comments.for_secretariat')}
        </label>
        <label class="choice">
          <input type="radio" name={`${id}-vis`} checked={visibility === 'all'} onChange={() => setVisibility('all')} />
          {t('comments.for_all')}
        </label>
      </fieldset>
      <ErrorText error={error} />
      {sent && (
        <p class="result-ok" role="status">
          {t('comments.sent')}
        </p>
      )}
      <Button kind="primary" size="lg" type="submit" busy={busy}>
        {t('comments.send')}
      </Button>
    </form>
  );
}

/** The panel in a dialog (from the document list, or the reader). */
export function CommentsDialog({ document: doc, open, onClose, page, quote, canWrite, userId }) {
  useLang();
  return (
    <Dialog open={open} title={doc ? t('comments.dialog_title', { title: doc.title }) : ''} onClose={onClose} wide class="comments-dialog">
      {doc && <CommentsPanel document={doc} page={page ?? null} quote={quote ?? null} canWrite={canWrite} userId={userId} />}
    </Dialog>
  );
}

/** A "comments" button beside a document in the tablet's list (members of the council). */
export function DocumentCommentsButton({ doc, state, page = null }) {
  useLang();
  const [open, setOpen] = useState(false);
  const canWrite = Boolean(state?.me?.is_member);
  const visible = useMemo(() => canWrite || state?.me?.can_manage || state?.me?.can_chair, [state?.me]);
  if (!visible || doc.kind === 'link') return null;
  return (
    <>
      <Button class="comments-open" size="lg" onClick={() => setOpen(true)} aria-label={t('comments.open_named', { title: doc.title })}>
        <Icon name="comment" />
        {t('comments.open')}
      </Button>
      <CommentsDialog document={doc} open={open} onClose={() => setOpen(false)} page={page} canWrite={canWrite} userId={state?.me?.user_id ?? null} />
    </>
  );
}
