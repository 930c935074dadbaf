// Request logging an operator can live with at full load: no log write per request.
//   - every 5xx is logged with its error by the error handler (errors.ts);
//   - a request slower than SLOW_REQUEST_MS is logged at warn;
//   - once a minute, one summary line: requests by status class and mean/max latency;
//   - at LOG_LEVEL=debug, one line per request as well.
// The counting lives in Fastify's LogController (RequestLog.requestCompleted), which
// Fastify calls once per response whenever a logger is configured: no onResponse hook,
// so no extra hook run per request. Counting costs a few additions; the summary timer
// does not keep the process alive.
import { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Bindings, ChildLoggerOptions } from 'pino';

const SLOW_REQUEST_MS = 1000;


/**
 * A request's logger (request.log, reply.log), made on first use. Fastify makes a pino
 * child with the request id for every request; most requests log nothing, so the child
 * is made only when a line is written. The lines are the same as the child's.
 */
class LazyChildLogger {
  #child: FastifyBaseLogger | null = null;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  logger(): FastifyBaseLogger {
    return (this.#child ??= this.parent.child(this.bindings, this.options));
  }

  get level(): string {
    return this.logger().level;
  }

  set level(level: string) {
    this.logger().level = level;
  }

  declare fatal: LogMethod;
  declare error: LogMethod;
  declare warn: LogMethod;
  declare info: LogMethod;
  declare debug: LogMethod;
  declare trace: LogMethod;
  declare silent: LogMethod;

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.logger().child(bindings, options);
  }
}

type LogMethod = (...args: unknown[]) => void;

// Each level method makes the child on first use and forwards to it.
for (const level of ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const) {
  Object.defineProperty(LazyChildLogger.prototype, level, {
    value: function logAtLevel(this: LazyChildLogger, ...args: unknown[]): void {
      (this.logger()[level] as LogMethod)(...args);
    },
  });
}

/**
 * Fastify's per-request log lines (incoming, completed) replaced by counters: pass one to
 * Fastify as `logController`, then register requestLogPlugin with it, which writes the
 * summaries. Fastify's other request logs stay off (disableRequestLogging).
 */
export class RequestLog extends LogController {
  readonly #counts = [0, 0, 0, 0, 0, 0];
  #totalMs = 0;
  #maxMs = 0;
  /** One debug line per request (LOG_LEVEL=debug or trace); set by requestLogPlugin. */
  perRequest = false;

  constructor() {
    super({ disableRequestLogging: true });
  }

  override incomingRequest(): void {}

  override requestCompleted(_error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const elapsed = reply.elapsedTime;
    const statusClass = Math.floor(reply.statusCode / 100);
    this.#counts[statusClass < 6 ? statusClass : 0]!++;
    this.#totalMs += elapsed;
    if (elapsed > this.#maxMs) this.#maxMs = elapsed;
    if (this.perRequest) {
      request.log.debug({ method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(elapsed) }, 'request');
    } else if (elapsed > SLOW_REQUEST_MS) {
      request.log.warn({ method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(elapsed) }, 'slow request');
    }
  }

  /** The counts since the last summary (null when there were no requests), and a fresh start. */
  takeSummary(): Record<string, number> | null {
    const counts = this.#counts;
    const total = counts.reduce((sum, count) => sum + count, 0);
    if (total === 0) return null;
    const summary = {
      requests: total,
      '2xx': counts[2]!, '3xx': counts[3]!, '4xx': counts[4]!, '5xx': counts[5]!,
      mean_ms: Number((this.#totalMs / total).toFixed(2)),
      max_ms: Math.round(this.#maxMs),
    };
    counts.fill(0);
    this.#totalMs = 0;
    this.#maxMs = 0;
    return summary;
  }
}

export interface RequestLogOptions {
  /** The controller given to Fastify as `logController`. */
  readonly requestLog: RequestLog;
  readonly summaryIntervalMs?: number;
}

export const requestLogPlugin = fp(
  async function requestLog(app: FastifyInstance, options: RequestLogOptions) {
    const { requestLog: counters } = options;
    counters.perRequest = app.log.level === 'debug' || app.log.level === 'trace';

    app.setChildLoggerFactory(function lazyRequestLogger(logger, bindings, childOptions) {
      return new LazyChildLogger(logger, bindings, childOptions) as unknown as FastifyBaseLogger;
    });

    function summarize(): void {
      const summary = counters.takeSummary();
      if (summary !== null) app.log.info(summary, 'requests in the last interval');
    }

    const timer = setInterval(summarize, options.summaryIntervalMs ?? 60_000);
    timer.unref();
    app.addHook('onClose', async () => {
      clearInterval(timer);
      summarize();
    });
  },
  { name: 'tessera-request-log' },
);
