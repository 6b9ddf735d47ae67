// Pure helpers for the secretariat's list of documents (all versions, unpublished too).

const RANK = { processing: 0, ready: 1, failed: 1 };

/**
 * The list with `doc` put in (replacing the same id). Notices and answers may cross: a late
 * 202 answer ("processing") never turns a document that is already ready or failed back.
 */
export function upsertDocument(list, doc) {
  const old = list.find((d) => d.id === doc.id);
  if (!old) return [...list, doc];
  const keep =
    RANK[old.status] > RANK[doc.status]
      ? { status: old.status, error: old.error, progress: old.progress, page_count: old.page_count, warnings: old.warnings }
      : {};
  return list.map((d) => (d.id === doc.id ? { ...old, ...doc, ...keep, read: doc.read ?? old.read } : d));
}

/** Each series (a document and its versions): `latest` and the `older` ones, newest first. */
export function seriesOf(docs) {
  const bySeries = new Map();
  for (const d of docs) {
    const key = d.series_id ?? d.id;
    if (!bySeries.has(key)) bySeries.set(key, []);
    bySeries.get(key).push(d);
  }
  return [...bySeries.values()].map((versions) => {
    const sorted = [...versions].sort((a, b) => b.version - a.version);
    return { latest: sorted[0], older: sorted.slice(1) };
  });
}

/** Series per agenda item in agenda order, and those whose item is gone or unset (`loose`). */
export function groupByItem(docs, items) {
  const all = seriesOf(docs);
  const groups = items.map((item) => ({ item, series: all.filter((s) => s.latest.agenda_item_id === item.id) }));
  const known = new Set(items.map((i) => i.id));
  const loose = all.filter((s) => !known.has(s.latest.agenda_item_id));
  return { groups, loose };
}
