// One error type for everything a handler can refuse, and the one error handler that
// writes DRF's bodies. DRF's exception family (rest_framework/exceptions.py) maps to
// ApiError codes; the handler also turns Fastify's own errors (body too large, bad
// content length, malformed URL) into DRF-shaped JSON so nothing ever answers a bare 500.
import type { FastifyBaseLogger, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { databaseUnavailable } from './db/connect.js';
import { requestFields } from './http/request-log.js';

export type ErrorBody = Record<string, unknown> | unknown[];

/** Field errors keyed by field name, each a list of messages (or nested errors). */
export type FieldErrors = Record<string, unknown>;

export type ApiErrorCode =
  | 'parse_error'
  | 'invalid'
  | 'authentication_failed'
  | 'not_authenticated'
  | 'permission_denied'
  | 'not_found'
  | 'method_not_allowed'
  | 'not_acceptable'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'throttled'
  | 'bad_request'
  | 'service_unavailable'
  | 'server_error';

export class ApiError extends Error {
  readonly statusCode: number;
  readonly code: ApiErrorCode;
  readonly body: ErrorBody;
  readonly headers: Readonly<Record<string, string>>;

  constructor(statusCode: number, code: ApiErrorCode, body: ErrorBody, headers: Record<string, string> = {}) {
    // An ApiError is an answer, not a bug: no stack trace is captured (capturing one costs
    // more than the rest of a 401), so bad tokens stay as cheap as good ones.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(typeof (body as { detail?: unknown }).detail === 'string' ? (body as { detail: string }).detail : code);
    Error.stackTraceLimit = stackTraceLimit;
    this.name = 'ApiError';
    this.statusCode = statusCode;
    this.code = code;
    this.body = body;
    this.headers = headers;
  }
}

// The messages are DRF 3.14's, word for word.
export const errors = {
  parse(detail: string): ApiError {
    return new ApiError(400, 'parse_error', { detail });
  },
  validation(fields: FieldErrors | unknown[]): ApiError {
    return new ApiError(400, 'invalid', fields);
  },
  nonField(message: string): ApiError {
    return new ApiError(400, 'invalid', { non_field_errors: [message] });
  },
  /** 401 with the challenge of the first authentication scheme (DRF's authenticate_header). */
  authenticationFailed(detail: string, challenge: string | null): ApiError {
    return challenge === null
      ? new ApiError(403, 'authentication_failed', { detail })
      : new ApiError(401, 'authentication_failed', { detail }, { 'www-authenticate': challenge });
  },
  notAuthenticated(challenge: string | null): ApiError {
    const detail = 'Authentication credentials were not provided.';
    return challenge === null
      ? new ApiError(403, 'not_authenticated', { detail })
      : new ApiError(401, 'not_authenticated', { detail }, { 'www-authenticate': challenge });
  },
  permissionDenied(detail = 'You do not have permission to perform this action.'): ApiError {
    return new ApiError(403, 'permission_denied', { detail });
  },
  notFound(detail = 'Not found.'): ApiError {
    return new ApiError(404, 'not_found', { detail });
  },
  methodNotAllowed(method: string): ApiError {
    return new ApiError(405, 'method_not_allowed', { detail: `Method "${method}" not allowed.` });
  },
  notAcceptable(): ApiError {
    return new ApiError(406, 'not_acceptable', { detail: 'Could not satisfy the request Accept header.' });
  },
  unsupportedMediaType(mediaType: string): ApiError {
    return new ApiError(415, 'unsupported_media_type', { detail: `Unsupported media type "${mediaType}" in request.` });
  },
  payloadTooLarge(limit: number): ApiError {
    return new ApiError(413, 'payload_too_large', { detail: `Request body is larger than the limit of ${limit} bytes.` });
  },
  throttled(waitSeconds: number): ApiError {
    const wait = Math.max(1, Math.ceil(waitSeconds));
    const unit = wait === 1 ? 'second' : 'seconds';
    return new ApiError(
      429,
      'throttled',
      { detail: `Request was throttled. Expected available in ${wait} ${unit}.` },
      { 'retry-after': String(wait) },
    );
  },
  badRequest(detail: string): ApiError {
    return new ApiError(400, 'bad_request', { detail });
  },
  /** The database is down or too slow (db/connect.ts, databaseUnavailable). DRF's documentation's own example of a custom exception. */
  serviceUnavailable(retryAfterSeconds: number): ApiError {
    return new ApiError(
      503,
      'service_unavailable',
      { detail: 'Service temporarily unavailable, try again later.' },
      { 'retry-after': String(retryAfterSeconds) },
    );
  },
  serverError(): ApiError {
    return new ApiError(500, 'server_error', { detail: 'A server error occurred.' });
  },
};

/** Fastify's own error codes that are the client's fault, mapped to DRF-style answers. */
function fromFastifyError(error: FastifyError, bodyLimit: number, request: FastifyRequest | undefined): ApiError | null {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return errors.payloadTooLarge(bodyLimit);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      // A Content-Type Fastify cannot even parse ("nonsense", ""): DRF finds no parser for it either.
      return errors.unsupportedMediaType(request?.headers['content-type'] ?? '');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return errors.badRequest(error.message);
    case 'FST_ERR_BAD_URL':
    case 'FST_ERR_ASYNC_CONSTRAINT':
      return errors.badRequest('Malformed request URL.');
    default:
      break;
  }
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return new ApiError(error.statusCode, 'bad_request', { detail: error.message });
  }
  return null;
}

