/**
 * Admin → Products: the catalogue for staff, searchable, sortable and paged (all in the
 * URL), with the same form and validation messages as the products page; writes go
 * through the admin API, so each is in the audit log. Several products can be deleted at
 * once after one confirmation.
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
import { Link } from '../../router/index.ts';
import { ProductFormDialog } from '../product-form-dialog.tsx';
import { AdminLayout } from './admin-layout.tsx';
import { BulkBar, DataTable, ListBody, Pager, runBulk, SearchForm, useAdminList, useConfirmedAction, useListParams } from './list-tools.tsx';
import type { Column } from './list-tools.tsx';

export function AdminProductsPage(): ReactElement {
  return <AdminLayout>{() => <Products />}</AdminLayout>;
}

const COLUMNS: Column<Product>[] = [
  { label: 'Name', sort: 'name', rowHeader: true, className: 'data-table__name', cell: (product) => product.name },
  { label: 'Description', className: 'data-table__text', cell: (product) => product.description || <span className="muted">—</span> },
  { label: 'Price', sort: 'price', numeric: true, cell: (product) => product.price },
  { label: 'Created', sort: 'created_at', cell: (product) => <time dateTime={product.created_at}>{formatDateTime(product.created_at)}</time> },
];

/** Deleting what is already gone (deleted elsewhere) is the outcome the user asked for. */
async function deleteIfThere(api: ReturnType<typeof useApi>, id: number): Promise<void> {
  try {
    await deleteAdminProduct(api, id);
  } catch (caught) {
    if (!(caught instanceof ApiError && caught.status === 404)) throw caught;
  }
}

function Products(): ReactElement {
  const api = useApi();
  const { params, update } = useListParams({ search: '', ordering: 'id' });
  const page = Number(params.page) || 1;
  const list = useAdminList('products', listAdminProducts, params);
  const [editor, setEditor] = useState<{ product?: Product } | null>(null);
  const [notice, setNotice] = useState('');
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const rows = list.data?.results ?? [];
  const chosen = rows.filter((product) => selected.has(product.id));

  const deletion = useConfirmedAction<Product[]>(async (products) => {
    const names = new Map(products.map((product) => [product.id, product.name]));
    const { done, failed } = await runBulk(products.map((product) => product.id), (id) => deleteIfThere(api, id), (id) => names.get(id) ?? String(id));
    setSelected(new Set());
    if (done.length > 0) setNotice(done.length === 1 ? `Deleted “${names.get(done[0]!)}”.` : `Deleted ${done.length} products.`);
    if (failed.length > 0) throw new ApiError({ status: 400, nonFieldErrors: failed });
  });
  const doomed = deletion.subject;

  return (
    <>
      <div className="page-head">
        <PageHeading>Products</PageHeading>
        <button type="button" className="button button--primary" onClick={() => setEditor({})}>
          New product
        </button>
      </div>
      <SearchForm label="Search products" value={params.search ?? ''} onSearch={(value) => update({ search: value })} />
      <Notice tone="success" onDismiss={notice ? () => setNotice('') : undefined}>
        {notice}
      </Notice>
      <BulkBar count={chosen.length} noun={['product', 'products']} onClear={() => setSelected(new Set())}>
        <button type="button" className="button button--small button--danger-outline" onClick={() => deletion.ask(chosen)}>
          Delete selected
        </button>
      </BulkBar>
      <ListBody query={list} what="products" empty="No products match.">
        {(result) => (
          <>
            <DataTable
              caption="Products"
              rows={result.results}
              rowKey={(product) => product.id}
              columns={COLUMNS}
              ordering={params.ordering}
              onOrder={(ordering) => update({ ordering })}
              selection={{ selected, onChange: setSelected, label: (id) => result.results.find((item) => item.id === id)?.name ?? String(id) }}
              actions={(product) => (
                <>
                  <Link to={`/admin/audit-log?object_type=product&object_id=${product.id}`} className="button button--small button--ghost">
                    History<span className="visually-hidden"> of {product.name}</span>
                  </Link>
                  <button type="button" className="button button--small" onClick={() => setEditor({ product })}>
                    Edit<span className="visually-hidden"> {product.name}</span>
                  </button>
                  <button type="button" className="button button--small button--danger-outline" onClick={() => deletion.ask([product])}>
                    Delete<span className="visually-hidden"> {product.name}</span>
                  </button>
                </>
              )}
            />
            <Pager page={result} number={page} noun={['product', 'products']} onPage={(number) => update({ page: String(number) })} />
          </>
        )}
      </ListBody>

      {editor ? (
        <ProductFormDialog
          key={editor.product?.id ?? 'new'}
          product={editor.product}
          save={(input) => (editor.product ? updateAdminProduct(api, editor.product.id, input) : createAdminProduct(api, input))}
          invalidates="admin"
          onClose={() => setEditor(null)}
          onSaved={(saved) => {
            setNotice(editor.product ? `Saved changes to “${saved.name}”.` : `Created “${saved.name}”.`);
            setEditor(null);
          }}
        />
      ) : null}

      {doomed ? (
        <ConfirmDialog
          title={doomed.length === 1 ? 'Delete product?' : `Delete ${doomed.length} products?`}
          confirmLabel={doomed.length === 1 ? 'Delete' : 'Delete all'}
          busyLabel="Deleting…"
          busy={deletion.busy}
          errors={deletion.errors}
          onCancel={deletion.cancel}
          onConfirm={deletion.confirm}
        >
          <p>
            {doomed.length === 1 ? <>“<strong>{doomed[0]!.name}</strong>” will be deleted permanently.</> : <>These products will be deleted permanently: <strong>{doomed.map((product) => `“${product.name}”`).join(', ')}</strong>.</>} This cannot be undone.
          </p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
