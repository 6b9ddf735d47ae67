import { describe, expect, it } from 'vitest';
import { nextIndex } from '../src/lib/modalFocus.js';

describe('nextIndex', () => {
  it('moves forward and wraps from the last stop to the first', () => {
    expect(nextIndex(3, 0, false)).toBe(1);
    expect(nextIndex(3, 2, false)).toBe(0);
  });
  it('moves backward and wraps from the first stop to the last', () => {
    expect(nextIndex(3, 1, true)).toBe(0);
    expect(nextIndex(3, 0, true)).toBe(2);
  });
  it('starts at an end when focus is on none of the stops (the title)', () => {
    expect(nextIndex(4, -1, false)).toBe(0);
    expect(nextIndex(4, -1, true)).toBe(3);
  });
  it('stays put with one stop and has nowhere to go with none', () => {
    expect(nextIndex(1, 0, false)).toBe(0);
    expect(nextIndex(1, 0, true)).toBe(0);
    expect(nextIndex(0, -1, false)).toBe(-1);
  });
});
