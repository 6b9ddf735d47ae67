import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalog, mergeCatalogs } from '../src/lib/i18n.js';
import { formatDate, formatDuration, formatTime, isoToVn, vnToIso } from '../src/lib/format.js';

function keys(node, prefix = '') {
  return Object.entries(node).flatMap(([k, v]) =>
    typeof v === 'object' ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

function sources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : /\.jsx?$/.test(name) ? [path] : [];
  });
}

const vi = catalog('vi');
const en = catalog('en');

describe('translations', () => {
  it('gather every area of the app and refuse a key defined twice', () => {
    expect(Object.keys(vi)).toContain('app');
    expect(Object.keys(vi)).toContain('votes');
    const twice = { 'a.vi.json': { x: {} }, 'b.vi.json': { x: {} } };
    expect(() => mergeCatalogs(twice)).toThrow(/"x" defined twice/);
  });

  it('have the same keys in Vietnamese and English', () => {
    expect(keys(en).sort()).toEqual(keys(vi).sort());
  });

  it('define every literal key the code uses', () => {
    const known = new Set(keys(vi));
    const used = new Set();
    for (const file of sources(new URL('../src', import.meta.url).pathname)) {
      for (const match of readFileSync(file, 'utf8').matchAll(/\bt\('([a-z_]+(?:\.[a-z_]+)+)'/g)) used.add(match[1]);
    }
    expect([...used].filter((k) => !known.has(k))).toEqual([]);
  });

  it('use the same placeholders in both languages', () => {
    const get = (cat, key) => key.split('.').reduce((n, p) => n[p], cat);
    for (const key of keys(vi)) {
      const names = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(names(get(en, key)), key).toEqual(names(get(vi, key)));
    }
  });
});

describe('formatting in Vietnam time', () => {
  it('shows dates as dd/mm/yyyy and times as HH:mm in Asia/Ho_Chi_Minh', () => {
    // 17:30 UTC is 00:30 the next day in Vietnam.
    expect(formatDate('2026-11-30T17:30:00+00:00', 'vi')).toBe('01/12/2026');
    expect(formatDate('2026-11-30T17:30:00+00:00', 'en')).toBe('01/12/2026');
    expect(formatTime('2026-11-30T17:30:00+00:00', 'vi')).toBe('00:30');
  });

  it('reads dates typed as dd/mm/yyyy and HH:mm as Vietnam time', () => {
    expect(vnToIso('01/12/2026', '08:00')).toBe('2026-12-01T08:00:00+07:00');
    expect(vnToIso('1/2/2027', '7h30')).toBe('2027-02-01T07:30:00+07:00');
    expect(vnToIso('', '')).toBeNull();
    expect(vnToIso('31/02/2026', '08:00')).toBeUndefined();
    expect(vnToIso('12/31/2026', '08:00')).toBeUndefined();
    expect(vnToIso('01/12/2026', '25:00')).toBeUndefined();
    expect(isoToVn('2026-12-01T01:00:00+00:00')).toEqual({ date: '01/12/2026', time: '08:00' });
  });

  it('shows durations as m:ss', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(305)).toBe('5:05');
  });
});
