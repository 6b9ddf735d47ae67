// Hash routes (#/m/3/agenda): the server serves one page per face, the rest is the hash.
import { useEffect, useState } from 'preact/hooks';

export function currentPath() {
  const hash = globalThis.location?.hash || '';
  return hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
}

export function navigate(path, { replace = false } = {}) {
  const target = `#/${path.replace(/^\/+/, '')}`;
  if (replace) {
    history.replaceState(null, '', target);
    globalThis.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    location.hash = target;
  }
}

export function useRoute() {
  const [path, setPath] = useState(currentPath);
  useEffect(() => {
    const update = () => setPath(currentPath());
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return path;
}
