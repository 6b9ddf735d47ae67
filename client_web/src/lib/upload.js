// Multipart uploads with progress (fetch cannot report upload progress; XMLHttpRequest can).
// Same conventions as api.js: cookie session, CSRF header, language, ApiError with the
// server's plain-words message.
import { ApiError, currentUser, getCsrfToken } from './api.js';
import { getLang, t } from './i18n.js';
import { apiUrl, operations } from './operations.js';

function sendForm(url, form, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Accept-Language', getLang());
    const token = getCsrfToken();
    if (token) xhr.setRequestHeader('X-CSRF-Token', token);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress?.(e.loaded / e.total);
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', t('errors.network')));
    xhr.onload = () => {
      let data = null;
      try {
        data = JSON.parse(xhr.responseText);
      } catch {
        data = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress?.(1);
        resolve(data);
        return;
      }
      const error = data?.error || {};
      reject(
        new ApiError(
          xhr.status,
          error.code || `http_${xhr.status}`,
          error.message || t('errors.generic', { status: xhr.status }),
          error.fields || null,
        ),
      );
    };
    xhr.send(form);
  });
}

/**
 * POST a FormData to the operation `operationId` (its path filled from `params`, see
 * operations.js), calling onProgress(fraction 0..1) as the bytes go out. A stale CSRF token
 * is fetched again once.
 */
export async function uploadForm(operationId, params, form, onProgress) {
  const url = apiUrl(operationId, params);
  if (operations[operationId].method !== 'POST') throw new Error(`${operationId} is not an upload (POST)`);
  try {
    return await sendForm(url, form, onProgress);
  } catch (err) {
    if (err.status === 403 && err.code === 'csrf_failed') {
      await currentUser();
      return sendForm(url, form, onProgress);
    }
    throw err;
  }
}
