// The agenda editor: add, edit, delete; drag to reorder or to nest into a section, with
// buttons for every move too (up, down, into the section above, out of the section).
import { useRef, useState } from 'preact/hooks';
import { kindLabel } from '../../components/meeting.jsx';
import { Badge, Button, Card, DateTimeFields, Dialog, EmptyState, ErrorText, Field, Icon } from '../../components/ui.jsx';
import { call } from '../../lib/api.js';
import { canIndent, canMoveDown, canMoveUp, canOutdent, indent, moveDown, moveItem, moveUp, outdent } from '../../lib/agendaTree.js';
import { formatDate, formatTime, isoToVn, vnToIso } from '../../lib/format.js';
import { useAction } from '../../lib/hooks.js';
import { t, useLang } from '../../lib/i18n.js';

const KINDS = ['section', 'report', 'submission', 'resolution', 'review', 'discussion', 'question', 'procedure', 'other'];

export function AgendaEditor({ state, meetingId }) {
  useLang();
  const [run, busy, error] = useAction();
  const [editing, setEditing] = useState(null);
  const [deleting, setDeleting] = useState(null);
  const [dragId, setDragId] = useState(null);
  const [drop, setDrop] = useState(null);
  // The dragged item, readable at once by dragover (state would lag one render behind).
  const dragging = useRef(null);
  const agenda = state.agenda;
  const closed = state.meeting.status === 'closed';

  const reorder = (order) => order && run(() => call('reorderAgenda', { params: { meeting_id: meetingId }, body: { order } }));

  const where = (event, item) => {
    const box = event.currentTarget.getBoundingClientRect();
    const y = (event.clientY - box.top) / box.height;
    const x = (event.clientX - box.left) / box.width;
    // Depth counts from 1; the server allows three levels.
    if (y > 0.5 && x > 0.45 && item.depth < 3) return 'into';
    return y < 0.5 ? 'before' : 'after';
  };

  return (
    <div class="editor-grid">
      <Card title={t('agenda.title')} icon="doc" id="editor" class="editor-card">
        <p class="card-sub">{t('secretariat.agenda_help')}</p>
        <ErrorText error={error} />
        {agenda.length === 0 && <EmptyState title={t('agenda.empty')} text={t('secretariat.agenda_empty_text')} />}
        <ol class="editor-list" aria-labelledby="editor-title">
          {agenda.map((item) => {
            const classes = [
              'editor-item',
              `level-${Math.min(Math.max(item.depth - 1, 0), 2)}`,
              item.has_children || item.kind === 'section' ? 'is-section' : '',
              dragId === item.id ? 'is-dragging' : '',
              drop?.id === item.id ? `drop-${drop.where}` : '',
            ]
              .filter(Boolean)
              .join(' ');
            return (
              <li
                key={item.id}
                class={classes}
                data-item-id={item.id}
                draggable={!closed}
                onDragStart={(e) => {
                  dragging.current = item.id;
                  setDragId(item.id);
                  e.dataTransfer.effectAllowed = 'move';
                  e.dataTransfer.setData('text/plain', String(item.id));
                }}
                onDragEnd={() => {
                  dragging.current = null;
                  setDragId(null);
                  setDrop(null);
                }}
                onDragOver={(e) => {
                  if (dragging.current === null || dragging.current === item.id) return;
                  e.preventDefault();
                  const w = where(e, item);
                  if (drop?.id !== item.id || drop?.where !== w) setDrop({ id: item.id, where: w });
                }}
                onDragLeave={() => drop?.id === item.id && setDrop(null)}
                onDrop={(e) => {
                  e.preventDefault();
                  const moved = dragging.current ?? Number(e.dataTransfer.getData('text/plain'));
                  const w = where(e, item);
                  dragging.current = null;
                  setDrop(null);
                  setDragId(null);
                  if (!moved || moved === item.id) return;
                  reorder(moveItem(agenda, moved, item.id, w));
                }}
              >
                <span class="drag-handle" aria-hidden="true">
                  <Icon name="drag" />
                </span>
                <span class="agenda-number">{item.number}</span>
                <div class="editor-body">
                  <p class="editor-title">{item.title}</p>
                  <p class="agenda-meta">
                    {item.is_current && (
                      <Badge tone="live" live>
                        {t('agenda.live')}
                      </Badge>
                    )}
                    {item.status === 'done' && <Badge tone="done">{t('agenda.done')}</Badge>}
                    <span class="agenda-kind">{kindLabel(item.kind)}</span>
                    {item.presenter && <span>{item.presenter}</span>}
                    {item.planned_at && (
                      <span>
                        {formatTime(item.planned_at)} {formatDate(item.planned_at)}
                      </span>
                    )}
                  </p>
                </div>
                {!closed && (
                  <div class="editor-actions">
                    <Button class="icon-only" disabled={busy || !canMoveUp(agenda, item.id)} onClick={() => reorder(moveUp(agenda, item.id))} aria-label={t('secretariat.move_up', { number: item.number })}>
                      <Icon name="up" />
                    </Button>
                    <Button class="icon-only" disabled={busy || !canMoveDown(agenda, item.id)} onClick={() => reorder(moveDown(agenda, item.id))} aria-label={t('secretariat.move_down', { number: item.number })}>
                      <Icon name="down" />
                    </Button>
                    <Button class="icon-only" disabled={busy || !canIndent(agenda, item.id)} onClick={() => reorder(indent(agenda, item.id))} aria-label={t('secretariat.indent', { number: item.number })}>
                      <Icon name="indent" />
                    </Button>
                    <Button class="icon-only" disabled={busy || !canOutdent(agenda, item.id)} onClick={() => reorder(outdent(agenda, item.id))} aria-label={t('secretariat.outdent', { number: item.number })}>
                      <Icon name="outdent" />
                    </Button>
                    <Button class="icon-only" onClick={() => setEditing(item)} aria-label={t('secretariat.edit_named', { number: item.number })}>
                      <Icon name="edit" />
                    </Button>
                    <Button class="icon-only btn-danger-ghost" onClick={() => setDeleting(item)} aria-label={t('secretariat.delete_named', { number: item.number })}>
                      <Icon name="trash" />
                    </Button>
                  </div>
                )}
              </li>
            );
          })}
        </ol>
      </Card>
      {!closed && (
        <Card title={t('secretariat.add_item')} icon="plus" id="add-item" class="add-card">
          <ItemForm
            key={agenda.length}
            agenda={agenda}
            submitLabel={t('secretariat.add')}
            onSubmit={(values) => run(() => call('createAgendaItem', { params: { meeting_id: meetingId }, body: values }))}
            busy={busy}
          />
        </Card>
      )}
      <Dialog open={Boolean(editing)} title={t('secretariat.edit_item')} onClose={() => setEditing(null)} wide>
        {editing && (
          <ItemForm
            agenda={agenda}
            item={editing}
            submitLabel={t('common.save')}
            busy={busy}
            onCancel={() => setEditing(null)}
            onSubmit={async (values) => {
              const { parent_id: _unused, ...changes } = values;
              const ok = await run(() => call('updateAgendaItem', { params: { agenda_item_id: editing.id }, body: changes }));
              if (ok) setEditing(null);
              return ok;
            }}
          />
        )}
      </Dialog>
      <Dialog open={Boolean(deleting)} title={t('secretariat.delete_title')} onClose={() => setDeleting(null)}>
        {deleting && (
          <>
            <p>{t(deleting.has_children ? 'secretariat.delete_section_text' : 'secretariat.delete_text', { number: deleting.number, title: deleting.title })}</p>
            <div class="dialog-actions">
              <Button onClick={() => setDeleting(null)}>{t('common.cancel')}</Button>
              <Button
                kind="danger"
                busy={busy}
                onClick={async () => {
                  const ok = await run(() => call('deleteAgendaItem', { params: { agenda_item_id: deleting.id } }));
                  if (ok) setDeleting(null);
                }}
              >
                {t('secretariat.delete')}
              </Button>
            </div>
          </>
        )}
      </Dialog>
    </div>
  );
}