/** A client told to come back after a database failure waits this long (Retry-After). */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

export function toApiError(error: unknown, bodyLimit: number, request?: FastifyRequest): ApiError {
  if (error instanceof ApiError) return error;
  if (databaseUnavailable(error)) return errors.serviceUnavailable(DATABASE_RETRY_AFTER_SECONDS);
  const mapped = fromFastifyError(error as FastifyError, bodyLimit, request);
  return mapped ?? errors.serverError();
}

/**
 * An outage is logged twice, not once per request: its first failure (an error line),
 * and its end (how long it lasted, how many requests got 503). While it lasts, `probe`
 * (a trivial query) runs once a second; the outage ends when it succeeds. Without a
 * probe, every failure is logged.
 */
export interface DatabaseOutageLog {
  failed(error: unknown, request: FastifyRequest): void;
  close(): void;
}

export interface DatabaseOutageLogOptions {
  /** A trivial query; it succeeds when the outage is over. */
  readonly probe?: () => Promise<unknown>;
  readonly probeIntervalMs?: number;
}

export function databaseOutageLog(logger: FastifyBaseLogger, options: DatabaseOutageLogOptions = {}): DatabaseOutageLog {
  const { probe, probeIntervalMs = 1000 } = options;
  let since: number | null = null;
  let refused = 0;
  let timer: NodeJS.Timeout | undefined;
  let probing = false;

  function check(): void {
    if (probing || probe === undefined) return;
    probing = true;
    probe().then(() => {
      if (since !== null) logger.warn({ downForMs: Date.now() - since, answered503: refused }, 'database available again');
      since = null;
      refused = 0;
      clearInterval(timer);
      timer = undefined;
    }, () => {}).finally(() => {
      probing = false;
    });
  }

  return {
    failed(error, request) {
      refused += 1;
      if (since !== null) return;
      const cause = error instanceof Error ? error.message : String(error);
      logger.error({ error: cause, code: (error as { code?: unknown } | null)?.code, ...requestFields(request) }, 'database unavailable: requests get 503 until it answers again');
      if (probe === undefined) return;
      since = Date.now();
      timer = setInterval(check, probeIntervalMs);
      timer.unref();
    },
    close() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}

/**
 * The one writer of error responses: the error's status, its headers (WWW-Authenticate,
 * Retry-After) and its body through the negotiated renderer. The error handler uses it,
 * and so do views' initial() hooks for their refusals (401, 403, 405, 406), which thus
 * skip Fastify's error path: a bad token costs no more than a good one.
 */
export function sendApiError(reply: FastifyReply, error: ApiError): FastifyReply {
  return reply.code(error.statusCode).headers(error.headers).sendApiBody(error.body);
}

export function registerErrorHandler(app: FastifyInstance, options: { bodyLimit: number; logger: FastifyBaseLogger; outages?: DatabaseOutageLog }): void {
  const outages = options.outages ?? databaseOutageLog(options.logger);
  app.setErrorHandler(function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
    const apiError = toApiError(error, options.bodyLimit, request);
    if (apiError.code === 'service_unavailable') {
      outages.failed(error, request);
    } else if (apiError.statusCode >= 500) {
      options.logger.error({ err: error, ...requestFields(request) }, 'unhandled error');
    }
    return sendApiError(reply, apiError);
  });
}
