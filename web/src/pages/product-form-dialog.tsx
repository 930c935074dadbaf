/**
 * Create or edit a product in a modal. The form sends what was typed; the server is the
 * one validator, and each of its messages is shown beside its field (DRF answers one list
 * per field: `{"name": ["This field may not be blank."], "price": [...]}`). Browser
 * validation is off (`noValidate`) so it never hides a server message behind its own.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import type { FormEvent, ReactElement } from 'react';
import type { ApiError } from '../api/errors.ts';
import { queryKeys } from '../api/query.tsx';
import { createProduct, PRODUCT_FIELDS, updateProduct } from '../api/products.ts';
import type { Product, ProductInput } from '../api/products.ts';
import { useApi } from '../auth/auth-context.tsx';
import { Dialog } from '../components/dialog.tsx';
import { TextAreaField, TextField } from '../components/field.tsx';
import { FormAlert } from '../components/form-alert.tsx';
import { useFocusRequest } from '../lib/use-focus-request.ts';

export interface ProductFormDialogProps {
  /** The product to edit; absent to create one. */
  product?: Product;
  onClose(): void;
  onSaved(product: Product): void;
  /** How to save; defaults to /api/products/ (the admin saves through /api/admin/products/). */
  save?(input: ProductInput): Promise<Product>;
  /** Which lists the save makes stale: the products page's (default) or the admin's. */
  invalidates?: 'products' | 'admin';
}

export function ProductFormDialog({ product, onClose, onSaved, save, invalidates = 'products' }: ProductFormDialogProps): ReactElement {
  const api = useApi();
  const queryClient = useQueryClient();
  const editing = product !== undefined;
  const [values, setValues] = useState<ProductInput>(() => ({
    name: product?.name ?? '',
    description: product?.description ?? '',
    price: product?.price ?? '',
  }));
  const requestFocus = useFocusRequest();
  const nameRef = useRef<HTMLInputElement>(null);
  const descriptionRef = useRef<HTMLTextAreaElement>(null);
  const priceRef = useRef<HTMLInputElement>(null);
  const alertRef = useRef<HTMLDivElement>(null);

  function update(field: keyof ProductInput): (value: string) => void {
    return (value) => setValues((current) => ({ ...current, [field]: value }));
  }

  const mutation = useMutation({
    mutationFn: (input: ProductInput) => (save ? save(input) : editing ? updateProduct(api, product.id, input) : createProduct(api, input)),
    onSuccess: async (saved) => {
      // The products page's list takes the server's answer as it is; the admin's pages
      // (sorted, filtered, paged on the server) are fetched again.
      if (invalidates === 'admin') await queryClient.invalidateQueries({ queryKey: queryKeys.adminAll });
      else queryClient.setQueryData<Product[]>(queryKeys.products, (list = []) => upsert(list, saved));
      onSaved(saved);
    },
    onError: (apiError) => {
      const refs = { name: nameRef, description: descriptionRef, price: priceRef };
      const firstInvalid = PRODUCT_FIELDS.find((field) => apiError.messagesFor(field).length > 0);
      requestFocus(() => (firstInvalid ? refs[firstInvalid].current : alertRef.current));
    },
  });
  const pending = mutation.isPending;
  const error = mutation.error;

  function handleSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    if (!pending) mutation.mutate(values);
  }

  const formMessages = error ? summaryMessages(error) : [];
  const title = editing ? `Edit “${product.name}”` : 'New product';

  return (
    <Dialog title={title} onClose={onClose} busy={pending}>
      <form className="form" noValidate onSubmit={handleSubmit} aria-label={title}>
        <FormAlert
          alertRef={alertRef}
          title={formMessages.length > 0 ? 'The product was not saved.' : undefined}
          messages={formMessages}
        />
        <TextField
          label="Name"
          name="name"
          value={values.name}
          onChange={update('name')}
          errors={error?.messagesFor('name')}
          inputRef={nameRef}
          autoComplete="off"
        />
        <TextAreaField
          label="Description"
          name="description"
          optional
          value={values.description}
          onChange={update('description')}
          errors={error?.messagesFor('description')}
          textAreaRef={descriptionRef}
          rows={3}
        />
        <TextField
          label="Price"
          name="price"
          value={values.price}
          onChange={update('price')}
          errors={error?.messagesFor('price')}
          inputRef={priceRef}
          inputMode="decimal"
          autoComplete="off"
          hint="A decimal number with up to 2 decimal places, e.g. 12.50"
        />
        <div className="dialog__actions">
          <button type="button" className="button" onClick={onClose} disabled={pending}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={pending} aria-busy={pending || undefined}>
            {pending ? 'Saving…' : editing ? 'Save changes' : 'Create product'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function summaryMessages(error: ApiError): string[] {
  const messages = [...error.formMessages, ...error.messagesOutside(PRODUCT_FIELDS)];
  if (messages.length === 0 && error.hasFieldErrors) {
    return ['Please correct the fields marked below.'];
  }
  return messages;
}

function upsert(list: readonly Product[], saved: Product): Product[] {
  return list.some((item) => item.id === saved.id) ? list.map((item) => (item.id === saved.id ? saved : item)) : [...list, saved];
}
