// The baseline Tessera is measured against: bare node:http and the database driver, doing
// the work an authenticated product read cannot do without, and nothing else:
//   parse `Authorization: Token <key>`, SHA-256 the key, one prepared statement joining
//   tessera_token to auth_user by key_digest (is_active checked), one prepared statement
//   reading the product (or the list), JSON.stringify, one write; on SQLite without a
//   promise, headers made once.
// Same database, same seeded rows, the same answer as Tessera: status, body (created_at in
// DRF's format, DRF's error bodies for a bad or missing token) and headers. The headers
// are the ones a DRF client gets from Django (X-Frame-Options, X-Content-Type-Options,
// Referrer-Policy, Vary) and DRF (Allow, WWW-Authenticate); run.mjs checks that both
// servers answer alike before it measures. Each costs Node's HTTP layer real work (its
// name and value are validated and serialized per response), so a baseline without
// them would compare Tessera with a server that gives a different answer;
// BASELINE_HEADERS=minimal sends only Content-Type and Content-Length (run.mjs reports
// it beside the others, for the record). On SQLite the two statements are two autocommit
// read transactions, as the issue states the baseline; BASELINE_READS=one-transaction
// runs them in one, as Tessera does (db/connect.ts, Db.readScope), also for the record.
//
// Environment: DATABASE_URL (a SQLite path or postgres://…), HOST, PORT, BASELINE_HEADERS,
// BASELINE_READS.
// Prints "baseline listening on <port>" once it serves.
import { hash } from 'node:crypto';
import { createServer } from 'node:http';

const url = process.env.DATABASE_URL ?? '';
const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 0);
const minimalHeaders = process.env.BASELINE_HEADERS === 'minimal';
const oneTransaction = process.env.BASELINE_READS === 'one-transaction';
/** Runs a request's synchronous part (SQLite: in one read transaction when oneTransaction). */
let inReadScope = (work) => work();

// Tessera's own statement (auth/schemes.ts). On SQLite the digest is compared as `+?`, as
// Tessera does (Db.planStableValue in db/connect.ts): the seeded database is ANALYZEd, and
// with a plain `?` SQLite (built with STAT4) would re-plan the statement on every request.
const TOKEN_USER_SQL = `select auth_user.id, auth_user.username, auth_user.is_active, auth_user.is_staff, auth_user.is_superuser
  from tessera_token inner join auth_user on auth_user.id = tessera_token.user_id where tessera_token.key_digest = $1`;
const PRODUCT_SQL = 'select id, name, description, price, created_at from product where id = $1';
const PRODUCTS_SQL = 'select id, name, description, price, created_at from product order by id';

/** @type {{ tokenUser(digest: string): any, product(id: number): any, products(): any[] }} (promises on PostgreSQL) */
let db;
if (/^postgres(ql)?:\/\//.test(url)) {
  const { default: pg } = await import('pg');
  // The same pool size and type parsing as Tessera's (db/connect.ts): int8 as number,
  // timestamps as text.
  const types = {
    getTypeParser(oid, format) {
      if (oid === 20) return (value) => Number(value);
      if (oid === 1114 || oid === 1184 || oid === 1082) return (value) => value;
      return pg.types.getTypeParser(oid, format);
    },
  };
  const pool = new pg.Pool({ connectionString: url, max: 10, options: '-c TimeZone=UTC', types });
  pool.on('error', () => {});
  db = {
    async tokenUser(digest) {
      return (await pool.query({ name: 'baseline_token_user', text: TOKEN_USER_SQL, values: [digest] })).rows[0];
    },
    async product(id) {
      return (await pool.query({ name: 'baseline_product', text: PRODUCT_SQL, values: [id] })).rows[0];
    },
    async products() {
      return (await pool.query({ name: 'baseline_products', text: PRODUCTS_SQL })).rows;
    },
  };
} else {
  const { default: SQLite } = await import('better-sqlite3');
  const sqlite = new SQLite(url);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  // The same memory map as Tessera's (SQLITE_MMAP_SIZE, MiB; run.mjs passes Tessera's setting).
  const mmapMib = Number(process.env.SQLITE_MMAP_SIZE ?? 0);
  if (mmapMib > 0) sqlite.pragma(`mmap_size = ${mmapMib * 1024 * 1024}`);
  const tokenUser = sqlite.prepare(TOKEN_USER_SQL.replace('$1', '+?'));
  const product = sqlite.prepare(PRODUCT_SQL.replace('$1', '?'));
  const products = sqlite.prepare(PRODUCTS_SQL);
  db = {
    tokenUser: (digest) => tokenUser.get(digest),
    product: (id) => product.get(id),
    products: () => products.all(),
  };
  if (oneTransaction) {
    const begin = sqlite.prepare('BEGIN');
    const commit = sqlite.prepare('COMMIT');
    inReadScope = (work) => {
      begin.run();
      try {
        work();
      } finally {
        commit.run();
      }
    };
  }
}

