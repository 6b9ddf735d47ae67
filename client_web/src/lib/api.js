// The one way the client talks to the REST API: session cookie, CSRF header, language,
// and errors as ApiError carrying the server's plain-words `message`.
import { noteServerDate } from './clock.js';
import { getLang, t } from './i18n.js';

let csrfToken = null;
const sessionListeners = new Set();

export class ApiError extends Error {
  constructor(status, code, message, fields = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = fields;
  }
}

export function setCsrfToken(token) {
  csrfToken = token || null;
}

/** The session's CSRF token (for requests not made through fetch, e.g. uploads). */
export function getCsrfToken() {
  return csrfToken;
}

/** Called with no argument when the server says the session has ended (401 on a call). */
export function onSessionEnded(fn) {
  sessionListeners.add(fn);
  return () => sessionListeners.delete(fn);
}

/** Tell the page the session is gone (a refused socket, a 401): it shows the login again. */
export function announceSessionEnded() {
  for (const fn of sessionListeners) fn();
}

async function send(method, path, body) {
  const headers = { Accept: 'application/json', 'Accept-Language': getLang() };
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const sentAt = Date.now();
  let response;
  try {
    response = await fetch(`/api${path}`, init);
  } catch {
    throw new ApiError(0, 'network', t('errors.network'));
  }
  noteServerDate(response.headers.get('Date'), sentAt, Date.now());
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const error = data?.error || {};
    throw new ApiError(
      response.status,
      error.code || `http_${response.status}`,
      error.message || t('errors.generic', { status: response.status }),
      error.fields || null,
    );
  }
  return data;
}

/** A request; a stale CSRF token is fetched again once, a lost session is announced. */
export async function request(method, path, body) {
  try {
    return await send(method, path, body);
  } catch (err) {
    if (err.status === 403 && err.code === 'csrf_failed') {
      const me = await send('GET', '/me');
      setCsrfToken(me.csrf_token);
      return send(method, path, body);
    }
    if (err.status === 401 && !path.startsWith('/auth/') && path !== '/me') announceSessionEnded();
    throw err;
  }
}

export const get = (path) => request('GET', path);
export const post = (path, body = {}) => request('POST', path, body);
export const put = (path, body = {}) => request('PUT', path, body);
export const patch = (path, body = {}) => request('PATCH', path, body);
export const del = (path) => request('DELETE', path);

/** The logged-in user, or null when there is no session. */
export async function currentUser() {
  try {
    const data = await send('GET', '/me');
    setCsrfToken(data.csrf_token);
    return data.user;
  } catch (err) {
    if (err.status === 401) return null;
    throw err;
  }
}

export async function login(username, password) {
  const data = await send('POST', '/auth/login', { username, password });
  setCsrfToken(data.csrf_token);
  return data.user;
}

export async function pairDevice(token, label) {
  const data = await send('POST', '/auth/pair', { token, label });
  setCsrfToken(data.csrf_token);
  return data.user;
}

export async function logout() {
  try {
    await send('POST', '/auth/logout', {});
  } finally {
    setCsrfToken(null);
  }
}

/** `getMeetingState`: the full state, or the events after `since`. */
export function fetchMeetingState(meetingId, since) {
  const query = since === undefined || since === null ? '' : `?since=${since}`;
  return get(`/meetings/${meetingId}/state${query}`);
}
