/**
 * What every admin list shares: its query (search, filters, ordering, page) kept in the
 * URL, so reload, deep links and Back all work; loading the DRF page for it through the
 * query layer; the search box, filters, sortable table (cards on a phone), row selection
 * for bulk actions, the pager, and the loading/error/empty states.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { UseQueryResult } from '@tanstack/react-query';
import { useCallback, useEffect, useId, useMemo, useState } from 'react';
import type { FormEvent, ReactElement, ReactNode } from 'react';
import { pageCount } from '../../api/admin.ts';
import type { ListQuery, Page } from '../../api/admin.ts';
import type { ApiError } from '../../api/errors.ts';
import { errorMessages, queryKeys } from '../../api/query.tsx';
import { useApi } from '../../auth/auth-context.tsx';
import type { ApiClient } from '../../api/client.ts';
import { FormAlert } from '../../components/form-alert.tsx';
import { navigate, useLocation } from '../../router/index.ts';

/** A list's parameters, as strings, exactly as they are in the URL. */
export type ListParams = Record<string, string>;

/**
 * The list's parameters from the URL (`?search=ali&is_active=false&ordering=-date_joined&page=2`),
 * over `defaults`. `update()` pushes a history entry (so Back undoes a search) and goes
 * back to page 1 unless the page is what changed; defaults are left out of the URL.
 */
export function useListParams(defaults: ListParams): { params: ListParams; update(patch: ListParams): void } {
  const { pathname, search } = useLocation();
  const defaultsKey = JSON.stringify(defaults);
  const params = useMemo(() => {
    const merged: ListParams = { ...(JSON.parse(defaultsKey) as ListParams), page: '1' };
    for (const [name, value] of new URLSearchParams(search)) merged[name] = value;
    return merged;
  }, [search, defaultsKey]);
  const update = useCallback(
    (patch: ListParams) => {
      const next: ListParams = { ...params, ...(patch.page === undefined ? { page: '1' } : {}), ...patch };
      const fixed = JSON.parse(defaultsKey) as ListParams;
      const query = new URLSearchParams();
      for (const [name, value] of Object.entries(next)) {
        if (value === '' || value === (fixed[name] ?? (name === 'page' ? '1' : undefined))) continue;
        query.set(name, value);
      }
      const text = query.toString();
      navigate(text ? `${pathname}?${text}` : pathname);
    },
    [params, pathname, defaultsKey],
  );
  return { params, update };
}

export type ListLoader<T> = (api: ApiClient, query: ListQuery, options: { signal: AbortSignal }) => Promise<Page<T>>;

/** The page for `query`; the previous page stays on screen while the next one loads. */
export function useAdminList<T>(resource: string, load: ListLoader<T>, query: ListQuery): UseQueryResult<Page<T>, ApiError> {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.admin(resource, query),
    queryFn: ({ signal }) => load(api, query, { signal }),
    placeholderData: keepPreviousData,
  });
}

export interface SearchFormProps {
  label: string;
  value: string;
  onSearch(value: string): void;
  children?: ReactNode;
}

/** A search box that searches on Enter or the button, with optional filters beside it. */
export function SearchForm({ label, value, onSearch, children }: SearchFormProps): ReactElement {
  const [text, setText] = useState(value);
  const id = useId();
  // Back / a deep link changes the URL: the box follows.
  useEffect(() => setText(value), [value]);
  function submit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    onSearch(text.trim());
  }
  return (
    <form className="toolbar" role="search" onSubmit={submit}>
      <div className="toolbar__search">
        <label htmlFor={id} className="field__label">
          {label}
        </label>
        <div className="toolbar__row">
          <input id={id} type="search" className="field__control" value={text} onChange={(event) => setText(event.target.value)} />
          <button type="submit" className="button">
            Search
          </button>
        </div>
      </div>
      {children}
    </form>
  );
}

export interface FilterSelectProps {
  label: string;
  value: string;
  options: ReadonlyArray<readonly [value: string, label: string]>;
  onChange(value: string): void;
}

/** A labelled control in the toolbar, beside the search box. */
function ToolbarField({ label, control }: { label: string; control(id: string): ReactNode }): ReactElement {
  const id = useId();
  return (
    <div className="toolbar__filter">
      <label htmlFor={id} className="field__label">
        {label}
      </label>
      {control(id)}
    </div>
  );
}

export function FilterSelect({ label, value, options, onChange }: FilterSelectProps): ReactElement {
  return (
    <ToolbarField
      label={label}
      control={(id) => (
        <select id={id} className="field__control" value={value} onChange={(event) => onChange(event.target.value)}>
          {options.map(([optionValue, optionLabel]) => (
            <option key={optionValue} value={optionValue}>
              {optionLabel}
            </option>
          ))}
        </select>
      )}
    />
  );
}

export interface DateFilterProps {
  label: string;
  value: string;
  onChange(value: string): void;
}

