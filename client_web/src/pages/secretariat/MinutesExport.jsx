// The session's minutes data (dữ liệu biên bản): attendance, agenda, speakers, documents and
// votes read back from the record, as a PDF for the minute-taker and as JSON for other tools.
import { Icon } from '../../components/ui.jsx';
import { t, useLang } from '../../lib/i18n.js';
import { apiUrl } from '../../lib/operations.js';

export function MinutesExport({ meetingId }) {
  useLang();
  const minutes = (format) => apiUrl('exportMeetingMinutes', { meeting_id: meetingId }, { format });
  return (
    <section class="minutes-export" aria-labelledby="minutes-export-title">
      <h3 class="secdocs-sub" id="minutes-export-title">
        {t('minutes.title')}
      </h3>
      <p class="field-hint">{t('minutes.hint')}</p>
      <div class="secdocs-export-row">
        <a class="btn btn-secondary" id="minutes-pdf" href={minutes('pdf')} download>
          <Icon name="print" />
          {t('minutes.pdf')}
        </a>
        <a class="btn btn-secondary" id="minutes-json" href={minutes('json')} download={`du-lieu-bien-ban-ky-hop-${meetingId}.json`}>
          <Icon name="doc" />
          {t('minutes.json')}
        </a>
      </div>
    </section>
  );
}
