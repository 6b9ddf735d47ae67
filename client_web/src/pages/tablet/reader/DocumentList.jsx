// The tablet session's documents, by agenda item, with kind, version and "new".
import { useState } from 'preact/hooks';
import { DocumentCommentsButton } from '../../../components/comments.jsx';
import { Badge, Button, Card, EmptyState, ErrorText, Icon } from '../../../components/ui.jsx';
import { t, useLang } from '../../../lib/i18n.js';
import { hasDocuments } from '../../../lib/meetingState.js';
import { navigate } from '../../../lib/router.js';
import { documentsByItem } from './geometry.js';
import { downloadForOffline, offlineDocuments, offlineSupported } from './offline.js';

export function DocumentList({ state, meetingId }) {
  useLang();
  if (!hasDocuments(state)) return null;
  const groups = documentsByItem(state.documents, state.agenda);
  return (
    <Card title={t('documents.title')} icon="doc" id="documents">
      {groups.length === 0 ? (
        <EmptyState title={t('documents.none')} />
      ) : (
        groups.map(({ item, documents }) => (
          // A labelled group, not a heading: the item's title is already the agenda's heading.
          <div class="doc-group" role="group" key={item?.id ?? 'other'} aria-labelledby={`doc-group-${item?.id ?? 'other'}`}>
            <p class="doc-group-title" id={`doc-group-${item?.id ?? 'other'}`}>
              {item ? `${item.number ? `${item.number}. ` : ''}${item.title}` : t('reader.other_documents')}
              {item?.is_current && (
                <Badge tone="live" live>
                  {t('reader.under_discussion')}
                </Badge>
              )}
            </p>
            <ul class="doc-list">
              {documents.map((d) => (
                <li key={d.id}>
                  {d.kind === 'link' ? (
                    <a class="doc-link" href={d.url} target="_blank" rel="noopener noreferrer">
                      <Icon name="doc" />
                      <span class="doc-title">{d.title}</span>
                      <Badge tone="info">{t('documents.kinds.link')}</Badge>
                    </a>
                  ) : (
                    <button type="button" class="doc-link" onClick={() => navigate(`m/${meetingId}/documents/${d.id}`)}>
                      <Icon name="doc" />
                      <span class="doc-title">{d.title}</span>
                      {d.page_count > 0 && <span class="doc-pages">{t('reader.pages_count', { count: d.page_count })}</span>}
                      <Badge tone="info">{t(`documents.kinds.${d.kind}`)}</Badge>
                      {d.version > 1 && <Badge tone="neutral">{t('documents.version', { version: d.version })}</Badge>}
                      {d.confidential && <Badge tone="warn">{t('reader.confidential')}</Badge>}
                      {d.reads_recorded && !d.read && <Badge tone="live">{t('documents.new')}</Badge>}
                    </button>
                  )}
                  <DocumentCommentsButton doc={d} state={state} />
                </li>
              ))}
            </ul>
          </div>
        ))
      )}
      <OfflineDownload documents={state.documents} userId={state.me?.user_id} />
    </Card>
  );
}

/** Keep the session's documents on this tablet for reading without a network. */
function OfflineDownload({ documents, userId }) {
  useLang();
  const [progress, setProgress] = useState(null);
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  const docs = offlineDocuments(documents);
  if (!offlineSupported() || docs.length === 0 || !Number.isInteger(userId)) return null;
  const start = async () => {
    setError(null);
    setResult(null);
    try {
      const answer = await downloadForOffline(docs, userId, (done, total) => setProgress({ done, total }));
      setResult(answer);
    } catch (err) {
      setError({ message: t('reader.offline_failed') });
    } finally {
      setProgress(null);
    }
  };
  return (
    <div class="offline-box">
      <Button size="lg" busy={Boolean(progress)} onClick={start}>
        <Icon name="down" />
        <span>{t('reader.offline_download')}</span>
      </Button>
      {progress && (
        <div class="offline-progress" role="status">
          <progress max={progress.total} value={progress.done} aria-label={t('reader.offline_download')} />
          <span>{t('reader.offline_progress', { done: progress.done, total: progress.total })}</span>
        </div>
      )}
      {result && (
        <p class={result.failed ? 'error-text' : 'result-ok'} role="status">
          {result.failed ? t('reader.offline_partial', { failed: result.failed, total: result.total }) : t('reader.offline_done', { count: docs.length })}
        </p>
      )}
      <ErrorText error={error} />
    </div>
  );
}