function apiDateTime(stored) {
  // "2026-01-01 00:00:01.000000" (either database) -> "2026-01-01T00:00:01Z" as DRF writes it.
  const date = stored.slice(0, 10);
  const time = stored.slice(11, 19);
  const micro = stored.length > 20 ? stored.slice(20, 26).padEnd(6, '0') : '000000';
  return micro === '000000' ? `${date}T${time}Z` : `${date}T${time}.${micro}Z`;
}

function toProduct(row) {
  return { id: row.id, name: row.name, description: row.description, price: row.price, created_at: apiDateTime(row.created_at) };
}

// Django's and DRF's headers on every API response, as Tessera sends them. One header
// object per kind of answer, made once; only Content-Length is set per response (Node
// copies the headers into the response's head in writeHead, so reusing the object is safe).
const LIST_ALLOW = 'GET, POST, HEAD, OPTIONS';
const DETAIL_ALLOW = 'GET, PUT, PATCH, DELETE, HEAD, OPTIONS';

function headersFor(allow, challenge) {
  const headers = minimalHeaders
    ? {}
    : { 'x-content-type-options': 'nosniff', 'referrer-policy': 'same-origin', vary: 'Accept, Origin', 'x-frame-options': 'DENY', allow };
  if (challenge) headers['www-authenticate'] = 'Token';
  headers['content-type'] = 'application/json';
  headers['content-length'] = '0';
  return headers;
}

const HEADERS = {
  list: headersFor(LIST_ALLOW, false),
  listChallenge: headersFor(LIST_ALLOW, true),
  detail: headersFor(DETAIL_ALLOW, false),
  detailChallenge: headersFor(DETAIL_ALLOW, true),
};

function send(res, status, text, headers) {
  headers['content-length'] = String(Buffer.byteLength(text));
  res.writeHead(status, headers);
  res.end(text);
}

// The usual header, "Token <printable ASCII>"; anything else is split as DRF splits it.
const PLAIN_TOKEN_HEADER = /^[Tt][Oo][Kk][Ee][Nn] ([\x21-\x7e]+)$/;

function keyOf(header) {
  if (header === undefined) return null;
  const plain = PLAIN_TOKEN_HEADER.exec(header);
  if (plain !== null) return plain[1];
  const parts = header.split(/[ \t\n\r\v\f]+/).filter((part) => part !== '');
  return parts.length === 2 && parts[0].toLowerCase() === 'token' ? parts[1] : null;
}

const NOT_PROVIDED = JSON.stringify({ detail: 'Authentication credentials were not provided.' });
const INVALID = JSON.stringify({ detail: 'Invalid token.' });
const INACTIVE = JSON.stringify({ detail: 'User inactive or deleted.' });
const NOT_FOUND = JSON.stringify({ detail: 'Not found.' });
const DETAIL_PATH = /^\/api\/products\/(\d+)\/$/;

/** The access check: the user, or false when a 401 has been sent. */
function authenticated(res, user, list) {
  if (user === undefined || !user.is_active) {
    send(res, 401, user === undefined ? INVALID : INACTIVE, list ? HEADERS.listChallenge : HEADERS.detailChallenge);
    return false;
  }
  return true;
}

function answer(res, list, rows) {
  if (list) send(res, 200, JSON.stringify(rows.map(toProduct)), HEADERS.list);
  else if (rows === undefined) send(res, 404, NOT_FOUND, HEADERS.detail);
  else send(res, 200, JSON.stringify(toProduct(rows)), HEADERS.detail);
}

// One handler for both drivers: SQLite answers at once (no promise, as in Tessera),
// PostgreSQL with promises.
function handle(req, res) {
  const path = req.url;
  const list = path === '/api/products/';
  const key = keyOf(req.headers.authorization);
  if (key === null) {
    send(res, 401, NOT_PROVIDED, list ? HEADERS.listChallenge : HEADERS.detailChallenge);
    return;
  }
  const match = list ? null : DETAIL_PATH.exec(path);
  const read = () => (list ? db.products() : match === null ? undefined : db.product(Number(match[1])));
  const user = db.tokenUser(hash('sha256', key, 'hex'));
  if (user instanceof Promise) {
    user.then((found) => {
      if (!authenticated(res, found, list)) return undefined;
      return Promise.resolve(read()).then((rows) => answer(res, list, rows));
    }).catch((error) => fail(res, error));
    return;
  }
  if (authenticated(res, user, list)) answer(res, list, read());
}

function fail(res, error) {
  res.statusCode = 500;
  res.end(String(error));
}

const server = createServer((req, res) => {
  try {
    inReadScope(() => handle(req, res));
  } catch (error) {
    fail(res, error);
  }
});
// Fastify's keep-alive timeout, so that even Keep-Alive reads the same as Tessera's.
server.keepAliveTimeout = 72_000;
server.listen(port, host, () => {
  process.stdout.write(`baseline listening on ${server.address().port}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
process.once('SIGINT', () => server.close(() => process.exit(0)));
