/**
 * Admin → Products: the catalogue for staff, searchable and paged, with the same form and
 * validation messages as the products page; writes go through the admin API, so each is
 * in the audit log.
 */
import { useState } from 'react';
import type { ReactElement } from 'react';
import { createAdminProduct, deleteAdminProduct, listAdminProducts, updateAdminProduct } from '../../api/admin.ts';
import { ApiError } from '../../api/errors.ts';
import type { Product } from '../../api/products.ts';
import { useApi } from '../../auth/auth-context.tsx';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { Notice } from '../../components/notice.tsx';
import { PageHeading } from '../../components/page-heading.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { ProductFormDialog } from '../product-form-dialog.tsx';
import { AdminLayout } from './admin-layout.tsx';
import { AdminTable, FilterSelect, ListBody, SearchForm, useConfirmedAction, usePagedList } from './list-tools.tsx';

const ORDERINGS = [['id', 'Oldest first'], ['-id', 'Newest first'], ['name', 'Name'], ['price', 'Price, low to high'], ['-price', 'Price, high to low']] as const;

export function AdminProductsPage(): ReactElement {
  return <AdminLayout>{() => <Products />}</AdminLayout>;
}

function Products(): ReactElement {
  const api = useApi();
  const [search, setSearch] = useState('');
  const [ordering, setOrdering] = useState('id');
  const [page, setPage] = useState(1);
  const { state, reload } = usePagedList((q, signal) => listAdminProducts(api, q, { signal }), { search, ordering, page });
  const [editor, setEditor] = useState<{ product?: Product } | null>(null);
  const deletion = useConfirmedAction<Product>();
  const [notice, setNotice] = useState('');

  function confirmDelete(): Promise<void> {
    return deletion.run(async (product) => {
      try {
        await deleteAdminProduct(api, product.id);
      } catch (caught) {
        // Already gone (deleted elsewhere): the outcome the user asked for.
        if (!(caught instanceof ApiError && caught.status === 404)) throw caught;
      }
      setNotice(`Deleted “${product.name}”.`);
      reload();
    });
  }

  return (
    <>
      <div className="page-head">
        <PageHeading>Products</PageHeading>
        <button type="button" className="button button--primary" onClick={() => setEditor({})}>
          New product
        </button>
      </div>
      <SearchForm label="Search products" value={search} onSearch={(value) => { setSearch(value); setPage(1); }}>
        <FilterSelect label="Order" value={ordering} options={ORDERINGS} onChange={(value) => { setOrdering(value); setPage(1); }} />
      </SearchForm>
      <Notice tone="success" onDismiss={notice ? () => setNotice('') : undefined}>
        {notice}
      </Notice>
      <ListBody state={state} what="products" empty="No products match." onRetry={reload}>
        {(result) => (
          <AdminTable caption="Products" columns={['Name', 'Description', { label: 'Price', numeric: true }, 'Created', null]} page={result} number={page} noun={['product', 'products']} onPage={setPage}>
            {result.results.map((product) => (
              <tr key={product.id}>
                <th scope="row">{product.name}</th>
                <td>{product.description || <span className="muted">—</span>}</td>
                <td className="num">{product.price}</td>
                <td><time dateTime={product.created_at}>{formatDateTime(product.created_at)}</time></td>
                <td className="data-table__actions">
                  <button type="button" className="button button--small" onClick={() => setEditor({ product })}>
                    Edit<span className="visually-hidden"> {product.name}</span>
                  </button>
                  <button type="button" className="button button--small button--danger-outline" onClick={() => deletion.ask(product)}>
                    Delete<span className="visually-hidden"> {product.name}</span>
                  </button>
                </td>
              </tr>
            ))}
          </AdminTable>
        )}
      </ListBody>

      {editor ? (
        <ProductFormDialog
          key={editor.product?.id ?? 'new'}
          product={editor.product}
          save={(input) => (editor.product ? updateAdminProduct(api, editor.product.id, input) : createAdminProduct(api, input))}
          onClose={() => setEditor(null)}
          onSaved={(saved) => {
            setNotice(editor.product ? `Saved changes to “${saved.name}”.` : `Created “${saved.name}”.`);
            setEditor(null);
            reload();
          }}
        />
      ) : null}

      {deletion.pending ? (
        <ConfirmDialog
          title="Delete product?"
          confirmLabel="Delete"
          busyLabel="Deleting…"
          busy={deletion.pending.busy}
          errors={deletion.pending.errors}
          onCancel={deletion.cancel}
          onConfirm={() => void confirmDelete()}
        >
          <p>
            “<strong>{deletion.pending.subject.name}</strong>” will be deleted permanently. This cannot be undone.
          </p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
