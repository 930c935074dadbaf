// Throttles shared by the workers of one machine (WORKERS=N without REDIS_URL): the login
// throttle and the accounts' e-mail throttle. The counters live in the primary process (one
// memoryLoginThrottle per throttle, so one reservation is still one atomic step), and each
// worker asks it over the cluster's IPC channel, on a channel named after the throttle.
// Without this, N workers would each allow LOGIN_FAILURES_ALLOWED guesses per window.
//
// If the primary does not answer within IPC_TIMEOUT_MS (3 s) (it is busy starting a worker, or
// going away), the worker reserves in a local throttle with the same limits: guessing stays
// limited and a correct password still logs in (the policy of throttle.ts for Redis).
import cluster, { type Worker } from 'node:cluster';
import { memoryLoginThrottle, type LoginThrottle, type Reservation, type ThrottleLimits } from './throttle.js';

const IPC_TIMEOUT_MS = 3000;

/** The throttles the primary keeps for its workers. */
export type SharedThrottleName = 'login' | 'accounts';

function channelOf(name: SharedThrottleName): string {
  return `tessera:throttle:${name}`;
}

interface ReserveMessage {
  readonly channel: string;
  readonly op: 'reserve';
  readonly id: number;
  readonly keys: readonly string[];
}

interface SucceededMessage {
  readonly channel: string;
  readonly op: 'succeeded';
  readonly id: number;
}

/** The admin's look-up ('wait', answered) and clearing ('clear', not answered). */
interface InspectMessage {
  readonly channel: string;
  readonly op: 'wait' | 'clear';
  readonly id: number;
  readonly keys: readonly string[];
}

interface AnswerMessage {
  readonly channel: string;
  readonly op: 'answer';
  readonly id: number;
  readonly wait: number;
}

type ThrottleMessage = ReserveMessage | SucceededMessage | InspectMessage | AnswerMessage;

function isThrottleMessage(message: unknown, channel: string): message is ThrottleMessage {
  return typeof message === 'object' && message !== null && (message as { channel?: unknown }).channel === channel;
}

/**
 * In the primary: keeps the counters and answers the workers. A reservation that no
 * `succeeded` follows (a failed login) is forgotten after the throttle's window.
 */
export function serveThrottleToWorkers(name: SharedThrottleName, limits: ThrottleLimits): void {
  const channel = channelOf(name);
  const throttle = memoryLoginThrottle(limits);
  const pending = new Map<string, { reservation: Reservation; at: number }>();
  const sweeper = setInterval(() => {
    const oldest = Date.now() - limits.windowSeconds * 1000;
    for (const [key, entry] of pending) if (entry.at < oldest) pending.delete(key);
  }, 60_000);
  sweeper.unref();

  cluster.on('message', (worker: Worker, message: unknown) => {
    if (!isThrottleMessage(message, channel)) return;
    const key = `${worker.id}:${message.id}`;
    if (message.op === 'reserve') {
      void throttle.reserve(message.keys).then((reservation) => {
        if (reservation.wait === 0) pending.set(key, { reservation, at: Date.now() });
        if (worker.isConnected()) worker.send({ channel, op: 'answer', id: message.id, wait: reservation.wait } satisfies AnswerMessage);
      });
    } else if (message.op === 'wait') {
      void throttle.wait(message.keys).then((wait) => {
        if (worker.isConnected()) worker.send({ channel, op: 'answer', id: message.id, wait } satisfies AnswerMessage);
      });
    } else if (message.op === 'clear') {
      for (const key of message.keys) void throttle.clear(key);
    } else if (message.op === 'succeeded') {
      const entry = pending.get(key);
      pending.delete(key);
      void entry?.reservation.succeeded();
    }
  });
}

/** In a worker: the primary's counters, or a local throttle while the primary does not answer. */
export function clusterThrottle(name: SharedThrottleName, limits: ThrottleLimits): LoginThrottle {
  const channel = channelOf(name);
  const local = memoryLoginThrottle(limits);
  const waiting = new Map<number, (wait: number | null) => void>();
  let nextId = 1;
  function onMessage(message: unknown): void {
    if (!isThrottleMessage(message, channel) || message.op !== 'answer') return;
    waiting.get(message.id)?.(message.wait);
  }
  process.on('message', onMessage);

  function ask(id: number, keys: readonly string[], op: 'reserve' | 'wait' = 'reserve'): Promise<number | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle(null), IPC_TIMEOUT_MS);
      function settle(wait: number | null): void {
        clearTimeout(timer);
        waiting.delete(id);
        resolve(wait);
      }
      waiting.set(id, settle);
      process.send!({ channel, op, id, keys } satisfies ReserveMessage | InspectMessage, undefined, undefined, (error) => {
        if (error !== null) settle(null);
      });
    });
  }

  return {
    async reserve(keys) {
      const id = nextId++;
      const wait = await ask(id, keys);
      if (wait === null) return local.reserve(keys);
      return {
        wait,
        async succeeded() {
          if (wait === 0 && process.connected) process.send!({ channel, op: 'succeeded', id } satisfies SucceededMessage);
        },
      };
    },
    async wait(keys) {
      const wait = await ask(nextId++, keys, 'wait');
      return Math.max(wait ?? 0, await local.wait(keys));
    },
    async clear(key) {
      await local.clear(key);
      if (process.connected) process.send!({ channel, op: 'clear', id: nextId++, keys: [key] } satisfies InspectMessage);
    },
    async close() {
      process.off('message', onMessage);
      await local.close();
    },
  };
}
