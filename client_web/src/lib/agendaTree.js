// Moves in the agenda tree (pure). Each returns the complete new order the server takes
// (reorderAgenda: [{id, parent_id}, ...] in reading order), or null when the move is
// impossible (no such neighbour, or an item into its own sub-items).

function tree(agenda) {
  const kids = new Map([[null, []]]);
  for (const item of agenda) if (!kids.has(item.id)) kids.set(item.id, []);
  for (const item of agenda) {
    const parent = item.parent_id ?? null;
    if (!kids.has(parent)) kids.set(parent, []);
    kids.get(parent).push(item.id);
  }
  return kids;
}

function flatten(kids) {
  const out = [];
  const walk = (parent) => {
    for (const id of kids.get(parent) || []) {
      out.push({ id, parent_id: parent });
      walk(id);
    }
  };
  walk(null);
  return out;
}

function parentOf(kids, id) {
  for (const [parent, list] of kids) if (list.includes(id)) return parent;
  return undefined;
}

function within(kids, ancestor, id) {
  if (ancestor === id) return true;
  return (kids.get(ancestor) || []).some((child) => within(kids, child, id));
}

/** Move `id` before or after `targetId` (as its sibling), or `into` it (as its last child). */
export function moveItem(agenda, id, targetId, where) {
  if (id === targetId) return null;
  const kids = tree(agenda);
  if (!kids.has(id) || !kids.has(targetId) || within(kids, id, targetId)) return null;
  const from = parentOf(kids, id);
  kids.get(from).splice(kids.get(from).indexOf(id), 1);
  if (where === 'into') {
    kids.get(targetId).push(id);
  } else {
    const parent = parentOf(kids, targetId);
    const siblings = kids.get(parent);
    const at = siblings.indexOf(targetId) + (where === 'after' ? 1 : 0);
    siblings.splice(at, 0, id);
  }
  return flatten(kids);
}

function siblingsOf(agenda, id) {
  const kids = tree(agenda);
  const parent = parentOf(kids, id);
  return { kids, parent, list: kids.get(parent) || [] };
}

export function moveUp(agenda, id) {
  const { list } = siblingsOf(agenda, id);
  const i = list.indexOf(id);
  return i > 0 ? moveItem(agenda, id, list[i - 1], 'before') : null;
}

export function moveDown(agenda, id) {
  const { list } = siblingsOf(agenda, id);
  const i = list.indexOf(id);
  return i >= 0 && i < list.length - 1 ? moveItem(agenda, id, list[i + 1], 'after') : null;
}

/** Into the section just above it, as its last item. */
export function indent(agenda, id) {
  const { list } = siblingsOf(agenda, id);
  const i = list.indexOf(id);
  return i > 0 ? moveItem(agenda, id, list[i - 1], 'into') : null;
}

/** Out of its section, just after it. */
export function outdent(agenda, id) {
  const { parent } = siblingsOf(agenda, id);
  return parent === null || parent === undefined ? null : moveItem(agenda, id, parent, 'after');
}

export const canMoveUp = (agenda, id) => moveUp(agenda, id) !== null;
export const canMoveDown = (agenda, id) => moveDown(agenda, id) !== null;
export const canIndent = (agenda, id) => indent(agenda, id) !== null;
export const canOutdent = (agenda, id) => outdent(agenda, id) !== null;
