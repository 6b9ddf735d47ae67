// Places for the features being built on the server (docs/client.md, "Slots"): documents
// and the reader, annotations and comments. Each one shows only when the meeting
// state carries its section (`documents`), so nothing appears before the server
// supports it, and no data is made up here. Shapes follow the planned API.
import { t, useLang } from '../lib/i18n.js';
import { navigate } from '../lib/router.js';
import { DocumentCommentsButton } from './comments.jsx';
import { Badge, Button, Card, EmptyState, Icon, TopBar } from './ui.jsx';

export const hasDocuments = (state) => Array.isArray(state?.documents);

/** Tablet: the published documents of the session, by agenda item. */
export function DocumentsSlot({ state, meetingId }) {
  useLang();
  if (!hasDocuments(state)) return null;
  const docs = state.documents;
  return (
    <Card title={t('documents.title')} icon="doc" id="documents">
      {docs.length === 0 ? (
        <EmptyState title={t('documents.none')} />
      ) : (
        <ul class="doc-list">
          {docs.map((d) => (
            <li key={d.id}>
              <button type="button" class="doc-link" onClick={() => navigate(`m/${meetingId}/documents/${d.id}`)}>
                <Icon name="doc" />
                <span class="doc-title">{d.title}</span>
                <Badge tone="info">{t(`documents.kinds.${d.kind}`)}</Badge>
                {d.version > 1 && <Badge tone="neutral">{t('documents.version', { version: d.version })}</Badge>}
                {!d.read && <Badge tone="live">{t('documents.new')}</Badge>}
              </button>
              <DocumentCommentsButton doc={d} state={state} />
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

/** Tablet route #/m/<id>/documents/<doc>: the reader (pages, zoom, search, notes, comments). */
export function DocumentReaderSlot({ meetingId }) {
  useLang();
  return (
    <div class="page">
      <TopBar title={t('documents.reader')} />
      <main class="container narrow" id="main">
        <EmptyState title={t('documents.reader_unavailable')}>
          <Button kind="primary" size="lg" onClick={() => navigate(`m/${meetingId}`)}>
            {t('checkin.open_session')}
          </Button>
        </EmptyState>
      </main>
    </div>
  );
}
