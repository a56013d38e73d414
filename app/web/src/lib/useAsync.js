import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * Runs `fn` when deps change and on reload(); keeps the last data while
 * reloading. Results of superseded runs are dropped.
 */
export function useAsync(fn, deps) {
  const [state, setState] = useState({ data: undefined, error: null, loading: true });
  const run = useRef(0);
  const fnRef = useRef(fn);
  fnRef.current = fn;

  const reload = useCallback(() => {
    const id = ++run.current;
    setState((s) => ({ ...s, loading: true }));
    return Promise.resolve()
      .then(() => fnRef.current())
      .then(
        (data) => {
          if (id === run.current) setState({ data, error: null, loading: false });
          return data;
        },
        (error) => {
          if (id === run.current) setState((s) => ({ data: s.data, error, loading: false }));
        },
      );
  }, []);

  useEffect(() => {
    reload();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);

  return { ...state, reload };
}
