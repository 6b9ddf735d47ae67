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

const pad = (n) => String(n).padStart(2, '0');

/**
 * "dd/mm/yyyy" and "HH:mm" typed by a person (Vietnam time) -> ISO with +07:00.
 * Both empty -> null; anything not a real date or time -> undefined.
 */
export function vnToIso(date, time) {
  const d = (date || '').trim();
  const tm = (time || '').trim();
  if (!d && !tm) return null;
  const dm = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(d);
  const hm = /^(\d{1,2})(?:[:hg.](\d{2}))?$/.exec(tm || '0:00');
  if (!dm || !hm) return undefined;
  const [day, month, year] = [Number(dm[1]), Number(dm[2]), Number(dm[3])];
  const [hour, minute] = [Number(hm[1]), Number(hm[2] || 0)];
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    return undefined;
  }
  if (hour > 23 || minute > 59) return undefined;
  return `${year}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:00+07:00`;
}

/** An ISO time as the {date: "dd/mm/yyyy", time: "HH:mm"} a person reads, in Vietnam time. */
export function isoToVn(iso) {
  if (!iso) return { date: '', time: '' };
  return { date: formatDate(iso), time: formatTime(iso) };
}
