/**
 * The frame of every admin page: waits for the server to say whether the user is staff,
 * shows a clear "not allowed" page to everyone else, and gives staff the admin's own
 * navigation (Users, Tokens, Products, Audit log).
 */
import type { ReactElement, ReactNode } from 'react';
import type { AdminMe } from '../../api/admin.ts';
import { useStaff } from '../../auth/staff-context.tsx';
import { FormAlert } from '../../components/form-alert.tsx';
import { PageHeading } from '../../components/page-heading.tsx';
import { Link, useLocation } from '../../router/index.ts';

const SECTIONS = [
  { to: '/admin/users', label: 'Users' },
  { to: '/admin/tokens', label: 'Tokens' },
  { to: '/admin/products', label: 'Products' },
  { to: '/admin/audit-log', label: 'Audit log' },
] as const;

export interface AdminLayoutProps {
  children(me: AdminMe): ReactNode;
}

export function AdminLayout({ children }: AdminLayoutProps): ReactElement {
  const { status, retry } = useStaff();
  const { pathname } = useLocation();

  if (status.state === 'unknown') {
    return (
      <div className="panel panel--center" role="status" aria-busy="true">
        <span className="spinner" aria-hidden="true" />
        <p>Checking your access…</p>
      </div>
    );
  }
  if (status.state === 'not-staff') return <NotAllowed />;
  if (status.state === 'error') {
    return (
      <div className="panel panel--center">
        <FormAlert title="The admin could not be opened." messages={status.error.formMessages.length ? status.error.formMessages : [status.error.message]} />
        <button type="button" className="button" onClick={retry}>
          Try again
        </button>
      </div>
    );
  }
  return (
    <div className="admin">
      <nav aria-label="Admin" className="subnav">
        <ul>
          {SECTIONS.map((section) => (
            <li key={section.to}>
              <Link to={section.to} className="subnav__link" aria-current={pathname === section.to ? 'page' : undefined}>
                {section.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {children(status.me)}
    </div>
  );
}

export function NotAllowed(): ReactElement {
  return (
    <div className="panel panel--center not-allowed">
      <PageHeading>Not allowed</PageHeading>
      <p>The admin is for staff accounts, and yours is not one.</p>
      <p className="muted">If you need access, ask an administrator to give your account staff status.</p>
      <Link to="/products" className="button">
        Back to products
      </Link>
    </div>
  );
}
