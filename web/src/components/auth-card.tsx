/** The bare card of the signed-out pages: Tessera's mark, a heading, an optional lead line. */
import type { ReactElement, ReactNode } from 'react';
import { Logo } from './app-shell.tsx';
import { PageHeading } from './page-heading.tsx';

export function AuthCard({ title, lead, children }: { title: string; lead?: string; children: ReactNode }): ReactElement {
  return (
    <div className="auth-layout">
      <main id="main" className="auth-card">
        <div className="auth-card__brand">
          <Logo />
          <span>Tessera</span>
        </div>
        <PageHeading>{title}</PageHeading>
        {lead ? <p className="muted auth-card__lead">{lead}</p> : null}
        {children}
      </main>
    </div>
  );
}
