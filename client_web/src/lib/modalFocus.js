// Keeping keyboard and screen-reader focus inside a full-screen modal layer that is not a
// <dialog> (the tablet's ballot): the rest of the page is made `inert`, Tab and Shift+Tab
// cycle through the layer, and focus goes back where it was when the layer closes.

const FOCUSABLE = [
  'a[href]',
  'button:not([disabled])',
  'input:not([disabled]):not([type="hidden"])',
  'select:not([disabled])',
  'textarea:not([disabled])',
  '[tabindex]:not([tabindex="-1"])',
].join(',');

/** The elements of `root` that Tab reaches, in document order (visible ones only). */
export function focusableIn(root) {
  if (!root) return [];
  return [...root.querySelectorAll(FOCUSABLE)].filter(
    (el) => !el.closest('[inert]') && (el.offsetParent !== null || el.getClientRects().length > 0),
  );
}

/**
 * Where Tab (or Shift+Tab with `backwards`) goes from `index` among `count` stops, wrapping
 * round: -1 means focus is on none of them (e.g. on the title), so Tab starts at the first
 * and Shift+Tab at the last. Returns -1 when there is nowhere to go.
 */
export function nextIndex(count, index, backwards) {
  if (count <= 0) return -1;
  if (index < 0) return backwards ? count - 1 : 0;
  return (index + (backwards ? count - 1 : 1)) % count;
}

/**
 * Make everything outside `layer` inert (each sibling of the layer and of its ancestors up to
 * <body>), and return the function that restores what it changed.
 */
export function inertOutside(layer) {
  const changed = [];
  let node = layer;
  while (node && node.parentElement && node !== document.body) {
    for (const sibling of node.parentElement.children) {
      if (sibling === node || sibling.inert || ['SCRIPT', 'STYLE', 'TEMPLATE'].includes(sibling.tagName)) continue;
      sibling.inert = true;
      changed.push(sibling);
    }
    node = node.parentElement;
  }
  return () => {
    for (const el of changed) el.inert = false;
  };
}

/**
 * Trap focus in `layer` while it is shown; returns the clean-up that lifts the trap and puts
 * focus back where it was: `returnTo()` if given (an element kept across several layers),
 * else the element focused before, if it is still in the page.
 */
export function trapFocus(layer, returnTo) {
  const before = document.activeElement;
  const restoreInert = inertOutside(layer);
  const onKey = (event) => {
    if (event.key !== 'Tab' || event.altKey || event.ctrlKey || event.metaKey) return;
    const stops = focusableIn(layer);
    const target = stops[nextIndex(stops.length, stops.indexOf(document.activeElement), event.shiftKey)];
    event.preventDefault();
    target?.focus();
  };
  document.addEventListener('keydown', onKey, true);
  return () => {
    document.removeEventListener('keydown', onKey, true);
    restoreInert();
    const back = returnTo?.() || before;
    if (!back || back === document.body || typeof back.focus !== 'function') return;
    const restore = () => {
      if (back.isConnected && document.activeElement !== back) back.focus();
    };
    restore();
    // The page behind may only become focusable with the render that removes the layer.
    setTimeout(restore, 0);
  };
}
