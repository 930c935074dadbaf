/**
 * What every admin list shares: loading a DRF page for the current query (search,
 * filters, page), the search box, the pager, and the loading/error/empty states.
 */
import { useCallback, useEffect, useId, useState } from 'react';
import type { FormEvent, ReactElement, ReactNode } from 'react';
import { pageCount } from '../../api/admin.ts';
import type { ListQuery, Page } from '../../api/admin.ts';
import { ApiError } from '../../api/errors.ts';
import { FormAlert } from '../../components/form-alert.tsx';

export type ListState<T> =
  | { status: 'loading'; previous: Page<T> | null }
  | { status: 'error'; error: ApiError }
  | { status: 'ready'; page: Page<T> };

function asApiError(caught: unknown): ApiError {
  return caught instanceof ApiError ? caught : new ApiError({ status: 0, detail: String(caught) });
}

/** Loads the page for `query` whenever it changes; `reload()` fetches it again. */
export function usePagedList<T>(
  load: (query: ListQuery, signal: AbortSignal) => Promise<Page<T>>,
  query: ListQuery,
): { state: ListState<T>; reload(): void } {
  const [state, setState] = useState<ListState<T>>({ status: 'loading', previous: null });
  const [attempt, setAttempt] = useState(0);
  const key = JSON.stringify(query);

  useEffect(() => {
    const controller = new AbortController();
    setState((current) => ({ status: 'loading', previous: current.status === 'ready' ? current.page : null }));
    load(JSON.parse(key) as ListQuery, controller.signal)
      .then((page) => setState({ status: 'ready', page }))
      .catch((caught: unknown) => {
        if (controller.signal.aborted) return;
        if (caught instanceof ApiError && caught.isUnauthorized) return; // on the way to login
        setState({ status: 'error', error: asApiError(caught) });
      });
    return () => controller.abort();
    // `load` may be a new closure each render; the query (by value) decides when to load.
  }, [key, attempt]);

  const reload = useCallback(() => setAttempt((value) => value + 1), []);
  return { state, reload };
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

export function FilterSelect({ label, value, options, onChange }: FilterSelectProps): ReactElement {
  const id = useId();
  return (
    <div className="toolbar__filter">
      <label htmlFor={id} className="field__label">
        {label}
      </label>
      <select id={id} className="field__control" value={value} onChange={(event) => onChange(event.target.value)}>
        {options.map(([optionValue, optionLabel]) => (
          <option key={optionValue} value={optionValue}>
            {optionLabel}
          </option>
        ))}
      </select>
    </div>
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
  state: ListState<T>;
  what: string;
  empty: string;
  onRetry(): void;
  children(page: Page<T>): ReactNode;
}

/** The list's states: loading (keeping the previous page on screen), error, empty. */
export function ListBody<T>({ state, what, empty, onRetry, children }: ListBodyProps<T>): ReactElement {
  if (state.status === 'error') {
    return (
      <div className="panel panel--center">
        <FormAlert title={`The ${what} could not be loaded.`} messages={state.error.formMessages.length ? state.error.formMessages : [state.error.message]} />
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      </div>
    );
  }
  const page = state.status === 'ready' ? state.page : state.previous;
  if (page === null) {
    return (
      <div className="panel panel--center" role="status" aria-busy="true">
        <span className="spinner" aria-hidden="true" />
        <p>Loading {what}…</p>
      </div>
    );
  }
  return (
    <div aria-busy={state.status === 'loading' || undefined}>
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

export interface PendingConfirm<S> {
  subject: S;
  busy: boolean;
  errors: string[];
}

/**
 * A destructive action behind a confirmation: `ask(subject)` opens it, `run(action)`
 * performs it (busy meanwhile), closes on success, and keeps it open with the server's
 * messages on failure. A 401 is left to the client, which signs out.
 */
export function useConfirmedAction<S>(): {
  pending: PendingConfirm<S> | null;
  ask(subject: S): void;
  cancel(): void;
  run(action: (subject: S) => Promise<void>): Promise<void>;
} {
  const [pending, setPending] = useState<PendingConfirm<S> | null>(null);
  const ask = useCallback((subject: S) => setPending({ subject, busy: false, errors: [] }), []);
  const cancel = useCallback(() => setPending(null), []);
  async function run(action: (subject: S) => Promise<void>): Promise<void> {
    if (!pending) return;
    const { subject } = pending;
    setPending({ subject, busy: true, errors: [] });
    try {
      await action(subject);
      setPending(null);
    } catch (caught) {
      if (caught instanceof ApiError && caught.isUnauthorized) return;
      const error = asApiError(caught);
      setPending({ subject, busy: false, errors: error.formMessages.length ? error.formMessages : [error.message] });
    }
  }
  return { pending, ask, cancel, run };
}

export interface AdminTableProps {
  caption: string;
  /** Column headings; `null` for the actions column (named for screen readers only), `{ label, numeric }` to right-align. */
  columns: ReadonlyArray<string | null | { label: string; numeric: true }>;
  page: Page<unknown>;
  number: number;
  noun: readonly [singular: string, plural: string];
  onPage(number: number): void;
  /** The rows (`<tr>`s) of this page. */
  children: ReactNode;
}

/** An admin list: the table in a frame that scrolls sideways on a phone, then the pager. */
export function AdminTable({ caption, columns, page, number, noun, onPage, children }: AdminTableProps): ReactElement {
  return (
    <>
      <div className="table-wrap table-wrap--scroll">
        <table className="data-table">
          <caption className="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              {columns.map((column, index) =>
                column === null ? (
                  <th key={index} scope="col"><span className="visually-hidden">Actions</span></th>
                ) : typeof column === 'string' ? (
                  <th key={index} scope="col">{column}</th>
                ) : (
                  <th key={index} scope="col" className="num">{column.label}</th>
                ),
              )}
            </tr>
          </thead>
          <tbody>{children}</tbody>
        </table>
      </div>
      <Pager page={page} number={number} noun={noun} onPage={onPage} />
    </>
  );
}