function ItemForm({ agenda, item, onSubmit, onCancel, submitLabel, busy }) {
  useLang();
  const [values, setValues] = useState({
    title: item?.title || '',
    kind: item?.kind || 'resolution',
    parent_id: item?.parent_id ?? '',
    presenter: item?.presenter || '',
    description: item?.description || '',
    planned: isoToVn(item?.planned_at),
  });
  const [error, setError] = useState(null);
  const set = (key) => (e) => setValues({ ...values, [key]: e.currentTarget.value });
  const prefix = item ? 'edit' : 'add';
  const sections = agenda.filter((i) => i.depth < 3 && (!item || i.id !== item.id));
  const submit = async (e) => {
    e.preventDefault();
    if (!values.title.trim()) {
      setError({ message: t('secretariat.title_required') });
      return;
    }
    const plannedAt = vnToIso(values.planned.date, values.planned.time);
    if (plannedAt === undefined) {
      setError({ message: t('datetime.invalid') });
      return;
    }
    setError(null);
    const ok = await onSubmit({
      title: values.title.trim(),
      kind: values.kind,
      parent_id: values.parent_id === '' ? null : Number(values.parent_id),
      presenter: values.presenter.trim() || null,
      description: values.description.trim() || null,
      planned_at: plannedAt,
    });
    if (ok && !item) setValues({ ...values, title: '', presenter: '', description: '', planned: { date: '', time: '' } });
  };
  return (
    <form onSubmit={submit} class="form-grid">
      <Field label={t('secretariat.item_title')} id={`${prefix}-title`}>
        <textarea id={`${prefix}-title`} rows={2} value={values.title} onInput={set('title')} />
      </Field>
      <div class="field-row">
        <Field label={t('secretariat.item_kind')} id={`${prefix}-kind`}>
          <select id={`${prefix}-kind`} value={values.kind} onChange={set('kind')}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {kindLabel(k)}
              </option>
            ))}
          </select>
        </Field>
        {!item && (
          <Field label={t('secretariat.item_section')} id={`${prefix}-parent`}>
            <select id={`${prefix}-parent`} value={values.parent_id} onChange={set('parent_id')}>
              <option value="">{t('secretariat.top_level')}</option>
              {sections.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.number}. {s.title.length > 60 ? `${s.title.slice(0, 60)}…` : s.title}
                </option>
              ))}
            </select>
          </Field>
        )}
      </div>
      <Field label={t('secretariat.presenter')} id={`${prefix}-presenter`}>
        <input id={`${prefix}-presenter`} value={values.presenter} onInput={set('presenter')} />
      </Field>
      <DateTimeFields
        id={`${prefix}-planned`}
        label={t('secretariat.planned_at')}
        value={values.planned}
        onChange={(v) => setValues({ ...values, planned: v })}
        hint={t('secretariat.vietnam_time')}
      />
      <Field label={t('secretariat.description')} id={`${prefix}-description`}>
        <textarea id={`${prefix}-description`} rows={3} value={values.description} onInput={set('description')} />
      </Field>
      <ErrorText error={error} />
      <div class="dialog-actions">
        {onCancel && <Button onClick={onCancel}>{t('common.cancel')}</Button>}
        <Button kind="primary" type="submit" busy={busy}>
          {submitLabel}
        </Button>
      </div>
    </form>
  );
}
