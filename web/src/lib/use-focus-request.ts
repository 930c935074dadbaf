import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * Moves focus once the next render is on screen: after a failed submit the field is
 * enabled again and its message rendered only then, and focus on a disabled control is
 * lost. `requestFocus(() => ref.current)` picks the element at that moment.
 */
export function useFocusRequest(): (pick: () => HTMLElement | null | undefined) => void {
  const picker = useRef<(() => HTMLElement | null | undefined) | null>(null);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    const pick = picker.current;
    if (!pick) return;
    picker.current = null;
    pick()?.focus();
  }, [generation]);

  return useCallback((pick: () => HTMLElement | null | undefined) => {
    picker.current = pick;
    setGeneration((value) => value + 1);
  }, []);
}
