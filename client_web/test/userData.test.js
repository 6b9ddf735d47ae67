import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cachesToDelete, isUserDataCache, LEGACY_CACHES, USER_CACHE_PREFIX, userCacheName, WORKER_STATE_CACHE } from '../src/lib/userData.js';

describe('per-user caches', () => {
  it('names one cache per user', () => {
    expect(userCacheName(7)).toBe('council-user-7-v1');
    expect(userCacheName('12')).toBe('council-user-12-v1');
    expect(isUserDataCache(userCacheName(7))).toBe(true);
    expect(isUserDataCache('council-user-3-v0')).toBe(true);
    expect(isUserDataCache(WORKER_STATE_CACHE)).toBe(true);
    expect(isUserDataCache('council-pages-v1')).toBe(true);
    expect(isUserDataCache('app-assets')).toBe(false);
  });

  it('keeps only the logged-in user\'s cache, and nothing when nobody is', () => {
    const names = ['council-user-7-v1', 'council-user-8-v1', 'council-user-70-v1', 'council-pages-v1', WORKER_STATE_CACHE, 'app-assets'];
    expect(cachesToDelete(names, 7)).toEqual(['council-user-8-v1', 'council-user-70-v1', 'council-pages-v1']);
    expect(cachesToDelete(names, null)).toEqual(names.filter((n) => n !== 'app-assets'));
  });

  it('is named the same in the service worker (which imports nothing)', () => {
    const sw = readFileSync(new URL('../public/sw.js', import.meta.url), 'utf8');
    expect(sw).toContain(`const USER_CACHE_PREFIX = '${USER_CACHE_PREFIX}';`);
    expect(sw).toContain(`const STATE = '${WORKER_STATE_CACHE}';`);
    expect(sw).toContain(`const LEGACY_CACHES = ${JSON.stringify(LEGACY_CACHES).replaceAll('"', "'")};`);
    const version = userCacheName(1).split('-').pop();
    expect(sw).toContain(`const VERSION = '${version}';`);
  });
});
