// Where an <img> of a page takes its picture from. A confidential document's pages are
// stamped with the reader's name, at the same address for every reader; the browser keeps
// images by address (its memory cache hands an image loaded once to a later page of the
// same tab, even after a reload and whoever is logged in by then). So those pages are
// fetched with `cache: 'no-cache'` (a kept copy is used only once the server confirmed,
// by the ETag that is each reader's own, that it is this reader's) and shown from a blob:
// URL made for this component. Other pages are the same for everyone who may read them:
// their plain address, cached as usual.
import { useEffect, useRef, useState } from 'preact/hooks';

const ACCEPT = 'image/webp,image/png;q=0.9';

/** This reader's own copy of a confidential page image, as a blob: URL (caller revokes). */
export async function fetchPrivateImage(url, signal) {
  const response = await fetch(url, { credentials: 'same-origin', cache: 'no-cache', headers: { Accept: ACCEPT }, signal });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return URL.createObjectURL(await response.blob());
}

/**
 * The src for a page image at `url` (null: none wanted): `url` itself, or for a
 * `confidential` document a blob: URL once fetched (null until then). `keep` is a src
 * still on screen (the sharper image replacing it is loading): it is not revoked yet.
 * Returns {src, failed}.
 */
export function usePageSource(url, confidential, keep = null) {
  const [fetched, setFetched] = useState(null);
  const made = useRef(new Set());
  useEffect(() => {
    if (!confidential || !url) return undefined;
    const controller = new AbortController();
    fetchPrivateImage(url, controller.signal).then(
      (src) => {
        if (controller.signal.aborted) {
          URL.revokeObjectURL(src);
          return;
        }
        made.current.add(src);
        setFetched({ url, src });
      },
      () => {
        if (!controller.signal.aborted) setFetched({ url, src: null, failed: true });
      },
    );
    return () => controller.abort();
  }, [url, confidential]);
  const mine = fetched?.url === url ? fetched : null;
  const src = confidential ? (mine?.src ?? null) : url;
  // Blob URLs neither wanted nor on screen any more are let go.
  useEffect(() => {
    for (const blob of made.current) {
      if (blob !== src && blob !== keep) {
        URL.revokeObjectURL(blob);
        made.current.delete(blob);
      }
    }
  });
  useEffect(
    () => () => {
      for (const blob of made.current) URL.revokeObjectURL(blob);
      made.current.clear();
    },
    [],
  );
  return { src, failed: Boolean(confidential && mine?.failed) };
}

/** True once the element is within `margin` of the view (for thumbnails loaded lazily). */
export function useNearView(ref, enabled, margin = '300px') {
  const [near, setNear] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!enabled || near || !el) return undefined;
    if (!globalThis.IntersectionObserver) {
      setNear(true);
      return undefined;
    }
    const io = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && setNear(true), { rootMargin: margin });
    io.observe(el);
    return () => io.disconnect();
  }, [enabled, near]);
  return near;
}
