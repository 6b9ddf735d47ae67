// The secretariat's comments desk (every comment of the session, live as they arrive; reply,
// change the status) and the exports (comment summaries as CSV and PDF, result sheets).
import { useEffect, useMemo, useState } from 'preact/hooks';
import { COMMENT_STATUSES, CommentView, upsertComment } from '../../components/comments.jsx';
import { Badge, Button, Card, EmptyState, ErrorText, Field, Icon, Loading } from '../../components/ui.jsx';
import { call } from '../../lib/api.js';
import { formatDateTime } from '../../lib/format.js';
import { useAction, useLoad } from '../../lib/hooks.js';
import { t, useLang } from '../../lib/i18n.js';
import { useMeetingMessages } from '../../lib/notices.js';
import { apiUrl } from '../../lib/operations.js';
import { STATUS } from '../../lib/sync.js';
import { MinutesExport } from './MinutesExport.jsx';

const ALL = 'all';

export function CommentsDesk({ meetingId, status }) {
  useLang();
  const loaded = useLoad(() => call('listMeetingComments', { params: { meeting_id: meetingId } }), [meetingId]);
  const [list, setList] = useState(null);
  const [fresh, setFresh] = useState(() => new Set());
  const [docFilter, setDocFilter] = useState(ALL);
  const [statusFilter, setStatusFilter] = useState(ALL);
  useEffect(() => {
    if (loaded.data) setList(loaded.data.comments);
  }, [loaded.data]);
  // Notices are not replayed: after a drop, ask again.
  const [wasOnline, setWasOnline] = useState(true);
  useEffect(() => {
    const online = status === STATUS.ONLINE;
    if (online && !wasOnline) loaded.reload();
    setWasOnline(online);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [status]);
  useMeetingMessages((name, data) => {
    const comment = data?.comment;
    if (!comment || comment.meeting_id !== meetingId) return;
    if (name === 'comment.created') {
      setFresh((s) => new Set(s).add(comment.id));
      setList((l) => upsertComment(l || [], comment));
    } else if (name === 'comment.updated') {
      setList((l) => upsertComment(l || [], comment));
    }
  });
  // Once the secretariat has acted on a new comment, it is no longer marked new.
  const replace = (c) => {
    setList((l) => upsertComment(l || [], c));
    setFresh((s) => {
      const next = new Set(s);
      next.delete(c.id);
      return next;
    });
  };

  // Documents in the order the server gives (agenda order), each with its comments.
  const documents = useMemo(() => {
    const byDoc = new Map();
    for (const c of list || []) {
      if (!byDoc.has(c.document_id)) byDoc.set(c.document_id, { id: c.document_id, title: c.document_title, comments: [] });
      byDoc.get(c.document_id).comments.push(c);
    }
    return [...byDoc.values()];
  }, [list]);
  const shown = documents
    .filter((d) => docFilter === ALL || String(d.id) === docFilter)
    .map((d) => ({ ...d, comments: d.comments.filter((c) => statusFilter === ALL || c.status === statusFilter) }))
    .filter((d) => d.comments.length > 0);
  const waiting = (list || []).filter((c) => c.status === 'received').length;

  return (
    <Card
      title={t('secdocs.comments_title')}
      icon="comment"
      id="secdocs-comments"
      actions={waiting > 0 && <Badge tone="live">{t(waiting === 1 ? 'secdocs.comments_waiting_one' : 'secdocs.comments_waiting', { count: waiting })}</Badge>}
    >
      <p class="card-sub">{t('secdocs.comments_intro')}</p>
      <div class="secdocs-filters">
        <Field label={t('secdocs.filter_document')} id="cm-doc">
          <select id="cm-doc" value={docFilter} onChange={(e) => setDocFilter(e.currentTarget.value)}>
            <option value={ALL}>{t('secdocs.all_documents')}</option>
            {documents.map((d) => (
              <option key={d.id} value={String(d.id)}>
                {d.title}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('secdocs.filter_status')} id="cm-status">
          <select id="cm-status" value={statusFilter} onChange={(e) => setStatusFilter(e.currentTarget.value)}>
            <option value={ALL}>{t('secdocs.all_statuses')}</option>
            {COMMENT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`comments.status.${s}`)}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <ErrorText error={loaded.error} />
      {!list && !loaded.error && <Loading />}
      {list && shown.length === 0 && <EmptyState title={list.length === 0 ? t('secdocs.comments_none') : t('secdocs.comments_none_filtered')} />}
      {shown.map((d) => (
        <section key={d.id} class="secdocs-comment-doc" aria-labelledby={`cm-doc-${d.id}`}>
          <h3 id={`cm-doc-${d.id}`}>
            {d.title} <Badge>{t(d.comments.length === 1 ? 'secdocs.comment_count_one' : 'secdocs.comment_count', { count: d.comments.length })}</Badge>
          </h3>
          <ul class="comments-list">
            {d.comments.map((c) => (
              <li key={c.id} class={fresh.has(c.id) ? 'is-fresh' : undefined}>
                <CommentView comment={c} headingLevel={4}>
                  {fresh.has(c.id) && <Badge tone="live">{t('secdocs.comment_new')}</Badge>}
                  <CommentActions comment={c} onChange={replace} />
                </CommentView>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </Card>
  );
}

function CommentActions({ comment, onChange }) {
  const [text, setText] = useState('');
  const [replyStatus, setReplyStatus] = useState('answered');
  const [run, busy, error, setError] = useAction();
  const id = `cm-${comment.id}`;
  const reply = async (e) => {
    e.preventDefault();
    if (!text.trim()) return setError({ message: t('secdocs.reply_required') });
    const saved = await run(() => call('replyToComment', { params: { comment_id: comment.id }, body: { text: text.trim(), status: replyStatus } }));
    if (saved) {
      onChange(saved);
      setText('');
    }
  };
  const setStatus = async (status) => {
    const saved = await run(() => call('updateComment', { params: { comment_id: comment.id }, body: { status } }));
    if (saved) onChange(saved);
  };
  return (
    <div class="secdocs-comment-actions">
      <div class="secdocs-status" role="group" aria-label={t('secdocs.status_of', { name: comment.author.full_name })}>
        <span class="secdocs-status-label">{t('secdocs.set_status')}</span>
        {COMMENT_STATUSES.map((s) => (
          <Button key={s} kind={comment.status === s ? 'primary' : 'secondary'} aria-pressed={comment.status === s ? 'true' : 'false'} disabled={busy} onClick={() => comment.status !== s && setStatus(s)}>
            {t(`comments.status.${s}`)}
          </Button>
        ))}
      </div>
      <form class="secdocs-reply" onSubmit={reply}>
        <div class="field">
          <label for={`${id}-reply`}>{t('secdocs.reply_to', { name: comment.author.full_name })}</label>
          <textarea id={`${id}-reply`} rows="2" maxLength={5000} value={text} onInput={(e) => setText(e.currentTarget.value)} />
        </div>
        <div class="secdocs-reply-row">
          <div class="field">
            <label for={`${id}-rs`}>{t('secdocs.reply_status')}</label>
            <select id={`${id}-rs`} value={replyStatus} onChange={(e) => setReplyStatus(e.currentTarget.value)}>
              {COMMENT_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`comments.status.${s}`)}
                </option>
              ))}
            </select>
          </div>
          <Button kind="primary" type="submit" busy={busy}>
            {t('secdocs.send_reply')}
          </Button>
        </div>
      </form>
      <ErrorText error={error} />
    </div>
  );
}

/** Downloads: comment summaries (all or one document), result sheets of closed votes. */
export function ExportsCard({ state, meetingId, docs }) {
  useLang();
  const [doc, setDoc] = useState(ALL);
  const query = { document_id: doc === ALL ? undefined : doc };
  const files = docs.filter((d) => d.kind !== 'link' && d.is_latest !== false);
  const motions = (state.votes?.motions || []).filter((m) => m.status === 'closed');
  return (
    <Card title={t('secdocs.exports_title')} icon="print" id="secdocs-exports">
      <h3 class="secdocs-sub">{t('secdocs.export_comments')}</h3>
      <div class="secdocs-export-row">
        <Field label={t('secdocs.export_scope')} id="ex-doc">
          <select id="ex-doc" value={doc} onChange={(e) => setDoc(e.currentTarget.value)}>
            <option value={ALL}>{t('secdocs.all_documents')}</option>
            {files.map((d) => (
              <option key={d.id} value={String(d.id)}>
                {d.title}
              </option>
            ))}
          </select>
        </Field>
        <a class="btn btn-secondary" href={apiUrl('exportCommentsCsv', { meeting_id: meetingId }, query)} download>
          <Icon name="doc" />
          {t('secdocs.export_csv')}
        </a>
        <a class="btn btn-secondary" href={apiUrl('exportCommentsPdf', { meeting_id: meetingId }, query)} download>
          <Icon name="print" />
          {t('secdocs.export_pdf')}
        </a>
      </div>
      <p class="field-hint">{t('secdocs.export_hint')}</p>
      {state.votes && (
        <>
          <h3 class="secdocs-sub">{t('secdocs.result_sheets')}</h3>
          {motions.length === 0 ? (
            <p class="secdocs-empty">{t('secdocs.result_sheets_none')}</p>
          ) : (
            <ul class="secdocs-sheets">
              {motions.map((m) => (
                <li key={m.id}>
                  <span>
                    <strong>{m.title}</strong>
                    {m.closed_at && <span class="secdocs-meta"> · {t('secdocs.closed_at', { time: formatDateTime(m.closed_at) })}</span>}
                    {m.result && m.result.passed !== null && <Badge tone={m.result.passed ? 'ok' : 'warn'}>{m.result.passed ? t('secdocs.passed') : t('secdocs.not_passed')}</Badge>}
                  </span>
                  <a class="btn btn-secondary" href={apiUrl('getResultSheet', { motion_id: m.id })} download aria-label={t('secdocs.result_sheet_named', { title: m.title })}>
                    <Icon name="print" />
                    {t('secdocs.result_sheet')}
                  </a>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      <MinutesExport meetingId={meetingId} />
    </Card>
  );
}
