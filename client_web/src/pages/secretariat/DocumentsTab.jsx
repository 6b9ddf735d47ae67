// The secretariat's documents tab: the session's documents per agenda item; upload (several
// PDFs at once, or a link) with a progress bar per file for the upload and then for the
// processing; processing errors in plain words; publish (with the late warning), new
// version, edit, delete, who has read it. Below: the delegates' comments and the exports.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Badge, Button, Card, Dialog, EmptyState, ErrorText, Field, Icon, Loading } from '../../components/ui.jsx';
import { call } from '../../lib/api.js';
import { formatDateTime } from '../../lib/format.js';
import { useAction, useLoad } from '../../lib/hooks.js';
import { t, useLang } from '../../lib/i18n.js';
import { useMeetingMessages } from '../../lib/notices.js';
import { groupByItem, upsertDocument } from '../../lib/staffDocuments.js';
import { STATUS } from '../../lib/sync.js';
import { uploadForm } from '../../lib/upload.js';
import { CommentsDesk, ExportsCard } from './DocumentsComments.jsx';
import '../../styles/comments.css';
import '../../styles/secdocs.css';

const KINDS = ['main', 'reference', 'link'];
const NO_ITEM = 'none';

/** A progress bar (width set through element.style: the CSP forbids style attributes). */
export function ProgressBar({ fraction, label, tone }) {
  const pct = Math.max(0, Math.min(100, Math.round((fraction || 0) * 100)));
  return (
    <span
      class={`meter secdocs-meter${tone ? ` tone-${tone}` : ''}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin="0"
      aria-valuemax="100"
      aria-valuenow={pct}
    >
      <span class="meter-fill" ref={(el) => el && (el.style.width = `${pct}%`)} />
    </span>
  );
}

function formatSize(bytes) {
  if (!bytes && bytes !== 0) return '';
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** The documents the tab shows, kept live from listDocuments, staff notices and events. */
function useStaffDocuments(meetingId, status) {
  const loaded = useLoad(() => call('listDocuments', { params: { meeting_id: meetingId } }), [meetingId]);
  const [docs, setDocs] = useState(null);
  const [progress, setProgress] = useState({});
  useEffect(() => {
    if (loaded.data) setDocs(loaded.data.documents);
  }, [loaded.data]);
  // Notices are not replayed: after a drop, ask again.
  const wasOnline = useRef(true);
  useEffect(() => {
    if (status === STATUS.ONLINE && !wasOnline.current) loaded.reload();
    wasOnline.current = status === STATUS.ONLINE;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [status]);
  useMeetingMessages((name, data) => {
    if (name === 'document.processing') {
      setProgress((p) => ({ ...p, [data.document_id]: { done: data.done, total: data.total } }));
      return;
    }
    if (name === 'document.deleted') {
      setDocs((list) => (list ? list.filter((d) => d.id !== data.document_id) : list));
      return;
    }
    const doc = data?.document;
    if (!name.startsWith('document.') || !doc || doc.meeting_id !== meetingId) return;
    setDocs((list) => (list ? upsertDocument(list, doc) : list));
  });
  const add = (doc) => setDocs((list) => upsertDocument(list || [], doc));
  const remove = (id) => setDocs((list) => (list || []).filter((d) => d.id !== id));
  return { docs, progress, error: loaded.error, add, remove };
}

export function DocumentsTab({ state, meetingId, status }) {
  useLang();
  const { docs, progress, error, add, remove } = useStaffDocuments(meetingId, status);
  const [uploads, setUploads] = useState([]);
  const [dialog, setDialog] = useState(null);
  const [notice, setNotice] = useState(null);
  const closed = state.meeting.status === 'closed';
  const items = state.agenda || [];

  const startUpload = (operationId, params, file, fields) => {
    const key = `${Date.now()}-${Math.random()}`;
    const entry = { key, name: file?.name || fields.title || fields.url, fraction: 0, docId: null, error: null };
    setUploads((list) => [...list, entry]);
    const change = (patchData) => setUploads((list) => list.map((u) => (u.key === key ? { ...u, ...patchData } : u)));
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) if (v !== undefined && v !== null && v !== '') form.append(k, String(v));
    if (file) form.append('file', file, file.name);
    uploadForm(operationId, params, form, (fraction) => change({ fraction }))
      .then((doc) => {
        change({ fraction: 1, docId: doc.id });
        add(doc);
      })
      .catch((err) => change({ error: err }));
  };

  const grouped = useMemo(() => groupByItem(docs || [], items), [docs, items]);

  return (
    <div class="secdocs">
      <Card
        title={t('secdocs.title')}
        icon="doc"
        id="secdocs-list"
        actions={
          !closed && (
            <Button kind="primary" size="lg" onClick={() => setDialog({ type: 'upload', itemId: items.find((i) => i.is_current)?.id ?? items[0]?.id })}>
              <Icon name="plus" />
              {t('secdocs.upload')}
            </Button>
          )
        }
      >
        <p class="card-sub">{t('secdocs.intro')}</p>
        {notice && (
          <div class={`banner ${notice.tone === 'warn' ? 'banner-warn' : 'banner-info'} secdocs-notice`} role="status">
            <span>{t(notice.key, notice.params)}</span>
            <Button kind="ghost" onClick={() => setNotice(null)}>
              {t('common.close')}
            </Button>
          </div>
        )}
        <UploadList uploads={uploads} docs={docs || []} progress={progress} onClear={(key) => setUploads((l) => l.filter((u) => u.key !== key))} />
        <ErrorText error={error} />
        {!docs && !error && <Loading />}
        {docs &&
          grouped.groups
            .filter(({ item, series }) => series.length > 0 || item.depth > 0 || !item.has_children)
            .map(({ item, series }) => (
              <section key={item.id} class={`secdocs-item depth-${Math.min(item.depth, 2)}`} aria-labelledby={`secdocs-item-${item.id}`}>
                <div class="secdocs-item-head">
                  <h3 id={`secdocs-item-${item.id}`}>
                    <span class="secdocs-number">{item.number}</span> {item.title}
                  </h3>
                  {!closed && (
                    <Button onClick={() => setDialog({ type: 'upload', itemId: item.id })} aria-label={t('secdocs.upload_to', { number: item.number })}>
                      <Icon name="plus" />
                      {t('secdocs.add')}
                    </Button>
                  )}
                </div>
                {series.length === 0 ? (
                  <p class="secdocs-empty">{t('secdocs.no_documents')}</p>
                ) : (
                  <ul class="secdocs-docs">
                    {series.map((s) => (
                      <DocumentRow key={s.latest.series_id} series={s} progress={progress[s.latest.id]} closed={closed} onAction={(type, doc) => setDialog({ type, doc })} />
                    ))}
                  </ul>
                )}
              </section>
            ))}
        {docs && grouped.loose.length > 0 && (
          <section class="secdocs-item" aria-labelledby="secdocs-item-none">
            <div class="secdocs-item-head">
              <h3 id="secdocs-item-none">{t('secdocs.no_item')}</h3>
            </div>
            <ul class="secdocs-docs">
              {grouped.loose.map((s) => (
                <DocumentRow key={s.latest.series_id} series={s} progress={progress[s.latest.id]} closed={closed} onAction={(type, doc) => setDialog({ type, doc })} />
              ))}
            </ul>
          </section>
        )}
      </Card>

      <CommentsDesk meetingId={meetingId} status={status} />
      <ExportsCard state={state} meetingId={meetingId} docs={docs || []} />

      <UploadDialog
        open={dialog?.type === 'upload'}
        items={items}
        itemId={dialog?.itemId}
        onClose={() => setDialog(null)}
        onUpload={(itemId, file, fields) => startUpload('uploadDocument', { agenda_item_id: itemId }, file, fields)}
      />
      <VersionDialog
        doc={dialog?.type === 'version' ? dialog.doc : null}
        onClose={() => setDialog(null)}
        onUpload={(doc, file) => startUpload('uploadDocumentVersion', { document_id: doc.id }, file, {})}
      />
      <EditDialog doc={dialog?.type === 'edit' ? dialog.doc : null} items={items} onClose={() => setDialog(null)} onSaved={add} />
      <DeleteDialog doc={dialog?.type === 'delete' ? dialog.doc : null} onClose={() => setDialog(null)} onDeleted={remove} />
      <PublishDialog
        doc={dialog?.type === 'publish' ? dialog.doc : null}
        onClose={() => setDialog(null)}
        onPublished={(answer) => {
          add(answer.document);
          // Kept as a key and its values, so a change of language shows it in the new one.
          setNotice(
            answer.late && answer.warning
              ? { tone: 'warn', key: 'secdocs.published_late', params: { title: answer.document.title, warning: answer.warning.message } }
              : { tone: 'info', key: 'secdocs.published_ok', params: { title: answer.document.title } },
          );
        }}
      />
      <ReadsDialog doc={dialog?.type === 'reads' ? dialog.doc : null} onClose={() => setDialog(null)} />
    </div>
  );
}

/** The files being sent: a bar for the upload, then one for the processing. */
function UploadList({ uploads, docs, progress, onClear }) {
  if (uploads.length === 0) return null;
  return (
    <section class="secdocs-uploads" aria-labelledby="secdocs-uploads-title">
      <h3 id="secdocs-uploads-title">{t('secdocs.uploads')}</h3>
      <ul>
        {uploads.map((u) => {
          const doc = u.docId ? docs.find((d) => d.id === u.docId) : null;
          // Deleted since: nothing left to follow.
          if (u.docId && !doc) return null;
          const done = u.error || doc?.status === 'ready' || doc?.status === 'failed' || doc?.kind === 'link';
          return (
            <li key={u.key} class="secdocs-upload">
              <div class="secdocs-upload-head">
                <span class="secdocs-upload-name">{u.name}</span>
                {done && (
                  <Button kind="ghost" onClick={() => onClear(u.key)} aria-label={t('secdocs.clear_upload', { name: u.name })}>
                    <Icon name="close" />
                  </Button>
                )}
              </div>
              {u.error ? (
                <p class="error-text" role="alert">
                  {t('secdocs.upload_refused', { message: u.error.message })}
                </p>
              ) : !doc ? (
                <div class="secdocs-stage">
                  <span>{t('secdocs.sending', { pct: Math.round(u.fraction * 100) })}</span>
                  <ProgressBar fraction={u.fraction} label={t('secdocs.sending_label', { name: u.name })} />
                </div>
              ) : (
                <ProcessingState doc={doc} progress={progress[doc.id]} />
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** Processing: a bar with pages done / total; then ready, or the error and what to do. */
function ProcessingState({ doc, progress }) {
  if (doc.kind === 'link') return <p class="result-ok">{t('secdocs.link_saved')}</p>;
  if (doc.status === 'failed') {
    return (
      <div class="secdocs-failed" role="alert">
        <strong>{t('secdocs.failed')}</strong> {doc.error?.message || t('secdocs.failed_generic')}
      </div>
    );
  }
  if (doc.status === 'ready') {
    return (
      <p class="result-ok">
        <Icon name="check" /> {t(doc.page_count === 1 ? 'secdocs.ready_one' : 'secdocs.ready', { pages: doc.page_count })}
      </p>
    );
  }
  const p = progress || doc.progress || { done: 0, total: 0 };
  return (
    <div class="secdocs-stage">
      <span>{p.total ? t('secdocs.processing_pages', { done: p.done, total: p.total }) : t('secdocs.processing')}</span>
      <ProgressBar fraction={p.total ? p.done / p.total : 0} label={t('secdocs.processing_label', { title: doc.title })} tone="info" />
    </div>
  );
}

function DocumentRow({ series, progress, closed, onAction }) {
  const doc = series.latest;
  const label = (key) => t(key, { title: doc.title });
  return (
    <li class="secdocs-doc">
      <div class="secdocs-doc-main">
        <span class="secdocs-doc-title">
          <Icon name="doc" />
          {doc.title}
        </span>
        <span class="secdocs-badges">
          <Badge tone="info">{t(`documents.kinds.${doc.kind}`)}</Badge>
          {doc.version > 1 && <Badge>{t('documents.version', { version: doc.version })}</Badge>}
          {doc.confidential && <Badge tone="warn">{t('secdocs.confidential')}</Badge>}
          {doc.published ? <Badge tone="ok">{t('secdocs.published')}</Badge> : <Badge tone="muted">{t('secdocs.not_published')}</Badge>}
        </span>
        <span class="secdocs-meta">
          {doc.kind === 'link' ? (
            <span class="secdocs-url">{doc.url}</span>
          ) : (
            [doc.page_count ? t(doc.page_count === 1 ? 'secdocs.pages_one' : 'secdocs.pages', { count: doc.page_count }) : null, formatSize(doc.size_bytes), doc.filename]
              .filter(Boolean)
              .join(' · ')
          )}
          {doc.published_at && ` · ${t('secdocs.published_at', { time: formatDateTime(doc.published_at) })}`}
        </span>
        {doc.kind !== 'link' && doc.status !== 'ready' && <ProcessingState doc={doc} progress={progress} />}
        {doc.status === 'ready' && doc.warnings?.length > 0 && (
          <ul class="secdocs-warnings">
            {doc.warnings.map((w) => (
              <li key={w.code}>{w.message}</li>
            ))}
          </ul>
        )}
        {series.older.length > 0 && (
          <p class="secdocs-older">
            {t('secdocs.older_versions', {
              list: series.older.map((o) => `${t('documents.version', { version: o.version })}${o.published ? '' : ` (${t('secdocs.not_published')})`}`).join(', '),
            })}
          </p>
        )}
      </div>
      <div class="secdocs-actions">
        {!doc.published && !closed && (doc.status === 'ready' || doc.kind === 'link') && (
          <Button kind="primary" onClick={() => onAction('publish', doc)} aria-label={label('secdocs.publish_named')}>
            {t('secdocs.publish')}
          </Button>
        )}
        {doc.published && (
          <Button onClick={() => onAction('reads', doc)} aria-label={label('secdocs.reads_named')}>
            <Icon name="people" />
            {t('secdocs.reads')}
          </Button>
        )}
        {!closed && doc.kind !== 'link' && doc.status !== 'processing' && (
          <Button onClick={() => onAction('version', doc)} aria-label={label('secdocs.new_version_named')}>
            {t('secdocs.new_version')}
          </Button>
        )}
        {!closed && (
          <Button onClick={() => onAction('edit', doc)} aria-label={label('secdocs.edit_named')}>
            <Icon name="edit" />
            {t('secdocs.edit')}
          </Button>
        )}
        {!doc.published && (
          <Button kind="danger-ghost" onClick={() => onAction('delete', doc)} aria-label={label('secdocs.delete_named')}>
            <Icon name="trash" />
            {t('secdocs.delete')}
          </Button>
        )}
      </div>
    </li>
  );
}

function ItemSelect({ id, items, value, onChange, allowNone }) {
  return (
    <select id={id} value={value ?? NO_ITEM} onChange={(e) => onChange(e.currentTarget.value === NO_ITEM ? null : Number(e.currentTarget.value))}>
      {allowNone && <option value={NO_ITEM}>{t('secdocs.no_item')}</option>}
      {items.map((i) => (
        <option key={i.id} value={i.id}>
          {`${i.number}. ${i.title}`}
        </option>
      ))}
    </select>
  );
}

function UploadDialog({ open, items, itemId, onClose, onUpload }) {
  useLang();
  const blank = { kind: 'main', title: '', url: '', confidential: false };
  const [form, setForm] = useState(blank);
  const [item, setItem] = useState(itemId);
  const [files, setFiles] = useState([]);
  const [error, setError] = useState(null);
  useEffect(() => {
    if (open) {
      setForm(blank);
      setItem(itemId);
      setFiles([]);
      setError(null);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, itemId]);
  const isLink = form.kind === 'link';
  const submit = (e) => {
    e.preventDefault();
    if (!item) return setError({ message: t('secdocs.choose_item') });
    if (isLink) {
      if (!form.url.trim()) return setError({ message: t('secdocs.url_required') });
      onUpload(item, null, { kind: 'link', url: form.url.trim(), title: form.title.trim(), confidential: form.confidential });
    } else {
      if (files.length === 0) return setError({ message: t('secdocs.choose_files') });
      for (const file of files) {
        onUpload(item, file, {
          kind: form.kind,
          confidential: form.confidential,
          // One title for one file; several files keep each its own (the PDF's title or name).
          title: files.length === 1 ? form.title.trim() : '',
        });
      }
    }
    onClose();
  };
  return (
    <Dialog open={open} title={t('secdocs.upload')} onClose={onClose} wide>
      <form onSubmit={submit} class="form-grid">
        <Field label={t('secdocs.item')} id="up-item">
          <ItemSelect id="up-item" items={items} value={item} onChange={setItem} />
        </Field>
        <fieldset class="secdocs-kinds">
          <legend>{t('secdocs.kind')}</legend>
          {KINDS.map((k) => (
            <label key={k} class="secdocs-radio">
              <input type="radio" name="up-kind" value={k} checked={form.kind === k} onChange={() => setForm({ ...form, kind: k })} />
              {t(`documents.kinds.${k}`)}
            </label>
          ))}
        </fieldset>
        {isLink ? (
          <Field label={t('secdocs.url')} id="up-url" hint={t('secdocs.url_hint')}>
            <input id="up-url" type="url" value={form.url} onInput={(e) => setForm({ ...form, url: e.currentTarget.value })} />
          </Field>
        ) : (
          <Field label={t('secdocs.files')} id="up-files" hint={t('secdocs.files_hint')}>
            <input id="up-files" type="file" accept="application/pdf,.pdf" multiple onChange={(e) => setFiles([...e.currentTarget.files])} />
          </Field>
        )}
        {(isLink || files.length <= 1) && (
          <Field label={t('secdocs.doc_title')} id="up-title" hint={isLink ? null : t('secdocs.title_hint')}>
            <input id="up-title" value={form.title} maxLength={300} onInput={(e) => setForm({ ...form, title: e.currentTarget.value })} />
          </Field>
        )}
        {files.length > 1 && <p class="field-hint">{t('secdocs.several_files', { count: files.length })}</p>}
        <label class="secdocs-check">
          <input type="checkbox" checked={form.confidential} onChange={(e) => setForm({ ...form, confidential: e.currentTarget.checked })} />
          <span>
            <strong>{t('secdocs.confidential')}</strong> {t('secdocs.confidential_hint')}
          </span>
        </label>
        <ErrorText error={error} />
        <div class="dialog-actions">
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button kind="primary" type="submit">
            {isLink ? t('secdocs.save_link') : t('secdocs.send')}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

function VersionDialog({ doc, onClose, onUpload }) {
  useLang();
  const [file, setFile] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    setFile(null);
    setError(null);
  }, [doc]);
  const submit = (e) => {
    e.preventDefault();
    if (!file) return setError({ message: t('secdocs.choose_files') });
    onUpload(doc, file);
    onClose();
  };
  return (
    <Dialog open={Boolean(doc)} title={t('secdocs.new_version')} onClose={onClose}>
      {doc && (
        <form onSubmit={submit} class="form-grid">
          <p>{t('secdocs.new_version_text', { title: doc.title, version: doc.version + 1 })}</p>
          <Field label={t('secdocs.file')} id="ver-file">
            <input id="ver-file" type="file" accept="application/pdf,.pdf" onChange={(e) => setFile(e.currentTarget.files[0] || null)} />
          </Field>
          <ErrorText error={error} />
          <div class="dialog-actions">
            <Button onClick={onClose}>{t('common.cancel')}</Button>
            <Button kind="primary" type="submit">
              {t('secdocs.send')}
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

function EditDialog({ doc, items, onClose, onSaved }) {
  useLang();
  const [form, setForm] = useState(null);
  const [run, busy, error] = useAction();
  useEffect(() => {
    if (doc) setForm({ title: doc.title, kind: doc.kind, confidential: doc.confidential, agenda_item_id: doc.agenda_item_id, url: doc.url || '' });
  }, [doc]);
  const submit = async (e) => {
    e.preventDefault();
    const body = { title: form.title.trim(), confidential: form.confidential, agenda_item_id: form.agenda_item_id };
    if (doc.kind === 'link') body.url = form.url.trim();
    else body.kind = form.kind;
    const saved = await run(() => call('updateDocument', { params: { document_id: doc.id }, body }));
    if (saved) {
      onSaved(saved);
      onClose();
    }
  };
  return (
    <Dialog open={Boolean(doc)} title={t('secdocs.edit_title')} onClose={onClose} wide>
      {doc && form && (
        <form onSubmit={submit} class="form-grid">
          <Field label={t('secdocs.doc_title')} id="ed-title">
            <input id="ed-title" value={form.title} maxLength={300} onInput={(e) => setForm({ ...form, title: e.currentTarget.value })} />
          </Field>
          <Field label={t('secdocs.item')} id="ed-item">
            <ItemSelect id="ed-item" items={items} value={form.agenda_item_id} onChange={(v) => setForm({ ...form, agenda_item_id: v })} allowNone />
          </Field>
          {doc.kind === 'link' ? (
            <Field label={t('secdocs.url')} id="ed-url">
              <input id="ed-url" type="url" value={form.url} onInput={(e) => setForm({ ...form, url: e.currentTarget.value })} />
            </Field>
          ) : (
            <fieldset class="secdocs-kinds">
              <legend>{t('secdocs.kind')}</legend>
              {['main', 'reference'].map((k) => (
                <label key={k} class="secdocs-radio">
                  <input type="radio" name="ed-kind" value={k} checked={form.kind === k} onChange={() => setForm({ ...form, kind: k })} />
                  {t(`documents.kinds.${k}`)}
                </label>
              ))}
            </fieldset>
          )}
          <label class="secdocs-check">
            <input type="checkbox" checked={form.confidential} onChange={(e) => setForm({ ...form, confidential: e.currentTarget.checked })} />
            <span>
              <strong>{t('secdocs.confidential')}</strong> {t('secdocs.confidential_hint')}
            </span>
          </label>
          {doc.version > 1 && <p class="field-hint">{t('secdocs.edit_all_versions')}</p>}
          <ErrorText error={error} />
          <div class="dialog-actions">
            <Button onClick={onClose}>{t('common.cancel')}</Button>
            <Button kind="primary" type="submit" busy={busy}>
              {t('common.save')}
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

function DeleteDialog({ doc, onClose, onDeleted }) {
  useLang();
  const [run, busy, error, setError] = useAction();
  useEffect(() => setError(null), [doc]);
  const confirm = async () => {
    const answer = await run(() => call('deleteDocument', { params: { document_id: doc.id } }));
    if (answer) {
      onDeleted(doc.id);
      onClose();
    }
  };
  return (
    <Dialog open={Boolean(doc)} title={t('secdocs.delete_title')} onClose={onClose}>
      {doc && (
        <>
          <p>{t('secdocs.delete_text', { title: doc.title })}</p>
          <ErrorText error={error} />
          <div class="dialog-actions">
            <Button onClick={onClose}>{t('common.cancel')}</Button>
            <Button kind="danger" busy={busy} onClick={confirm}>
              {t('secdocs.delete_confirm')}
            </Button>
          </div>
        </>
      )}
    </Dialog>
  );
}

function PublishDialog({ doc, onClose, onPublished }) {
  useLang();
  const [run, busy, error, setError] = useAction();
  useEffect(() => setError(null), [doc]);
  const confirm = async () => {
    const answer = await run(() => call('publishDocument', { params: { document_id: doc.id } }));
    if (answer) {
      onPublished(answer);
      onClose();
    }
  };
  return (
    <Dialog open={Boolean(doc)} title={t('secdocs.publish_title')} onClose={onClose}>
      {doc && (
        <>
          <p>{t('secdocs.publish_text', { title: doc.title })}</p>
          {doc.confidential && <p class="secdocs-warn-text">{t('secdocs.publish_confidential')}</p>}
          <ErrorText error={error} />
          <div class="dialog-actions">
            <Button onClick={onClose}>{t('common.cancel')}</Button>
            <Button kind="primary" busy={busy} onClick={confirm}>
              {t('secdocs.publish_confirm')}
            </Button>
          </div>
        </>
      )}
    </Dialog>
  );
}

function ReadsDialog({ doc, onClose }) {
  useLang();
  return (
    <Dialog open={Boolean(doc)} title={t('secdocs.reads_title')} onClose={onClose} wide>
      {doc && <ReadsTable doc={doc} />}
    </Dialog>
  );
}

function ReadsTable({ doc }) {
  const reads = useLoad(() => call('listDocumentReads', { params: { document_id: doc.id } }), [doc.id]);
  if (reads.error) return <ErrorText error={reads.error} />;
  if (!reads.data) return <Loading />;
  const r = reads.data;
  return (
    <>
      <p class="secdocs-reads-summary">{t('secdocs.reads_summary', { title: doc.title, opened: r.reads.length, members: r.members })}</p>
      {r.reads.length === 0 ? (
        <EmptyState title={t('secdocs.reads_none')} />
      ) : (
        <table class="table">
          <thead>
            <tr>
              <th scope="col">{t('secdocs.reader')}</th>
              <th scope="col">{t('secdocs.read_pages')}</th>
              <th scope="col">{t('secdocs.read_last')}</th>
            </tr>
          </thead>
          <tbody>
            {r.reads.map((x) => (
              <tr key={x.user_id}>
                <td>{x.full_name}</td>
                <td>
                  {t('secdocs.read_progress', { read: x.pages_read, total: r.page_count, max: x.max_page })}
                  <ProgressBar fraction={r.page_count ? x.pages_read / r.page_count : 0} label={t('secdocs.read_label', { name: x.full_name })} />
                </td>
                <td>{formatDateTime(x.last_read_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
