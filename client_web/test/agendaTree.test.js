import { describe, expect, it } from 'vitest';
import { indent, moveDown, moveItem, moveUp, outdent } from '../src/lib/agendaTree.js';

// 1 (section) > 2, 3 ; 4 (section) > 5 ; 6
const agenda = [
  { id: 1, parent_id: null },
  { id: 2, parent_id: 1 },
  { id: 3, parent_id: 1 },
  { id: 4, parent_id: null },
  { id: 5, parent_id: 4 },
  { id: 6, parent_id: null },
];
const ids = (order) => order.map((e) => `${e.id}:${e.parent_id ?? '-'}`).join(' ');

describe('agenda moves', () => {
  it('moves an item up and down among its siblings', () => {
    expect(ids(moveUp(agenda, 3))).toBe('1:- 3:1 2:1 4:- 5:4 6:-');
    expect(ids(moveDown(agenda, 1))).toBe('4:- 5:4 1:- 2:1 3:1 6:-');
    expect(moveUp(agenda, 2)).toBeNull();
    expect(moveDown(agenda, 6)).toBeNull();
  });

  it('nests an item into the section above and takes it out again', () => {
    expect(ids(indent(agenda, 6))).toBe('1:- 2:1 3:1 4:- 5:4 6:4');
    expect(ids(outdent(agenda, 2))).toBe('1:- 3:1 2:- 4:- 5:4 6:-');
    expect(outdent(agenda, 1)).toBeNull();
    expect(indent(agenda, 1)).toBeNull();
  });

  it('drags an item with its sub-items before, after or into another', () => {
    expect(ids(moveItem(agenda, 4, 1, 'before'))).toBe('4:- 5:4 1:- 2:1 3:1 6:-');
    expect(ids(moveItem(agenda, 6, 2, 'after'))).toBe('1:- 2:1 6:1 3:1 4:- 5:4');
    expect(ids(moveItem(agenda, 2, 4, 'into'))).toBe('1:- 3:1 4:- 5:4 2:4 6:-');
  });

  it('refuses to drop a section into itself or its own items', () => {
    expect(moveItem(agenda, 1, 2, 'into')).toBeNull();
    expect(moveItem(agenda, 1, 1, 'after')).toBeNull();
  });
});
