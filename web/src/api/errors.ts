/**
 * DRF error bodies, turned into one error type the pages can show.
 *
 * DRF writes every error through one exception family (rest_framework/exceptions.py), so a
 * failed call answers with one of three shapes:
 *   - `{"detail": "..."}`                      401, 403, 404, 405, 406, 415, parse errors
 *   - `{"non_field_errors": ["..."]}`          400 from a serializer's validate()
 *   - `{"name": ["..."], "price": ["..."]}`   400, one list of messages per field
 * A bare list (`["..."]`) is a ValidationError raised with a list; we treat it like
 * non_field_errors. Anything else (an HTML 502 from a proxy, no network) gets a message of
 * our own, so a page never has to know the wire format.
 */

/** Per-field messages, keyed by the field's JSON name (`name`, `price`, `username`...). */
export interface FieldErrors {
  [field: string]: string[];
}

export interface ApiErrorInit {
  /** HTTP status; 0 when the request never got an answer (offline, DNS, CORS refused). */
  status: number;
  detail?: string | null;
  nonFieldErrors?: string[];
  fieldErrors?: FieldErrors;
  body?: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  /** DRF's `detail`, e.g. "Invalid token." or "Not found.". */
  readonly detail: string | null;
  /** DRF's `non_field_errors`, e.g. "Unable to log in with provided credentials.". */
  readonly nonFieldErrors: string[];
  readonly fieldErrors: FieldErrors;
  /** The parsed body as the server sent it, for logging. */
  readonly body: unknown;

  constructor(init: ApiErrorInit) {
    const detail = init.detail ?? null;
    const nonFieldErrors = init.nonFieldErrors ?? [];
    const fieldErrors = init.fieldErrors ?? {};
    super(summarize(init.status, detail, nonFieldErrors, fieldErrors));
    this.name = 'ApiError';
    this.status = init.status;
    this.detail = detail;
    this.nonFieldErrors = nonFieldErrors;
    this.fieldErrors = fieldErrors;
    this.body = init.body;
  }

  /** True for 401: the token is missing, unknown, or its user is inactive. */
  get isUnauthorized(): boolean {
    return this.status === 401;
  }

  get hasFieldErrors(): boolean {
    return Object.keys(this.fieldErrors).length > 0;
  }

  /** The messages to show above a form: `detail` and `non_field_errors`. */
  get formMessages(): string[] {
    return this.detail === null ? this.nonFieldErrors : [this.detail, ...this.nonFieldErrors];
  }

  /** Messages for one field, or an empty list. */
  messagesFor(field: string): string[] {
    return this.fieldErrors[field] ?? [];
  }

  /**
   * Field errors for fields the form does not show (a server newer than the client, say),
   * as "field: message" lines, so no message is ever silently dropped.
   */
  messagesOutside(shownFields: readonly string[]): string[] {
    return Object.entries(this.fieldErrors)
      .filter(([field]) => !shownFields.includes(field))
      .flatMap(([field, messages]) => messages.map((message) => `${field}: ${message}`));
  }
}

const NETWORK_MESSAGE = 'Could not reach the server. Check your connection and try again.';

export function networkError(cause: unknown): ApiError {
  const error = new ApiError({ status: 0, detail: NETWORK_MESSAGE });
  (error as { cause?: unknown }).cause = cause;
  return error;
}

/** Builds an ApiError from a response status and its parsed JSON body (or `undefined`). */
export function errorFromBody(status: number, statusText: string, body: unknown): ApiError {
  if (Array.isArray(body)) {
    return new ApiError({ status, nonFieldErrors: toMessages(body), body });
  }
  if (isRecord(body)) {
    let detail: string | null = null;
    let nonFieldErrors: string[] = [];
    const fieldErrors: FieldErrors = {};
    for (const [key, value] of Object.entries(body)) {
      if (key === 'detail' && typeof value === 'string') detail = value;
      else if (key === 'non_field_errors') nonFieldErrors = toMessages(value);
      else fieldErrors[key] = toMessages(value);
    }
    if (detail !== null || nonFieldErrors.length > 0 || Object.keys(fieldErrors).length > 0) {
      return new ApiError({ status, detail, nonFieldErrors, fieldErrors, body });
    }
  }
  return new ApiError({ status, detail: fallbackMessage(status, statusText), body });
}

function fallbackMessage(status: number, statusText: string): string {
  if (status >= 500) {
    return `The server had a problem (${status}${statusText ? ` ${statusText}` : ''}). Please try again in a moment.`;
  }
  return `The request failed (${status}${statusText ? ` ${statusText}` : ''}).`;
}

/**
 * DRF nests errors for nested serializers and list fields (`{"tags": {"0": ["..."]}}`); we
 * flatten them to plain strings, prefixing the path, so every message can be shown.
 */
function toMessages(value: unknown, prefix = ''): string[] {
  if (typeof value === 'string') return [prefix + value];
  if (Array.isArray(value)) return value.flatMap((item) => toMessages(item, prefix));
  if (isRecord(value)) {
    return Object.entries(value).flatMap(([key, item]) => toMessages(item, `${prefix}${key}: `));
  }
  if (value === null || value === undefined) return [];
  return [prefix + String(value)];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function summarize(
  status: number,
  detail: string | null,
  nonFieldErrors: string[],
  fieldErrors: FieldErrors,
): string {
  if (detail !== null) return detail;
  if (nonFieldErrors.length > 0) return nonFieldErrors.join(' ');
  if (Object.keys(fieldErrors).length > 0) return 'Please correct the errors below.';
  return `The request failed (${status}).`;
}
