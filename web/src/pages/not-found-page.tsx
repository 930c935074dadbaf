import type { ReactElement } from 'react';
import { PageHeading } from '../components/page-heading.tsx';
import { Link } from '../router/link.tsx';

export function NotFoundPage(): ReactElement {
  return (
    <div className="panel panel--center">
      <PageHeading>Page not found</PageHeading>
      <p className="muted">There is nothing at this address.</p>
      <Link to="/products" className="button">
        Go to products
      </Link>
    </div>
  );
}
