// The e-mail outbox against a real SMTP server (smtp-server, listening on 127.0.0.1 for
// the test): delivery with AUTH, a temporary refusal retried, a permanent one kept,
// STARTTLS attempted whenever offered, and a sign-up that succeeds while no mail server
// answers, its e-mail kept for later.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { createOutbox, smtpTransport, type Outbox } from '../../src/accounts/outbox.js';
import { nowTimestamp } from '../../src/db/timestamps.js';
import { createTestApp, testConfig, type TestApp } from '../helpers/app.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../helpers/database.js';
import { freePort } from '../helpers/server.js';

interface Received {
  readonly from: string;
  readonly to: string[];
  readonly user: string | undefined;
  readonly message: string;
}

async function smtpServer(options: Partial<SMTPServerOptions> & { refuse?: () => { code: number; text: string } | null } = {}): Promise<{ port: number; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const { refuse, ...serverOptions } = options;
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === 'mailer' && auth.password === 's3cret') callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const refusal = refuse?.() ?? null;
        if (refusal !== null) {
          callback(Object.assign(new Error(refusal.text), { responseCode: refusal.code }));
          return;
        }
        received.push({
          from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((address) => address.address),
          user: session.user as string | undefined,
          message: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
    ...serverOptions,
  });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  return {
    port: (server.server.address() as AddressInfo).port,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const MAIL = { from: 'webmaster@localhost', to: 'ann@example.com', subject: 'Account activation on Tessera', text: 'Go to http://x/activate/MQ/t', html: '<p>Go</p>' };

describe.each(DIALECTS)('the e-mail outbox on %s', (dialect) => {
  let database: TestDatabase | undefined;
  let outbox: Outbox | undefined;
  let server: Awaited<ReturnType<typeof smtpServer>> | undefined;
  let app: TestApp | undefined;

  afterEach(async () => {
    await outbox?.close();
    await database?.drop();
    await server?.close();
    await app?.close();
    outbox = database = server = app = undefined;
  });

  async function rows() {
    return database!.db.kysely.selectFrom('tessera_email_outbox').selectAll().execute();
  }

  async function send(url: string): Promise<void> {
    database = await createTestDatabase(dialect);
    outbox = createOutbox({ db: database.db.kysely, transport: smtpTransport(url, { timeoutMs: 5000 }), logger: pino({ level: 'silent' }) });
    await outbox.enqueue(database.db.kysely, MAIL);
    outbox.kick();
    await outbox.idle();
  }

  it('delivers over SMTP with AUTH and deletes the row', async () => {
    server = await smtpServer();
    await send(`smtp://mailer:s3cret@127.0.0.1:${server.port}`);
    expect(server.received).toHaveLength(1);
    const [mail] = server.received;
    expect([mail!.from, mail!.to, mail!.user]).toEqual(['webmaster@localhost', ['ann@example.com'], 'mailer']);
    expect(mail!.message).toMatch(/^Subject: Account activation on Tessera\r?$/m);
    expect(mail!.message).toContain('http://x/activate/MQ/t');
    expect(await rows()).toEqual([]);
  });

  it('keeps a message the server refuses for now, and sends it on the next attempt', async () => {
    let refusals = 1;
    server = await smtpServer({ refuse: () => (refusals-- > 0 ? { code: 451, text: 'Try again later' } : null) });
    await send(`smtp://mailer:s3cret@127.0.0.1:${server.port}`);
    const [row] = await rows();
    expect(row!.attempts).toBe(1);
    expect(row!.last_error).toContain('Try again later');
    expect(row!.next_attempt! > nowTimestamp()).toBe(true);
    // The retry is due (as if its delay had passed).
    await database!.db.kysely.updateTable('tessera_email_outbox').set({ next_attempt: nowTimestamp() }).execute();
    outbox!.kick();
    await outbox!.idle();
    expect(server.received).toHaveLength(1);
    expect(await rows()).toEqual([]);
  });

  it('gives up on a permanent refusal but keeps the message for the operator', async () => {
    server = await smtpServer({ refuse: () => ({ code: 550, text: 'No such mailbox' }) });
    await send(`smtp://mailer:s3cret@127.0.0.1:${server.port}`);
    const [row] = await rows();
    expect([row!.attempts, row!.next_attempt]).toEqual([1, null]);
    expect(row!.last_error).toContain('No such mailbox');
  });

  it('upgrades with STARTTLS when the server offers it (and refuses a certificate it cannot verify)', async () => {
    server = await smtpServer({ disabledCommands: [] }); // smtp-server's own self-signed certificate
    await send(`smtp://mailer:s3cret@127.0.0.1:${server.port}`);
    expect(server.received).toEqual([]);
    const [row] = await rows();
    expect(row!.last_error).toMatch(/certificate/i);
  });

  it('answers a sign-up at once while no mail server answers; the e-mail waits in the outbox', async () => {
    const closedPort = await freePort();
    app = await createTestApp(dialect, {
      config: { accounts: { ...testConfig().accounts, emailUrl: `smtp://127.0.0.1:${closedPort}`, requestsAllowed: 1000 } },
    });
    const response = await app.inject({ method: 'POST', url: '/auth/users/', payload: { username: 'ann', password: 'Sturdy-Pass-42', email: 'ann@example.com' } });
    expect(response.statusCode).toBe(201);
    const kysely = app.database.db.kysely;
    expect(await kysely.selectFrom('auth_user').select('username').execute()).toEqual([{ username: 'ann' }]);
    let row;
    for (let attempt = 0; attempt < 100 && !row?.last_error; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      [row] = await kysely.selectFrom('tessera_email_outbox').selectAll().execute();
    }
    expect(row!.recipient).toBe('ann@example.com');
    expect(row!.last_error).toMatch(/ECONNREFUSED/);
    expect(row!.message).toMatch(/\/activate\/[A-Za-z0-9_-]+\/[0-9a-z]+-[0-9a-f]{32}/);
  });
});