/** A day (`YYYY-MM-DD`), or empty for "any". */
export function DateFilter({ label, value, onChange }: DateFilterProps): ReactElement {
  return (
    <ToolbarField
      label={label}
      control={(id) => <input id={id} type="date" className="field__control" value={value} onChange={(event) => onChange(event.target.value)} />}
    />
  );
}

export interface PagerProps {
  page: Page<unknown>;
  number: number;
  noun: readonly [singular: string, plural: string];
  onPage(number: number): void;
}

export function Pager({ page, number, noun, onPage }: PagerProps): ReactElement {
  const pages = pageCount(page);
  return (
    <nav className="pager" aria-label="Pages">
      <p className="muted" aria-live="polite">
        {page.count} {page.count === 1 ? noun[0] : noun[1]} · page {number} of {pages}
      </p>
      <div className="pager__buttons">
        <button type="button" className="button button--small" disabled={page.previous === null} onClick={() => onPage(number - 1)}>
          Previous<span className="visually-hidden"> page</span>
        </button>
        <button type="button" className="button button--small" disabled={page.next === null} onClick={() => onPage(number + 1)}>
          Next<span className="visually-hidden"> page</span>
        </button>
      </div>
    </nav>
  );
}

export interface ListBodyProps<T> {
  query: UseQueryResult<Page<T>, ApiError>;
  what: string;
  empty: string;
  children(page: Page<T>): ReactNode;
}

/** The list's states: loading (keeping the previous page on screen), error, empty. */
export function ListBody<T>({ query, what, empty, children }: ListBodyProps<T>): ReactElement {
  if (query.isError && !query.isFetching) {
    return (
      <div className="panel panel--center">
        <FormAlert title={`The ${what} could not be loaded.`} messages={errorMessages(query.error)} />
        <button type="button" className="button" onClick={() => void query.refetch()}>
          Try again
        </button>
      </div>
    );
  }
  const page = query.data;
  if (page === undefined) {
    return (
      <div className="panel panel--center" role="status" aria-busy="true">
        <span className="spinner" aria-hidden="true" />
        <p>Loading {what}…</p>
      </div>
    );
  }
  return (
    <div aria-busy={query.isFetching || undefined}>
      {page.results.length === 0 ? (
        <div className="panel panel--center empty">
          <p>{empty}</p>
        </div>
      ) : (
        children(page)
      )}
    </div>
  );
}

/** "Yes"/"No" with a screen-reader-friendly mark. */
export function YesNo({ value }: { value: boolean }): ReactElement {
  return <span className={value ? 'badge badge--yes' : 'badge badge--no'}>{value ? 'Yes' : 'No'}</span>;
}

export interface ConfirmedAction<S> {
  /** What is being confirmed, while the dialog is open. */
  subject: S | null;
  busy: boolean;
  errors: string[];
  ask(subject: S): void;
  cancel(): void;
  confirm(): void;
}

/**
 * A destructive action behind a confirmation, as a mutation: `ask(subject)` opens it,
 * `confirm()` performs it (busy meanwhile), closes on success and invalidates the admin's
 * lists, and keeps it open with the server's messages on failure.
 */
export function useConfirmedAction<S>(action: (subject: S) => Promise<void>): ConfirmedAction<S> {
  const queryClient = useQueryClient();
  const [subject, setSubject] = useState<S | null>(null);
  const mutation = useMutation({
    mutationFn: action,
    onSuccess: () => {
      setSubject(null);
      return queryClient.invalidateQueries({ queryKey: queryKeys.adminAll });
    },
  });
  return {
    subject,
    busy: mutation.isPending,
    errors: errorMessages(mutation.error),
    ask: (next) => {
      mutation.reset();
      setSubject(next);
    },
    cancel: () => setSubject(null),
    confirm: () => {
      if (subject !== null) mutation.mutate(subject);
    },
  };
}

/** One column of a DataTable. */
export interface Column<T> {
  /** Also the card's label on a phone. */
  label: string;
  cell(row: T): ReactNode;
  /** The `?ordering=` name this column sorts by (a sortable header). */
  sort?: string;
  numeric?: boolean;
  /** The row's name for screen readers (`<th scope="row">`). */
  rowHeader?: boolean;
  className?: string;
}

export interface Selection<K> {
  selected: ReadonlySet<K>;
  onChange(next: Set<K>): void;
  /** Rows that cannot be selected (one's own account), with why. */
  disabled?(key: K): boolean;
  /** How a row is named in its checkbox's label. */
  label(key: K): string;
}

export interface DataTableProps<T, K> {
  caption: string;
  rows: readonly T[];
  rowKey(row: T): K;
  columns: ReadonlyArray<Column<T>>;
  /** The buttons of a row, in a last column named "Actions" for screen readers. */
  actions?(row: T): ReactNode;
  /** The current `?ordering=` (`name` or `-name`), and how to change it. */
  ordering?: string;
  onOrder?(ordering: string): void;
  selection?: Selection<K>;
  /** `data-*` attributes of a row, for tests and styles. */
  rowData?(row: T): Record<string, string>;
}

