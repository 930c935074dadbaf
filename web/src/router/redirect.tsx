import { useEffect } from 'react';
import { navigate } from './history.ts';

export interface RedirectProps {
  to: string;
}

/** Replaces the current entry, so Back does not bounce the user straight back here. */
export function Redirect({ to }: RedirectProps): null {
  useEffect(() => {
    navigate(to, { replace: true });
  }, [to]);
  return null;
}
