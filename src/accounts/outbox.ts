// The e-mail outbox: a small durable queue in the database (tessera_email_outbox).
//
// - enqueue() writes the whole message as a row, in the caller's transaction, so a sign-up
//   and its activation e-mail are committed together; the request never waits for a mail
//   server.
// - A delivery loop in the process sends due rows (right after an enqueue, and every
//   `pollMs` for retries and for rows an earlier process left), deletes each one sent, and
//   on failure logs it and schedules the next attempt with a growing delay (up to an hour).
//   A permanent refusal (an SMTP 5xx) is kept with next_attempt null for the operator.
// - Several processes may share a database: a row is claimed (next_attempt moved ahead)
//   before it is sent, so only one of them sends it.
//
// Delivery goes through a Transport: SMTP via nodemailer (EMAIL_URL), or, by default, one
// .eml file per message in a folder (EMAIL_OUTBOX), written whole and then renamed into
// place, so a reader never sees half a message.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { Database } from '../db/database.js';
import { nowTimestamp, toStoredTimestamp } from '../db/timestamps.js';

export interface OutgoingMail {
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export interface Transport {
  /** Delivers one RFC 5322 message; throws on failure. */
  deliver(message: QueuedMessage): Promise<void>;
  close(): void;
}

export interface QueuedMessage {
  readonly id: number;
  readonly recipient: string;
  readonly message: string;
}

/** An error a retry cannot fix (the server refused the message for good). */
function isPermanent(error: unknown): boolean {
  const code = (error as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/** The message as it travels: headers and a text and an HTML part, 7bit or quoted-printable. */
export async function composeMail(mail: OutgoingMail): Promise<string> {
  const composer = new MailComposer({
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    date: new Date(),
    textEncoding: 'quoted-printable',
  });
  const built: Buffer = await composer.compile().build();
  return built.toString('utf8');
}

/** One .eml file per message under `folder` (created when missing). */
export function fileTransport(folder: string): Transport {
  const partial = join(folder, '.partial');
  return {
    async deliver(message) {
      mkdirSync(partial, { recursive: true });
      const name = `${toStoredTimestamp(new Date()).replace(/[-: .]/g, '')}-${message.id}.eml`;
      const temporary = join(partial, name);
      writeFileSync(temporary, message.message, { mode: 0o600 });
      renameSync(temporary, join(folder, name));
    },
    close() {},
  };
}

/**
 * SMTP through nodemailer: smtp://user:pass@host:port (STARTTLS whenever the server offers
 * it), smtps:// for TLS from the first byte. The URL was checked by config.ts.
 */
export function smtpTransport(url: string, options: { timeoutMs?: number } = {}): Transport {
  const parsed = new URL(url);
  const secure = parsed.protocol === 'smtps:';
  const timeout = options.timeoutMs ?? 30_000;
  const user = decodeURIComponent(parsed.username);
  const transporter = nodemailer.createTransport({
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port === '' ? (secure ? 465 : 25) : Number(parsed.port),
    secure,
    ...(user === '' ? {} : { auth: { user, pass: decodeURIComponent(parsed.password) } }),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  return {
    async deliver(message) {
      const from = /^From: (?:.*<)?([^\s<>]+@[^\s<>]+)>?\s*$/m.exec(message.message)?.[1] ?? 'webmaster@localhost';
      await transporter.sendMail({ envelope: { from, to: [message.recipient] }, raw: message.message });
    },
    close() {
      transporter.close();
    },
  };
}

export interface OutboxOptions {
  readonly db: Kysely<Database>;
  readonly transport: Transport;
  readonly logger: FastifyBaseLogger;
  /** How often due retries are looked for (default 30 s). */
  readonly pollMs?: number;
}

export interface Outbox {
  /** Queues a message in `db` (the caller's transaction); call kick() once it is committed. */
  enqueue(db: Kysely<Database>, mail: OutgoingMail): Promise<void>;
  /** Starts a delivery round soon (it never runs two at once). */
  kick(): void;
  /** Resolves when no delivery round is running (tests, shutdown). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

const CLAIM_MS = 5 * 60_000;
const MAX_DELAY_MS = 3_600_000;
const BATCH = 20;

function retryDelayMs(attempts: number): number {
  return Math.min(MAX_DELAY_MS, 5_000 * 2 ** Math.min(attempts - 1, 20));
}

function later(ms: number): string {
  return toStoredTimestamp(new Date(Date.now() + ms));
}

export function createOutbox(options: OutboxOptions): Outbox {
  const { db, transport, logger } = options;
  let running: Promise<void> | null = null;
  let again = false;
  let closed = false;
  const timer = setInterval(() => outbox.kick(), options.pollMs ?? 30_000);
  timer.unref();

  async function deliverOne(row: { id: number; recipient: string; message: string; attempts: number; next_attempt: string | null }): Promise<void> {
    // Claim: move next_attempt ahead; another process that read the same row loses here.
    const claimed = await db
      .updateTable('tessera_email_outbox')
      .set({ next_attempt: later(CLAIM_MS) })
      .where('id', '=', row.id)
      .where('next_attempt', '=', row.next_attempt)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) return;
    try {
      await transport.deliver(row);
      await db.deleteFrom('tessera_email_outbox').where('id', '=', row.id).execute();
    } catch (error) {
      const attempts = row.attempts + 1;
      const permanent = isPermanent(error);
      const message = error instanceof Error ? error.message : String(error);
      await db
        .updateTable('tessera_email_outbox')
        .set({ attempts, last_error: message.slice(0, 2000), next_attempt: permanent ? null : later(retryDelayMs(attempts)) })
        .where('id', '=', row.id)
        .execute();
      logger.error({ err: error, emailId: row.id, to: row.recipient, attempts, willRetry: !permanent }, 'could not send an e-mail');
    }
  }

  async function round(): Promise<void> {
    do {
      again = false;
      const due = await db
        .selectFrom('tessera_email_outbox')
        .select(['id', 'recipient', 'message', 'attempts', 'next_attempt'])
        .where('next_attempt', '<=', nowTimestamp())
        .orderBy('id')
        .limit(BATCH)
        .execute();
      for (const row of due) {
        if (closed) return;
        await deliverOne(row);
      }
      if (due.length === BATCH) again = true;
    } while (again && !closed);
  }

  const outbox: Outbox = {
    async enqueue(trx, mail) {
      const message = await composeMail(mail);
      const created = nowTimestamp();
      await trx
        .insertInto('tessera_email_outbox')
        .values({ created, recipient: mail.to, subject: mail.subject, message, attempts: 0, next_attempt: created, last_error: null })
        .execute();
    },
    kick() {
      if (closed) return;
      if (running !== null) {
        again = true;
        return;
      }
      running = round()
        .catch((error: unknown) => logger.error({ err: error }, 'the e-mail outbox could not be read'))
        .finally(() => {
          running = null;
          // A kick that came as the round was ending.
          if (again && !closed) outbox.kick();
        });
    },
    async idle() {
      while (running !== null) await running;
    },
    async close() {
      closed = true;
      clearInterval(timer);
      await outbox.idle();
      transport.close();
    },
  };
  return outbox;
}
