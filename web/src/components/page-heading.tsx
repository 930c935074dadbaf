/**
 * The page's `<h1>`. After an in-app navigation focus moves here, so keyboard and screen
 * reader users start at the top of the new page instead of on a link that no longer
 * exists. On the very first page load the browser's own behaviour is kept.
 */
import { useEffect, useRef } from 'react';
import type { ReactElement, ReactNode, Ref } from 'react';
import { useLocation } from '../router/history.ts';

export interface PageHeadingProps {
  children: ReactNode;
  headingRef?: Ref<HTMLHeadingElement>;
  id?: string;
}

export function PageHeading({ children, headingRef, id }: PageHeadingProps): ReactElement {
  const { key } = useLocation();
  const own = useRef<HTMLHeadingElement | null>(null);

  useEffect(() => {
    if (key !== 'initial') own.current?.focus();
  }, [key]);

  function setRef(element: HTMLHeadingElement | null): void {
    own.current = element;
    if (typeof headingRef === 'function') headingRef(element);
    else if (headingRef) headingRef.current = element;
  }

  return (
    <h1 ref={setRef} id={id} tabIndex={-1} className="page-title">
      {children}
    </h1>
  );
}
