'use client';
import { useCallback, useEffect, useRef, useState } from 'react';

export interface Resource<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => Promise<T | undefined>;
}

/** Loads data on mount and whenever `key` changes; `reload()` fetches again. */
export function useResource<T>(load: () => Promise<T>, key: unknown = null): Resource<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const loadRef = useRef(load);
  loadRef.current = load;
  const token = useRef(0);

  const reload = useCallback(async () => {
    const mine = ++token.current;
    setLoading(true);
    try {
      const value = await loadRef.current();
      if (mine === token.current) {
        setData(value);
        setError(undefined);
      }
      return value;
    } catch (e) {
      if (mine === token.current) setError(e as Error);
      return undefined;
    } finally {
      if (mine === token.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    void reload();
  }, [reload, key]);

  return { data, error, loading, reload };
}
