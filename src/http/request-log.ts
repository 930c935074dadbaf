// Request logging an operator can live with at full load: no log write per request.
//   - every 5xx is logged with its error by the error handler (errors.ts);
//   - a request slower than SLOW_REQUEST_MS is logged at warn;
//   - once a minute, one summary line: requests by status class and mean/max latency;
//   - at LOG_LEVEL=debug, one line per request as well.
//
// Fastify itself runs without a logger (app.ts): with one, it makes a child logger for
// every request and puts 'finish' and 'error' listeners on every response, which cost
// more than the rest of Tessera's own per-request work. Tessera's code logs to the app's
// logger directly; Fastify's own error lines (a stream that fails mid-response, a
// serializer or writeHead failure) still reach it through RequestLog, Fastify's
// LogController. Responses are counted in one onSend hook, timed from the request's
// first hook (Django's middleware, http/middleware.ts) to the moment its body is handed
// to Node: the server's own latency, whatever the client's download speed. The summary
// timer does not keep the process alive.
import {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import fp from 'fastify-plugin';

const SLOW_REQUEST_MS = 1000;

declare module 'fastify' {
  interface FastifyRequest {
    /** performance.now() when Tessera's first hook saw the request (0: never, e.g. a malformed URL). */
    receivedAt: number;
  }
}

/**
 * Fastify's log lines about requests, written to Tessera's logger: the errors an
 * operator needs, none of the per-request chatter (incoming, completed, not found).
 */
export class RequestLog extends LogController {
  constructor(private readonly logger: FastifyBaseLogger) {
    super({ disableRequestLogging: true });
  }

  override incomingRequest(): void {}

  override requestCompleted(): void {}

  override routeNotFound(): void {}

  override defaultErrorLog(error: Error, request: FastifyRequest, reply: FastifyReply): void {
    if (reply.statusCode >= 500) this.logger.error({ err: error, ...requestFields(request) }, error.message);
  }

  override streamError(error: Error, request: FastifyRequest): void {
    this.logger.warn({ err: error, ...requestFields(request) }, 'response stream failed');
  }

  override writeHeadError(error: Error, request: FastifyRequest): void {
    this.logger.warn({ err: error, ...requestFields(request) }, 'could not write the response headers');
  }

  override serializerError(error: Error, request: FastifyRequest, _reply: FastifyReply, metadata: { statusCode: number }): void {
    this.logger.error({ err: error, ...requestFields(request), status: metadata.statusCode }, 'could not serialize the response');
  }

  override serviceUnavailable(): void {
    this.logger.info('request refused with 503: the server is shutting down');
  }
}

/** What a log line says about a request. */
export function requestFields(request: FastifyRequest): { reqId: string; method: string; url: string } {
  return { reqId: request.id, method: request.method, url: request.url };
}

export interface RequestLogOptions {
  readonly logger: FastifyBaseLogger;
  readonly summaryIntervalMs?: number;
}

export const requestLogPlugin = fp(
  async function requestLog(app: FastifyInstance, options: RequestLogOptions) {
    const { logger } = options;
    const perRequest = logger.level === 'debug' || logger.level === 'trace';
    const counts = [0, 0, 0, 0, 0, 0];
    let totalMs = 0;
    let maxMs = 0;

    app.decorateRequest('receivedAt', 0);
    app.addHook('onSend', function countResponse(request, reply, payload, done) {
      const elapsed = request.receivedAt === 0 ? 0 : performance.now() - request.receivedAt;
      const statusClass = Math.floor(reply.statusCode / 100);
      counts[statusClass < 6 ? statusClass : 0]!++;
      totalMs += elapsed;
      if (elapsed > maxMs) maxMs = elapsed;
      if (perRequest) {
        logger.debug({ ...requestFields(request), status: reply.statusCode, ms: Math.round(elapsed) }, 'request');
      } else if (elapsed > SLOW_REQUEST_MS && reply.statusCode !== 503) {
        // (A 503 waited for a database that is down: errors.ts logs the outage once.)
        logger.warn({ ...requestFields(request), status: reply.statusCode, ms: Math.round(elapsed) }, 'slow request');
      }
      done(null, payload);
    });

    function summarize(): void {
      const total = counts.reduce((sum, count) => sum + count, 0);
      if (total === 0) return;
      logger.info({
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
