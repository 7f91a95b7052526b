'use client';
import { useCallback, useEffect, useRef, useState } from 'react';

/** Where the single-user mode keeps the annotator's name. */
const ANNOTATOR_KEY = 'candle.annotator';
const ANONYMOUS = 'anonymous';

/**
 * Who is annotating: the signed-in user, or (single-user mode) the name set in the settings and
 * kept in localStorage. `name` is what the settings show ('' when unset); `current()` is what
 * changes are recorded under, read at save time.
 */
export function useAnnotatorName(signedInUsername: string | null) {
  const ref = useRef(ANONYMOUS);
  const [name, setNameState] = useState('');

  useEffect(() => {
    const saved = signedInUsername ?? localStorage.getItem(ANNOTATOR_KEY) ?? '';
    ref.current = saved || ANONYMOUS;
    setNameState(saved);
  }, [signedInUsername]);

  const setName = useCallback((next: string) => {
    localStorage.setItem(ANNOTATOR_KEY, next);
    ref.current = next || ANONYMOUS;
    setNameState(next);
  }, []);

  const current = useCallback(() => ref.current, []);
  return { name, setName, current };
}
