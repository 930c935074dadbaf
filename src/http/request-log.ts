// Request logging an operator can live with at full load: no log write per request.
//   - every 5xx is logged with its error by the error handler (errors.ts);
//   - a request slower than SLOW_REQUEST_MS is logged at warn;
//   - once a minute, one summary line: requests by status class and mean/max latency;
//   - at LOG_LEVEL=debug, one line per request as well.
// Counting costs a few additions per request; the summary timer does not keep the
// process alive.
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Bindings, ChildLoggerOptions } from 'pino';

const SLOW_REQUEST_MS = 1000;

export interface RequestLogOptions {
  readonly summaryIntervalMs?: number;
}

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

export const requestLogPlugin = fp(
  async function requestLog(app: FastifyInstance, options: RequestLogOptions) {
    const counts = [0, 0, 0, 0, 0, 0];
    let totalMs = 0;
    let maxMs = 0;
    const perRequest = app.log.level === 'debug' || app.log.level === 'trace';

    app.setChildLoggerFactory(function lazyRequestLogger(logger, bindings, childOptions) {
      return new LazyChildLogger(logger, bindings, childOptions) as unknown as FastifyBaseLogger;
    });

    app.addHook('onResponse', function countResponse(request: FastifyRequest, reply: FastifyReply, done: () => void) {
      const elapsed = reply.elapsedTime;
      const statusClass = Math.floor(reply.statusCode / 100);
      counts[statusClass < 6 ? statusClass : 0]!++;
      totalMs += elapsed;
      if (elapsed > maxMs) maxMs = elapsed;
      if (perRequest) {
        request.log.debug({ method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(elapsed) }, 'request');
      } else if (elapsed > SLOW_REQUEST_MS) {
        request.log.warn({ method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(elapsed) }, 'slow request');
      }
      done();
    });

    function summarize(): void {
      const total = counts.reduce((sum, count) => sum + count, 0);
      if (total === 0) return;
      app.log.info({
        requests: total,
        '2xx': counts[2], '3xx': counts[3], '4xx': counts[4], '5xx': counts[5],
        mean_ms: Number((totalMs / total).toFixed(2)),
        max_ms: Math.round(maxMs),
      }, 'requests in the last interval');
      counts.fill(0);
      totalMs = 0;
      maxMs = 0;
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
