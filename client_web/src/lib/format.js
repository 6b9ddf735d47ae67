// Dates as dd/mm/yyyy and times as HH:mm, always in Vietnam time.
import { getLang } from './i18n.js';

export const TIME_ZONE = 'Asia/Ho_Chi_Minh';

const cache = new Map();
function formatter(kind, lang) {
  const key = `${kind}:${lang}`;
  if (!cache.has(key)) {
    const locale = lang === 'en' ? 'en-GB' : 'vi-VN';
    const options = {
      date: { day: '2-digit', month: '2-digit', year: 'numeric' },
      time: { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
      weekday: { weekday: 'long' },
    }[kind];
    cache.set(key, new Intl.DateTimeFormat(locale, { timeZone: TIME_ZONE, ...options }));
  }
  return cache.get(key);
}

function parts(iso, kind, lang) {
  const date = iso instanceof Date ? iso : new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  return formatter(kind, lang).formatToParts(date);
}

/** 23/11/2026 */
export function formatDate(iso, lang = getLang()) {
  const p = parts(iso, 'date', lang);
  if (!p) return '';
  const get = (type) => p.find((x) => x.type === type)?.value;
  return `${get('day')}/${get('month')}/${get('year')}`;
}

/** 08:30 */
export function formatTime(iso, lang = getLang()) {
  const p = parts(iso, 'time', lang);
  if (!p) return '';
  const get = (type) => p.find((x) => x.type === type)?.value;
  return `${get('hour')}:${get('minute')}`;
}

/** 08:30, 23/11/2026 */
export function formatDateTime(iso, lang = getLang()) {
  const date = formatDate(iso, lang);
  return date ? `${formatTime(iso, lang)}, ${date}` : '';
}

export function formatWeekday(iso, lang = getLang()) {
  const p = parts(iso, 'weekday', lang);
  if (!p) return '';
  const text = p.map((x) => x.value).join('');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** 4:05 (minutes:seconds); negative values are shown as over time by the caller. */
export function formatDuration(seconds) {
  const s = Math.max(0, Math.floor(Math.abs(seconds)));
  const m = Math.floor(s / 60);
  const rest = String(s % 60).padStart(2, '0');
  return `${m}:${rest}`;
}

/** The value of a datetime-local input (Vietnam time) as an ISO string with its zone. */
export function localInputToIso(value) {
  if (!value) return null;
  // Vietnam keeps +07:00 all year (no daylight saving time).
  return `${value.length === 16 ? `${value}:00` : value}+07:00`;
}

/** An ISO time as the value of a datetime-local input, in Vietnam time. */
export function isoToLocalInput(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const shifted = new Date(date.getTime() + 7 * 3600 * 1000);
  return shifted.toISOString().slice(0, 16);
}
