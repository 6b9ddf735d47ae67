// Translations: every string shown lives in src/i18n/<area>.vi.json and <area>.en.json (one
// pair per area of the app, each with its own top-level keys). Vietnamese by default.
import { useEffect, useState } from 'preact/hooks';

export const LANGUAGES = ['vi', 'en'];

/** One catalog per language from every `<area>.<lang>.json`; areas must not share a key. */
export function mergeCatalogs(modules) {
  const catalogs = Object.fromEntries(LANGUAGES.map((lang) => [lang, {}]));
  for (const [path, module] of Object.entries(modules)) {
    const [, lang] = path.match(/\.(\w+)\.json$/) || [];
    if (!catalogs[lang]) continue;
    for (const [key, value] of Object.entries(module.default ?? module)) {
      if (key in catalogs[lang]) throw new Error(`translation key "${key}" defined twice (${path})`);
      catalogs[lang][key] = value;
    }
  }
  return catalogs;
}

const catalogs = mergeCatalogs(import.meta.glob('../i18n/*.json', { eager: true }));
const STORAGE_KEY = 'council.lang';
const listeners = new Set();

function stored() {
  try {
    const value = globalThis.localStorage?.getItem(STORAGE_KEY);
    return LANGUAGES.includes(value) ? value : null;
  } catch {
    return null;
  }
}

let current = stored() || 'vi';

export function getLang() {
  return current;
}

export function hasChosenLang() {
  return stored() !== null;
}

export function setLang(lang, { remember = true } = {}) {
  if (!LANGUAGES.includes(lang)) return;
  current = lang;
  if (remember) {
    try {
      globalThis.localStorage?.setItem(STORAGE_KEY, lang);
    } catch {
      // Private mode: the choice lasts until the page is closed.
    }
  }
  if (globalThis.document) document.documentElement.lang = lang;
  for (const fn of listeners) fn(lang);
}

function lookup(catalog, key) {
  let node = catalog;
  for (const part of key.split('.')) {
    if (node == null || typeof node !== 'object') return undefined;
    node = node[part];
  }
  return typeof node === 'string' ? node : undefined;
}

/** The text for `key` in the chosen language, with {name} placeholders filled in. */
export function t(key, params) {
  const template = lookup(catalogs[current], key) ?? lookup(catalogs.vi, key) ?? key;
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name) =>
    params[name] === undefined || params[name] === null ? whole : String(params[name]),
  );
}

/** Whether `key` exists (used for optional labels such as agenda kinds). */
export function hasKey(key) {
  return lookup(catalogs.vi, key) !== undefined;
}

/** Re-render the calling component when the language changes. */
export function useLang() {
  const [lang, set] = useState(current);
  useEffect(() => {
    listeners.add(set);
    return () => listeners.delete(set);
  }, []);
  return lang;
}

export function catalog(lang) {
  return catalogs[lang];
}
