// The one way the client talks to the REST API: session cookie, CSRF header, language,
// and errors as ApiError carrying the server's plain-words `message`. Operations are named
// by their operationId (`call('castVote', ...)`); their paths come from operations.js,
// generated from the server's OpenAPI document.
import { noteServerDate } from './clock.js';
import { getLang, t } from './i18n.js';
import { API_ROOT, operations, path } from './operations.js';

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

async function send(method, target, body) {
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
    response = await fetch(API_ROOT + target, init);
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

/** Send the operation `operationId` as it is (no retry, no session announcement). */
function sendOperation(operationId, body) {
  return send(operations[operationId].method, path(operationId), body);
}

// A 401 from these means "not logged in" (the login screen handles it), not "session ended".
const SESSION_PATHS = new Set([path('getCurrentUser'), path('login'), path('pairDevice'), path('logout')]);

/** A request; a stale CSRF token is fetched again once, a lost session is announced. */
async function request(method, target, body) {
  try {
    return await send(method, target, body);
  } catch (err) {
    if (err.status === 403 && err.code === 'csrf_failed') {
      const me = await sendOperation('getCurrentUser');
      setCsrfToken(me.csrf_token);
      return send(method, target, body);
    }
    // A wrong password when confirming a tablet is a 401 too, but the session is still there.
    if (err.status === 401 && !SESSION_PATHS.has(target) && err.code !== 'invalid_password') announceSessionEnded();
    throw err;
  }
}

// Methods that take a JSON body: one is always sent (`{}` when the caller gives none).
const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Call the API operation `operationId` (see operations.js): `params` fill its path, `query`
 * becomes the query string, `body` is sent as JSON. Resolves to the answer's JSON; rejects
 * with ApiError (and with an Error for an unknown operation or a missing parameter).
 */
export async function call(operationId, { params = {}, query = undefined, body = undefined } = {}) {
  const target = path(operationId, params, query);
  const { method } = operations[operationId];
  return request(method, target, WITH_BODY.has(method) ? (body ?? {}) : body);
}

// May this session vote? true (a password login, or a paired tablet its user confirmed),
// false (a tablet someone else paired, not confirmed yet), null (not known: ask /api/me).
let deviceConfirmed = null;

/** Whether this device may cast ballots: true, false, or null when not known yet. */
export function isDeviceConfirmed() {
  return deviceConfirmed;
}

/**
 * The logged-in user, or null for a visitor (getCurrentUser answers 200 with `user: null`;
 * an older server's 401 means the same). Also learns `device_confirmed`.
 */
export async function currentUser() {
  try {
    const data = await sendOperation('getCurrentUser');
    setCsrfToken(data.csrf_token);
    deviceConfirmed = data.user ? data.device_confirmed !== false : null;
    return data.user ?? null;
  } catch (err) {
    if (err.status === 401) {
      deviceConfirmed = null;
      return null;
    }
    throw err;
  }
}

export async function login(username, password) {
  const data = await sendOperation('login', { username, password });
  setCsrfToken(data.csrf_token);
  // A password login needs no confirmation.
  deviceConfirmed = true;
  return data.user;
}

export async function pairDevice(token, label) {
  const data = await sendOperation('pairDevice', { token, label });
  setCsrfToken(data.csrf_token);
  // Whether the tablet still needs its user's confirmation is asked from /api/me when it
  // matters (the ballot): the pairing answer does not tell a token of someone else's.
  deviceConfirmed = null;
  return data.user;
}

/** `confirmDevice`: the user's own password confirms this paired tablet is theirs. */
export async function confirmDevice(password) {
  const data = await call('confirmDevice', { body: { password } });
  if (data?.confirmed) deviceConfirmed = true;
  return data;
}

/** The server refused a ballot with `device_not_confirmed`: remember it. */
export function noteDeviceNotConfirmed() {
  deviceConfirmed = false;
}

export async function logout() {
  try {
    await sendOperation('logout', {});
  } finally {
    setCsrfToken(null);
    deviceConfirmed = null;
  }
}

/** `getMeetingState`: the full state, or the events after `since`. */
export function fetchMeetingState(meetingId, since) {
  return call('getMeetingState', { params: { meeting_id: meetingId }, query: { since } });
}
