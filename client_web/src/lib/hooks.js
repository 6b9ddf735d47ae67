import { useCallback, useEffect, useState } from 'preact/hooks';
import { secondsSince, serverNow } from './clock.js';

/** Re-render every `ms` milliseconds while `active`. Returns the server time now. */
export function useTick(ms = 1000, active = true) {
  const [now, setNow] = useState(serverNow);
  useEffect(() => {
    if (!active) return undefined;
    const id = setInterval(() => setNow(serverNow()), ms);
    return () => clearInterval(id);
  }, [ms, active]);
  return now;
}

/** Seconds elapsed since `iso`, ticking. */
export function useElapsed(iso) {
  useTick(1000, Boolean(iso));
  return secondsSince(iso);
}

/**
 * Run an async action with a busy flag and its error: const [run, busy, error] = useAction().
 * `run(fn)` returns fn's result, or undefined when it failed (the error is kept for display).
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const run = useCallback(async (fn) => {
    setBusy(true);
    setError(null);
    try {
      return await fn();
    } catch (err) {
      setError(err);
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return [run, busy, error, setError];
}

/** Load data once (and again when `deps` change): { data, error, loading, reload }. */
export function useLoad(fn, deps) {
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  const [loading, setLoading] = useState(true);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let live = true;
    setLoading(true);
    fn()
      .then((value) => live && (setData(value), setError(null)))
      .catch((err) => live && setError(err))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, version]);
  return { data, error, loading, reload: () => setVersion((v) => v + 1), setData };
}