/**
 * An admin list as a table on wide screens and one card per row on a phone (each cell
 * labelled from its column), so no page ever scrolls sideways. A sortable column's header
 * is a button: first click ascending, the next descending, with `aria-sort` saying which.
 */
export function DataTable<T, K extends string | number>(props: DataTableProps<T, K>): ReactElement {
  const { caption, rows, rowKey, columns, actions, ordering = '', onOrder, selection, rowData } = props;
  const selectable = selection ? rows.map(rowKey).filter((key) => !selection.disabled?.(key)) : [];
  const allSelected = selection !== undefined && selectable.length > 0 && selectable.every((key) => selection.selected.has(key));

  function toggle(key: K, on: boolean): void {
    if (!selection) return;
    const next = new Set(selection.selected);
    if (on) next.add(key);
    else next.delete(key);
    selection.onChange(next);
  }

  return (
    <div className="table-wrap table-wrap--admin">
      <table className="data-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {selection ? (
              <th scope="col" className="data-table__select">
                <input
                  type="checkbox"
                  aria-label="Select all on this page"
                  checked={allSelected}
                  disabled={selectable.length === 0}
                  onChange={(event) => selection.onChange(event.target.checked ? new Set(selectable) : new Set())}
                />
              </th>
            ) : null}
            {columns.map((column) => {
              const direction = column.sort === undefined ? null : ordering === column.sort ? 'ascending' : ordering === `-${column.sort}` ? 'descending' : null;
              return (
                <th key={column.label} scope="col" className={column.numeric ? 'num' : undefined} aria-sort={direction ?? undefined}>
                  {column.sort !== undefined && onOrder ? (
                    <button type="button" className="sort-button" onClick={() => onOrder(direction === 'ascending' ? `-${column.sort}` : column.sort!)}>
                      {column.label}
                      <span aria-hidden="true" className="sort-button__mark">{direction === 'ascending' ? '▲' : direction === 'descending' ? '▼' : '↕'}</span>
                      <span className="visually-hidden">{direction === null ? ', sort' : direction === 'ascending' ? ', sorted ascending' : ', sorted descending'}</span>
                    </button>
                  ) : (
                    column.label
                  )}
                </th>
              );
            })}
            {actions ? <th scope="col"><span className="visually-hidden">Actions</span></th> : null}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const key = rowKey(row);
            return (
              <tr key={key} {...dataAttributes(rowData?.(row))}>
                {selection ? (
                  <td className="data-table__select">
                    <input
                      type="checkbox"
                      aria-label={`Select ${selection.label(key)}`}
                      checked={selection.selected.has(key)}
                      disabled={selection.disabled?.(key) ?? false}
                      onChange={(event) => toggle(key, event.target.checked)}
                    />
                  </td>
                ) : null}
                {columns.map((column) => {
                  const className = [column.numeric ? 'num' : '', column.className ?? ''].filter(Boolean).join(' ') || undefined;
                  return column.rowHeader ? (
                    <th key={column.label} scope="row" className={className}>{column.cell(row)}</th>
                  ) : (
                    <td key={column.label} data-label={column.label} className={className}>{column.cell(row)}</td>
                  );
                })}
                {actions ? <td className="data-table__actions">{actions(row)}</td> : null}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function dataAttributes(data: Record<string, string> | undefined): Record<string, string> {
  if (!data) return {};
  return Object.fromEntries(Object.entries(data).map(([name, value]) => [`data-${name}`, value]));
}

export interface BulkBarProps {
  count: number;
  noun: readonly [singular: string, plural: string];
  children: ReactNode;
  onClear(): void;
}

/** "3 users selected" with the bulk actions, shown while anything is selected. */
export function BulkBar({ count, noun, children, onClear }: BulkBarProps): ReactElement | null {
  if (count === 0) return null;
  return (
    <div className="bulk-bar" role="region" aria-label="Selected">
      <p>
        {count} {count === 1 ? noun[0] : noun[1]} selected
      </p>
      <div className="bulk-bar__actions">
        {children}
        <button type="button" className="button button--small button--ghost" onClick={onClear}>
          Clear selection
        </button>
      </div>
    </div>
  );
}

/**
 * Runs one request per selected row after the single confirmation, and says how it
 * went: the server's rules apply to each (a superuser's account stays a superuser's to
 * change), so some may be refused while the rest succeed.
 */
export async function runBulk<K>(keys: readonly K[], each: (key: K) => Promise<void>, name: (key: K) => string): Promise<{ done: K[]; failed: string[] }> {
  const done: K[] = [];
  const failed: string[] = [];
  for (const key of keys) {
    try {
      await each(key);
      done.push(key);
    } catch (caught) {
      const messages = errorMessages(caught as ApiError);
      failed.push(`${name(key)}: ${messages.join(' ')}`);
    }
  }
  return { done, failed };
}
