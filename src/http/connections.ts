// The HTTP/1.1 server under Fastify, with limits a client cannot talk its way past
// (config.ts's ServerLimits, docs/deployment.md "Limits"):
//   - headers within HEADERS_TIMEOUT and the whole request, body included, within
//     REQUEST_TIMEOUT, else 408 and the connection is closed (Node's headersTimeout and
//     requestTimeout, checked every second instead of Node's every 30 s);
//   - an idle keep-alive connection closed after KEEP_ALIVE_TIMEOUT, and any connection
//     on which nothing moves either way for SOCKET_TIMEOUT (a client that stops reading);
//   - at most PIPELINE_DEPTH pipelined requests of one connection handled at once. Node
//     hands every request of a read to the server at once, and holds each response in
//     memory until those before it are sent: 1,000 pipelined list requests in one write
//     were 1,000 lists in memory. Past the depth the connection is not read from and its
//     further requests wait (a request object each, not a response), handled in turn as
//     earlier responses are sent.
// What one connection may buffer of a body is BODY_LIMIT (http/body.ts), at most one body
// at a time. gunicorn (the reference's sync worker) has no such answer: a slow client
// holds a worker until its 30 s timeout kills the worker, and gets no response at all.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ServerLimits } from '../config.js';

const PIPELINE = Symbol('tessera.pipeline');

interface Pipeline {
  /** Responses handed to the application and not yet sent, oldest first. */
  readonly inFlight: ServerResponse[];
  /** Requests parsed past the depth, waiting their turn. */
  readonly waiting: Array<[IncomingMessage, ServerResponse]>;
}

type PipelinedSocket = Socket & { [PIPELINE]?: Pipeline; _paused?: boolean };

type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

/** Drops sent (or abandoned) responses from the head: HTTP/1.1 sends them in order. */
function unsent(pipeline: Pipeline): number {
  const { inFlight } = pipeline;
  while (inFlight.length > 0 && (inFlight[0]!.writableFinished || inFlight[0]!.destroyed)) inFlight.shift();
  return inFlight.length;
}

/**
 * The request handler behind a depth gate. The common case (one request at a time on a
 * connection) costs an array push and a check: no listener is added to any response;
 * one is, on the oldest response, only while requests wait.
 */
export function pipelineGate(handler: RequestHandler, depth: number): RequestHandler {
  function admit(socket: PipelinedSocket, pipeline: Pipeline): void {
    while (pipeline.waiting.length > 0 && unsent(pipeline) < depth) {
      const [request, response] = pipeline.waiting.shift()!;
      if (socket.destroyed) continue;
      pipeline.inFlight.push(response);
      handler(request, response);
    }
    if (pipeline.waiting.length > 0 && !socket.destroyed) {
      pipeline.inFlight[0]!.once('close', () => admit(socket, pipeline));
    } else if (socket._paused !== true) {
      // Read again, unless Node paused the socket for its own reasons (its write buffer
      // is full: _http_server.js, parserOnIncoming); Node resumes it itself then.
      socket.resume();
    }
  }

  return function gatedRequest(request, response) {
    const socket = request.socket as PipelinedSocket;
    let pipeline = socket[PIPELINE];
    if (pipeline === undefined) {
      pipeline = { inFlight: [], waiting: [] };
      socket[PIPELINE] = pipeline;
    }
    if (pipeline.waiting.length === 0 && unsent(pipeline) < depth) {
      pipeline.inFlight.push(response);
      handler(request, response);
      return;
    }
    pipeline.waiting.push([request, response]);
    socket.pause();
    if (pipeline.waiting.length === 1) pipeline.inFlight[0]!.once('close', () => admit(socket, pipeline));
  };
}

const REQUEST_TIMEOUT_BODY = JSON.stringify({ detail: 'The request was not received in time.' });
const REQUEST_TIMEOUT_RESPONSE = [
  'HTTP/1.1 408 Request Timeout',
  'Content-Type: application/json',
  `Content-Length: ${Buffer.byteLength(REQUEST_TIMEOUT_BODY)}`,
  'Connection: close',
  '',
  REQUEST_TIMEOUT_BODY,
].join('\r\n');

/**
 * 408 with a DRF-style body for a request whose headers or body did not arrive in time.
 * It runs before Fastify's clientError handler (registered after it), which leaves a
 * destroyed socket alone and answers every other client error as before.
 */
function answerRequestTimeout(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code !== 'ERR_HTTP_REQUEST_TIMEOUT' || socket.destroyed) return;
  // As Node's own socketOnError: never write into a response already under way.
  const underway = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
  if (socket.writable && !underway) socket.write(REQUEST_TIMEOUT_RESPONSE);
  socket.destroy();
}

/** Fastify's serverFactory: Node's HTTP server with Tessera's limits. */
export function limitedServer(limits: ServerLimits): (handler: RequestHandler) => Server {
  return function createLimitedServer(handler) {
    const requestTimeout = limits.requestTimeoutMs;
    const server = createServer({
      // Node refuses a headers timeout longer than the request's.
      headersTimeout: Math.min(limits.headersTimeoutMs, requestTimeout),
      requestTimeout,
      connectionsCheckingInterval: Math.min(1000, requestTimeout),
    }, limits.pipelineDepth > 0 ? pipelineGate(handler, limits.pipelineDepth) : handler);
    server.keepAliveTimeout = limits.keepAliveTimeoutMs;
    server.setTimeout(limits.socketTimeoutMs);
    server.on('clientError', answerRequestTimeout);
    return server;
  };
}
