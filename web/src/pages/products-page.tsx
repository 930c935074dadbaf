/**
 * The product list with create, edit and delete.
 *
 * States: loading (first fetch), error (with Try again), empty (with a call to action),
 * and the list: a table on wide screens that becomes one card per product on narrow ones
 * (pure CSS, see styles.css). Price is the server's string; the creation time is shown in
 * the user's locale with the exact ISO value in `<time dateTime>`.
 *
 * The list is a query (api/query.tsx); a create, edit or delete invalidates it, so it is
 * fetched again, and a polite status line says what happened.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { ReactElement } from 'react';
import { ApiError } from '../api/errors.ts';
import { deleteProduct, listProducts } from '../api/products.ts';
import type { Product } from '../api/products.ts';
import { errorMessages, queryKeys } from '../api/query.tsx';
import { useApi } from '../auth/auth-context.tsx';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { FormAlert } from '../components/form-alert.tsx';
import { Notice } from '../components/notice.tsx';
import { PageHeading } from '../components/page-heading.tsx';
import { countLabel, formatDateTime } from '../lib/format.ts';
import { ProductFormDialog } from './product-form-dialog.tsx';

type Editor = { mode: 'create' } | { mode: 'edit'; product: Product } | null;


export function ProductsPage(): ReactElement {
  const api = useApi();
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: queryKeys.products, queryFn: ({ signal }) => listProducts(api, { signal }) });
  const [editor, setEditor] = useState<Editor>(null);
  const [pendingDelete, setPendingDelete] = useState<Product | null>(null);
  const [notice, setNotice] = useState('');
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [focusHeading, setFocusHeading] = useState(0);

  useEffect(() => {
    if (focusHeading > 0) headingRef.current?.focus();
  }, [focusHeading]);

  function handleSaved(saved: Product): void {
    const created = editor?.mode === 'create';
    setEditor(null);
    setNotice(created ? `Created “${saved.name}”.` : `Saved changes to “${saved.name}”.`);
  }

  const deletion = useMutation({
    mutationFn: async (product: Product) => {
      try {
        await deleteProduct(api, product.id);
        return `Deleted “${product.name}”.`;
      } catch (caught) {
        if (caught instanceof ApiError && caught.status === 404) return `“${product.name}” had already been deleted.`;
        throw caught;
      }
    },
    onSuccess: (message, product) => {
      queryClient.setQueryData<Product[]>(queryKeys.products, (list = []) => list.filter((item) => item.id !== product.id));
      setPendingDelete(null);
      setNotice(message);
      // The row and its Delete button are gone; start again from the top of the page.
      setFocusHeading((value) => value + 1);
    },
  });

  const state = list.isPending ? { status: 'loading' as const } : list.isError ? { status: 'error' as const, error: list.error } : { status: 'ready' as const, products: list.data };
  const products = state.status === 'ready' ? state.products : [];

  return (
    <>
      <div className="page-head">
        <div>
          <PageHeading headingRef={headingRef}>Products</PageHeading>
          {state.status === 'ready' && products.length > 0 ? (
            <p className="muted page-head__meta">{countLabel(products.length, 'product', 'products')}</p>
          ) : null}
        </div>
        <button type="button" className="button button--primary" onClick={() => setEditor({ mode: 'create' })}>
          <PlusIcon />
          New product
        </button>
      </div>

      <Notice tone="success" onDismiss={notice ? () => setNotice('') : undefined}>
        {notice}
      </Notice>

      {state.status === 'loading' ? (
        <div className="panel panel--center" role="status" aria-busy="true">
          <span className="spinner" aria-hidden="true" />
          <p>Loading products…</p>
        </div>
      ) : null}

      {state.status === 'error' ? (
        <div className="panel panel--center">
          <FormAlert title="The products could not be loaded." messages={errorMessages(state.error)} />
          <button type="button" className="button" onClick={() => void list.refetch()}>
            Try again
          </button>
        </div>
      ) : null}

      {state.status === 'ready' && products.length === 0 ? (
        <div className="panel panel--center empty">
          <EmptyIcon />
          <h2>No products yet</h2>
          <p className="muted">Products you add appear here, with their price and when they were created.</p>
          <button type="button" className="button button--primary" onClick={() => setEditor({ mode: 'create' })}>
            Add your first product
          </button>
        </div>
      ) : null}

      {state.status === 'ready' && products.length > 0 ? (
        <ProductTable
          products={products}
          onEdit={(product) => setEditor({ mode: 'edit', product })}
          onDelete={(product) => {
            deletion.reset();
            setPendingDelete(product);
          }}
        />
      ) : null}

      {editor ? (
        <ProductFormDialog
          key={editor.mode === 'edit' ? `edit-${editor.product.id}` : 'create'}
          product={editor.mode === 'edit' ? editor.product : undefined}
          onClose={() => setEditor(null)}
          onSaved={handleSaved}
        />
      ) : null}

      {pendingDelete ? (
        <ConfirmDialog
          title="Delete product?"
          confirmLabel="Delete"
          busyLabel="Deleting…"
          busy={deletion.isPending}
          errors={errorMessages(deletion.error)}
          onCancel={() => setPendingDelete(null)}
          onConfirm={() => deletion.mutate(pendingDelete)}
        >
          <p>
            “<strong>{pendingDelete.name}</strong>” will be deleted permanently. This cannot be undone.
          </p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}

interface ProductTableProps {
  products: readonly Product[];
  onEdit(product: Product): void;
  onDelete(product: Product): void;
}

function ProductTable({ products, onEdit, onDelete }: ProductTableProps): ReactElement {
  return (
    <div className="table-wrap">
      <table className="product-table">
        <caption className="visually-hidden">Products</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Description</th>
            <th scope="col" className="num">
              Price
            </th>
            <th scope="col">Created</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {products.map((product) => (
            <tr key={product.id} data-product-id={product.id}>
              <th scope="row" className="product-table__name">
                {product.name}
              </th>
              <td data-label="Description" className="product-table__description">
                {product.description ? product.description : <span className="muted">No description</span>}
              </td>
              <td data-label="Price" className="num product-table__price">
                {product.price}
              </td>
              <td data-label="Created" className="product-table__created">
                <time dateTime={product.created_at} title={product.created_at}>
                  {formatDateTime(product.created_at)}
                </time>
              </td>
              <td className="product-table__actions">
                <button type="button" className="button button--small" onClick={() => onEdit(product)}>
                  Edit<span className="visually-hidden"> {product.name}</span>
                </button>
                <button type="button" className="button button--small button--danger-outline" onClick={() => onDelete(product)}>
                  Delete<span className="visually-hidden"> {product.name}</span>
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function PlusIcon(): ReactElement {
  return (
    <svg viewBox="0 0 20 20" width="16" height="16" aria-hidden="true" focusable="false">
      <path d="M10 4v12M4 10h12" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
    </svg>
  );
}

function EmptyIcon(): ReactElement {
  return (
    <svg className="empty__icon" viewBox="0 0 48 48" width="48" height="48" aria-hidden="true" focusable="false">
      <rect x="6" y="12" width="36" height="28" rx="4" fill="none" stroke="currentColor" strokeWidth="2.5" />
      <path d="M6 20h36M18 28h12" stroke="currentColor" strokeWidth="2.5" strokeLinecap="round" />
    </svg>
  );
}
