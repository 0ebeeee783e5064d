/** useLoad: what a page shows from the API, loaded again whenever what it asks for changes. */

import { useCallback, useEffect, useRef, useState } from "react";

export type Loaded<T> = {
  /** The last answer: while the next one loads, the previous one (a list keeps its rows, no
   * jump); null before the first and after an error. */
  data: T | null;
  /** Why the last load failed (see problemMessage), else null. */
  error: unknown;
  /** A load for the current `load` is under way. */
  loading: boolean;
  /** Loads again (after a change, say); resolves once the answer is shown. */
  reload: () => Promise<void>;
};

type Settled<T> = { load: unknown; data: T | null; error: unknown };

/**
 * Calls `load` now and whenever it changes (make it with useCallback, its dependencies being
 * what it asks for). Only the latest call's answer is kept: an earlier one still under way is
 * aborted, and so is any call when the page goes away.
 */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>): Loaded<T> {
  const [settled, setSettled] = useState<Settled<T>>({ load: null, data: null, error: null });
  const latest = useRef<AbortController | null>(null);

  const run = useCallback(async () => {
    latest.current?.abort();
    const controller = new AbortController();
    latest.current = controller;
    let next: Settled<T>;
    try {
      next = { load, data: await load(controller.signal), error: null };
    } catch (error) {
      next = { load, data: null, error };
    }
    if (latest.current === controller) setSettled(next); // else a newer call replaced it
  }, [load]);

  useEffect(() => {
    void run();
    return () => latest.current?.abort();
  }, [run]);

  return { data: settled.data, error: settled.error, loading: settled.load !== load, reload: run };
}
